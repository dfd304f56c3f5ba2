// pipeline/cancel: a three-stage pipeline (generate -> square -> print)
// stopped early by its context, with no goroutine left behind.
//
// Every send of every stage selects on ctx.Done() as well (Go's pipelines
// article: "explicit cancellation"), so when the consumer has had enough and
// cancels, each stage leaves instead of blocking forever on a send nobody
// will receive.
#include <chrono>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

// Sends v on out unless c is done first; false: done.
bool SendOrDone(const ctx::Context& c, const Chan<int>& out, int v) {
  bool sent = false;
  select(send_case(out, v, [&] { sent = true; }), recv_case(c.Done()));
  return sent;
}

Chan<int> Generate(const ctx::Context& c, WaitGroup& wg) {
  auto out = make_chan<int>(0, "numbers");
  wg.Add(1);
  go([c, out, &wg] {
    for (int n = 1; SendOrDone(c, out, n); n++) {
    }
    out.Close();
    wg.Done();
  }, "generate");
  return out;
}

Chan<int> Square(const ctx::Context& c, Chan<int> in, WaitGroup& wg) {
  auto out = make_chan<int>(0, "squares");
  wg.Add(1);
  go([c, in, out, &wg] {
    for (int n : in) {
      if (!SendOrDone(c, out, n * n)) break;
    }
    out.Close();
    wg.Done();
  }, "square");
  return out;
}

void Main(const Config&) {
  auto [c, cancel] = ctx::with_cancel(ctx::background(), "pipeline");
  WaitGroup stages{"stages"};
  Chan<int> squares = Square(c, Generate(c, stages), stages);
  int sum = 0;
  for (int i = 0; i < 3; i++) sum += squares.Recv();  // 1 + 4 + 9
  cancel();       // enough: stop the stages
  stages.Wait();  // and see them all leave
  check(sum == 14, "the first three squares");
}

}  // namespace

extern const Scenario kPipelineCancel{
    "pipeline/cancel",
    "A three-stage pipeline stopped by its context: no goroutine leaks",
    "generate and square send with a select on their channel and ctx.Done(). main "
    "takes three squares and cancels: the done channel closes (ctx.cancel, then "
    "chan.close on pipeline.done), so square's pending send loses to Done and it "
    "leaves; generate, blocked in its own select, wakes the same way. Both close "
    "their outputs and end, and the run ends ok: nothing is still blocked. Without "
    "the Done case each stage would block forever on a send nobody receives (a "
    "goroutine leak).",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
