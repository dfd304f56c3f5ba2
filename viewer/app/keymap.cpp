// keymap.cpp: the shortcuts.
#include "keymap.h"

#include <algorithm>

namespace synclab::viewer {

const std::vector<Binding> kBindings = {
    {{Key::kRight}, Command::kStepForward},
    {{Key::kLeft}, Command::kStepBack},
    {{Key::kRight, kShift}, Command::kNextOfGoroutine},
    {{Key::kLeft, kShift}, Command::kPreviousOfGoroutine},
    {{Key::kRight, kCtrl}, Command::kNextOfObject},
    {{Key::kLeft, kCtrl}, Command::kPreviousOfObject},
    {{Key::kM}, Command::kNextModeChange},
    {{Key::kM, kShift}, Command::kPreviousModeChange},
    {{Key::kPageDown}, Command::kContinue},
    {{Key::kPageUp}, Command::kContinueBack},
    {{Key::kSpace}, Command::kPlayPause},
    {{Key::kRightBracket}, Command::kFaster},
    {{Key::kLeftBracket}, Command::kSlower},
    {{Key::kHome}, Command::kStart},
    {{Key::kEnd}, Command::kEnd},
    {{Key::kPlus, kCtrl}, Command::kLargerText},
    {{Key::kMinus, kCtrl}, Command::kSmallerText},
    {{Key::kZero, kCtrl}, Command::kDefaultText},
    {{Key::kF5}, Command::kPresentation},
    {{Key::kEscape}, Command::kEscape},
    {{Key::kO, kCtrl}, Command::kOpen},
    {{Key::kR, kCtrl}, Command::kRun},
    {{Key::kQ, kCtrl}, Command::kQuit},
    {{Key::kF1}, Command::kHelp},
    {{Key::kQuestion}, Command::kHelp},
};

const std::vector<ShortcutHelp> kShortcutHelp = {
    {"Right / Left", "Step forward / back one event", {Command::kStepForward, Command::kStepBack}},
    {"Shift+Right / Shift+Left", "Next / previous event of the selected goroutine",
     {Command::kNextOfGoroutine, Command::kPreviousOfGoroutine}},
    {"Ctrl+Right / Ctrl+Left", "Next / previous event of the selected object",
     {Command::kNextOfObject, Command::kPreviousOfObject}},
    {"M / Shift+M", "Next / previous change of its mode", {Command::kNextModeChange, Command::kPreviousModeChange}},
    {"PageDown / PageUp", "Next / previous breakpoint hit (none set: step)",
     {Command::kContinue, Command::kContinueBack}},
    {"Space", "Play / pause", {Command::kPlayPause}},
    {"] / [", "Play faster / slower", {Command::kFaster, Command::kSlower}},
    {"Home / End", "Jump to the start / end", {Command::kStart, Command::kEnd}},
    {"Ctrl++ / Ctrl+- / Ctrl+0", "Larger / smaller / default text",
     {Command::kLargerText, Command::kSmallerText, Command::kDefaultText}},
    {"F5", "Presentation layout on / off", {Command::kPresentation}},
    {"Escape", "Close help, else leave the presentation", {Command::kEscape}},
    {"Ctrl+O", "Open a trace", {Command::kOpen}},
    {"Ctrl+R", "Run a built-in scenario", {Command::kRun}},
    {"Ctrl+Q", "Quit", {Command::kQuit}},
    {"F1 or ?", "This help (hover anything for what it means)", {Command::kHelp}},
};

std::optional<Command> CommandFor(KeyPress press) {
  auto it = std::find_if(kBindings.begin(), kBindings.end(), [&](const Binding& b) { return b.press == press; });
  if (it == kBindings.end()) return std::nullopt;
  return it->command;
}

bool WorksWhileTyping(KeyPress press) {
  return (press.mods & kCtrl) != 0 || press.key == Key::kF1 || press.key == Key::kF5;
}

Intent CursorIntent(Command command, const Cursor& c) {
  switch (command) {
    case Command::kStepForward: return Step{+1};
    case Command::kStepBack: return Step{-1};
    case Command::kNextOfGoroutine: return StepWithin{Scope::kGoroutine, +1};
    case Command::kPreviousOfGoroutine: return StepWithin{Scope::kGoroutine, -1};
    case Command::kNextOfObject: return StepWithin{Scope::kObject, +1};
    case Command::kPreviousOfObject: return StepWithin{Scope::kObject, -1};
    case Command::kNextModeChange: return StepModeChange{+1};
    case Command::kPreviousModeChange: return StepModeChange{-1};
    case Command::kContinue: return Continue{+1};
    case Command::kContinueBack: return Continue{-1};
    case Command::kPlayPause: return TogglePlay{};
    case Command::kFaster: return SetSpeed{c.speed * 2};
    case Command::kSlower: return SetSpeed{c.speed / 2};
    case Command::kStart: return Seek{0};
    case Command::kEnd: return Seek{~std::uint64_t(0)};  // clamped to the last step
    default: return Intent();
  }
}

}  // namespace synclab::viewer
