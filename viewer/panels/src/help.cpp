// help.cpp: the help window's content: the shortcuts and the colours.
#include "synclab/viewer/panels.h"
#include "widgets.h"

namespace synclab::viewer {

void DrawHelp(const std::vector<KeyHelp>& keys) {
  // The colours first, as chips that wrap to the window's width.
  ImGui::TextUnformatted("Colours:");
  for (const LegendEntry& e : LegendEntries()) {
    const float w = ImGui::CalcTextSize(e.label.c_str()).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
    Chip(e.label.c_str(), e.fill, e.text);
    Explain(e.help);
  }
  // Compact rows: every shortcut fits at large text on a small screen.
  ImGui::PushStyleVar(ImGuiStyleVar_CellPadding, ImVec2(ImGui::GetStyle().CellPadding.x, 1));
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("Keys", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Does", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const KeyHelp& k : keys) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k.keys);
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", k.what);
    }
    ImGui::EndTable();
  }
  ImGui::PopStyleVar();
}

}  // namespace synclab::viewer
