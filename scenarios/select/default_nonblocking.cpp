// select/default-nonblocking: try to send and receive without waiting.
//
//   select { case ch <- v: sent++ ; default: dropped++ }   // never blocks
#include <chrono>
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto events = make_chan<int>(2, "events");
  int sent = 0, dropped = 0;
  for (int i = 0; i < 5; i++) {  // a burst: only 2 fit
    select(send_case(events, i, [&] { sent++; }), default_case([&] { dropped++; }));
  }
  int got = 0, empty = 0;
  for (int i = 0; i < 3; i++) {
    select(recv_case(events, [&](int) { got++; }), default_case([&] { empty++; }));
  }
  check(sent == 2 && dropped == 3 && got == 2 && empty == 1,
        "sent " + std::to_string(sent) + " dropped " + std::to_string(dropped));
}

}  // namespace

extern const Scenario kSelectDefaultNonblocking{
    "select/default-nonblocking",
    "select with default: a send to a full buffer and a receive from an empty one do not wait",
    "One case and a default compile to a non-blocking operation. The first two sends find "
    "room (chan.send.buffer); the next three find the ring full and fail at once, before "
    "even taking the lock (chan.send.full), so the default runs and the event is dropped. "
    "The receives take the two buffered events (chan.recv.buffer); the third finds nothing "
    "(chan.recv.empty) and runs the default. Ends ok for every seed.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
