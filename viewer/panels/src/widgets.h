// widgets.h: small drawing helpers the panels share.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>
#include <vector>

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
// "step 79  1.204 ms  G3 polite  mutex.starving.enter  waited=1.103 ms  starvation.cpp:32",
// without "step 79" where the step is shown already.
std::string EventLine(const Model& m, std::uint64_t seq, bool with_step = true);

}  // namespace synclab::viewer
