// chan/close-twice: two workers each close the "done" channel when they
// finish; the second close panics.
//
// Only one goroutine may close a channel, and only once. Here both workers
// think they are the last.
#include <chrono>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto done = make_chan<Unit>(0, "done");
  WaitGroup wg{"wg"};
  wg.Add(2);
  for (int i = 0; i < 2; i++) {
    go([done, &wg, i] {
      work(std::chrono::microseconds(20 + 10 * i));
      done.Close();  // the bug: both workers close it
      wg.Done();
    }, "worker");
  }
  done.Recv();  // returns at the first close
  wg.Wait();
}

}  // namespace

extern const Scenario kChanCloseTwice{
    "chan/close-twice",
    "Two goroutines both close one channel: panic: close of closed channel",
    "The first close sets closed and wakes main, parked in its receive, with the zero "
    "value and ok = false (chan.close receivers=1, then chan.recv.wake ok=false). The "
    "second worker's close finds closed already set and panics with Go's message: close "
    "of closed channel. Close is a broadcast that can be sent once: let exactly one "
    "goroutine close (the one that knows everyone else is done, e.g. after a "
    "WaitGroup's Wait), or guard it with sync.Once.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
