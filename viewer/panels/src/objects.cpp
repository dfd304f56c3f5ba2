// objects.cpp: every object, and the generic inspector any kind gets.
#include <algorithm>
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

// The kind's own inspector, if it has one, with the generic table folded
// under it; else the generic table.
Intent DrawKindAndFields(const Model& m, const Cursor& c, Id obj);

}  // namespace

Intent DrawObjectInspector(const Model& m, const Cursor& c, Id obj) {
  Intent out;
  const Trace& t = m.trace();
  const instrument::ObjectInfo& info = *t.object(obj);
  const instrument::ObjectState& st = m.At(c.step).state.object(obj);

  if (st.last_seq < 0) {
    ImGui::TextDisabled("Nothing has happened to it yet.");
    return out;
  }
  // The fields the object's latest event changed are the ones to look at.
  const TraceEvent& last = t.events[std::size_t(st.last_seq)];
  const trace::EventInfo& last_info = trace::Info(last.kind);
  const std::uint8_t mask = m.Changed(std::uint64_t(st.last_seq));
  auto changed = [&](std::string_view field) {
    for (std::size_t i = 0; i < last_info.field_count; ++i)
      if (last_info.fields[i].name == field) return (mask >> i & 1) != 0;
    return false;
  };
  const bool now = std::uint64_t(st.last_seq) == c.step;
  ImGui::TextDisabled("last change: step %lld, %s by %s%s", static_cast<long long>(st.last_seq),
                      std::string(last_info.name).c_str(), instrument::GoroutineLabel(t, last.g).c_str(),
                      now ? " (this step)" : "");
  Explain(EventHelp(last.kind));

  const ImU32 highlight = now ? IM_COL32(250, 200, 40, 150) : IM_COL32(250, 200, 40, 60);
  if (ImGui::BeginTable("fields", 2, ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit)) {
    for (const auto& [name, value] : st.fields) {
      ImGui::TableNextRow();
      if (changed(name)) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, highlight);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::string(name).c_str());
      Explain(FieldHelp(info.kind, name));
      ImGui::TableNextColumn();
      std::string text = instrument::FormatField(t, FieldTypeOf(info.kind, name), value);
      ImGui::TextUnformatted(text.c_str());
      Explain(FieldHelp(info.kind, name));
    }
    ImGui::EndTable();
  }
  return out;
}

namespace {
Intent DrawKindAndFields(const Model& m, const Cursor& c, Id obj) {
  const KindView& view = ViewOf(m.trace().object(obj)->kind);
  if (view.inspector == nullptr) return DrawObjectInspector(m, c, obj);
  Intent out = view.inspector(m, c, obj);
  if (ImGui::TreeNode("fields", "all fields")) {
    out += DrawObjectInspector(m, c, obj);
    ImGui::TreePop();
  }
  return out;
}
}  // namespace

Intent DrawObjects(const Model& m, const Cursor& c) {
  Intent out;
  const Trace& t = m.trace();
  if (t.objects.empty()) ImGui::TextDisabled("The trace has no objects.");
  const auto& broken = c.breakpoints.objects;
  // When the cursor moves and no object is selected, bring the current
  // event's object (its top-level owner: a sema's Mutex) into view, so a
  // lesson stepping from a channel to a select shows the one that changed.
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID last_key = ImGui::GetID("last step");
  Id follow = 0;
  if (c.step < m.size() && c.object == 0 && storage->GetInt(last_key, -1) != int(c.step)) {
    follow = t.events[c.step].obj;
    for (int k = 0; k < 8 && follow != 0 && t.object(follow) != nullptr && t.object(follow)->parent != 0; k++) {
      follow = t.object(follow)->parent;
    }
  }
  storage->SetInt(last_key, int(c.step));
  for (const instrument::ObjectInfo& o : t.objects) {
    if (o.parent != 0) continue;  // shown inside the object it is part of
    ImGui::PushID(int(o.id));
    const bool is_broken = std::find(broken.begin(), broken.end(), o.id) != broken.end();
    ImGuiTreeNodeFlags flags = ImGuiTreeNodeFlags_Framed | ImGuiTreeNodeFlags_OpenOnArrow |
                               ImGuiTreeNodeFlags_DefaultOpen | ImGuiTreeNodeFlags_SpanAvailWidth;
    if (c.object == o.id) flags |= ImGuiTreeNodeFlags_Selected;
    // Short, to fit a narrow column at large text; where it was made is in the tooltip.
    std::string label = instrument::ObjectLabel(t, o.id) + "   " + std::string(trace::Name(o.kind)) +
                        (is_broken ? "   * breakpoint" : "");
    const bool open = ImGui::TreeNodeEx("object", flags, "%s", label.c_str());
    if (o.id == follow && !ImGui::IsItemVisible()) ImGui::SetScrollHereY(0.0f);
    if (ImGui::IsItemClicked() && !ImGui::IsItemToggledOpen()) {
      out += SelectObject{c.object == o.id ? 0 : o.id};
    }
    if (ImGui::BeginPopupContextItem("menu")) {
      if (ImGui::MenuItem("Break on its events", nullptr, is_broken)) out += ToggleBreakObject{o.id};
      if (m.HasLane(o.id)) {
        const bool shown = std::find(c.object_lanes.begin(), c.object_lanes.end(), o.id) != c.object_lanes.end();
        if (ImGui::MenuItem("Its lane in the timeline", nullptr, shown)) out += ToggleObjectLane{o.id};
      }
      ImGui::EndPopup();
    }
    const std::string help = (o.site != 0 ? "Created at " + instrument::SiteLabel(t, o.site) + ". " : "") +
                             "Click to select (then step within it: Ctrl+Left/Right, its mode changes: M); right-click to "
                             "break on it or show its lane in the timeline.";
    Explain(help.c_str());
    if (open) {
      out += DrawKindAndFields(m, c, o.id);
      for (Id part : m.Parts(o.id)) {
        ImGui::PushID(int(part));
        const std::string part_label = instrument::ObjectLabel(t, part) + "   " +
                                       std::string(trace::Name(t.object(part)->kind));
        if (ImGui::TreeNode("part", "%s", part_label.c_str())) {
          out += DrawKindAndFields(m, c, part);
          ImGui::TreePop();
        }
        ImGui::PopID();
      }
      ImGui::TreePop();
    }
    ImGui::PopID();
  }
  return out;
}

}  // namespace synclab::viewer
