// map/read-mostly: a table written once and read by many goroutines, the
// case sync.Map is built for.
//
// After start-up the keys are in read.m: every Load is one atomic load of
// read and one of the entry, with no lock, so readers never wait for each
// other or for the writer, whose overwrites of existing keys are one CAS on
// the entry each.
#include <array>
#include <string>

#include "synclab/map.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config& config) {
  Map<std::string, int> limits{"limits"};
  const std::array<std::string, 3> keys = {"timeout", "retries", "workers"};
  // Start-up: three new keys go into dirty (read.m is amended)...
  limits.Store("timeout", 30);
  limits.Store("retries", 3);
  limits.Store("workers", 8);
  // ...and the loads that miss read.m count misses until, at len(dirty), dirty
  // becomes read.m.
  for (int i = 0; i < 3; i++) limits.Load("timeout");

  const int reads = config.native ? 100000 : 12;
  WaitGroup wg{"wg"};
  std::array<int, 3> missed{};  // one counter per reader
  for (int r = 0; r < 3; r++) {
    wg.Add(1);
    go([&, r] {
      for (int i = 0; i < reads; i++) {
        if (!limits.Load(keys[std::size_t(i + r) % keys.size()])) missed[std::size_t(r)]++;
      }
      wg.Done();
    }, "reader");
  }
  wg.Add(1);
  go([&] {
    for (int i = 1; i <= 3; i++) {
      limits.Store("timeout", 30 + i);  // an existing key: a CAS, no lock
      sleep(1us);
    }
    wg.Done();
  }, "writer");
  wg.Wait();
  int missing = 0;
  for (int m : missed) missing += m;
  check(missing == 0, "loads that found nothing: " + std::to_string(missing));
  check(limits.dirty_len() == -1 && limits.misses() == 0,
        "after start-up nothing should have needed the lock");
  check(limits.Load("timeout") == 33, "timeout = " + std::to_string(limits.Load("timeout").value_or(-1)));
}

}  // namespace

extern const Scenario kMapReadMostly{
    "map/read-mostly",
    "Readers load a table written once: every Load is served from read.m without the lock",
    "Start-up stores three keys (map.insert: they go into dirty) and loads one three "
    "times: each load misses read.m and locks (map.lookup.read_miss, map.miss) until the "
    "third miss reaches len(dirty) = 3 and map.promote makes dirty read.m. From then on "
    "the readers' Loads are map.load.read_hit with no mutex event at all, and the "
    "writer's Stores of an existing key are map.swap.fast (one CAS on the entry): "
    "limits.mu is never locked again. Select limits: read.m holds every key, dirty is nil.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
