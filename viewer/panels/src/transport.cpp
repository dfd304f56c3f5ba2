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

void DrawBreakpoints(const Model& m, const Cursor& c, Intent& out) {
  const Trace& t = m.trace();
  const Breakpoints& b = c.breakpoints;
  auto has = [](const auto& set, auto v) { return std::find(set.begin(), set.end(), v) != set.end(); };
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("Break on:");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 13);
  if (ImGui::BeginCombo("##kind", "event kind...")) {
    for (std::size_t k = 0; k < std::size_t(trace::EventKind::kCount); ++k) {
      const auto kind = trace::EventKind(k);
      if (ImGui::MenuItem(std::string(trace::Name(kind)).c_str(), nullptr, has(b.kinds, kind))) {
        out += ToggleBreakKind{kind};
      }
      Explain(EventHelp(kind));
    }
    ImGui::EndCombo();
  }
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
  ImGui::NewLine();
}

}  // namespace

Intent DrawTransport(const Model& m, const Cursor& c) {
  Intent out;
  const Trace& t = m.trace();
  const std::uint64_t last = m.size() == 0 ? 0 : m.size() - 1;

  Button("|<", "Jump to the start (Home)", Seek{0}, out);
  Button("<", "Step back one event (Left)", Step{-1}, out);
  Button(c.playing ? "Pause" : "Play", "Play or pause (Space)", TogglePlay{}, out);
  Button(">", "Step forward one event (Right)", Step{+1}, out);
  Button(">|", "Jump to the end (End)", Seek{last}, out);
  ImGui::SameLine(0, ImGui::GetFontSize());

  const bool g = c.goroutine != 0, o = c.object != 0;
  Button("G<", "Previous event of the selected goroutine (Shift+Left)",
         StepWithin{Scope::kGoroutine, -1}, out, g);
  Button("G>", "Next event of the selected goroutine (Shift+Right)",
         StepWithin{Scope::kGoroutine, +1}, out, g);
  Button("O<", "Previous event of the selected object (Ctrl+Left)", StepWithin{Scope::kObject, -1},
         out, o);
  Button("O>", "Next event of the selected object (Ctrl+Right)", StepWithin{Scope::kObject, +1},
         out, o);
  ImGui::SameLine(0, ImGui::GetFontSize());

  // Speed on a log scale: 0.5 to 2000 steps a second.
  float speed = float(c.speed);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10);
  if (ImGui::SliderFloat("##speed", &speed, float(kMinSpeed), float(kMaxSpeed), "%.1f steps/s",
                         ImGuiSliderFlags_Logarithmic)) {
    out += SetSpeed{speed};
  }
  Explain("Playing speed in events per second ([ slower, ] faster)");
  ImGui::SameLine(0, ImGui::GetFontSize());
  ImGui::AlignTextToFramePadding();
  ImGui::Text("step %llu / %llu", static_cast<unsigned long long>(c.step),
              static_cast<unsigned long long>(last));
  ImGui::SameLine(0, ImGui::GetFontSize());
  ImGui::TextDisabled("selected: %s, %s",
                      g ? instrument::GoroutineLabel(t, c.goroutine).c_str() : "no goroutine",
                      o ? instrument::ObjectLabel(t, c.object).c_str() : "no object");
  Explain("Select a goroutine by clicking its lane or a marker in the source; an object by "
          "clicking it in the objects panel. Then step within it or break on it.");

  // The scrub bar.
  std::uint64_t step = c.step;
  const std::uint64_t zero = 0;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderScalar("##scrub", ImGuiDataType_U64, &step, &zero, &last, "step %llu")) {
    out += Seek{step};
  }

  // The current event, in words.
  if (m.size() > 0) {
    const TraceEvent& e = t.events[c.step];
    ImGui::TextUnformatted(EventLine(m, c.step).c_str());
    Explain(EventHelp(e.kind));
  } else {
    ImGui::TextDisabled("The trace has no events.");
  }
  DrawBreakpoints(m, c, out);
  return out;
}

}  // namespace synclab::viewer
