// app.cpp: the viewer's frame.
#include "app.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "synclab/instrument/json.h"
#include "synclab/instrument/text.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/viewer/style.h"

namespace synclab::viewer {
namespace {

// The mouse's part of the help window.
const KeyHelp kMouseHelp[] = {
    {"Timeline: wheel, drag", "Zoom around the mouse, pan (Shift+wheel scrolls the lanes)"},
    {"Timeline: click", "Seek to that goroutine's event there, and select it"},
    {"Event log: click", "Seek to the event; right-click to break on it"},
};

}  // namespace

App::App(Model model, std::string source, Settings settings)
    : model_(std::make_unique<Model>(std::move(model))),
      source_(std::move(source)),
      settings_(settings) {
  timeline_.axis = settings_.timeline_axis;
  cursor_.object_lanes = model_->DefaultObjectLanes();
}

Layout App::TiledLayoutFor(ImVec2 display) const {
  const Model& m = *model_;
  LayoutInput in;
  in.width = display.x;
  in.height = display.y;
  in.font_scale = settings_.font_scale;
  in.lanes = m.trace().goroutines.size() + cursor_.object_lanes.size();
  in.banner_rows = BannerRows(m.trace());
  if (m.scenario() != nullptr) in.note = m.scenario()->teaching_note;
  in.presentation = settings_.presentation;
  in.breakpoints = !cursor_.breakpoints.empty();
  return TiledLayout(in);
}

void App::ResetLayout() {
  settings_.arranged = false;
  placed_.reset();
}

void App::Rescroll() {
  timeline_.seen_step = kNoStep;
  log_.seen_step = kNoStep;
  source_view_.seen_step = kNoStep;
}

bool App::TakeStyleChange() {
  bool changed = style_changed_;
  style_changed_ = false;
  return changed;
}

void App::Replace(Model model, std::string source) {
  model_ = std::make_unique<Model>(std::move(model));
  source_ = std::move(source);
  // The selection, breakpoints and view state belong to the old trace.
  Cursor fresh;
  fresh.speed = cursor_.speed;
  fresh.object_lanes = model_->DefaultObjectLanes();
  cursor_ = fresh;
  timeline_ = TimelineView();
  timeline_.axis = settings_.timeline_axis;
  log_ = EventLogView();  // a filter of the old trace could hide all of the new one
  source_view_ = SourceView();
}

void App::Open(const std::filesystem::path& path) {
  try {
    Replace(Build(instrument::ReadJsonFile(path.string())), path.filename().string());
  } catch (const std::exception& e) {
    // Reading errors name the file already; contradictions do not.
    error_ = "Could not open " + path.string() + ":\n" + e.what();
  }
}

void App::SetFontScale(float scale) {
  if (scale == settings_.font_scale) return;
  settings_.font_scale = scale;
  style_changed_ = true;
}

void App::Save() {
  file_mode_ = FileDialog::Mode::kSave;
  std::string name = model_->trace().meta.scenario;
  std::replace(name.begin(), name.end(), '/', '-');
  file_dialog_.Show(file_mode_, std::filesystem::current_path(), (name.empty() ? "trace" : name) + ".json");
}

Intent App::Do(Command command) {
  switch (command) {
    case Command::kLargerText: SetFontScale(NextFontScale(settings_.font_scale, +1)); break;
    case Command::kSmallerText: SetFontScale(NextFontScale(settings_.font_scale, -1)); break;
    case Command::kDefaultText: SetFontScale(1); break;
    case Command::kPresentation:
      settings_.presentation = !settings_.presentation;
      ResetLayout();  // the other layout, afresh
      break;
    case Command::kEscape:
      if (show_help_) {
        show_help_ = false;
      } else if (settings_.presentation) {
        Do(Command::kPresentation);
      }
      break;
    case Command::kOpen:
      file_mode_ = FileDialog::Mode::kOpen;
      file_dialog_.Show(file_mode_, std::filesystem::current_path());
      break;
    case Command::kRun: picker_.Show(model_->scenario()); break;
    case Command::kQuit: quit_ = true; break;
    case Command::kHelp: show_help_ = !show_help_; break;
    default: return CursorIntent(command, cursor_);
  }
  return Intent();
}

void App::Menu() {
  if (!ImGui::BeginMainMenuBar()) return;
  auto item = [&](const char* label, const char* keys, Command command, bool selected = false) {
    if (ImGui::MenuItem(label, keys, selected)) cursor_ = Apply(cursor_, Do(command), *model_);
  };
  if (ImGui::BeginMenu("File")) {
    item("Open trace...", "Ctrl+O", Command::kOpen);
    item("Run a scenario...", "Ctrl+R", Command::kRun);
    if (ImGui::MenuItem("Save trace as...")) Save();
    ImGui::Separator();
    item("Quit", "Ctrl+Q", Command::kQuit);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Dark theme", nullptr, settings_.theme == Theme::kDark)) {
      settings_.theme = Theme::kDark;
      style_changed_ = true;
    }
    if (ImGui::MenuItem("Light theme", nullptr, settings_.theme == Theme::kLight)) {
      settings_.theme = Theme::kLight;
      style_changed_ = true;
    }
    ImGui::Separator();
    item("Larger text", "Ctrl++", Command::kLargerText);
    item("Smaller text", "Ctrl+-", Command::kSmallerText);
    item("Default text size", "Ctrl+0", Command::kDefaultText);
    ImGui::Separator();
    item("Presentation layout", "F5", Command::kPresentation, settings_.presentation);
    if (ImGui::MenuItem("Reset layout")) ResetLayout();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    item("Keys and colours", "F1", Command::kHelp, show_help_);
    ImGui::EndMenu();
  }
  ImGui::SameLine(0, ImGui::GetFontSize() * 2);
  ImGui::TextDisabled("%s  (%s)", instrument::FormatHeader(model_->trace()).c_str(), source_.c_str());
  ImGui::EndMainMenuBar();
}

