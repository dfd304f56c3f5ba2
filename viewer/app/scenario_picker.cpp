// scenario_picker.cpp: the "Run a scenario" dialog.
#include "scenario_picker.h"

#include <imgui.h>

#include "synclab/viewer/style.h"

#include <algorithm>
#include <string>

namespace synclab::viewer {

void ScenarioPicker::Show(const scenarios::Scenario* current) {
  show_ = true;
  auto all = scenarios::All();
  auto it = std::find(all.begin(), all.end(), current);
  if (it != all.end()) selected_ = int(it - all.begin());
}

std::optional<ScenarioPicker::Choice> ScenarioPicker::Draw() {
  constexpr const char* kTitle = "Run a scenario";
  if (show_) {
    ImGui::OpenPopup(kTitle);
    show_ = false;
  }
  std::optional<Choice> chosen;
  const float font = ImGui::GetFontSize();
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  ImGui::SetNextWindowPos(ImVec2(display.x / 2, display.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(FitToDisplay(ImVec2(font * 48, font * 30)), ImGuiCond_Appearing);
  if (!ImGui::BeginPopupModal(kTitle, nullptr)) return chosen;

  auto all = scenarios::All();
  const scenarios::Scenario* s = all[std::size_t(selected_)];
  // Under the list: the note (as many lines as it wraps to at this width),
  // the options and the buttons.
  const std::string note(s->teaching_note);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float note_h = ImGui::CalcTextSize(note.c_str(), nullptr, false, ImGui::GetContentRegionAvail().x).y;
  const float footer = style.ItemSpacing.y + note_h + 2 * ImGui::GetFrameHeightWithSpacing();
  ImGui::BeginChild("list", ImVec2(0, -footer), true);
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string name(all[i]->name);
    if (ImGui::Selectable(name.c_str(), int(i) == selected_, ImGuiSelectableFlags_AllowDoubleClick)) {
      selected_ = int(i);
    }
    ImGui::SameLine(font * 14);
    ImGui::TextDisabled("%s", std::string(all[i]->description).c_str());
  }
  ImGui::EndChild();
  ImGui::PushTextWrapPos(0);
  ImGui::TextUnformatted(note.c_str());
  ImGui::PopTextWrapPos();

  ImGui::SetNextItemWidth(font * 10);
  ImGui::InputScalar("seed", ImGuiDataType_U64, &seed_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(font * 8);
  const char* names[] = {sim::kStrategyNames[0].data(), sim::kStrategyNames[1].data()};
  static_assert(std::size(names) == std::size(sim::kStrategyNames));
  ImGui::Combo("strategy", &strategy_, names, int(std::size(names)));
  ImGui::SameLine();
  ImGui::SetNextItemWidth(font * 8);
  ImGui::InputInt("procs", &procs_);
  procs_ = std::clamp(procs_, 0, 256);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("GOMAXPROCS; 0: the scenario's default (%d)", s->default_procs);

  if (ImGui::Button("Run") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter))) {
    scenarios::RunOptions o;
    o.seed = seed_;
    o.strategy = sim::Strategy(strategy_);
    o.procs = procs_;
    chosen = Choice{s, o};
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button("Cancel") || ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape))) {
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
  return chosen;
}

}  // namespace synclab::viewer
