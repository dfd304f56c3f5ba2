// singleflight/slow-leader-dochan: the fix for singleflight/slow-leader.
// Each request waits on DoChan's channel in a select with a timer: at its
// budget it gives up and serves a fallback, while the one slow call runs
// on. When the call ends, its result goes into each caller's channel
// (capacity 1, so nobody blocks on a request that left).
#include <chrono>
#include <string>

#include "synclab/scenarios/scenario.h"
#include "synclab/singleflight.h"
#include "synclab/time.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
constexpr Duration kBudget = 50ms;

void Main(const Config&) {
  singleflight::Group<std::string> group{"group"};
  auto load = [] {
    sleep(200ms);  // the backend is stuck on this query
    return std::pair{std::string("report"), error()};
  };
  WaitGroup wg{"requests"};
  for (int i = 0; i < 4; i++) {
    wg.Add(1);
    go([&] {
      const Duration start = now();
      std::string answer;
      auto result = group.DoChan("report", load);
      select(recv_case(result, [&](singleflight::Result<std::string> r) { answer = r.Val; }),
             recv_case(after(kBudget), [&](Time) { answer = "cached report (stale)"; }));
      check(now() - start <= kBudget + 10ms, "a request waited past its budget");
      check(answer == "cached report (stale)", "the slow call cannot have answered in time");
      wg.Done();
    }, "request");
    sleep(5ms);
  }
  wg.Wait();
  sleep(200ms);  // the call ends meanwhile: its results wait in the channels' buffers
}

}  // namespace

extern const Scenario kSingleFlightSlowLeaderDoChan{
    "singleflight/slow-leader-dochan",
    "DoChan + a timer: waiters give up on a slow call at their budget",
    "The first DoChan leads the call (sf.do.leader chan=true) and fn runs in a new "
    "goroutine (group.DoChan); the others join it (sf.do.dup chan=true, chans 2..4). "
    "Each request selects on its result channel and after(50ms): the timer's channel "
    "wins (timer.send, select.wake) and the request serves its fallback on time. At "
    "200 ms sf.call.done (chans=4) sends the shared result into every channel's "
    "buffer (chan.send.buffer): nobody is left blocked, nothing leaks.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
