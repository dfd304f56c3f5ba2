// keymap.h: every keyboard shortcut, in one table. The frame's key handling
// reads it, the help window lists it, and docs/viewer.md's table of keys is
// checked against it by a test.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "synclab/viewer/cursor.h"

namespace synclab::viewer {

// The keys the viewer binds, whatever window system reports them. '?', '['
// and ']' are characters (typed with whatever the keyboard layout needs).
enum class Key : std::uint8_t {
  kRight, kLeft, kPageDown, kPageUp, kHome, kEnd, kSpace, kEscape, kF1, kF5,
  kO, kR, kQ, kM, kPlus, kMinus, kZero, kQuestion, kLeftBracket, kRightBracket,
};
enum Mods : std::uint8_t { kNoMods = 0, kShift = 1, kCtrl = 2 };

// One press (or a held key's repeat).
struct KeyPress {
  Key key;
  std::uint8_t mods = kNoMods;
  friend bool operator==(const KeyPress&, const KeyPress&) = default;
};

enum class Command : std::uint8_t {
  kStepForward, kStepBack, kNextOfGoroutine, kPreviousOfGoroutine, kNextOfObject,
  kPreviousOfObject, kNextModeChange, kPreviousModeChange, kContinue, kContinueBack, kPlayPause, kFaster, kSlower, kStart, kEnd,
  kLargerText, kSmallerText, kDefaultText, kPresentation, kEscape, kOpen, kRun, kQuit, kHelp,
};

struct Binding {
  KeyPress press;
  Command command;
};
extern const std::vector<Binding> kBindings;

// A row of the help window (and of docs/viewer.md's table): the keys as
// written there, what they do, and the commands they are bound to.
struct ShortcutHelp {
  const char* keys;
  const char* what;
  std::vector<Command> commands;
};
extern const std::vector<ShortcutHelp> kShortcutHelp;

std::optional<Command> CommandFor(KeyPress press);
// Whether the command is for the keyboard even while a text field has it
// (Ctrl shortcuts and function keys; not arrows, Space or characters).
bool WorksWhileTyping(KeyPress press);
// The cursor's part of a command (empty for the app's commands).
Intent CursorIntent(Command command, const Cursor& c);

}  // namespace synclab::viewer
