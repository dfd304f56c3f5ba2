// chan/drain-after-close: a buffered channel still delivers what it holds
// after it is closed, then the zero value with ok = false.
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  auto ch = make_chan<int>(4, "ch");
  ch.Send(10);
  ch.Send(20);
  ch.Send(30);
  ch.Close();
  int sum = 0, received = 0;
  for (;;) {
    auto [v, ok] = ch.Recv2();
    if (!ok) {
      check(v == 0, "after the buffer is drained a receive yields the zero value");
      break;
    }
    sum += v;
    received++;
  }
  auto [again, ok] = ch.Recv2();  // and so does every receive after
  check(received == 3 && sum == 60 && again == 0 && !ok,
        "received " + std::to_string(received) + " items summing to " + std::to_string(sum));
}

}  // namespace

extern const Scenario kChanDrainAfterClose{
    "chan/drain-after-close",
    "Close a buffered channel holding 3 items: receives get all 3, then zero and ok=false",
    "close sets closed but leaves the ring alone (chan.close qcount=3). A receive on a "
    "closed channel first checks the buffer: while qcount > 0 it takes the item at recvx "
    "as usual, with ok = true (chan.recv.buffer). Only when the ring is empty does it "
    "return the zero value and ok = false (chan.recv.closed), and it does so forever "
    "after. Closing says \"no more\", not \"throw the rest away\". Ends ok for every seed.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
