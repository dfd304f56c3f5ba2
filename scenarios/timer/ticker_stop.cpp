// timer/ticker-stop: a worker ticks until it is told to stop, then stops
// its Ticker so that the runtime no longer fires it.
#include <chrono>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/time.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config& config) {
  auto quit = make_chan<Unit>(0, "quit");
  auto finished = make_chan<int>(0, "finished");
  go([quit, finished] {
    Ticker ticker(10ms, "ticker");
    int ticks = 0;
    for (bool on = true; on;) {
      select(recv_case(ticker.C, [&](Time) { ticks++; }),
             recv_case(quit, [&] { on = false; }));
    }
    ticker.Stop();  // Go: defer ticker.Stop()
    finished.Send(ticks);
  }, "worker");
  sleep(35ms);
  quit.Close();
  int ticks = finished.Recv();
  // Natively the OS may run the worker late; in virtual time it is exact.
  check(config.native ? ticks >= 1 : ticks == 3, "the worker saw a tick every 10 ms for 35 ms");
}

}  // namespace

extern const Scenario kTimerTickerStop{
    "timer/ticker-stop",
    "A Ticker ticks every period until its worker is told to quit and stops it",
    "NewTicker(10ms) arms a periodic runtime timer (timer.start, period 10ms). At "
    "10, 20 and 30 ms the runtime sends the time into ticker.C (timer.send, "
    "goroutine 0) and the worker's select takes it. When quit is closed the worker "
    "leaves its loop and calls Stop (timer.stop, was=true: a ticker is pending until "
    "stopped). A ticker that is never stopped keeps firing for the rest of the "
    "program (Go: it leaks); Stop does not close C.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
