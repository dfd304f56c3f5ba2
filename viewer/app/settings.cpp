// settings.cpp: viewer.ini, a few "key = value" lines.
#include "settings.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace synclab::viewer {

float NextFontScale(float scale, int dir) {
  float next = std::round(scale * 2 + float(dir)) / 2;
  return std::clamp(next, kMinFontScale, kMaxFontScale);
}

std::filesystem::path SettingsDir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg == '/') {
    return std::filesystem::path(xdg) / "synclab";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".config" / "synclab";
  }
  return {};
}

Settings LoadSettings(const std::filesystem::path& file) {
  Settings s;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    std::size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string x) {
      x.erase(0, x.find_first_not_of(" \t"));
      x.erase(x.find_last_not_of(" \t\r") + 1);
      return x;
    };
    const std::string key = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    // std::strtof and std::atoi never throw; nonsense becomes 0 and is clamped.
    if (key == "font_scale") {
      s.font_scale = std::clamp(std::round(std::strtof(value.c_str(), nullptr) * 2) / 2,
                                kMinFontScale, kMaxFontScale);
    } else if (key == "theme") {
      s.theme = value == "light" ? Theme::kLight : Theme::kDark;
    } else if (key == "window_width") {
      s.window_width = std::clamp(std::atoi(value.c_str()), 320, 16384);
    } else if (key == "window_height") {
      s.window_height = std::clamp(std::atoi(value.c_str()), 240, 16384);
    } else if (key == "timeline_axis") {
      s.timeline_axis = value == "time" ? Axis::kTime : Axis::kSteps;
    } else if (key == "presentation") {
      s.presentation = value == "on";
    } else if (key == "layout") {
      s.arranged = value == "arranged";
    }
  }
  return s;
}

void SaveSettings(const Settings& s, const std::filesystem::path& file) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  std::ofstream out(file);
  out << "# synclab-viewer settings (rewritten on exit)\n"
      << "font_scale = " << s.font_scale << '\n'
      << "theme = " << (s.theme == Theme::kLight ? "light" : "dark") << '\n'
      << "window_width = " << s.window_width << '\n'
      << "window_height = " << s.window_height << '\n'
      << "timeline_axis = " << (s.timeline_axis == Axis::kTime ? "time" : "steps") << '\n'
      << "presentation = " << (s.presentation ? "on" : "off") << '\n'
      << "layout = " << (s.arranged ? "arranged" : "tiled") << '\n';
  if (!out.flush()) std::cerr << "synclab-viewer: cannot write " << file.string() << '\n';
}

}  // namespace synclab::viewer
