// widgets.h: small drawing helpers the panels share.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "synclab/viewer/cursor.h"
#include "synclab/viewer/model.h"

namespace synclab::viewer {

// What the colours mean, as the timeline's legend and the help show it.
struct LegendEntry {
  std::string label;
  ImU32 fill, text;
  const char* help;
};
std::vector<LegendEntry> LegendEntries();

// A wrapped tooltip on the last item, when it is hovered.
void Explain(const char* text);
// A rounded label in a colour; returns true when clicked.
bool Chip(const char* label, ImU32 fill, ImU32 text);
// A read hold: HoldColor, faded, as the timeline draws it.
ImU32 SharedHoldColor();

// Chips (and short texts) laid out left to right that wrap at the right
// edge of the space the first one starts in: a queue of goroutines stays
// readable in a narrow column at large text.
class ChipFlow {
 public:
  ChipFlow();
  // A chip; returns true when clicked.
  bool Chip(const char* label, ImU32 fill, ImU32 text, const char* help = nullptr);
  // A goroutine's chip in its status colour at the snapshot; a click selects it.
  void Goroutine(const Model& m, const Snapshot& snap, Id g, const char* help, Intent& out);
  // A chip in the colour of a hold (read holds faded), clickable like Goroutine.
  void Holder(const Model& m, Id g, bool shared, const char* help, Intent& out);
  void Text(const char* text);  // disabled text: "head", "->", "(empty)"

 private:
  void Place(float width);
  float right_;
  bool first_ = true;
};

// One row of an inspector's two-column table ("what", "value"): the label
// with its tooltip goes in the first column, and the cursor is left in the
// second for the value.
void InspectorRow(const char* label, const char* help);

// The part of obj named "<obj>.<part>" (an RWMutex's "readerSem"), or 0.
Id PartNamed(const Model& m, Id obj, std::string_view part);
// The goroutines queued on a sema at the snapshot, head first (none for 0).
const std::vector<Id>& SemaQueue(const Snapshot& snap, Id sema);
// A sema's queue as chips: "head -> G3 -> G4 -> tail", or "(empty)".
void DrawQueue(const Model& m, const Snapshot& snap, Id sema, const char* help, Intent& out);

// The latest event on obj up to the cursor: "step 41 [G3 worker]", then
// "atomic.add at file.cpp:12", the goroutine as a chip. Returns its seq
// (nullopt if nothing has happened to obj yet).
std::optional<std::uint64_t> DrawLastOperation(const Model& m, const Cursor& c, Id obj, Intent& out);

// "step 79  1.204 ms  G3 polite  mutex.starving.enter  waited=1.103 ms  starvation.cpp:32",
// without "step 79" where the step is shown already.
std::string EventLine(const Model& m, std::uint64_t seq, bool with_step = true);

}  // namespace synclab::viewer
