// layout.h: where the viewer's windows go.
//
// The tiled layout is a pure function of the display's size, the text scale,
// what the trace needs room for (its goroutine lanes, the outcome banner's
// rows, a teaching note) and the mode, so it is unit-tested, and the app
// works it out afresh whenever one of them changes. The app follows it until
// the user moves or resizes a window; View > Reset layout returns to it.
//
//   normal                                 presentation (F5)
//   +--------------------------------+    +--------------------------------+
//   | transport (and banner)         |    | transport (and banner)         |
//   +--------------------+-----------+    +--------------------+-----------+
//   | timeline           | objects   |    | timeline           | objects   |
//   +----------+---------+           |    |                    |           |
//   | events   | source  |           |    +--------------------+-----------+
//   |          |         |           |    | source             | note      |
//   +----------+---------+-----------+    +--------------------+-----------+
//
// The presentation layout spends no line on title bars (but the note's), nor
// on the transport's breakpoint row while no breakpoint is set.
// The timeline gets the height of all its lanes and the objects the width of
// a Mutex's state word in two rows, as far as the display allows. A pane that
// would be too small to show anything is left out and its room goes to the
// pane above it (the presentation's source on a small screen, never the note).
#pragma once

#include <array>
#include <cstddef>
#include <string_view>

namespace synclab::viewer {

enum class Pane : std::uint8_t { kTransport, kTimeline, kEvents, kSource, kObjects, kNote, kCount };
inline constexpr std::size_t kPaneCount = std::size_t(Pane::kCount);
// The window's title, which is also its name in imgui.ini.
const char* PaneTitle(Pane p);

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  bool empty() const { return w <= 0 || h <= 0; }
  friend bool operator==(const Rect&, const Rect&) = default;
};

struct LayoutInput {
  float width = 1600, height = 900;  // the display, in pixels
  float font_scale = 1;
  std::size_t lanes = 0;             // goroutines in the trace
  int banner_rows = 0;               // BannerRows(trace): 0 if the run ended well
  std::string_view note;             // the scenario's teaching note, or ""
  bool presentation = false;
  bool breakpoints = false;          // some are set (see Layout::breakpoint_row)
};

struct Layout {
  std::array<Rect, kPaneCount> panes;  // in whole pixels; empty: not shown
  // What each pane needs to show all it must (every lane; the whole Mutex
  // word; the whole note): 0 where it takes what it gets.
  std::array<Rect, kPaneCount> needs;
  // The presentation spends no line on title bars but the note's (a pinned
  // window says what it is by its content), nor on the transport's
  // breakpoint row while no breakpoint is set.
  std::array<bool, kPaneCount> titled{};
  bool breakpoint_row = true;
  const Rect& operator[](Pane p) const { return panes[std::size_t(p)]; }
  Rect& operator[](Pane p) { return panes[std::size_t(p)]; }
  friend bool operator==(const Layout&, const Layout&) = default;
};

Layout TiledLayout(const LayoutInput& in);

// Lines of `text` wrapped at spaces into lines of `width` characters.
int WrappedLines(std::string_view text, std::size_t width);

}  // namespace synclab::viewer
