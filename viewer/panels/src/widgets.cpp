// widgets.cpp: small drawing helpers the panels share.
#include "widgets.h"

#include "synclab/viewer/style.h"
#include "teaching.h"

namespace synclab::viewer {

std::vector<LegendEntry> LegendEntries() {
  std::vector<LegendEntry> entries;
  for (GStatus s : {GStatus::kRunning, GStatus::kRunnable, GStatus::kBlocked, GStatus::kSpinning,
                    GStatus::kDone}) {
    entries.push_back({std::string(instrument::Name(s)), StatusColor(s), StatusTextColor(s), StatusHelp(s)});
  }
  entries.push_back({"Mutex held", HoldColor(), IM_COL32(255, 255, 255, 255),
                     "A bar under a lane: the goroutine holds that Mutex, from its Lock to its Unlock."});
  return entries;
}

void Explain(const char* text) {
  if (text == nullptr || *text == '\0' || !ImGui::IsItemHovered()) return;
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}

bool Chip(const char* label, ImU32 fill, ImU32 text) {
  ImGui::PushStyleColor(ImGuiCol_Button, fill);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, fill);
  ImGui::PushStyleColor(ImGuiCol_ButtonActive, fill);
  ImGui::PushStyleColor(ImGuiCol_Text, text);
  ImGui::PushStyleVar(ImGuiStyleVar_FrameRounding, ImGui::GetFontSize() * 0.5f);
  bool clicked = ImGui::Button(label);
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(4);
  return clicked;
}

std::string EventLine(const Model& m, std::uint64_t seq, bool with_step) {
  const Trace& t = m.trace();
  const TraceEvent& e = t.events[seq];
  std::string line = (with_step ? "step " + std::to_string(seq) + "  " : "") + instrument::FormatDuration(e.t) + "  " +
                     instrument::GoroutineLabel(t, e.g) + "  " + std::string(trace::Name(e.kind));
  if (e.obj != 0) line += " " + instrument::ObjectLabel(t, e.obj);
  if (std::string fields = instrument::DescribeFields(t, e); !fields.empty()) line += "  " + fields;
  if (std::string site = instrument::SiteLabel(t, e.site); !site.empty()) line += "  at " + site;
  return line;
}

}  // namespace synclab::viewer
