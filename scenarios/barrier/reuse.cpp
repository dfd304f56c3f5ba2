// barrier/reuse: one CyclicBarrier serves round after round.
//
// Three workers sum their slices of a vector in phases. In each phase every
// worker writes its partial sum and calls Await; the last to arrive runs the
// barrier's action, which adds the partials into the phase's total before
// anyone is released, and the barrier starts its next round by itself. No
// WaitGroup per phase, no re-creation: the barrier is cyclic.
#include <array>

#include "synclab/barrier.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

constexpr int kWorkers = 3;
constexpr int kPhases = 3;

void Main(const Config&) {
  std::array<int, kWorkers> partial{};  // written before Await, read by the action
  std::array<int, kPhases> total{};     // written by the action, read after Await
  int phase = 0;                        // guarded by the barrier's rounds
  auto b = cyclicbarrier::NewWithAction(kWorkers, [&] {
    for (int p : partial) total[std::size_t(phase)] += p;
    phase++;
    return error();
  }, "phase");
  auto bg = context::background();
  WaitGroup wg{"wg"};
  wg.Add(kWorkers);
  for (int w = 0; w < kWorkers; w++) {
    go([&, w, b, bg] {
      for (int p = 0; p < kPhases; p++) {
        work(std::chrono::microseconds(10 * (w + 1)));  // the slices take different times
        partial[std::size_t(w)] = (p + 1) * (w + 1);
        check(!b.Await(bg), "Await failed");
        // Released: the action has summed this phase.
        check(total[std::size_t(p)] == (p + 1) * 6, "a worker saw the phase total before it was summed");
      }
      wg.Done();
    }, "worker");
  }
  wg.Wait();
  check(phase == kPhases && total == std::array<int, kPhases>{6, 12, 18}, "wrong totals");
}

}  // namespace

extern const Scenario kBarrierReuse{
    "barrier/reuse",
    "A CyclicBarrier with an action meets three workers phase after phase, reused every round",
    "Each worker arrives with cb.await.arrive (count 1, 2, 3 of parties 3). The first two "
    "park in a select on the round's waitCh and brokeCh. The third is the last: it runs the "
    "action (cb.action.run) while the others still wait, then takes the barrier's lock, "
    "closes waitCh (cb.trip, chan.close) and installs a fresh round (cb.round.new, round "
    "2 with new channels). The parked workers wake with cb.await.pass. Look at the round "
    "field: the same barrier object serves every phase.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
