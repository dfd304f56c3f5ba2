// The channel and select inspectors on ImGui alone: the ring with its values
// and sendx/recvx, the wait queues with who waits and with what value, and
// a select's cases in poll order with the chosen one marked; readable at
// text scale 2.
#include <doctest/doctest.h>

#include <string>

#include "synclab/viewer/panels.h"
#include "../drawn.h"
#include "../gui.h"
#include "../traces.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::AtStep;
using synclab::viewer::testing::Drawn;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::Record;

namespace {

std::string Inspect(const Model& m, std::uint64_t step, float scale, std::initializer_list<std::string_view> visible) {
  Gui gui(ImVec2(1600, 2400), scale);
  // Two frames: a table sizes its columns to their contents in the first.
  gui.Frame([&] { return DrawObjects(m, AtStep(step)); });
  gui.Frame([&] { return DrawObjects(m, AtStep(step)); });
  const Drawn drawn;
  for (std::string_view text : visible) {
    CAPTURE(text);
    CHECK_MESSAGE(drawn.Visible(text), drawn.Text());
  }
  return drawn.Text();
}

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("the channel inspector shows the ring's values with sendx and recvx and a sender's offered value") {
    const Model m = Build(Record("chan/rotate"));
    const std::uint64_t rotate = FirstOf(m.trace(), trace::EventKind::kChanRecvRotate);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      // Before the rotate: a b c in the ring, the sender parked with d.
      Inspect(m, rotate - 1, scale, {"qcount 3 / dataqsiz 3", "senders wait", "sendx 0", "recvx 0", "(equal: full)", "sendq", "d"});
      // After: d took a's slot, the pointers moved on together.
      const std::string after = Inspect(m, rotate, scale, {"qcount 3 / dataqsiz 3", "sendx 1", "recvx 1"});
      CHECK(after.find("sender<-d") == std::string::npos);
    }
  }

  TEST_CASE("the channel inspector shows an unbuffered channel's waiting receiver") {
    const Model m = Build(Record("chan/range-until-closed"));
    const std::uint64_t park = FirstOf(m.trace(), trace::EventKind::kChanRecvPark);
    Inspect(m, park, 2.0f, {"receivers wait", "unbuffered: no ring", "recvq", "G1 main"});
    const std::uint64_t closed = FirstOf(m.trace(), trace::EventKind::kChanClose);
    Inspect(m, closed, 2.0f, {"closed"});
  }

  TEST_CASE("the select inspector lists the cases in poll order and marks the chosen one") {
    const Model m = Build(Record("select/fan-in"));
    const std::uint64_t park = FirstOf(m.trace(), trace::EventKind::kSelectPark);
    Inspect(m, park, 2.0f, {"parked on every case", "3 cases", "poll", "lock", "<-in0", "<-in1", "<-in2"});
    const std::uint64_t wake = FirstOf(m.trace(), trace::EventKind::kSelectWake);
    Inspect(m, wake, 2.0f, {"woken", "chosen"});
  }
}
