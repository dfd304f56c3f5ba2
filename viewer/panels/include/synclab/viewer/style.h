// style.h: the viewer's look: themes, scale and the status colours every
// panel uses, so that "blocked" is the same red everywhere.
#pragma once

#include <imgui.h>

#include "synclab/instrument/state.h"

namespace synclab::viewer {

enum class Theme : std::uint8_t { kDark, kLight };

// Rebuilds ImGui's font at the scale (13 px at 1), so large text stays sharp
// instead of stretched, and resets the style to the theme at that scale. The
// font atlas must then be rebuilt (the window's backend uploads it again).
void ApplyLook(Theme theme, float scale);
// The style alone, for the current font.
void ApplyStyle(Theme theme, float scale);

// The sizes ApplyLook gives ImGui at a scale, known without ImGui, so the
// app's layout can be worked out for a text size before its font is built.
struct Metrics {
  float font;       // the font's size in pixels: a line of text
  float char_w;     // the width of one character (the font is monospaced)
  float frame;      // a widget's height; also a title bar's and the menu bar's
  float frame_pad;  // a widget's padding left and right of its label
  float spacing;    // between widgets, vertically
  float spacing_x;  // between widgets on one line
  float padding;    // inside a window, on each side
  float indent;     // a tree node's indent
  float scrollbar;  // a scrollbar's width
  float row() const { return frame + spacing; }  // a line of widgets
  float line() const { return font + spacing; }  // a line of text
};
Metrics MetricsAt(float scale);

// A window's size no larger than the display less a line of margin around
// (a dialog made for large text on a small screen keeps its buttons on it).
ImVec2 FitToDisplay(ImVec2 size);

// running green, runnable yellow, blocked red, spinning orange, done grey.
ImU32 StatusColor(instrument::GStatus s);
// Text that reads on StatusColor(s).
ImU32 StatusTextColor(instrument::GStatus s);
// Mutex holds in the timeline.
ImU32 HoldColor();

}  // namespace synclab::viewer
