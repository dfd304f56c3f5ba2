// transport.cpp: the controls for moving through the trace.
#include <algorithm>
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

// A button that adds `action` to the intent when pressed, with a tooltip.
void Button(const char* label, const char* tip, Action action, Intent& out, bool enabled = true) {
  ImGui::BeginDisabled(!enabled);
  if (ImGui::Button(label)) out += action;
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("%s", tip);
  }
  ImGui::SameLine();
}

// Every event kind, searchable, in a list as tall as the screen allows
// (ImGui's combo shows 8).
void KindPicker(const Cursor& c, TransportView& v, Intent& out) {
  auto has = [&](trace::EventKind k) {
    return std::find(c.breakpoints.kinds.begin(), c.breakpoints.kinds.end(), k) != c.breakpoints.kinds.end();
  };
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 13);
  if (!ImGui::BeginCombo("##kind", "event kind...", ImGuiComboFlags_HeightLargest)) return;
  if (ImGui::IsWindowAppearing()) {
    v.kind_search[0] = '\0';
    ImGui::SetKeyboardFocusHere();
  }
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##search", "type to search", v.kind_search, sizeof v.kind_search);
  EventFilter search;
  search.Set(v.kind_search);
  for (const trace::EventInfo& info : trace::kEventInfo) {
    if (!search.Passes(info.name)) continue;
    const auto kind = trace::EventKind(&info - trace::kEventInfo);
    if (ImGui::MenuItem(std::string(info.name).c_str(), nullptr, has(kind))) out += ToggleBreakKind{kind};
    Explain(EventHelp(kind));
  }
  ImGui::EndCombo();
}

void DrawBreakpoints(const Model& m, const Cursor& c, TransportView& v, Intent& out) {
  const Trace& t = m.trace();
  const Breakpoints& b = c.breakpoints;
  auto has = [](const auto& set, auto v) { return std::find(set.begin(), set.end(), v) != set.end(); };
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Break on:");
  ImGui::SameLine();
  KindPicker(c, v, out);
  ImGui::SameLine();
  // Adding the selection (removing is the chips' job, below).
  if (c.goroutine != 0 && !has(b.goroutines, c.goroutine)) {
    Button(("+ " + instrument::GoroutineLabel(t, c.goroutine)).c_str(),
           "Stop at every event of the selected goroutine", ToggleBreakGoroutine{c.goroutine}, out);
  }
  if (c.object != 0 && !has(b.objects, c.object)) {
    Button(("+ " + instrument::ObjectLabel(t, c.object)).c_str(),
           "Stop at every event of the selected object (and its parts, e.g. a Mutex's sema)",
           ToggleBreakObject{c.object}, out);
  }
  // The breakpoints set, each removable.
  const ImU32 fill = ImGui::GetColorU32(ImGuiCol_FrameBgActive);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  // Labels can repeat (two objects of one name), so each chip has an id.
  auto chip = [&](const char* group, int id, const std::string& label, Action remove) {
    ImGui::PushID(group);
    ImGui::PushID(id);
    if (Chip((label + "  x").c_str(), fill, text)) out += remove;
    ImGui::PopID();
    ImGui::PopID();
    ImGui::SameLine();
  };
  for (trace::EventKind k : b.kinds) chip("kind", int(k), std::string(trace::Name(k)), ToggleBreakKind{k});
  for (Id g : b.goroutines) chip("g", int(g), instrument::GoroutineLabel(t, g), ToggleBreakGoroutine{g});
  for (Id o : b.objects) chip("obj", int(o), instrument::ObjectLabel(t, o), ToggleBreakObject{o});
  const bool any = !b.empty();
  Button("< Continue", "Back to the previous breakpoint hit (PageUp)", Continue{-1}, out, any);
  Button("Continue >", "On to the next breakpoint hit (PageDown)", Continue{+1}, out, any);
  Button("Clear", "Remove every breakpoint", ClearBreakpoints{}, out, any);
  ImGui::AlignTextToFramePadding();
  if (c.notice == Notice::kNoLaterHit) {
    ImGui::TextUnformatted("No later breakpoint hit.");
  } else if (c.notice == Notice::kNoEarlierHit) {
    ImGui::TextUnformatted("No earlier breakpoint hit.");
  } else {
    ImGui::TextDisabled("selected: %s, %s",
                        c.goroutine != 0 ? instrument::GoroutineLabel(t, c.goroutine).c_str() : "no goroutine",
                        c.object != 0 ? instrument::ObjectLabel(t, c.object).c_str() : "no object");
    Explain("Select a goroutine by clicking its lane or a marker in the source; an object by "
            "clicking it in the objects panel. Then step within it or break on it.");
  }
}

}  // namespace

