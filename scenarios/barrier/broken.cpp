// barrier/broken: a party that gives up breaks the barrier for everyone;
// Reset makes it usable again.
//
// Three parties meet at a barrier, but "impatient" waits with a 1 ms
// timeout and "slow" arrives only once "patient" has given up. When the
// timeout ends impatient's Await, marusama's barrier breaks the round:
// patient, already waiting, is released with ErrBrokenBarrier, and slow,
// arriving later, gets ErrBrokenBarrier at once. Nobody can meet at a broken barrier until
// someone calls Reset; then a full round trips again.
#include <chrono>

#include "synclab/barrier.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace cb = cyclicbarrier;

void Main(const Config&) {
  auto b = cb::New(3, "meet");
  auto bg = context::background();
  error impatient, patient, slow;
  WaitGroup wg{"wg"};
  wg.Add(3);
  go([&, b] {
    auto [c, cancel] = context::with_timeout(bg, 1ms, "deadline");
    impatient = b.Await(c);  // context deadline exceeded: breaks the round
    cancel();
    wg.Done();
  }, "impatient");
  auto patient_done = make_chan<Unit>(0, "patient_done");
  go([&, b, patient_done] {
    patient = b.Await(bg);  // released by the break
    patient_done.Close();
    wg.Done();
  }, "patient");
  go([&, b, patient_done] {
    patient_done.Recv();  // arrive after the break, whatever the timing
    slow = b.Await(bg);   // too late: the barrier is broken
    wg.Done();
  }, "slow");
  wg.Wait();
  check(impatient == context::DeadlineExceeded, "impatient did not time out");
  check(patient == cb::ErrBrokenBarrier, "patient was not told the barrier broke");
  check(slow == cb::ErrBrokenBarrier, "slow met at a broken barrier");
  check(b.IsBroken(), "the barrier is not broken");

  b.Reset();  // a fresh round: the barrier works again
  check(!b.IsBroken(), "Reset left it broken");
  wg.Add(2);
  for (int i = 0; i < 2; i++) {
    go([&, b] {
      check(!b.Await(bg), "Await failed after Reset");
      wg.Done();
    }, "again");
  }
  check(!b.Await(bg), "Await failed after Reset");
  wg.Wait();
}

}  // namespace

extern const Scenario kBarrierBroken{
    "barrier/broken",
    "A timed-out party breaks a CyclicBarrier for all; Reset repairs it",
    "impatient and patient arrive (cb.await.arrive, count 1 and 2 of 3). At 1 ms the "
    "deadline cancels impatient's context: its select wakes on ctx.Done() "
    "(cb.await.ctx), and it breaks the round (cb.break: broken=true, then the round's "
    "brokeCh is closed). patient's select wakes on brokeCh (cb.await.broken_wake) and "
    "returns ErrBrokenBarrier and closes patient_done. slow, which waited for that, finds the "
    "round broken under the lock "
    "(cb.await.broken) and never counts. Reset (cb.reset) installs round 2 "
    "(cb.round.new, broken=false), where three parties trip it again (cb.trip).",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
