// Smoke tests of the panels on Dear ImGui alone: no window, no GPU. Every
// panel draws every built-in scenario (ImGui's asserts are on, so misuse of
// its API aborts), and input turns into the intents it should.
#include <doctest/doctest.h>

#include <imgui.h>

#include <algorithm>
#include <string>
#include <vector>

#include "synclab/instrument/text.h"
#include "synclab/rt/outcome.h"

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "drawn.h"
#include "gui.h"
#include "traces.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::Drawn;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::Record;

namespace {

struct Views {
  TransportView transport;
  TimelineView timeline;
  EventLogView log;
  SourceView source;
};

// Every panel, one after another, in one frame each, each checked for what
// it must have drawn.
void DrawAll(Gui& gui, const Model& m, const Cursor& c, Views& v) {
  const Trace& t = m.trace();
  gui.Frame([&] { return DrawTransport(m, c, v.transport) + DrawOutcomeBanner(m, c); });
  {
    const Drawn drawn;
    CHECK(drawn.Visible("step " + std::to_string(c.step) + " / " + std::to_string(m.size() - 1)));
    CHECK(drawn.Visible(trace::Name(t.events[c.step].kind)));
    if (t.outcome.status != rt::Status::kOk) CHECK(drawn.Visible(rt::Name(t.outcome.status)));
  }
  gui.Frame([&] { return DrawTimeline(m, c, v.timeline); });
  {
    const Drawn drawn;
    for (Id g = 1; g <= t.goroutines.size() && g <= 8; ++g) CHECK(drawn.Visible(instrument::GoroutineLabel(t, g)));
  }
  // Two frames: the first scrolls the current row into view.
  for (int i = 0; i < 2; ++i) gui.Frame([&] { return DrawEventLog(m, c, v.log); });
  CHECK(Drawn().Visible(std::to_string(c.step)));
  gui.Frame([&] { return DrawSourceView(m, c, v.source); });
  if (m.main_source() >= 0) CHECK(Drawn().Has(m.sources()[std::size_t(m.main_source())].path.substr(0, 12)));
  gui.Frame([&] { return DrawObjects(m, c); });
  {
    const Drawn drawn;
    if (!t.objects.empty()) CHECK(drawn.Visible(instrument::ObjectLabel(t, t.objects[0].id)));
    // The inspectors of objects of their own (parts are folded in their owner).
    auto any = [&](trace::ObjectKind kind) {
      return std::any_of(t.objects.begin(), t.objects.end(),
                         [&](const auto& o) { return o.kind == kind && o.parent == 0; });
    };
    if (any(trace::ObjectKind::kMutex)) CHECK(drawn.Has("waiters = "));
    if (any(trace::ObjectKind::kMap)) CHECK(drawn.Has("misses "));
  }
  gui.Frame([&] {
    DrawHelp({{"Right / Left", "Step forward / back one event"}});
    return Intent();
  });
  CHECK(Drawn().Visible("Mutex held"));
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

  TEST_CASE("the event log filter keeps the rows that mention the text") {
    Gui gui;
    const Model m = Build(Record("mutex/starvation"));
    EventLogView v;
    v.filter.Set("starving.enter");
    gui.Frame([&] { return DrawEventLog(m, Cursor(), v); });
    REQUIRE(v.rows.size() == 1);
    CHECK(v.rows[0] == FirstOf(m.trace(), trace::EventKind::kMutexStarvingEnter));
  }

  TEST_CASE("exclusions in the event filter apply whatever their order") {
    Gui gui;
    const Model m = Build(Record("mutex/starvation"));
    auto rows = [&](const char* text) {
      EventLogView v;
      v.filter.Set(text);
      gui.Frame([&] { return DrawEventLog(m, Cursor(), v); });
      return v.rows;
    };
    // G3 (polite) spins: its spin rows must go whichever way round.
    const std::vector<std::uint32_t> a = rows("G3,-spin"), b = rows("-spin,G3");
    CHECK(a == b);
    for (std::uint32_t seq : a) CHECK(m.trace().events[seq].kind != trace::EventKind::kMutexSpin);
    std::size_t own = 0;
    for (const TraceEvent& e : m.trace().events) {
      if (e.g == 3 && e.kind != trace::EventKind::kMutexSpin) {
        ++own;
        CHECK(std::find(a.begin(), a.end(), std::uint32_t(e.seq)) != a.end());
      }
    }
    CHECK(own > 0);
    CHECK(a.size() < rows("G3").size());
    // Alternatives: either word; several exclusions: none of them.
    CHECK(rows("G2,G3").size() > rows("G2").size());
    const std::vector<std::uint32_t> neither = rows("-G2,-G3");
    CHECK(!neither.empty());
    for (std::uint32_t seq : neither) CHECK((m.trace().events[seq].g != 2 && m.trace().events[seq].g != 3));
    CHECK(rows("g2") == rows("G2"));  // case does not matter
  }

  TEST_CASE("a filter that hides every event says so") {
    Gui gui;
    const Model m = Build(Record("mutex/abba-deadlock"));
    EventLogView v;
    v.filter.Set("no-such-text");
    gui.Frame([&] { return DrawEventLog(m, Cursor(), v); });
    const Drawn drawn;
    INFO(drawn.Text());
    CHECK(drawn.Visible("The filter hides all " + std::to_string(m.size()) + " events"));
  }

  TEST_CASE("the event log shows whole goroutine names and fields") {
    Gui gui;
    instrument::Trace t = Record("mutex/starvation");
    t.goroutines[2].name = "a-polite-goroutine-with-a-long-name";  // G3
    const Model m = Build(std::move(t));
    // The event with the longest fields, in view.
    std::uint64_t widest = 0;
    for (const TraceEvent& e : m.trace().events) {
      if (instrument::DescribeFields(m.trace(), e).size() >
          instrument::DescribeFields(m.trace(), m.trace().events[widest]).size()) {
        widest = e.seq;
      }
    }
    EventLogView v;
    Cursor c;
    c.step = widest;
    for (int i = 0; i < 3; ++i) gui.Frame([&] { return DrawEventLog(m, c, v); });
    const Drawn drawn;
    INFO(drawn.Text());
    CHECK(drawn.Visible("G3 a-polite-goroutine-with-a-long-name"));
    CHECK(drawn.Visible(instrument::DescribeFields(m.trace(), m.trace().events[widest])));
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

  TEST_CASE("a blocked span too narrow for its label shows a shorter one") {
    const Model m = Build(Record("mutex/starvation"));
    Cursor c;
    c.step = 100;
    auto drawn_at = [&](float width) {
      Gui gui(ImVec2(width, 400));
      TimelineView v;
      gui.Frame([&] { return DrawTimeline(m, c, v); });
      return Drawn();
    };
    // G1 main waits on the WaitGroup for most of the run: in the words of
    // the call, on the WaitGroup (not its sema).
    const Drawn wide = drawn_at(1600);
    CHECK(wide.Visible("blocked: Wait wg"));
    const Drawn narrow = drawn_at(240);
    INFO(narrow.Text());
    CHECK(!narrow.Has("blocked: Wait wg"));
    CHECK(narrow.Visible("Wait wg"));
  }

  TEST_CASE("the timeline draws each chosen object's lane in its kind's words") {
    const Model m = Build(Record("mutex/starvation"));
    Cursor c;
    c.step = 100;
    auto drawn_with = [&](std::vector<Id> lanes) {
      c.object_lanes = std::move(lanes);
      Gui gui(ImVec2(1600, 500));
      TimelineView v;
      gui.Frame([&] { return DrawTimeline(m, c, v); });
      return Drawn();
    };
    const Drawn with = drawn_with(m.DefaultObjectLanes());
    INFO(with.Text());
    CHECK(with.Visible("starving"));  // mu's lane, from step 78 on
    CHECK(with.Has("locked"));
    const Drawn without = drawn_with({});
    CHECK(!without.Has("starving"));
  }

  TEST_CASE("a goroutine blocked in Lock is shown waiting in Lock on the Mutex") {
    const Model m = Build(Record("mutex/starvation"));
    Cursor c;
    c.step = 100;
    Gui gui(ImVec2(1600, 400));
    TimelineView v;
    gui.Frame([&] { return DrawTimeline(m, c, v); });
    const Drawn drawn;
    INFO(drawn.Text());
    CHECK(drawn.Has("Lock mu"));
    CHECK(!drawn.Has("mu.sema"));
  }

  TEST_CASE("a hold bar is as tall as its label and keeps a gap to the next lane") {
    for (float font : {13.0f, 26.0f, 39.0f}) {
      const LaneGeometry g = LanesAt(font);
      CHECK(g.hold >= font);
      CHECK(g.gap >= font * 0.25f);
      CHECK(g.row() == g.status + 1 + g.hold + g.gap);
    }
  }

  TEST_CASE("Play and Pause are as wide so the buttons after them stay put") {
    Gui gui;
    const Model m = Build(Record("mutex/starvation"));
    TransportView v;
    auto end_button_x = [&](bool playing) {
      Cursor c;
      c.playing = playing;
      gui.Frame([&] { return DrawTransport(m, c, v); });
      return Drawn().Box(">|").first.x;
    };
    const float paused = end_button_x(false), playing = end_button_x(true);
    CHECK(paused > 0);
    CHECK(paused == playing);
  }

  TEST_CASE("the event-kind picker lists every kind as tall as the screen allows and searches them") {
    Gui gui(ImVec2(1280, 1000));
    const Model m = Build(Record("mutex/starvation"));
    TransportView v;
    const Cursor c;
    gui.Frame([&] { return DrawTransport(m, c, v); });
    const auto [lo, hi] = Drawn().Box("event kind...");
    REQUIRE(hi.x > lo.x);
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2((lo.x + hi.x) / 2, (lo.y + hi.y) / 2);
    io.MouseDown[0] = true;
    gui.Frame([&] { return DrawTransport(m, c, v); });
    io.MouseDown[0] = false;
    for (int i = 0; i < 2; ++i) gui.Frame([&] { return DrawTransport(m, c, v); });
    int shown = 0;
    {
      const Drawn drawn;
      for (const trace::EventInfo& info : trace::kEventInfo) shown += drawn.Visible(info.name) ? 1 : 0;
    }
    CHECK(shown > 30);  // ImGui's combo shows 8
    io.AddInputCharactersUTF8("starv");
    for (int i = 0; i < 2; ++i) gui.Frame([&] { return DrawTransport(m, c, v); });
    const Drawn drawn;
    INFO(drawn.Text());
    CHECK(drawn.Visible("mutex.starving.enter"));
    CHECK(drawn.Visible("mutex.starving.exit"));
    CHECK(!drawn.Has("go.park"));
    io.MousePos = ImVec2(-1, -1);
  }

  TEST_CASE("the transport says when Continue found no later hit") {
    Gui gui;
    const Model m = Build(Record("mutex/starvation"));
    TransportView v;
    Cursor c;
    c.breakpoints.kinds = {trace::EventKind::kMutexStarvingEnter};
    c.notice = Notice::kNoLaterHit;
    gui.Frame([&] { return DrawTransport(m, c, v); });
    CHECK(Drawn().Visible("No later breakpoint hit."));
  }

  TEST_CASE("the timeline asks for room for every lane") {
    const Metrics m = MetricsAt(2);
    CHECK(TimelineHeight(m, 11) - TimelineHeight(m, 4) == doctest::Approx(7 * LanesAt(m.font).row()));
  }
}
