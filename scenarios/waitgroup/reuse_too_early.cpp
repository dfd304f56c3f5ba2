// waitgroup/reuse-too-early: the next round's Add comes before every Wait of
// this round has returned.
//
// A batch loop reuses one WaitGroup per round; a monitor goroutine also
// waits for the first round. When the round's last Done releases both
// waiters, main runs first and Adds and Waits for the next round while the
// monitor is still inside the old Wait. The WaitGroup sees a Wait return to
// a counter that is not zero: Go panics.
#include <chrono>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  WaitGroup wg{"wg"};
  for (int round = 0; round < 2; round++) {
    wg.Add(1);  // round 2: the monitor has not returned from round 1's Wait yet
    go([&] {
      sleep(50us);  // the batch: waits for a disk
      wg.Done();
    }, "batch");
    if (round == 0) {
      go([&] {
        wg.Wait();
      }, "monitor");
      sleep(10us);  // the monitor is waiting before main is
    }
    wg.Wait();  // round 2: panic: sync: WaitGroup is reused before previous Wait has returned
  }
}

}  // namespace

extern const Scenario kWaitGroupReuseTooEarly{
    "waitgroup/reuse-too-early",
    "Reusing a WaitGroup before every Wait returned: Go's panic \"sync: WaitGroup is reused before previous Wait has returned\"",
    "Round 1: the monitor and main both wait (waiters=2). The batch's Done takes the "
    "counter to 0: it resets the whole word to 0 and releases the sema twice, one "
    "count per waiter (wg.release_waiters, released=2). main runs first, returns and "
    "starts round 2: Add(1), then Wait. That Wait's semacquire finds the count "
    "released for the monitor, which has not run yet, and takes it at once "
    "(sema.acquire.fast): main wakes from a Wait whose counter is 1 and panics. "
    "(Had the monitor run first, it would have found counter 1 and panicked.) Every "
    "Wait of a round must return before the next round's Add: give the monitor its "
    "own WaitGroup, or let only one goroutine wait.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
