// waitgroup/negative-counter: one Done too many is a panic.
//
// Fetch marks its job done when the input is bad, but does not return: it
// marks it done again at the end. The counter goes from 0 to -1.
#include <chrono>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Fetch(WaitGroup& wg, bool bad_input) {
  if (bad_input) {
    wg.Done();  // give up on this job... but carry on: the bug
  }
  work(100us);
  wg.Done();  // panic: sync: negative WaitGroup counter
}

void Main(const Config&) {
  WaitGroup wg{"wg"};
  wg.Add(1);
  go([&] { Fetch(wg, true); }, "fetch");
  wg.Wait();
}

}  // namespace

extern const Scenario kWaitGroupNegativeCounter{
    "waitgroup/negative-counter",
    "Calling Done once more than Add: Go's panic \"sync: negative WaitGroup counter\"",
    "The first Done takes the counter to 0 (wg.add delta=-1, counter=0), releases "
    "the waiter and readies main in Wait. The second takes it to -1, which Go never "
    "allows: it panics, and a panic in any goroutine ends the whole program, main "
    "included.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
