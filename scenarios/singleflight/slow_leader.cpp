// singleflight/slow-leader: one slow call stalls every waiter. Requests
// with a 50 ms budget go through group.Do; the backend's first load hangs
// for 200 ms. Every request joined that one call, so every request waits
// the full 200 ms: singleflight shares the latency of the call along with
// its result, and Do cannot give up. (Fixed in singleflight/slow-leader-dochan.)
#include <chrono>
#include <string>

#include "synclab/scenarios/scenario.h"
#include "synclab/singleflight.h"

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
      group.Do("report", load);
      check(now() - start <= kBudget, "a request waited past its 50 ms budget for the slow leader");
      wg.Done();
    }, "request");
    sleep(5ms);  // the requests arrive one by one while the call hangs
  }
  wg.Wait();
}

}  // namespace

extern const Scenario kSingleFlightSlowLeader{
    "singleflight/slow-leader",
    "one slow call stalls every waiter: Do cannot give up (check fails)",
    "The first request leads the call (sf.do.leader) and its load sleeps 200 ms. The "
    "three later requests join it (sf.do.dup) and park on the call's WaitGroup "
    "(wg.wait.park): there is no way out of Do but the call's end. At 200 ms "
    "sf.call.done (dups=3) releases them together, each far past its 50 ms budget, "
    "and the checks fail. Sharing a call shares its latency; "
    "singleflight/slow-leader-dochan waits on DoChan with a timeout instead.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
