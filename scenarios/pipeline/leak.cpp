// pipeline/leak: the pipeline of pipeline/cancel without its context: the
// consumer stops reading and both stages block forever on their sends.
//
// Go's pipelines article: "if a stage fails to consume all the inbound
// values, the goroutines attempting to send those values will block
// indefinitely". main returns with both stages still blocked: a goroutine
// leak. pipeline/cancel is the fixed twin.
#include <chrono>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

Chan<int> Generate() {
  auto out = make_chan<int>(0, "numbers");
  go([out] {
    for (int n = 1;; n++) out.Send(n);  // nobody tells it to stop
  }, "generate");
  return out;
}

Chan<int> Square(Chan<int> in) {
  auto out = make_chan<int>(0, "squares");
  go([in, out] {
    for (int n : in) out.Send(n * n);
    out.Close();
  }, "square");
  return out;
}

void Main(const Config&) {
  Chan<int> squares = Square(Generate());
  int sum = 0;
  for (int i = 0; i < 3; i++) sum += squares.Recv();  // 1 + 4 + 9, then main stops reading
  check(sum == 14, "the first three squares");
  sleep(std::chrono::milliseconds(1));  // main goes on with other work; the stages block for good
}

}  // namespace

extern const Scenario kPipelineLeak{
    "pipeline/leak",
    "A pipeline whose consumer stops early leaks its stages (pipeline/cancel fixes it)",
    "main takes three squares and returns. square is blocked sending the fourth "
    "(chan.send.park on squares) and generate sending the fifth (on numbers): "
    "nobody will ever receive, and no timer or other goroutine can wake them. In Go "
    "the program would just exit with them; here the run ends in a leak listing "
    "both. The fix (pipeline/cancel) gives every stage a context and a select on "
    "ctx.Done() beside each send, and cancels it when the consumer has had enough.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
