// The timer and context inspectors on ImGui alone: a timer pending with its
// due time counting down, then idle; the context tree with cancelled nodes,
// deadlines and values; readable at 1280x720 and at text scale 2.
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
using synclab::viewer::testing::InspectObject;
using synclab::viewer::testing::ObjectNamed;
using synclab::viewer::testing::Record;

namespace {

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("the timer inspector shows a pending ticker's due time counting down then idle") {
    const Model m = Build(Record("timer/ticker-stop"));
    const Id ticker = ObjectNamed(m.trace(), "ticker");
    const std::uint64_t start = FirstOf(m.trace(), trace::EventKind::kTimerStart);
    const std::uint64_t stop = FirstOf(m.trace(), trace::EventKind::kTimerStop);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      const std::string text =
          InspectObject(m, ticker, start, scale, {"pending", "period 10ms", "ticker.C", "fires"});
      CHECK(text.find("in10ms") != std::string::npos);  // counts down from the cursor's time
      InspectObject(m, ticker, stop, scale, {"idle", "nothing: Reset would arm it"});
    }
  }

  TEST_CASE("the context inspector draws the tree with cancelled nodes deadlines and values") {
    const Model m = Build(Record("context/cancel-tree"));
    const Id db = ObjectNamed(m.trace(), "db");
    const std::uint64_t first_cancel = FirstOf(m.trace(), trace::EventKind::kCtxCancel);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      // Before any cancel: the whole tree live, db's deadline an hour away.
      const std::string before = InspectObject(m, db, first_cancel - 1, scale,
                                         {"WithDeadline", "live", "root WithCancel", "user WithValue",
                                          "metrics WithCancel", "tree"});
      CHECK(before.find("cancelled:") == std::string::npos);
      CHECK(before.find("in59m59") != std::string::npos);
      CHECK(before.find("alice") != std::string::npos);
    }
    // After cancel_request(): request's subtree cancelled, metrics live.
    const std::uint64_t later = FirstOf(m.trace(), trace::EventKind::kCtxChildRemove);
    const std::string after = InspectObject(m, db, later, 1.0f, {"cancelled: context canceled", "metrics WithCancel"});
    CHECK(after.find("cancelled:contextcanceled") != std::string::npos);
    CHECK(after.find("cause") != std::string::npos);
  }
}

namespace {
// The timeline of a scenario's whole run, with the cursor at its end.
Drawn TimelineOf(std::string_view scenario) {
  const Model m = Build(Record(scenario));
  Cursor c;
  c.step = m.size() - 1;
  Gui gui(ImVec2(1600, 500));
  TimelineView v;
  gui.Frame([&] { return DrawTimeline(m, c, v); });
  return Drawn();
}
}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("the timeline drops a timer's wake arrow onto the woken lane named after the timer's channel") {
    const Drawn drawn = TimelineOf("timer/ticker-stop");
    INFO(drawn.Text());
    // The runtime readies the worker on ticker.C at each tick (goroutine 0's go.ready).
    CHECK(drawn.Has("ticker.C"));
  }

  TEST_CASE("a timer's wake arrow onto the top lane comes from below it and is named") {
    // select/timeout: the timer readies main, the first lane, on after.C;
    // above the first lane there is no room inside the timeline's clip.
    const Drawn drawn = TimelineOf("select/timeout");
    INFO(drawn.Text());
    CHECK(drawn.Visible("after.C"));
  }
}
