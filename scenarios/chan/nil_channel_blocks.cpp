// chan/nil-channel-blocks: a channel variable that was never made is nil,
// and a receive from it blocks forever.
//
//   var results chan int   // nil: make was forgotten
//   <-results              // blocks forever
#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Worker {
  Chan<int> results;  // the bug: never made (no make_chan), so nil
};

void Main(const Config&) {
  Worker w;
  go([results = w.results] { results.Send(1); }, "worker");  // blocks forever too
  check(w.results.Recv() == 1, "never reached");
}

}  // namespace

extern const Scenario kChanNilChannelBlocks{
    "chan/nil-channel-blocks",
    "Send and receive on a channel that was never made (nil) block forever: deadlock",
    "A nil channel has no hchan: no buffer, no queues, nobody can ever reach a goroutine "
    "waiting on it. Send and receive park forever with no object at all (go.park reason "
    "\"chan send (nil chan)\" and \"chan receive (nil chan)\"), so the two goroutines "
    "never meet and Go reports the deadlock. A nil channel is useful in one place: a select "
    "case on it is never chosen, which turns a case off (select/fan-in). Here, make the "
    "channel: results = make(chan int).",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
