// keys.cpp: the keyboard shortcuts and the help window that lists them.
#include <algorithm>

#include "synclab/viewer/panels.h"

namespace synclab::viewer {
namespace {

bool Pressed(ImGuiKey key) { return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key)); }

// Characters typed this frame (keys ImGui 1.86 has no ImGuiKey for).
bool Typed(ImWchar ch) {
  const ImVector<ImWchar>& typed = ImGui::GetIO().InputQueueCharacters;
  return std::find(typed.begin(), typed.end(), ch) != typed.end();
}

}  // namespace

std::vector<KeyHelp> KeyHelpTable() {
  return {
      {"Right / Left", "Step forward / back one event"},
      {"Shift+Right / Shift+Left", "Next / previous event of the selected goroutine"},
      {"Ctrl+Right / Ctrl+Left", "Next / previous event of the selected object"},
      {"PageDown / PageUp", "Continue to the next / previous breakpoint hit"},
      {"Space", "Play / pause"},
      {"] / [", "Play faster / slower"},
      {"Home / End", "Jump to the start / end"},
      {"Ctrl++ / Ctrl+- / Ctrl+0", "Larger / smaller / default text (for a projector)"},
      {"Ctrl+O", "Open a trace"},
      {"Ctrl+R", "Run a built-in scenario"},
      {"F1 or ?", "This help"},
      {"Timeline: wheel", "Zoom around the mouse"},
      {"Timeline: drag", "Pan"},
      {"Timeline: click", "Seek to that goroutine's event there, and select it"},
      {"Event log: click", "Seek to the event; right-click to break on it"},
  };
}

Intent ReadKeys(const Model&, const Cursor& c) {
  Intent out;
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput) return out;  // the keys are typing into a text field
  const int dir = Pressed(ImGuiKey_RightArrow) ? +1 : Pressed(ImGuiKey_LeftArrow) ? -1 : 0;
  if (dir != 0) {
    if (io.KeyShift) {
      out += StepWithin{Scope::kGoroutine, dir};
    } else if (io.KeyCtrl) {
      out += StepWithin{Scope::kObject, dir};
    } else {
      out += Step{dir};
    }
  }
  if (Pressed(ImGuiKey_PageDown)) out += Continue{+1};
  if (Pressed(ImGuiKey_PageUp)) out += Continue{-1};
  if (Pressed(ImGuiKey_Space)) out += TogglePlay{};
  if (Pressed(ImGuiKey_Home)) out += Seek{0};
  if (Pressed(ImGuiKey_End)) out += Seek{kNoStep};  // clamped to the last step
  if (Typed(']')) out += SetSpeed{c.speed * 2};
  if (Typed('[')) out += SetSpeed{c.speed / 2};
  return out;
}

void DrawHelp() {
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
    ImGui::TableSetupColumn("Keys", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Does", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    for (const KeyHelp& k : KeyHelpTable()) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k.keys);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k.what);
    }
    ImGui::EndTable();
  }
  ImGui::Spacing();
  ImGui::TextWrapped(
      "Colours: running green, runnable yellow, blocked red (on the object named in the lane), "
      "spinning orange, done grey; a blue bar under a lane is a Mutex held. Hover anything "
      "for what it means.");
}

}  // namespace synclab::viewer
