// Tests of the tiled layout: a pure function of the display, the text size,
// the trace's lanes, banner and note, and the mode.
#include <doctest/doctest.h>

#include <string>

#include "layout.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"

using namespace synclab;
using namespace synclab::viewer;

namespace {

std::string_view StarvationNote() { return scenarios::Find("mutex/starvation")->teaching_note; }

LayoutInput Input(float w, float h, float scale, std::size_t lanes, int banner_rows, bool presentation) {
  LayoutInput in;
  in.width = w;
  in.height = h;
  in.font_scale = scale;
  in.lanes = lanes;
  in.banner_rows = banner_rows;
  in.note = StarvationNote();
  in.presentation = presentation;
  return in;
}

bool Overlap(const Rect& a, const Rect& b) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

// Every lane, the whole Mutex word and its flags (the panels' own sizes,
// less a title bar the pane goes without).
void CheckRoomForLanesAndWord(const Layout& l, const LayoutInput& in) {
  const Metrics m = MetricsAt(in.font_scale);
  auto title = [&](Pane p) { return l.titled[std::size_t(p)] ? 0 : m.frame; };
  CHECK(l[Pane::kTimeline].h >= TimelineHeight(m, in.lanes) - title(Pane::kTimeline) - 0.5f);
  CHECK(l[Pane::kObjects].w >= ObjectsMinWidth(m) - 0.5f);
  CHECK(l[Pane::kObjects].h >= ObjectsMinHeight(m, l[Pane::kObjects].w) - title(Pane::kObjects) - 0.5f);
}

}  // namespace

