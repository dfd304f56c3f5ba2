// map/promotion: new keys wait in dirty; their lookups lock and count
// misses until copying dirty has paid for itself.
//
// Keys stored since the last promotion are in dirty only. A lookup of one
// misses read.m, locks mu, finds it in dirty and counts a miss. When misses
// reach len(dirty), dirty becomes read.m as it is (no copy): from then on
// those keys are served without the lock.
#include <string>

#include "synclab/map.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config& config) {
  const int users = 4;
  Map<int, std::string> names{"names"};
  for (int id = 1; id <= users; id++) names.Store(id, "user" + std::to_string(id));  // into dirty

  const int rounds = config.native ? 10000 : 2;
  WaitGroup wg{"wg"};
  int found[2] = {0, 0};
  for (int r = 0; r < 2; r++) {
    wg.Add(1);
    go([&, r] {
      for (int i = 0; i < rounds; i++) {
        for (int id = 1; id <= users; id++) found[r] += names.Load(id).has_value();
      }
      wg.Done();
    }, "reader");
  }
  wg.Wait();
  const int want = 2 * rounds * users;
  check(found[0] + found[1] == want,
        "found " + std::to_string(found[0] + found[1]) + " of " + std::to_string(want));
  check(names.dirty_len() == -1, "dirty was not promoted");
}

}  // namespace

extern const Scenario kMapPromotion{
    "map/promotion",
    "Lookups of new keys lock and count misses until misses reach len(dirty) and dirty becomes read.m",
    "The four Stores put every key in dirty (map.insert; the first also makes dirty and "
    "amends read.m). Each reader's first lookups miss read.m (map.lookup.read_miss), lock "
    "names.mu, find the key in dirty and count a miss (map.miss: watch misses climb "
    "against len(dirty) = 4 in the inspector). The fourth miss is map.promote: read.m is "
    "dirty now, dirty is nil. A reader that was waiting for the lock meanwhile (it depends on "
    "the seed) re-checks read.m and finds the key there (map.lookup.recheck_hit, no miss). Every later lookup "
    "is map.load.read_hit, without the lock.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
