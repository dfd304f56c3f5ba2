// chan/unbuffered-deadlock-in-main: main sends on an unbuffered channel
// that nobody will ever receive from.
//
//   results := make(chan int)
//   results <- 42   // fatal error: all goroutines are asleep - deadlock!
//   fmt.Println(<-results)
//
// An unbuffered send waits for a receiver; the receive that would take it
// comes after it, in the same goroutine.
#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  auto results = make_chan<int>(0, "results");
  results.Send(42);  // the bug: nobody else will receive
  check(results.Recv() == 42, "never reached");
}

}  // namespace

extern const Scenario kChanUnbufferedDeadlockInMain{
    "chan/unbuffered-deadlock-in-main",
    "main sends on an unbuffered channel before anyone receives: deadlock",
    "An unbuffered channel has no room: a send completes only when a receiver takes the "
    "value. main finds nobody in recvq, queues itself on sendq (chan.send.park) and "
    "sleeps; the receive that would wake it is main's own next line. No other goroutine "
    "can run, so Go stops the program: fatal error: all goroutines are asleep - deadlock! "
    "The fix: receive in another goroutine (chan/ping-pong), or give the channel a "
    "buffer of 1 (make(chan int, 1)) so the send does not wait.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
