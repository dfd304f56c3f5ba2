// counter/lost-update: count++ without a lock loses increments.
//
// count++ is a load and a store. Two goroutines that both load 41 both
// store 42: one increment is gone. (A Var makes each load and store a step
// the scheduler can interleave, and shows it in the trace.)
#include <string>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config& config) {
  const int goroutines = 4;
  const int increments = config.native ? 100000 : 50;
  Var<long> count{0, "count"};
  WaitGroup wg{"wg"};
  for (int i = 0; i < goroutines; i++) {
    wg.Add(1);
    go([&] {
      for (int j = 0; j < increments; j++) {
        long n = count.Load();  // read...
        count.Store(n + 1);     // ...then write: another goroutine may have written in between
      }
      wg.Done();
    }, "incrementer");
  }
  wg.Wait();
  long want = long(goroutines) * increments;
  long got = count.Load();
  check(got == want, "count = " + std::to_string(got) + ", want " + std::to_string(want));
}

}  // namespace

extern const Scenario kCounterLostUpdate{
    "counter/lost-update",
    "Incrementing a shared counter without a lock loses updates",
    "Look for two var.load events that read the same value before either "
    "var.store: the second store overwrites the first. The final check fails "
    "(outcome assert); compare mutex/counter, where the same loop holds a lock.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
