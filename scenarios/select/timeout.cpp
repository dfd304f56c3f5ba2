// select/timeout: a request that is slower than its deadline loses to
// time.After in a select.
//
// A fetcher answers after 50 ms; main waits for the answer or for 20 ms,
// whichever comes first. In virtual time the timeout is exact and instant:
// the timer fires at 20 ms on the runtime's clock and its send wakes main.
#include <chrono>
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/time.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  // Buffered: the late fetcher can still deliver and exit (an unbuffered
  // channel nobody reads any more would leak it).
  auto answer = make_chan<std::string>(1, "answer");
  go([answer] {
    sleep(50ms);  // the slow backend
    answer.Send("42");
  }, "fetcher");
  bool timed_out = false;
  select(recv_case(answer, [](const std::string&) {}),
         recv_case(after(20ms), [&](Time) { timed_out = true; }));
  check(timed_out, "the 50 ms answer beat the 20 ms timeout");
  sleep(40ms);  // the fetcher finishes into the buffer
}

}  // namespace

extern const Scenario kSelectTimeout{
    "select/timeout",
    "A select with time.After: the slower answer loses to the timeout",
    "after(20ms) makes a Timer whose channel C has room for one value (Go up to "
    "1.22). main parks in select on both channels (select.park). At 20 ms the "
    "runtime itself (goroutine 0) fires the timer: timer.send puts the time into C "
    "and readies main, which takes the timeout case. The fetcher's answer at 50 ms "
    "goes into answer's buffer, so it does not leak. In sim the 20 ms pass in no "
    "real time: the clock jumps to the timer because nothing else can run.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
