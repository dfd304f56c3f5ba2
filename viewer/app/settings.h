// settings.h: what the viewer remembers between runs (viewer.ini).
//
// Lives in $XDG_CONFIG_HOME/synclab/, else ~/.config/synclab/, next to
// imgui.ini (ImGui's own file: where each window is). Headless runs read and
// write neither, so their pictures do not depend on the user's settings.
#pragma once

#include <filesystem>

#include "synclab/viewer/model.h"
#include "synclab/viewer/style.h"

namespace synclab::viewer {

struct Settings {
  float font_scale = 1;  // 1: ImGui's 13 px font; a projector wants 2 or more
  Theme theme = Theme::kDark;
  int window_width = 1600;
  int window_height = 900;
  Axis timeline_axis = Axis::kSteps;
  bool presentation = false;  // the presentation layout (F5)
  // The user moved or resized a window: the windows stay where imgui.ini
  // has them. Otherwise the tiled layout is worked out afresh at every start
  // (a layout saved for another screen, text size or trace would not fit).
  bool arranged = false;
};

inline constexpr float kMinFontScale = 1;
inline constexpr float kMaxFontScale = 4;
// The next font scale up (dir > 0) or down: steps of a half.
float NextFontScale(float scale, int dir);

// The settings directory, or "" if neither XDG_CONFIG_HOME nor HOME is set.
std::filesystem::path SettingsDir();
// Defaults for whatever is missing or unreadable: settings never stop the viewer.
Settings LoadSettings(const std::filesystem::path& file);
// Best effort: creates the directory; a failure is reported on stderr.
void SaveSettings(const Settings& s, const std::filesystem::path& file);

}  // namespace synclab::viewer
