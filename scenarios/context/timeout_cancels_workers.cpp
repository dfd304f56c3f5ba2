// context/timeout-cancels-workers: workers that select on ctx.Done() all
// stop when the context's deadline passes.
#include <chrono>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/time.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

void Main(const Config&) {
  auto [c, cancel] = ctx::with_timeout(ctx::background(), 5ms, "job");
  auto jobs = make_chan<int>(0, "jobs");
  WaitGroup wg{"workers"};
  for (int i = 0; i < 3; i++) {
    wg.Add(1);
    go([&wg, c = c, jobs] {
      for (bool on = true; on;) {
        select(recv_case(c.Done(), [&] { on = false; }), recv_case(jobs, [](int) { work(1ms); }));
      }
      check(c.Err() == ctx::DeadlineExceeded, "a worker stopped for another reason than the deadline");
      wg.Done();
    }, "worker");
  }
  // Feed jobs until the deadline: a send loses to Done as well.
  for (int n = 0;; n++) {
    bool stop = false;
    select(send_case(jobs, n), recv_case(c.Done(), [&] { stop = true; }));
    if (stop) break;
  }
  wg.Wait();
  cancel();  // Go: defer cancel(); after the deadline it changes nothing
}

}  // namespace

extern const Scenario kContextTimeoutCancelsWorkers{
    "context/timeout-cancels-workers",
    "WithTimeout stops every worker that selects on ctx.Done()",
    "WithTimeout(5ms) makes a timerCtx and arms an AfterFunc timer for its deadline "
    "(ctx.timer.arm). The workers and the feeder select on ctx.Done() beside their "
    "work. At 5 ms the runtime fires the timer (timer.func), which starts a goroutine "
    "that cancels the context with DeadlineExceeded (ctx.cancel): its done channel "
    "is closed and every select parked on it wakes. Err() is \"context deadline "
    "exceeded\". The cancel() at the end finds it cancelled already.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
