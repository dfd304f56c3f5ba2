// window.h: the viewer on a screen (GLFW + OpenGL 3.3), or headless into a PNG.
#pragma once

#include <filesystem>
#include <string>

#include "app.h"

namespace synclab::viewer {

// Runs the viewer in a window until it is closed; saves the settings to
// `settings_file` (and ImGui's window positions next to it) unless it is "".
// Returns "" or why no window could be opened.
std::string RunWindow(App& app, const std::filesystem::path& settings_file);

// Renders the app at its cursor into a width x height PNG, with a fixed frame
// time so the same input gives the same bytes. Returns "" or the error.
std::string RenderPng(App& app, int width, int height, const std::filesystem::path& png);

}  // namespace synclab::viewer
