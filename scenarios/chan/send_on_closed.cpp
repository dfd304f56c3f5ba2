// chan/send-on-closed: the receiver closes the channel to say "enough", but
// the producer is still sending.
//
// Closing is the sender's job: a send on a closed channel panics.
#include <chrono>
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto items = make_chan<int>(1, "items");
  WaitGroup wg{"wg"};
  wg.Add(1);
  go([items, &wg] {
    for (int i = 0; i < 5; i++) {
      items.Send(i);  // panics once main has closed items
      work(10us);
    }
    wg.Done();
  }, "producer");
  int got = items.Recv();
  items.Close();  // the bug: the receiver closes while the producer still sends
  check(got == 0, "got " + std::to_string(got));
  wg.Wait();
}

}  // namespace

extern const Scenario kChanSendOnClosed{
    "chan/send-on-closed",
    "The receiver closes a channel the producer still sends on: panic: send on closed channel",
    "main takes the first item and closes the channel to stop the producer. The "
    "producer's next send locks the channel, finds closed set and panics with Go's "
    "message (send on closed channel); had it been parked in sendq, close would have woken "
    "it to the same panic (chan.send.wake ok=false). A receiver cannot close safely: "
    "tell the producer to stop another way (a done channel it selects on, a context) "
    "and let the producer close, as chan/range-until-closed does.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