float TransportHeight(const Metrics& m, int banner_rows, bool breakpoint_row) {
  // The buttons and scrub bar, the current event, the breakpoints, then the
  // banner's rows (DrawTransport and DrawOutcomeBanner draw exactly these).
  return 2 * m.padding + m.frame + m.spacing + m.font + (breakpoint_row ? m.spacing + m.frame : 0) +
         float(banner_rows) * (m.spacing + m.frame);
}

Intent DrawTransport(const Model& m, const Cursor& c, TransportView& v, bool breakpoint_row) {
  Intent out;
  const std::uint64_t last = m.size() == 0 ? 0 : m.size() - 1;
  const float font = ImGui::GetFontSize();

  Button("|<", "Jump to the start (Home)", Seek{0}, out);
  Button("<", "Step back one event (Left)", Step{-1}, out);
  // As wide playing as paused, so the buttons after it stay put.
  const float play_w = ImGui::CalcTextSize("Pause").x + ImGui::GetStyle().FramePadding.x * 2;
  if (ImGui::Button(c.playing ? "Pause###play" : "Play###play", ImVec2(play_w, 0))) out += TogglePlay{};
  Explain("Play or pause (Space)");
  ImGui::SameLine();
  Button(">", "Step forward one event (Right)", Step{+1}, out);
  Button(">|", "Jump to the end (End)", Seek{last}, out);
  ImGui::SameLine(0, font);

  const bool g = c.goroutine != 0, o = c.object != 0;
  Button("G<", "Previous event of the selected goroutine (Shift+Left)",
         StepWithin{Scope::kGoroutine, -1}, out, g);
  Button("G>", "Next event of the selected goroutine (Shift+Right)",
         StepWithin{Scope::kGoroutine, +1}, out, g);
  Button("O<", "Previous event of the selected object (Ctrl+Left)", StepWithin{Scope::kObject, -1},
         out, o);
  Button("O>", "Next event of the selected object (Ctrl+Right)", StepWithin{Scope::kObject, +1},
         out, o);
  ImGui::SameLine(0, font);

  // Speed on a log scale: 0.5 to 2000 steps a second.
  float speed = float(c.speed);
  ImGui::SetNextItemWidth(font * 9);
  if (ImGui::SliderFloat("##speed", &speed, float(kMinSpeed), float(kMaxSpeed), "%.1f steps/s",
                         ImGuiSliderFlags_Logarithmic)) {
    out += SetSpeed{speed};
  }
  Explain("Playing speed in events per second ([ slower, ] faster)");
  ImGui::SameLine(0, font);

  // The scrub bar, in what is left of the row.
  std::uint64_t step = c.step;
  const std::uint64_t zero = 0;
  const std::string format = "step %llu / " + std::to_string(last);
  ImGui::SetNextItemWidth(std::max(ImGui::GetContentRegionAvail().x, font * 8));
  if (ImGui::SliderScalar("##scrub", ImGuiDataType_U64, &step, &zero, &last, format.c_str())) {
    out += Seek{step};
  }

  // The current event, in words.
  if (m.size() > 0) {
    ImGui::TextUnformatted(EventLine(m, c.step, /*with_step=*/false).c_str());
    Explain(EventHelp(m.trace().events[c.step].kind));
  } else {
    ImGui::TextDisabled("The trace has no events.");
  }
  if (breakpoint_row) DrawBreakpoints(m, c, v, out);
  return out;
}

}  // namespace synclab::viewer
