// widgets.cpp: small drawing helpers the panels share.
#include "widgets.h"

#include "synclab/viewer/style.h"
#include "teaching.h"

#include <string>

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

ImU32 SharedHoldColor() { return (HoldColor() & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 130); }

ChipFlow::ChipFlow() : right_(ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x) {}

void ChipFlow::Place(float width) {
  if (!first_) {
    const float x = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
    if (x + width <= right_) ImGui::SameLine();
  }
  first_ = false;
}

bool ChipFlow::Chip(const char* label, ImU32 fill, ImU32 text, const char* help) {
  Place(ImGui::CalcTextSize(label).x + 2 * ImGui::GetStyle().FramePadding.x);
  const bool clicked = viewer::Chip(label, fill, text);
  Explain(help);
  return clicked;
}

void ChipFlow::Goroutine(const Model& m, const Snapshot& snap, Id g, const char* help, Intent& out) {
  const GStatus s = snap.state.goroutine(g).status;
  ImGui::PushID(int(g));
  if (Chip(instrument::GoroutineLabel(m.trace(), g).c_str(), StatusColor(s), StatusTextColor(s), help)) {
    out += SelectGoroutine{g};
  }
  ImGui::PopID();
}

void ChipFlow::Holder(const Model& m, Id g, bool shared, const char* help, Intent& out) {
  ImGui::PushID(int(g));
  if (Chip(instrument::GoroutineLabel(m.trace(), g).c_str(), shared ? SharedHoldColor() : HoldColor(),
           IM_COL32(255, 255, 255, 255), help)) {
    out += SelectGoroutine{g};
  }
  ImGui::PopID();
}

void ChipFlow::Text(const char* text) {
  Place(ImGui::CalcTextSize(text).x);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("%s", text);
}

void InspectorRow(const char* label, const char* help) {
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(label);
  Explain(help);
  ImGui::TableNextColumn();
}

Id PartNamed(const Model& m, Id obj, std::string_view part) {
  const std::string name = instrument::ObjectLabel(m.trace(), obj) + "." + std::string(part);
  for (Id p : m.Parts(obj))
    if (m.trace().object(p)->name == name) return p;
  return 0;
}

const std::vector<Id>& SemaQueue(const Snapshot& snap, Id sema) {
  static const std::vector<Id> kNone;
  if (sema == 0) return kNone;
  const auto* fold = snap.state.object(sema).As<instrument::kinds::SemaState>();
  return fold != nullptr ? fold->queue : kNone;
}

void DrawQueue(const Model& m, const Snapshot& snap, Id sema, const char* help, Intent& out) {
  const std::vector<Id>& queue = SemaQueue(snap, sema);
  ChipFlow flow;
  if (queue.empty()) {
    flow.Text("(empty)");
    Explain(help);
    return;
  }
  flow.Text("head");
  for (Id g : queue) {
    flow.Text("->");
    flow.Goroutine(m, snap, g, help, out);
  }
  flow.Text("-> tail");
}

std::optional<std::uint64_t> DrawLastOperation(const Model& m, const Cursor& c, Id obj, Intent& out) {
  const instrument::ObjectState& st = m.At(c.step).state.object(obj);
  ImGui::PushTextWrapPos(0);
  if (st.last_seq < 0) {
    ImGui::TextDisabled("nothing yet");
    ImGui::PopTextWrapPos();
    return std::nullopt;
  }
  const std::uint64_t seq = std::uint64_t(st.last_seq);
  const TraceEvent& e = m.trace().events[seq];
  {
    ChipFlow flow;
    const std::string when = "step " + std::to_string(seq) + (seq == c.step ? " (now)" : "");
    flow.Text(when.c_str());
    if (e.g != 0) flow.Goroutine(m, m.At(c.step), e.g, "Who made the latest operation; click to select it.", out);
  }
  std::string what(trace::Name(e.kind));
  if (const std::string site = instrument::SiteLabel(m.trace(), e.site); !site.empty()) what += " at " + site;
  ImGui::TextDisabled("%s", what.c_str());
  Explain(EventHelp(e.kind));
  ImGui::PopTextWrapPos();
  return seq;
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