bool App::BeginPane(Pane pane, const Layout& target, bool place, ImGuiWindowFlags flags) {
  const Rect& r = target[pane];
  if (!target.titled[std::size_t(pane)]) flags |= ImGuiWindowFlags_NoTitleBar;
  // Placed: where the tiled layout says. Otherwise where it is, or for a
  // window imgui.ini does not know yet, where the layout would put it.
  const ImGuiCond cond = place ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(ImVec2(r.x, r.y), cond);
  ImGui::SetNextWindowSize(ImVec2(r.w, r.h), cond);
  // The transport is a toolbar, as tall as its rows even in a layout the
  // user arranged: a banner that comes with another trace must show.
  if (pane == Pane::kTransport && !place && settings_.arranged && transport_size_.y != r.h) {
    ImGui::SetNextWindowSize(ImVec2(transport_size_.x, r.h), ImGuiCond_Always);
  }
  if (place) ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
  const bool open = ImGui::Begin(PaneTitle(pane), nullptr, flags);
  if (pane == Pane::kTransport) transport_size_ = ImGui::GetWindowSize();
  // Moved or resized since it was placed: by the user, whose layout it is now.
  if (!place && placed_ && !settings_.arranged && !ImGui::IsWindowCollapsed()) {
    const Rect& was = (*placed_)[pane];
    const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
    if (std::abs(pos.x - was.x) > 1 || std::abs(pos.y - was.y) > 1 || std::abs(size.x - was.w) > 1 ||
        std::abs(size.y - was.h) > 1) {
      settings_.arranged = true;
    }
  }
  return open;
}

