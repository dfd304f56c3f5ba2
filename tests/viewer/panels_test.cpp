// Smoke tests of the panels on Dear ImGui alone: no window, no GPU. Every
// panel draws every built-in scenario (ImGui's asserts are on, so misuse of
// its API aborts), and input turns into the intents it should.
#include <doctest/doctest.h>

#include <imgui.h>

#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "gui.h"
#include "traces.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::Record;

namespace {

struct Views {
  TimelineView timeline;
  EventLogView log;
  SourceView source;
};

// Every panel, one after another, in one frame each.
void DrawAll(Gui& gui, const Model& m, const Cursor& c, Views& v) {
  gui.Frame([&] { return DrawTransport(m, c) + DrawOutcomeBanner(m, c) + ReadKeys(m, c); });
  gui.Frame([&] { return DrawTimeline(m, c, v.timeline); });
  gui.Frame([&] { return DrawEventLog(m, c, v.log); });
  gui.Frame([&] { return DrawSourceView(m, c, v.source); });
  gui.Frame([&] { return DrawObjects(m, c); });
  gui.Frame([&] {
    DrawHelp();
    return Intent();
  });
}

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("every panel draws every scenario at any step on either axis in either theme") {
    Gui gui;
    for (const scenarios::Scenario* s : scenarios::All()) {
      CAPTURE(std::string(s->name));
      const Model m = Build(Record(s->name));
      for (Theme theme : {Theme::kDark, Theme::kLight}) {
        ApplyStyle(theme, theme == Theme::kDark ? 1.0f : 2.0f);
        Views v;
        v.timeline.axis = theme == Theme::kDark ? Axis::kSteps : Axis::kTime;
        for (std::uint64_t step : {std::uint64_t(0), m.size() / 2, m.size() - 1}) {
          Cursor c;
          c.step = step;
          c.goroutine = 1;
          c.object = 1;
          c.breakpoints.kinds = {trace::EventKind::kGoPark};
          c.breakpoints.goroutines = {1};
          c.breakpoints.objects = {1};
          DrawAll(gui, m, c, v);
        }
      }
    }
  }

  TEST_CASE("the arrow keys step and with Shift step within the selected goroutine") {
    Gui gui;
    const Model m = Build(Record("mutex/starvation"));
    ImGuiIO& io = ImGui::GetIO();
    constexpr int kRight = 7;  // any free index into io.KeysDown
    io.KeyMap[ImGuiKey_RightArrow] = kRight;
    Cursor c;
    c.goroutine = 4;
    io.KeysDown[kRight] = true;
    Intent pressed = gui.Frame([&] { return ReadKeys(m, c); });
    CHECK(Apply(c, pressed, m).step == 1);
    io.KeysDown[kRight] = false;
    CHECK(gui.Frame([&] { return ReadKeys(m, c); }).empty());

    io.KeyShift = true;
    io.KeysDown[kRight] = true;
    Cursor next = Apply(c, gui.Frame([&] { return ReadKeys(m, c); }), m);
    CHECK(m.trace().events[next.step].g == 4);
    io.KeysDown[kRight] = false;
    io.KeyShift = false;
  }

  TEST_CASE("the event log filter keeps the rows that mention the text") {
    Gui gui;
    const Model m = Build(Record("mutex/starvation"));
    EventLogView v;
    std::snprintf(v.filter.InputBuf, sizeof v.filter.InputBuf, "%s", "starving.enter");
    v.filter.Build();
    gui.Frame([&] { return DrawEventLog(m, Cursor(), v); });
    REQUIRE(v.rows.size() == 1);
    CHECK(v.rows[0] == FirstOf(m.trace(), trace::EventKind::kMutexStarvingEnter));
  }

  TEST_CASE("clicks on the timeline seek to valid steps") {
    Gui gui;
    const Model m = Build(Record("mutex/starvation"));
    ImGuiIO& io = ImGui::GetIO();
    TimelineView v;
    Cursor c;
    int seeks = 0;
    for (float y = 40; y < 300; y += 23) {
      for (float x = 10; x < 1280; x += 97) {
        io.MousePos = ImVec2(x, y);
        io.MouseDown[0] = true;
        Intent down = gui.Frame([&] { return DrawTimeline(m, c, v); });
        io.MouseDown[0] = false;
        Intent up = gui.Frame([&] { return DrawTimeline(m, c, v); });
        for (const Intent& i : {down, up}) {
          for (const Action& a : i.actions) {
            if (const Seek* s = std::get_if<Seek>(&a)) {
              CHECK(s->step < m.size());
              ++seeks;
            }
          }
          c = Apply(c, i, m);
        }
      }
    }
    CHECK(seeks > 10);
  }

  TEST_CASE("the timeline asks for room for every lane") {
    Gui gui;
    const Model small = Build(Record("mutex/starvation"));
    const Model big = Build(Record("mutex/counter"));
    gui.Frame([&] {
      CHECK(TimelineHeight(big) > TimelineHeight(small));
      return Intent();
    });
  }
}
