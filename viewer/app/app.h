// app.h: the viewer's application state and its frame: menus, windows,
// dialogs, and the one place the cursor moves.
//
// App knows ImGui but not GLFW or OpenGL (window.h does), so the same frame
// runs in a window and headless.
#pragma once

#include <imgui.h>

#include <filesystem>
#include <memory>
#include <string>

#include "file_dialog.h"
#include "scenario_picker.h"
#include "settings.h"
#include "synclab/viewer/cursor.h"
#include "synclab/viewer/model.h"
#include "synclab/viewer/panels.h"

namespace synclab::viewer {

// Keys the window system reports that ImGui 1.86 has no name for.
struct Shortcuts {
  bool open = false;     // Ctrl+O
  bool run = false;      // Ctrl+R
  bool help = false;     // F1 or ?
  int font_step = 0;     // Ctrl++ / Ctrl+-: +1 / -1
  bool font_reset = false;  // Ctrl+0
  bool quit = false;     // Ctrl+Q
};

class App {
 public:
  App(Model model, std::string source, Settings settings);

  // One frame of the whole UI into a display of that size (pixels); `seconds`
  // have passed since the last frame (they move the cursor while playing).
  void Frame(ImVec2 display, const Shortcuts& keys, double seconds);

  // Opens a trace file; a bad one leaves the current trace and shows why.
  void Open(const std::filesystem::path& path);

  const Model& model() const { return *model_; }
  const Cursor& cursor() const { return cursor_; }
  void set_cursor(const Cursor& c) { cursor_ = c; }
  const Settings& settings() const { return settings_; }
  EventLogView& event_log() { return log_; }
  // "mutex/starvation (seed 1)" or the file name: for the window title.
  const std::string& source() const { return source_; }
  bool quit_requested() const { return quit_; }
  // Whether the font scale or theme changed since the last call (the window
  // rebuilds the font texture between frames).
  bool TakeStyleChange();
  // Lays the windows out afresh on the next frame (window resized, fonts).
  void ResetLayout() { relayout_ = true; }

 private:
  void Replace(Model model, std::string source);
  void Menu(const Shortcuts& keys);
  Intent Windows(ImVec2 display);
  void Dialogs();

  std::unique_ptr<Model> model_;
  Cursor cursor_;
  std::string source_;
  Settings settings_;
  TimelineView timeline_;
  EventLogView log_;
  SourceView source_view_;
  FileDialog file_dialog_;
  FileDialog::Mode file_mode_ = FileDialog::Mode::kOpen;
  ScenarioPicker picker_;
  std::string error_;  // shown in a popup until dismissed
  bool show_help_ = false;
  bool relayout_ = false;
  bool style_changed_ = false;
  bool quit_ = false;
};

}  // namespace synclab::viewer
