// layout.cpp: the tiled layout.
#include "layout.h"

#include <algorithm>
#include <cmath>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"

namespace synclab::viewer {
namespace {

// The window (with its title bar) that shows `lines` lines of text under a
// row of widgets: the least a log or a source view is worth showing.
float PaneWithLines(const Metrics& m, int lines) {
  return m.frame + 2 * m.padding + m.row() + float(lines) * m.line();
}

// The note window's height for its text wrapped at that width.
float NoteHeight(const Metrics& m, std::string_view note, float width) {
  const float text_w = width - 2 * m.padding - m.scrollbar;
  const auto chars = std::size_t(std::max(1.0f, std::floor(text_w / m.char_w)));
  return m.frame + 2 * m.padding + float(WrappedLines(note, chars)) * m.font;
}

}  // namespace

const char* PaneTitle(Pane p) {
  switch (p) {
    case Pane::kTransport: return "Transport";
    case Pane::kTimeline: return "Timeline";
    case Pane::kEvents: return "Events";
    case Pane::kSource: return "Source";
    case Pane::kObjects: return "Objects";
    case Pane::kNote: return "What to look for";
    default: return "";
  }
}

int WrappedLines(std::string_view text, std::size_t width) {
  int lines = 0;
  std::size_t used = 0;  // on the current line
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(' '), text.size());
    std::size_t word = end;
    while (word > width) {  // a word longer than a line is cut
      lines += used > 0 ? 1 : 0;
      used = 0;
      ++lines;
      word -= width;
    }
    if (used > 0 && used + 1 + word > width) {
      ++lines;
      used = 0;
    }
    used += (used > 0 ? 1 : 0) + word;
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return lines + (used > 0 ? 1 : 0);
}

Layout TiledLayout(const LayoutInput& in) {
  const Metrics m = MetricsAt(in.font_scale);
  Layout out;
  auto set = [&](Pane p, float x, float y, float w, float h) {
    out[p] = {std::round(x), std::round(y), std::round(x + w) - std::round(x), std::round(y + h) - std::round(y)};
  };
  const float W = in.width, H = in.height;
  const float top = m.frame;  // the menu bar
  out.breakpoint_row = !in.presentation || in.breakpoints;
  for (std::size_t p = 0; p < kPaneCount; ++p) {
    out.titled[p] = Pane(p) != Pane::kTransport && (!in.presentation || Pane(p) == Pane::kNote);
  }
  // Heights below count a title bar; a pane without one has that much less.
  const float title = in.presentation ? m.frame : 0;
  const float transport_h = TransportHeight(m, in.banner_rows, out.breakpoint_row);
  set(Pane::kTransport, 0, top, W, transport_h);
  const float body_y = top + transport_h;
  const float body_h = std::max(H - body_y, PaneWithLines(m, 1));

  // The objects down the right, wide enough for the Mutex word (to half the
  // display); the timeline over the rest of the width.
  const float objects_w = std::round(std::min(std::max(W * 0.34f, ObjectsMinWidth(m)), W * 0.5f));
  const float left_w = W - objects_w;
  const float timeline_need = TimelineHeight(m, in.lanes) - title;
  const float objects_need = ObjectsMinHeight(m, objects_w) - title;
  out.needs[std::size_t(Pane::kTimeline)] = {0, 0, 0, timeline_need};
  out.needs[std::size_t(Pane::kObjects)] = {0, 0, ObjectsMinWidth(m), objects_need};

  if (!in.presentation) {
    // The log and the source keep a few lines under the timeline.
    const float bottom_min = PaneWithLines(m, 5);  // the log's header and 4 rows
    const float timeline_h = std::min(timeline_need, std::max(body_h - bottom_min, body_h * 0.5f));
    const float log_w = std::round(left_w * 0.55f);
    set(Pane::kTimeline, 0, body_y, left_w, timeline_h);
    set(Pane::kEvents, 0, body_y + timeline_h, log_w, body_h - timeline_h);
    set(Pane::kSource, log_w, body_y + timeline_h, left_w - log_w, body_h - timeline_h);
    set(Pane::kObjects, left_w, body_y, objects_w, body_h);
    return out;
  }

  // Presentation: every lane, and the source under them where there is room.
  float timeline_h = std::min(timeline_need, body_h);
  if (body_h - timeline_h < PaneWithLines(m, 2) - title) timeline_h = body_h;
  set(Pane::kTimeline, 0, body_y, left_w, timeline_h);
  if (timeline_h < body_h) set(Pane::kSource, 0, body_y + timeline_h, left_w, body_h - timeline_h);
  // The objects, the note pinned under them: all of it if the objects keep
  // their word, else as much as leaves them that (it scrolls), at least two
  // lines.
  float objects_h = body_h;
  if (!in.note.empty()) {
    const float note_need = NoteHeight(m, in.note, objects_w);
    const float note_min = m.frame + 2 * m.padding + 2 * m.font;
    out.needs[std::size_t(Pane::kNote)] = {0, 0, 0, note_need};
    objects_h = std::max(body_h - note_need, std::min(objects_need, body_h - note_min));
    set(Pane::kNote, left_w, body_y + objects_h, objects_w, body_h - objects_h);
  }
  set(Pane::kObjects, left_w, body_y, objects_w, objects_h);
  return out;
}

}  // namespace synclab::viewer
