// singleflight/forget: Forget(key) lets the next Do start a fresh call
// while the old one is still running. A reader's load of the config is in
// flight when the config changes; without Forget every later reader would
// join that load and get the old value. The writer calls Forget, so the
// next reader starts a new load and sees the new value, while the old call
// still answers the readers who joined it.
#include <chrono>
#include <string>

#include "synclab/atomic.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/singleflight.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  atomic::Int64 version{1, "config version"};
  singleflight::Group<std::int64_t> group{"group"};
  // A load reads the version when it starts and takes 4 ms to return it.
  auto load = [&] {
    const std::int64_t v = version.Load();
    sleep(4ms);
    return std::pair{v, error()};
  };
  std::int64_t early = 0, early_dup = 0, late = 0;
  WaitGroup wg{"readers"};
  wg.Add(3);
  go([&] { early = std::get<0>(group.Do("config", load)); wg.Done(); }, "reader");
  sleep(1ms);
  go([&] { early_dup = std::get<0>(group.Do("config", load)); wg.Done(); }, "reader");
  sleep(1ms);
  // The config changes while the first load is in flight.
  version.Store(2);
  group.Forget("config");
  go([&] { late = std::get<0>(group.Do("config", load)); wg.Done(); }, "reader");
  wg.Wait();
  check(early == 1 && early_dup == 1, "the first call's readers get the value it loaded");
  check(late == 2, "after Forget a reader starts a new call and sees the new config");
}

}  // namespace

extern const Scenario kSingleFlightForget{
    "singleflight/forget",
    "Forget(key): the next Do starts a new call while the old one still runs",
    "The first reader leads a load of \"config\" (sf.do.leader) that read version 1; the "
    "second joins it (sf.do.dup, dups=1). Then the writer stores version 2 and calls "
    "Forget (sf.forget removed=true, calls=0): the key leaves the map but the call runs "
    "on. The third reader finds no call and leads a new one (sf.do.leader, a second "
    "WaitGroup) that reads version 2. The old call ends first: its sf.call.done has "
    "removed=false, because m[key] is now the new call and doCall deletes the key only "
    "if it still maps to itself; its two readers get 1, the third gets 2.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
