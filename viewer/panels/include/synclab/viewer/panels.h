// panels.h: the viewer's Dear ImGui panels.
//
// Each panel draws into the current ImGui window (the app owns the windows
// and their layout) what it can derive from the model at the cursor, and
// returns what the user asked for as an Intent; it never moves the cursor.
// What a panel must remember between frames (zoom, filter text, scroll
// targets) lives in a small view struct the app owns and passes in; panels
// have no globals or statics.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "synclab/viewer/cursor.h"
#include "synclab/viewer/model.h"
#include "synclab/viewer/style.h"

namespace synclab::viewer {

inline constexpr std::uint64_t kNoStep = std::numeric_limits<std::uint64_t>::max();

// Each panel that the app's layout sizes says how much room it needs, from
// the Metrics of a text scale alone (no ImGui), in the same terms it draws.

struct TransportView {
  char kind_search[64] = "";  // the event-kind picker's search text
};
// Transport: step, play, speed, scrub bar, the current event, and a row to
// set breakpoints (the presentation layout leaves it out while none is set).
Intent DrawTransport(const Model& m, const Cursor& c, TransportView& view, bool breakpoint_row = true);
// The height of a window (without a title bar) that holds the transport and
// the banner's rows.
float TransportHeight(const Metrics& m, int banner_rows, bool breakpoint_row = true);

// The run's outcome (deadlock, fatal, panic, leak, ...) with Go's message and
// a jump to the event that caused it, then who was left blocked. Draws
// nothing for a run that ended well.
Intent DrawOutcomeBanner(const Model& m, const Cursor& c);
// The rows it draws: 0 for a run that ended well.
int BannerRows(const Trace& t);

// The help window's content: the shortcuts as the app binds them, and what
// the colours mean.
struct KeyHelp {
  const char* keys;
  const char* what;
};
void DrawHelp(const std::vector<KeyHelp>& keys);

struct TimelineView {
  Axis axis = Axis::kSteps;
  double from = 0, to = 0;  // the visible range on the axis; to <= from: all of it
  bool follow = true;       // keep the cursor in view as it moves
  std::uint64_t seen_step = kNoStep;
  std::vector<LaneBlock> blocks;  // scratch, reused every frame
  std::vector<HoldBlock> holds;
  std::vector<ObjectBlock> object_blocks;
};
// One lane per goroutine: its status over time, blocked on what, its Mutex
// holds; zoom (wheel), pan (drag), hover for the event, click to seek.
Intent DrawTimeline(const Model& m, const Cursor& c, TimelineView& view);
// A lane's rows, in pixels for a font size: its status bar, the bar of the
// Mutexes it holds (as tall as their labels), and the gap to the next lane.
struct LaneGeometry {
  float status, hold, gap;
  float row() const { return status + 1 + hold + gap; }  // 1: between the bars
};
LaneGeometry LanesAt(float font);
// The height of a window (with its title bar) that shows every lane.
float TimelineHeight(const Metrics& m, std::size_t lanes);

// The event log's filter: a row passes if it contains any of the words
// (none given: every row) and none of the words that follow a '-'. Words are
// separated by commas and compared without regard to case; exclusions apply
// wherever they stand ("G2,-spin" is "-spin,G2").
struct EventFilter {
  char text[256] = "";  // as typed
  std::vector<std::string> include, exclude;

  void Set(std::string_view typed);  // text = typed, then Parse()
  void Parse();                      // after text changed
  bool active() const { return !include.empty() || !exclude.empty(); }
  bool Passes(std::string_view row) const;
};

struct EventLogView {
  EventFilter filter;
  std::vector<std::uint32_t> rows;  // the events that pass the filter
  bool filtered = false;            // rows is up to date with filter
  std::uint64_t seen_step = kNoStep;
  // Each column's width in characters, for the trace's longest names
  // (measured once: a view belongs to one model).
  std::vector<std::size_t> column_chars;
};
// The events in a table; a text filter; click a row to seek.
Intent DrawEventLog(const Model& m, const Cursor& c, EventLogView& view);

struct SourceView {
  int file = -1;  // index in Model::sources(); -1: the model's main source
  std::uint64_t seen_step = kNoStep;
};
// The scenario's source with a marker per goroutine on its current line.
Intent DrawSourceView(const Model& m, const Cursor& c, SourceView& view);

// The scenario's teaching note, for a window of its own (the presentation
// layout pins it); the source view has it as a tooltip.
void DrawTeachingNote(std::string_view note);

// Every object: its kind's own inspector, then the generic one.
Intent DrawObjects(const Model& m, const Cursor& c);
// The window (with its title bar) that shows a Mutex's whole state word, in
// two rows of 16 bits, down to its decoded flags: its least width, and its
// height at a width.
float ObjectsMinWidth(const Metrics& m);
float ObjectsMinHeight(const Metrics& m, float width);
// Any object: its fields from the event catalogue, the last change marked.
// (Each kind's own inspector comes first: panels/src/kinds/<noun>.cpp.)
Intent DrawObjectInspector(const Model& m, const Cursor& c, Id obj);

}  // namespace synclab::viewer
