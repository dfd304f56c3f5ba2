// app.h: the viewer's application state and its frame: menus, windows,
// dialogs, and the one place the cursor moves.
//
// App knows ImGui but not GLFW or OpenGL (window.h does), so the same frame
// runs in a window and headless.
#pragma once

#include <imgui.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "file_dialog.h"
#include "keymap.h"
#include "layout.h"
#include "scenario_picker.h"
#include "settings.h"
#include "synclab/viewer/cursor.h"
#include "synclab/viewer/model.h"
#include "synclab/viewer/panels.h"

namespace synclab::viewer {

class App {
 public:
  App(Model model, std::string source, Settings settings);

  // One frame of the whole UI into a display of that size (pixels), after
  // `keys` were pressed; `seconds` have passed since the last frame (they
  // move the cursor while playing).
  void Frame(ImVec2 display, const std::vector<KeyPress>& keys, double seconds);

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
  // The tiled layout for a display of that size, the trace and the settings.
  Layout TiledLayoutFor(ImVec2 display) const;
  // View > Reset layout: the windows follow the tiled layout again.
  void ResetLayout();

 private:
  void Replace(Model model, std::string source);
  // What a shortcut or menu item does; returns the cursor's part of it.
  Intent Do(Command command);
  void SetFontScale(float scale);
  void Save();
  void Menu();
  Intent Windows(ImVec2 display);
  bool BeginPane(Pane pane, const Layout& target, bool place, ImGuiWindowFlags flags = 0);
  // Every panel brings the cursor into view again (their sizes changed).
  void Rescroll();
  void Dialogs();

  std::unique_ptr<Model> model_;
  Cursor cursor_;
  std::string source_;
  Settings settings_;
  TransportView transport_;
  TimelineView timeline_;
  EventLogView log_;
  SourceView source_view_;
  FileDialog file_dialog_;
  FileDialog::Mode file_mode_ = FileDialog::Mode::kOpen;
  ScenarioPicker picker_;
  std::string error_;  // shown in a popup until dismissed
  bool show_help_ = false;
  // The tiled layout the windows were last put in (none yet: they will be).
  // Once the user moves or resizes one, settings_.arranged says so, and the
  // windows stay where the user put them.
  std::optional<Layout> placed_;
  float font_seen_ = 0;  // the font size of the last frame
  ImVec2 transport_size_;  // the transport window's, last frame
  bool style_changed_ = false;
  bool quit_ = false;
};

}  // namespace synclab::viewer
