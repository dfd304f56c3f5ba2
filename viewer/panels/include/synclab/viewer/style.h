// style.h: the viewer's look: themes, scale and the status colours every
// panel uses, so that "blocked" is the same red everywhere.
#pragma once

#include <imgui.h>

#include "synclab/instrument/state.h"

namespace synclab::viewer {

enum class Theme : std::uint8_t { kDark, kLight };

// Resets the ImGui style to the theme at the given scale (1: ImGui's sizes).
void ApplyStyle(Theme theme, float scale);

// running green, runnable yellow, blocked red, spinning orange, done grey.
ImU32 StatusColor(instrument::GStatus s);
// Text that reads on StatusColor(s).
ImU32 StatusTextColor(instrument::GStatus s);
// Mutex holds in the timeline.
ImU32 HoldColor();

}  // namespace synclab::viewer