TEST_SUITE("viewer.app") {
  TEST_CASE("the presentation layout at font scale 2 on 1280x720 holds every lane and the Mutex word") {
    const LayoutInput in = Input(1280, 720, 2, 4, 0, true);
    const Layout l = TiledLayout(in);
    CheckRoomForLanesAndWord(l, in);
    CHECK(l[Pane::kEvents].empty());
    // The note is pinned, at least three lines of it (it scrolls for more).
    const Metrics m = MetricsAt(2);
    CHECK(l[Pane::kNote].h >= m.frame + 2 * m.padding + 3 * m.font);
  }

  TEST_CASE("the normal layout at font scale 2 on 1600x1000 holds every lane and the Mutex word") {
    const LayoutInput in = Input(1600, 1000, 2, 4, 0, false);
    const Layout l = TiledLayout(in);
    CheckRoomForLanesAndWord(l, in);
    // And the log and the source keep a few rows.
    CHECK(l[Pane::kEvents].h >= 5 * MetricsAt(2).line());
    CHECK(l[Pane::kNote].empty());
  }

  TEST_CASE("the windows tile the display with no overlap and no gap") {
    for (float scale : {1.0f, 1.5f, 2.0f, 3.0f}) {
      for (auto [w, h] : {std::pair(1280.0f, 720.0f), std::pair(1600.0f, 1000.0f), std::pair(1920.0f, 1080.0f)}) {
        for (bool presentation : {false, true}) {
          for (int banner : {0, 2}) {
            for (std::size_t lanes : {std::size_t(1), std::size_t(4), std::size_t(11)}) {
              const LayoutInput in = Input(w, h, scale, lanes, banner, presentation);
              const Layout l = TiledLayout(in);
              CAPTURE(scale);
              CAPTURE(w);
              CAPTURE(presentation);
              CAPTURE(banner);
              CAPTURE(lanes);
              const float menu = MetricsAt(scale).frame;
              float area = 0;
              for (std::size_t i = 0; i < kPaneCount; ++i) {
                const Rect& r = l.panes[i];
                if (r.empty()) continue;
                CHECK(r.x >= 0);
                CHECK(r.y >= menu);
                CHECK(r.x + r.w <= w);
                CHECK(r.y + r.h <= h);
                CHECK(r.x == float(int(r.x)));  // whole pixels: ImGui floors positions
                CHECK(r.h == float(int(r.h)));
                area += r.w * r.h;
                for (std::size_t j = i + 1; j < kPaneCount; ++j) CHECK(!Overlap(r, l.panes[j]));
              }
              CHECK(area == doctest::Approx(w * (h - menu)));
            }
          }
        }
      }
    }
  }

  TEST_CASE("the layout follows the text size") {
    const Layout one = TiledLayout(Input(1600, 1000, 1, 4, 0, false));
    const Layout two = TiledLayout(Input(1600, 1000, 2, 4, 0, false));
    CHECK(two[Pane::kTransport].h > one[Pane::kTransport].h);
    CHECK(two[Pane::kTimeline].h > one[Pane::kTimeline].h);
    CHECK(two[Pane::kTimeline].y > one[Pane::kTimeline].y);
    CHECK(two[Pane::kObjects].w >= one[Pane::kObjects].w);
  }

  TEST_CASE("the transport grows by the banner's rows and the panes below move down") {
    const Layout ok = TiledLayout(Input(1600, 1000, 2, 3, 0, false));
    const Layout deadlock = TiledLayout(Input(1600, 1000, 2, 3, 2, false));
    CHECK(ok.breakpoint_row);
    const Metrics m = MetricsAt(2);
    CHECK(deadlock[Pane::kTransport].h - ok[Pane::kTransport].h == 2 * m.row());
    CHECK(deadlock[Pane::kTimeline].y == ok[Pane::kTimeline].y + 2 * m.row());
    CHECK(deadlock[Pane::kTimeline].h == ok[Pane::kTimeline].h);  // still every lane
  }

  TEST_CASE("the presentation layout spends a row on breakpoints only while some are set") {
    LayoutInput in = Input(1280, 720, 2, 4, 0, true);
    const Layout none = TiledLayout(in);
    in.breakpoints = true;
    const Layout some = TiledLayout(in);
    CHECK(!none.breakpoint_row);
    CHECK(some.breakpoint_row);
    CHECK(some[Pane::kTransport].h - none[Pane::kTransport].h == MetricsAt(2).row());
    CheckRoomForLanesAndWord(some, in);  // still
  }

  TEST_CASE("the timeline grows with the lanes until the log and source keep their rows") {
    const Layout few = TiledLayout(Input(1600, 1000, 1, 2, 0, false));
    const Layout more = TiledLayout(Input(1600, 1000, 1, 6, 0, false));
    const Layout many = TiledLayout(Input(1600, 1000, 1, 200, 0, false));
    CHECK(more[Pane::kTimeline].h - few[Pane::kTimeline].h == 4 * LanesAt(13).row());
    CHECK(many[Pane::kEvents].h >= 5 * MetricsAt(1).line());
  }

  TEST_CASE("the presentation layout hides the event log and pins the note if there is one") {
    LayoutInput in = Input(1600, 1000, 1.5f, 4, 0, true);
    Layout l = TiledLayout(in);
    CHECK(l[Pane::kEvents].empty());
    CHECK(!l[Pane::kNote].empty());
    CHECK(!l[Pane::kSource].empty());
    // At this size all of the note shows.
    CHECK(l[Pane::kNote].h >= l.needs[std::size_t(Pane::kNote)].h);
    in.note = {};
    l = TiledLayout(in);
    CHECK(l[Pane::kNote].empty());
    CHECK(l[Pane::kObjects].h == l[Pane::kTimeline].h + l[Pane::kSource].h);
    CHECK(!TiledLayout(Input(1600, 1000, 1.5f, 4, 0, false))[Pane::kEvents].empty());
  }

  TEST_CASE("text wraps at spaces into lines of a width") {
    CHECK(WrappedLines("", 10) == 0);
    CHECK(WrappedLines("one", 10) == 1);
    CHECK(WrappedLines("one two three", 9) == 2);  // "one two" "three"
    CHECK(WrappedLines("one two three", 7) == 2);
    CHECK(WrappedLines("one two three", 6) == 3);
    CHECK(WrappedLines("abcdefghij", 4) == 3);     // a word longer than a line is cut
  }
}
