// singleflight/forget: Forget(key) lets the next caller start a fresh call
// while the old one is still running. A reader's load of the config is in
// flight when the config changes; without Forget every later reader would
// join that load and get the old value. The writer calls Forget, so the
// next reader starts a new load and sees the new value, while the old call
// still answers the reader who joined it.
#include <string>

#include "synclab/atomic.h"
#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/singleflight.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  atomic::Int64 version{1, "config version"};
  singleflight::Group<std::int64_t> group{"group"};
  auto started = make_chan<Unit>(1, "started");
  auto backend = make_chan<Unit>(0, "backend");  // closed: the backend answers
  // A load reads the version when it starts, then waits for the backend.
  auto load = [&] {
    const std::int64_t v = version.Load();
    select(send_case(started, Unit{}), default_case());  // the first load says it has begun
    backend.Recv();
    return std::pair{v, error()};
  };
  std::int64_t first = 0;
  WaitGroup wg{"readers"};
  wg.Add(1);
  go([&] { first = std::get<0>(group.Do("config", load)); wg.Done(); }, "reader");
  started.Recv();  // the first call is in flight and has read version 1
  auto joined = group.DoChan("config", load);  // joins it (dups=1)
  // The config changes while that call is in flight.
  version.Store(2);
  group.Forget("config");
  auto fresh = group.DoChan("config", load);  // no call in the map: a new one
  backend.Close();
  const auto a = joined.Recv();
  const auto b = fresh.Recv();
  wg.Wait();
  check(first == 1 && a.Val == 1 && a.Shared, "the first call's callers get the value it loaded");
  check(b.Val == 2 && !b.Shared, "after Forget a caller starts a new call and sees the new config");
}

}  // namespace

extern const Scenario kSingleFlightForget{
    "singleflight/forget",
    "Forget(key): the next Do starts a new call while the old one still runs",
    "The reader leads a load of \"config\" (sf.do.leader) that reads version 1 and waits "
    "for the backend; main's DoChan joins it (sf.do.dup, dups=1, chan=true). Then the "
    "writer stores version 2 and calls Forget (sf.forget removed=true, calls=0): the key "
    "leaves the map but the call runs on. The next DoChan finds no call and leads a new "
    "one (sf.do.leader, a second WaitGroup) that reads version 2. When the first call "
    "ends, its sf.call.done has removed=false: doCall deletes the key only if it still "
    "maps to this call, so it cannot take the new call out of the map. The first call's "
    "two callers get 1 (shared), the new call's caller gets 2.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
