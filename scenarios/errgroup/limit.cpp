// errgroup/limit: SetLimit(2) makes an errgroup a bounded worker pool. Six
// jobs are submitted with Go: the first two start at once, the third Go
// blocks until a job returns and gives its slot back, and so on; at no
// moment do more than two run. A TryGo at the limit does not wait: it
// returns false and the job is not run (here: retried later). The last two
// jobs wait at a gate until main has tried, so that natively too both slots
// are taken when it does.
#include <chrono>

#include "synclab/atomic.h"
#include "synclab/chan.h"
#include "synclab/errgroup.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
constexpr int kLimit = 2;

void Main(const Config&) {
  errgroup::Group g{"pool"};
  g.SetLimit(kLimit);
  atomic::Int64 running{0, "running"};
  atomic::Int64 peak{0, "peak"};
  // The last two jobs hold their slots until main has tried TryGo (natively
  // too, however late main gets there); the others take 2 ms.
  auto gate = make_chan<Unit>(0, "gate");
  auto job = [&](bool held) {
    return [&, held]() -> error {
      const std::int64_t n = running.Add(1);
      for (std::int64_t p = peak.Load(); n > p && !peak.CompareAndSwap(p, n);) p = peak.Load();
      held ? (void)gate.Recv() : sleep(2ms);
      running.Add(-1);
      return error();
    };
  };
  for (int i = 0; i < 6; i++) g.Go(job(i >= 6 - kLimit));  // the third blocks until a slot frees
  // Both slots are busy now (the last two jobs): TryGo does not wait.
  const bool started = g.TryGo(job(false));
  check(!started, "TryGo at the limit returns false");
  gate.Close();
  check(!g.Wait(), "no job failed");
  check(peak.Load() == kLimit, "never more than the limit ran at once, and the limit was reached");
  check(g.TryGo(job(false)), "with every slot free TryGo starts the job");
  g.Wait();
}

}  // namespace

extern const Scenario kErrGroupLimit{
    "errgroup/limit",
    "SetLimit(2): Go waits for a free slot, TryGo at the limit returns false",
    "SetLimit(2) makes pool.sem, a channel of capacity 2 (eg.set_limit). Each Go sends a "
    "token into it before starting its task: the first two go straight through (eg.go "
    "active=1, 2); the third finds it full (eg.go.wait_slot) and parks on the send "
    "(chan.send.park) until a task's done() receives its token back. So at most two tasks "
    "run (active never exceeds limit). The last two tasks hold their slots until main closes "
    "the gate, so the TryGo after the loop finds both taken: "
    "eg.trygo.full, it returns false and its job does not run. After Wait every slot is "
    "free and TryGo succeeds.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