Intent App::Windows(ImVec2 d) {
  Intent intent;
  const Model& m = *model_;
  const Layout target = TiledLayoutFor(d);
  // The windows follow the tiled layout (the display, the text size and the
  // trace change it) until the user arranges them.
  const bool place = !settings_.arranged && (!placed_ || *placed_ != target);
  if (place) {
    placed_ = target;
    Rescroll();
  }
  auto shown = [&](Pane p) { return !target[p].empty(); };

  if (BeginPane(Pane::kTransport, target, place)) {
    intent += DrawTransport(m, cursor_, transport_, target.breakpoint_row);
    intent += DrawOutcomeBanner(m, cursor_);
  }
  ImGui::End();
  if (BeginPane(Pane::kTimeline, target, place, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    intent += DrawTimeline(m, cursor_, timeline_);
  }
  ImGui::End();
  if (shown(Pane::kEvents)) {
    if (BeginPane(Pane::kEvents, target, place)) intent += DrawEventLog(m, cursor_, log_);
    ImGui::End();
  }
  if (shown(Pane::kSource)) {
    if (BeginPane(Pane::kSource, target, place)) intent += DrawSourceView(m, cursor_, source_view_);
    ImGui::End();
  }
  if (BeginPane(Pane::kObjects, target, place)) intent += DrawObjects(m, cursor_);
  ImGui::End();
  if (shown(Pane::kNote)) {
    if (BeginPane(Pane::kNote, target, place)) DrawTeachingNote(m.scenario()->teaching_note);
    ImGui::End();
  }
  if (show_help_) {
    // As tall as its content, within the display (it scrolls beyond).
    const float margin = ImGui::GetFontSize();
    const float w = std::min(d.x - 2 * margin, ImGui::GetFontSize() * 60);
    ImGui::SetNextWindowPos(ImVec2(d.x / 2, d.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSizeConstraints(ImVec2(w, 0), ImVec2(w, d.y - 2 * margin));
    std::vector<KeyHelp> rows;
    for (const ShortcutHelp& k : kShortcutHelp) rows.push_back({k.keys, k.what});
    for (const KeyHelp& k : kMouseHelp) rows.push_back(k);
    if (ImGui::Begin("Help: keys and colours", &show_help_, ImGuiWindowFlags_AlwaysAutoResize)) DrawHelp(rows);
    ImGui::End();
  }
  return intent;
}

void App::Dialogs() {
  if (auto path = file_dialog_.Draw()) {
    if (file_mode_ == FileDialog::Mode::kOpen) {
      Open(*path);
    } else {
      try {
        instrument::WriteJsonFile(model_->trace(), path->string());
      } catch (const std::exception& e) {
        error_ = e.what();
      }
    }
  }
  if (auto choice = picker_.Draw()) {
    try {
      Model m = Build(scenarios::Run(*choice->scenario, choice->options));
      Replace(std::move(m), std::string(choice->scenario->name) + " (seed " +
                                std::to_string(choice->options.seed) + ")");
    } catch (const std::exception& e) {
      error_ = "Could not run " + std::string(choice->scenario->name) + ":\n" + e.what();
    }
  }
  if (!error_.empty()) ImGui::OpenPopup("Error");
  if (ImGui::BeginPopupModal("Error", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
    ImGui::TextUnformatted(error_.c_str());
    ImGui::PopTextWrapPos();
    // Not the Enter that confirmed the dialog this error is about, in the
    // frame it opened: that would close it before anyone read it.
    const bool enter = !ImGui::IsWindowAppearing() && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter), false);
    if (ImGui::Button("OK") || enter) {
      error_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void App::Frame(ImVec2 display, const std::vector<KeyPress>& keys, double seconds) {
  // A new font lays rows out anew: bring the cursor back into view.
  if (ImGui::GetFontSize() != font_seen_) {
    font_seen_ = ImGui::GetFontSize();
    Rescroll();
  }
  // Every key pressed since the last frame, in order, each applied before
  // the next. Shortcuts wait while a dialog is up (it takes Enter and
  // Escape), and plain keys while a text field has the keyboard.
  const bool dialog = ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel);
  const bool typing = ImGui::GetIO().WantTextInput;
  for (const KeyPress& k : keys) {
    const std::optional<Command> command = CommandFor(k);
    if (!command || (dialog && *command != Command::kQuit) || (typing && !WorksWhileTyping(k))) continue;
    cursor_ = Apply(cursor_, Do(*command), *model_);
  }
  Menu();
  Intent intent;
  if (cursor_.playing) intent += Tick{seconds};
  intent += Windows(display);
  cursor_ = Apply(cursor_, intent, *model_);
  Dialogs();
  settings_.timeline_axis = timeline_.axis;
}

}  // namespace synclab::viewer
