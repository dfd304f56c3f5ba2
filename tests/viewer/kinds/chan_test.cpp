// The channel and select inspectors on ImGui alone: the ring with its values
// and sendx/recvx, the wait queues with who waits and with what value, and
// a select's cases in poll order with the chosen one marked; readable at
// text scale 2.
#include <doctest/doctest.h>

#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "../drawn.h"
#include "../gui.h"
#include "../traces.h"
#include "objects_panel.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::AtStep;
using synclab::viewer::testing::Drawn;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::InspectObjects;
using synclab::viewer::testing::Record;

TEST_SUITE("viewer.panels") {
  TEST_CASE("the channel inspector shows the ring's values with sendx and recvx and a sender's offered value") {
    const Model m = Build(Record("chan/rotate"));
    const std::uint64_t rotate = FirstOf(m.trace(), trace::EventKind::kChanRecvRotate);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      // Before the rotate: a b c in the ring, the sender parked with d.
      InspectObjects(m, rotate - 1, scale, {"qcount 3", "dataqsiz 3", "senders wait", "sendx 0", "recvx 0", "(equal: full)", "sendq", "d"});
      // After: d took a's slot, the pointers moved on together.
      const std::string after = InspectObjects(m, rotate, scale, {"qcount 3", "dataqsiz 3", "sendx 1", "recvx 1"});
      CHECK(after.find("sender<-d") == std::string::npos);
    }
  }

  TEST_CASE("the channel inspector shows an unbuffered channel's waiting receiver") {
    const Model m = Build(Record("chan/range-until-closed"));
    const std::uint64_t park = FirstOf(m.trace(), trace::EventKind::kChanRecvPark);
    InspectObjects(m, park, 2.0f, {"receivers wait", "unbuffered: no ring", "recvq", "G1 main"});
    const std::uint64_t closed = FirstOf(m.trace(), trace::EventKind::kChanClose);
    InspectObjects(m, closed, 2.0f, {"closed"});
  }

  TEST_CASE("the select inspector lists the cases in poll order and marks the chosen one") {
    const Model m = Build(Record("select/fan-in"));
    const std::uint64_t park = FirstOf(m.trace(), trace::EventKind::kSelectPark);
    InspectObjects(m, park, 2.0f, {"parked on every case", "3 cases", "poll", "lock", "<-in0", "<-in1", "<-in2"});
    const std::uint64_t wake = FirstOf(m.trace(), trace::EventKind::kSelectWake);
    InspectObjects(m, wake, 2.0f, {"woken", "chosen"});
  }

  TEST_CASE("the objects panel brings the current event's object into view as the cursor moves") {
    // select/fan-in's select object comes after its three channels: in a
    // presentation-sized panel it is below the fold until the panel follows.
    const Model m = Build(Record("select/fan-in"));
    const std::uint64_t park = FirstOf(m.trace(), trace::EventKind::kSelectPark);
    {
      Gui gui(ImVec2(560, 400), 2.0f);
      for (int i = 0; i < 3; ++i) gui.Frame([&] { return DrawObjects(m, AtStep(park)); });
      CHECK_MESSAGE(Drawn().Visible("parked on every case"), Drawn().Text());
    }
    // A selected object is the user's choice: the panel does not move off it.
    Cursor chosen = AtStep(park);
    chosen.object = m.trace().objects[0].id;
    Gui gui(ImVec2(560, 400), 2.0f);
    for (int i = 0; i < 3; ++i) gui.Frame([&] { return DrawObjects(m, chosen); });
    CHECK(!Drawn().Visible("parked on every case"));
  }

  TEST_CASE("the channel ring and its legend fit a presentation-sized inspector") {
    // At text scale 2 the presentation layout leaves the inspector about
    // 300 px of height: the ring shrinks to the height left (here the width
    // would allow a larger one) and its legend stands beside it, so the
    // pointers and the ring's lowest slot (c, slot 2) are on screen.
    const Model m = Build(Record("chan/rotate"));
    const std::uint64_t rotate = FirstOf(m.trace(), trace::EventKind::kChanRecvRotate);
    const Id ch = testing::ObjectNamed(m.trace(), "ch");
    Gui gui(ImVec2(1000, 345), 2.0f);
    const KindView& view = ViewOf(trace::ObjectKind::kChan);
    for (int frame = 0; frame < 2; frame++) gui.Frame([&] { return view.inspector(m, AtStep(rotate), ch); });
    const Drawn drawn;
    INFO(drawn.Text());
    for (const char* text : {"3 buffered", "qcount 3", "dataqsiz 3", "sendx 1", "recvx 1", "(equal: full)", "c2"}) {
      CAPTURE(text);
      CHECK(drawn.Visible(text));
    }
  }
}
