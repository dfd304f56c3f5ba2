// widgets.h: small drawing helpers the panels share.
#pragma once

#include <imgui.h>

#include <cstdint>
#include <string>

#include "synclab/viewer/model.h"

namespace synclab::viewer {

// A wrapped tooltip on the last item, when it is hovered.
void Explain(const char* text);
// A rounded label in a colour; returns true when clicked.
bool Chip(const char* label, ImU32 fill, ImU32 text);
// "step 79  1.204 ms  G3 polite  mutex.starving.enter  waited=1.103 ms  starvation.cpp:32"
std::string EventLine(const Model& m, std::uint64_t seq);

}  // namespace synclab::viewer
