// chan/range-until-closed: the sender closes when it is done; the receiver
// ranges until then.
//
//   for v := range ch { ... }  // ends when ch is closed and drained
#include <chrono>
#include <string>
#include <vector>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto words = make_chan<std::string>(0, "words");
  go([words] {
    for (const char* w : {"the", "quick", "brown", "fox"}) {
      work(10us);
      words.Send(w);
    }
    words.Close();  // the sender knows when it is done
  }, "sender");
  std::vector<std::string> got;
  for (const std::string& w : words) got.push_back(w);
  check(got.size() == 4 && got[3] == "fox", "got " + std::to_string(got.size()) + " words");
}

}  // namespace

extern const Scenario kChanRangeUntilClosed{
    "chan/range-until-closed",
    "The sender closes when done; range on the receiver ends at the close",
    "range receives until a receive says ok = false. Each word moves sender to receiver "
    "directly (chan.send.direct or chan.recv.direct: the channel is unbuffered, its "
    "element shown as text in each event). The close wakes the receiver parked in recvq "
    "with the zero value (\"\") and ok = false (chan.close receivers=1, chan.recv.wake "
    "ok=false), and the loop ends. The sender closes, never the receiver "
    "(chan/send-on-closed). Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
