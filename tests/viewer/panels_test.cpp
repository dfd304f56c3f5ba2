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
using synclab::viewer::testing::AtStep;
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
    // The first object's inspector is on screen (a Mutex's word, a Map's
    // misses, say).
    const auto first = t.objects.empty() ? trace::ObjectKind::kCount : t.objects[0].kind;
    if (first == trace::ObjectKind::kMutex) CHECK(drawn.Has("waiters = "));
    if (first == trace::ObjectKind::kMap) CHECK(drawn.Has("misses "));
  }
  gui.Frame([&] {
    DrawHelp({{"Right / Left", "Step forward / back one event"}});
    return Intent();
  });
  CHECK(Drawn().Visible("Mutex held"));
}
}  // namespace

namespace {

// The objects panel at a step, as a narrow column at twice the text size
// (the presentation's look), tall enough for every object.
Drawn ObjectsAt(const Model& m, std::uint64_t step) {
  Gui gui(ImVec2(600, 4000), 2);
  const Cursor c = AtStep(step);
  // Tables size their columns to what the frame before drew.
  for (int i = 0; i < 3; ++i) gui.Frame([&] { return DrawObjects(m, c); });
  return Drawn();
}

// The seq of the n'th (0-based) event of that kind.
std::uint64_t NthOf(const Trace& t, trace::EventKind kind, int n) {
  for (const TraceEvent& e : t.events)
    if (e.kind == kind && n-- == 0) return e.seq;
  FAIL("too few " << std::string(trace::Name(kind)) << " events");
  return 0;
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

  TEST_CASE("the RWMutex inspector draws readerCount less 2^30 while a writer is pending and who holds it") {
    const Model m = Build(Record("rwmutex/readers-together"));
    {
      const Drawn d = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kRWLockWaitReaders));
      INFO(d.Text());
      CHECK(d.Visible("Writer pending"));
      CHECK(d.Visible("readerCount = 3 - 2^30"));
      CHECK(d.Visible("-2^30"));  // the number line's negative half
      CHECK(d.Visible("writer (< 0)"));
      CHECK(d.Visible("no writer (>= 0)"));
      CHECK(d.Visible("the writer waits for 3 readers to leave"));
      for (const char* reader : {"G2 reader", "G3 reader", "G4 reader"}) CHECK(d.Visible(reader));
      CHECK(d.Visible("G5 writer"));
      CHECK(d.Visible("pending"));
    }
    {
      const Drawn d = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kRWRUnlockDeparting));
      CHECK(d.Visible("the writer waits for 2 readers to leave"));
    }
    {
      const Drawn d = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kRWLockAcquire));
      INFO(d.Text());
      CHECK(d.Visible("Write-locked"));
      CHECK(d.Visible("readerCount = 0 - 2^30"));
      CHECK(d.Visible("holds it"));
      CHECK(d.Visible("held by"));  // w, the writers' Mutex
    }
    CHECK(ObjectsAt(m, m.size() - 1).Visible("Free"));
    // A reader behind the pending writer is listed on readerSem.
    const Model late = Build(Record("rwmutex/writer-blocks-new-readers"));
    const Drawn d = ObjectsAt(late, FirstOf(late.trace(), trace::EventKind::kRWRLockSlow));
    INFO(d.Text());
    CHECK(d.Visible("readerSem"));
    CHECK(d.Visible("G4 dashboard"));
    CHECK(d.Visible("G2 report"));
  }

  TEST_CASE("the WaitGroup inspector draws its counter and waiters halves and who waits") {
    const Model m = Build(Record("waitgroup/fan-out"));
    const std::uint64_t park = FirstOf(m.trace(), trace::EventKind::kWgWaitPark);
    const std::int64_t counter = m.trace().events[park].f[0];
    REQUIRE(counter > 1);
    {
      const Drawn d = ObjectsAt(m, park);
      INFO(d.Text());
      CHECK(d.Visible(std::to_string(counter) + " tasks to go"));
      CHECK(d.Visible("counter " + std::to_string(counter)));
      CHECK(d.Visible("waiters 1"));
      CHECK(d.Visible("outlined: changed at step " + std::to_string(park)));
      CHECK(d.Visible("in Wait"));
      CHECK(d.Visible("G1 main"));
    }
    CHECK(ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kWgReleaseWaiters)).Visible("Idle"));
    const Model negative = Build(Record("waitgroup/negative-counter"));
    CHECK(ObjectsAt(negative, negative.size() - 1).Visible("Negative counter"));
  }

  TEST_CASE("the Cond inspector draws the tickets and the notify list and whom Signal wakes") {
    const Model m = Build(Record("cond/signal-vs-broadcast"));
    {
      const Drawn d = ObjectsAt(m, NthOf(m.trace(), trace::EventKind::kCondWaitPark, 2));
      INFO(d.Text());
      CHECK(d.Visible("3 asleep"));
      CHECK(d.Visible("wait 3"));
      CHECK(d.Visible("notify 0"));
      CHECK(d.Visible("^notify"));
      CHECK(d.Visible("^wait"));
      CHECK(d.Visible("G2 t0"));
      CHECK(d.Visible("G4 t2"));
      CHECK(d.Visible("wakes ticket 0: G2 runner"));
    }
    {
      const Drawn d = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kCondSignalWake));
      INFO(d.Text());
      CHECK(d.Visible("2 asleep"));
      CHECK(d.Visible("notify 1"));
      CHECK(!d.Has("G2 t0"));  // woken: out of the list
      CHECK(d.Visible("wakes ticket 1: G3 runner"));
    }
    const Drawn after = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kCondBroadcast));
    CHECK(after.Visible("Nobody waits"));
    CHECK(after.Visible("nothing to notify"));
  }

  TEST_CASE("the Once inspector draws done who runs f and who waits on m") {
    const Model m = Build(Record("once/lazy-init"));
    {
      const Drawn d = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kOnceRunEnd) - 1);
      INFO(d.Text());
      CHECK(d.Visible("f running"));
      CHECK(d.Visible("done 0"));
      CHECK(d.Visible("runs it"));
      CHECK(d.Visible("held by"));
      CHECK(d.Visible("waits on m until f returns"));
    }
    {
      const Drawn d = ObjectsAt(m, m.size() - 1);
      CHECK(d.Visible("Done"));
      CHECK(d.Visible("done 1"));
      CHECK(d.Visible("returns at once (done is 1)"));
    }
    const Model panicked = Build(Record("once/panic-still-done"));
    CHECK(ObjectsAt(panicked, FirstOf(panicked.trace(), trace::EventKind::kOnceRunPanic)).Visible("Done (f panicked)"));
  }

  TEST_CASE("the atomic inspectors draw the value and the latest operation with what it saw") {
    const Model add = Build(Record("atomic/add"));
    {
      const std::uint64_t seq = NthOf(add.trace(), trace::EventKind::kAtomicAdd, 1);
      const Drawn d = ObjectsAt(add, seq);
      INFO(d.Text());
      CHECK(d.Visible("step " + std::to_string(seq) + " (now)"));
      CHECK(d.Visible("Add(1): 1 -> 2"));
      CHECK(d.Visible("atomic.add at add.cpp"));
    }
    const Model pointer = Build(Record("atomic/pointer-publish"));
    {
      const Drawn d = ObjectsAt(pointer, FirstOf(pointer.trace(), trace::EventKind::kAtomicPointerCas));
      INFO(d.Text());
      CHECK(d.Visible("CompareAndSwap(p3, p2): swapped, p3 -> p2"));
      CHECK(d.Visible("p2"));
    }
    CHECK(ObjectsAt(pointer, NthOf(pointer.trace(), trace::EventKind::kAtomicPointerSwap, 1))
              .Visible("Swap: returned p1, holds p2"));
  }

  TEST_CASE("the atomic.Value inspector draws both words and what a Load returns during the first store") {
    const Model m = Build(Record("atomic/value-config"));
    {
      const Drawn d = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kValueFirstData));
      INFO(d.Text());
      CHECK(d.Visible("first store in progress"));
      CHECK(d.Visible("firstStoreInProgress"));
      CHECK(d.Visible("{v1 timeout=100ms}"));
      CHECK(d.Visible("returns nil"));
      CHECK(d.Visible("pinned"));
    }
    {
      const Drawn d = ObjectsAt(m, FirstOf(m.trace(), trace::EventKind::kValueStore));
      INFO(d.Text());
      CHECK(d.Visible("Store: {v1 timeout=100ms} -> {v2 timeout=50ms}"));
      CHECK(d.Visible("returns {v2 timeout=50ms}"));
    }
    // The reloader's recovered panic, kept in last_error.
    CHECK(ObjectsAt(m, m.size() - 1).Has("sync/atomic: store of inconsistently typed value into Value"));
  }
}
