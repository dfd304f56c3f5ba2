// atomic/lost-update: every access is atomic, the increment is not.
//
// hits.Store(hits.Load() + 1) is two atomic operations. Each is whole, but
// another goroutine can act between them: two goroutines that both load 41
// both store 42, and one hit is gone. Compare atomic/add, where the
// increment is one operation.
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
      for (int j = 0; j < increments; j++) {
        hits.Store(hits.Load() + 1);  // the bug: load, then store
      }
      wg.Done();
    }, "counter");
  }
  wg.Wait();
  const long want = long(goroutines) * increments;
  const long got = long(hits.Load());
  check(got == want, "hits = " + std::to_string(got) + ", want " + std::to_string(want));
}

}  // namespace

extern const Scenario kAtomicLostUpdate{
    "atomic/lost-update",
    "Load then Store on an atomic counter: each step is atomic, the increment is not, and hits are lost",
    "Each atomic.load and atomic.store is indivisible: no value is ever torn. But "
    "look for two atomic.load events that read the same value before either "
    "atomic.store: both goroutines store the same value + 1, and one increment "
    "disappears. Atomics make single operations safe, not sequences of them. The "
    "check fails; atomic/add does the same with one Add per hit.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
