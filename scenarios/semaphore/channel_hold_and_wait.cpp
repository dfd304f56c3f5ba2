// semaphore/channel-hold-and-wait: two jobs that each need 2 tokens of a
// channel semaphore take them one send at a time, each gets one, and both
// wait forever for the second.
//
// A buffered channel counts tokens one by one: there is no "give me two or
// none". Each job holds the token it has while it waits for the next one
// (hold and wait), so once both have one the buffer is full and neither
// send can ever finish: Go's deadlock. Weighted's Acquire(ctx, 2) takes
// both tokens in one step under its mutex, or queues holding none; the
// fixed twin is semaphore/channel-vs-weighted.
#include <chrono>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto tokens = make_chan<Unit>(2, "tokens");  // a semaphore of 2
  WaitGroup wg{"wg"};
  for (int i = 0; i < 2; i++) {
    wg.Add(1);
    go([&wg, tokens] {
      // Acquire 2 tokens, one send each.
      tokens.Send({});
      work(100us);  // get ready for the second: long enough for the other job to take one
      tokens.Send({});
      work(1ms);  // the job
      tokens.Recv();
      tokens.Recv();
      wg.Done();
    }, "job");
  }
  wg.Wait();
}

}  // namespace

extern const Scenario kSemaphoreChannelHoldAndWait{
    "semaphore/channel-hold-and-wait",
    "Two jobs take 2 tokens of a channel semaphore one at a time and deadlock",
    "Both jobs send their first token (chan.send.buffer, qcount 1 then 2): the buffer "
    "of 2 is full, one token each. Each then sends its second (chan.send.park, sendq 1 "
    "then 2) and parks, waiting for a receive that only the other job, parked too, "
    "would make. main waits on the WaitGroup: every goroutine is blocked, \"all "
    "goroutines are asleep - deadlock!\". Weighted's Acquire(ctx, 2) is the fix "
    "(semaphore/channel-vs-weighted): it takes both tokens in one step under mu, or "
    "queues holding none, so no job ever holds part of what it needs while waiting.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
