// file_dialog.cpp: the Open / Save dialog.
#include "file_dialog.h"

#include <imgui.h>

#include "synclab/viewer/style.h"

#include <algorithm>
#include <cstdio>

namespace synclab::viewer {

namespace fs = std::filesystem;

void FileDialog::Show(Mode mode, const fs::path& dir, const std::string& name) {
  mode_ = mode;
  show_ = true;
  std::snprintf(name_, sizeof name_, "%s", name.c_str());
  List(dir);
}

void FileDialog::List(const fs::path& dir) {
  std::error_code ec;
  fs::path abs = fs::absolute(dir, ec);
  dir_ = ec ? dir : abs.lexically_normal();
  entries_.clear();
  error_.clear();
  fs::directory_iterator it(dir_, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code type_ec;
    const bool directory = it->is_directory(type_ec);
    if (directory || it->path().extension() == ".json") entries_.push_back({name, directory});
  }
  if (ec) error_ = ec.message();
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.directory != b.directory ? a.directory : a.name < b.name;
  });
}

std::optional<fs::path> FileDialog::Draw() {
  if (show_) {
    ImGui::OpenPopup(Title());
    show_ = false;
  }
  std::optional<fs::path> chosen;
  const float font = ImGui::GetFontSize();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(FitToDisplay(ImVec2(font * 40, font * 30)), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(Title(), nullptr)) return chosen;
  const bool appearing = ImGui::IsWindowAppearing();

  if (ImGui::Button("Up")) List(dir_.parent_path());
  ImGui::SameLine();
  ImGui::TextUnformatted(dir_.string().c_str());
  if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.3f, 0.3f, 1), "%s", error_.c_str());

  const float footer = ImGui::GetFrameHeightWithSpacing() * 2.2f;
  ImGui::BeginChild("entries", ImVec2(0, -footer), true);
  const fs::path dir = dir_;  // List() below replaces entries_ while we iterate
  for (const Entry& e : std::vector<Entry>(entries_)) {
    const std::string label = e.directory ? e.name + "/" : e.name;
    if (ImGui::Selectable(label.c_str(), !e.directory && e.name == name_,
                          ImGuiSelectableFlags_AllowDoubleClick)) {
      if (e.directory) {
        if (ImGui::IsMouseDoubleClicked(0)) List(dir / e.name);
      } else {
        std::snprintf(name_, sizeof name_, "%s", e.name.c_str());
        if (ImGui::IsMouseDoubleClicked(0) && mode_ == Mode::kOpen) chosen = dir / e.name;
      }
    }
  }
  ImGui::EndChild();

  ImGui::SetNextItemWidth(std::min(font * 24, ImGui::GetContentRegionAvail().x * 0.6f));
  if (appearing) ImGui::SetKeyboardFocusHere();  // type a name, then Enter
  const bool entered = ImGui::InputText("name", name_, sizeof name_, ImGuiInputTextFlags_EnterReturnsTrue);
  if (mode_ == Mode::kSave && *name_ != '\0') {
    std::error_code ec;
    if (fs::exists(dir_ / name_, ec)) {
      ImGui::SameLine();
      ImGui::TextDisabled("(exists: will be replaced)");
    }
  }
  const bool ok = ImGui::Button(mode_ == Mode::kOpen ? "Open" : "Save") || entered;
  if (ok && *name_ != '\0') {
    fs::path path = dir_ / name_;
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      List(path);
      *name_ = '\0';
    } else {
      if (mode_ == Mode::kSave && path.extension() != ".json") path += ".json";
      chosen = path;
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
    ImGui::CloseCurrentPopup();
  }
  if (chosen) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
  return chosen;
}

}  // namespace synclab::viewer
