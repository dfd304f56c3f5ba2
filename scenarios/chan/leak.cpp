// chan/leak: main gives up waiting for a result; the worker that computes it
// blocks forever on its send.
//
//   result := make(chan int)
//   go func() { result <- slowQuery() }()
//   select {
//   case r := <-result: use(r)
//   default:               // "too slow, never mind"
//   }
#include <chrono>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  auto result = make_chan<int>(0, "result");  // the bug: no room for a result nobody takes
  go([result] {
    work(200us);       // the slow query
    result.Send(42);   // blocks forever: the reader is gone
  }, "query");
  sleep(100us);
  select(recv_case(result, [](int) {}), default_case());  // not ready: give up
  work(300us);  // main goes on with other work; the query is stuck by now
}

}  // namespace

extern const Scenario kChanLeak{
    "chan/leak",
    "The reader gives up; the worker blocks forever sending its result: a goroutine leak",
    "main polls once with a non-blocking receive (select with default: the compiled "
    "one-case form, chan.recv.empty) and moves on. The query finishes later, finds no "
    "receiver in recvq and parks on sendq (chan.send.park) with its result. Nothing will "
    "ever receive: when main returns, the goroutine is still blocked, leaked with its "
    "stack and its channel. In a server this repeats per request. The fix: a buffer of "
    "1 (make(chan int, 1)), so the send completes whether anyone still listens.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
