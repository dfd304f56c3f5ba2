// atomic/add: the increment as one atomic operation loses nothing.
//
// The twin of atomic/lost-update: hits.Add(1) reads, adds and writes in one
// indivisible step, so however the goroutines interleave, every hit counts.
#include <string>

#include "synclab/atomic.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config& config) {
  const int goroutines = 4;
  const int increments = config.native ? 100000 : 50;
  atomic::Int64 hits{0, "hits"};
  WaitGroup wg{"wg"};
  wg.Add(goroutines);
  for (int i = 0; i < goroutines; i++) {
    go([&] {
      for (int j = 0; j < increments; j++) hits.Add(1);
      wg.Done();
    }, "counter");
  }
  wg.Wait();
  const long want = long(goroutines) * increments;
  const long got = long(hits.Load());
  check(got == want, "hits = " + std::to_string(got) + ", want " + std::to_string(want));
}

}  // namespace

extern const Scenario kAtomicAdd{
    "atomic/add",
    "Counting with atomic Add: one indivisible step per hit, none lost",
    "Each atomic.add reads, adds delta=1 and writes in one step, so two goroutines "
    "can never both add to the same old value: the value after each atomic.add is "
    "one more than after the one before, whoever made it. Compare atomic/lost-update, "
    "where the increment is a load and a store. No lock is needed for a counter; "
    "for more than one word of state, use a Mutex. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
