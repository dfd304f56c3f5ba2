// chan/rotate: a receive from a full buffer while a sender waits moves both
// values in one step.
#include <chrono>
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto ch = make_chan<std::string>(3, "ch");
  ch.Send("a");
  ch.Send("b");
  ch.Send("c");  // full: qcount == dataqsiz
  WaitGroup wg{"wg"};
  wg.Add(1);
  go([ch, &wg] {
    ch.Send("d");  // parks on sendq with "d"
    wg.Done();
  }, "sender");
  sleep(50us);
  std::string got = ch.Recv();  // takes "a" and moves "d" into its slot
  // Not ch.Len() == 3: natively the sender may not have parked yet after
  // the sleep, and then "d" comes in after the receive; FIFO holds either way.
  check(got == "a", "got " + got);
  wg.Wait();
  std::string rest;
  for (int i = 0; i < 3; i++) rest += ch.Recv();
  check(rest == "bcd", "the rest came in order: " + rest);
}

}  // namespace

extern const Scenario kChanRotate{
    "chan/rotate",
    "Receive from a full buffer with a sender waiting: the sender's value takes the freed slot",
    "The ring holds a b c (qcount = dataqsiz = 3) and the sender is parked in sendq with "
    "\"d\" (chan.send.park). main's receive finds a sender waiting, but the buffer is not "
    "empty: taking \"d\" directly would overtake a, b and c. So it takes the oldest, "
    "\"a\", at recvx, puts \"d\" into that same slot, advances recvx and sets sendx = "
    "recvx (chan.recv.rotate): still full, still FIFO, and the sender is readied in the "
    "same step. Ends ok for every seed.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
