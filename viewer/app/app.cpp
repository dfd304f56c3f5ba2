// app.cpp: the viewer's frame.
#include "app.h"

#include <algorithm>
#include <cmath>
#include <exception>

#include "synclab/instrument/json.h"
#include "synclab/instrument/text.h"
#include "synclab/viewer/style.h"

namespace synclab::viewer {
namespace {

// Places a window: where the tiled layout says on a fresh layout, else where
// the user (or imgui.ini) left it.
bool Begin(const char* name, ImVec2 pos, ImVec2 size, bool relayout, ImGuiWindowFlags flags = 0) {
  const ImGuiCond cond = relayout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(pos, cond);
  ImGui::SetNextWindowSize(size, cond);
  return ImGui::Begin(name, nullptr, flags);
}

}  // namespace

App::App(Model model, std::string source, Settings settings)
    : model_(std::make_unique<Model>(std::move(model))),
      source_(std::move(source)),
      settings_(settings) {
  timeline_.axis = settings_.timeline_axis;
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

void App::Menu(const Shortcuts& keys) {
  bool open = keys.open, run = keys.run, save = false;
  int font_step = keys.font_step;
  bool font_reset = keys.font_reset;
  if (keys.help) show_help_ = !show_help_;
  if (keys.quit) quit_ = true;
  if (ImGui::BeginMainMenuBar()) {
    if (ImGui::BeginMenu("File")) {
      open |= ImGui::MenuItem("Open trace...", "Ctrl+O");
      run |= ImGui::MenuItem("Run a scenario...", "Ctrl+R");
      save |= ImGui::MenuItem("Save trace as...");
      ImGui::Separator();
      quit_ |= ImGui::MenuItem("Quit", "Ctrl+Q");
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
      if (ImGui::MenuItem("Larger text", "Ctrl++")) font_step = +1;
      if (ImGui::MenuItem("Smaller text", "Ctrl+-")) font_step = -1;
      if (ImGui::MenuItem("Default text size", "Ctrl+0")) font_reset = true;
      ImGui::Separator();
      if (ImGui::MenuItem("Reset layout")) relayout_ = true;
      ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
      if (ImGui::MenuItem("Keys and colours", "F1", show_help_)) show_help_ = !show_help_;
      ImGui::EndMenu();
    }
    ImGui::SameLine(0, ImGui::GetFontSize() * 2);
    ImGui::TextDisabled("%s  (%s)", instrument::FormatHeader(model_->trace()).c_str(), source_.c_str());
    ImGui::EndMainMenuBar();
  }

  const float scale = font_reset ? 1.0f : NextFontScale(settings_.font_scale, font_step);
  if (scale != settings_.font_scale) {
    settings_.font_scale = scale;
    style_changed_ = relayout_ = true;
  }
  const std::filesystem::path here = std::filesystem::current_path();
  if (open) {
    file_mode_ = FileDialog::Mode::kOpen;
    file_dialog_.Show(file_mode_, here);
  }
  if (save) {
    file_mode_ = FileDialog::Mode::kSave;
    std::string name = model_->trace().meta.scenario;
    std::replace(name.begin(), name.end(), '/', '-');
    file_dialog_.Show(file_mode_, here, (name.empty() ? "trace" : name) + ".json");
  }
  if (run) picker_.Show(model_->scenario());
}

Intent App::Windows(ImVec2 d) {
  Intent intent;
  const Model& m = *model_;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float row = ImGui::GetFrameHeightWithSpacing();
  const bool banner = m.trace().outcome.status != rt::Status::kOk;
  // Transport across the top; under it the timeline over log | source on
  // the left, and the objects (the Mutex inspector) down the whole right.
  const float top = ImGui::GetFrameHeight();  // the menu bar
  // Rows of widgets, one of text, the title bar.
  const float transport_h = row * (banner ? 4 : 3) + ImGui::GetTextLineHeightWithSpacing() +
                            ImGui::GetFrameHeight() + style.WindowPadding.y * 2;
  const float body_y = top + transport_h;
  const float rest = std::max(d.y - body_y, row * 8);
  const float objects_w = std::round(d.x * 0.34f), left_w = d.x - objects_w;
  // The timeline shows every lane if it can without crowding out the rest.
  const float timeline_h = std::round(std::clamp(TimelineHeight(m), rest * 0.3f, rest * 0.55f));
  const float bottom_y = body_y + timeline_h, bottom_h = rest - timeline_h;
  const float log_w = std::round(left_w * 0.55f);

  if (Begin("Transport", ImVec2(0, top), ImVec2(d.x, transport_h), relayout_)) {
    intent += DrawTransport(m, cursor_);
    intent += DrawOutcomeBanner(m, cursor_);
  }
  ImGui::End();
  if (Begin("Timeline", ImVec2(0, body_y), ImVec2(left_w, timeline_h), relayout_,
            ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
    intent += DrawTimeline(m, cursor_, timeline_);
  }
  ImGui::End();
  if (Begin("Events", ImVec2(0, bottom_y), ImVec2(log_w, bottom_h), relayout_)) {
    intent += DrawEventLog(m, cursor_, log_);
  }
  ImGui::End();
  if (Begin("Source", ImVec2(log_w, bottom_y), ImVec2(left_w - log_w, bottom_h), relayout_)) {
    intent += DrawSourceView(m, cursor_, source_view_);
  }
  ImGui::End();
  if (Begin("Objects", ImVec2(left_w, body_y), ImVec2(objects_w, rest), relayout_)) {
    intent += DrawObjects(m, cursor_);
  }
  ImGui::End();
  if (show_help_) {
    const float font = ImGui::GetFontSize();
    ImGui::SetNextWindowPos(ImVec2(d.x / 2, d.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(font * 44, font * 26), ImGuiCond_Appearing);
    if (ImGui::Begin("Help: keys and colours", &show_help_)) DrawHelp();
    ImGui::End();
  }
  relayout_ = false;
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
    if (ImGui::Button("OK") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter))) {
      error_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void App::Frame(ImVec2 display, const Shortcuts& keys, double seconds) {
  Menu(keys);
  Intent intent;
  if (cursor_.playing) intent += Tick{seconds};
  intent += Windows(display);
  // Shortcuts are ignored while a dialog is up.
  if (!ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId | ImGuiPopupFlags_AnyPopupLevel)) {
    intent += ReadKeys(*model_, cursor_);
  }
  cursor_ = Apply(cursor_, intent, *model_);
  Dialogs();
  settings_.timeline_axis = timeline_.axis;
}

}  // namespace synclab::viewer
