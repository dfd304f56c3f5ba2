// key_input.h: the key presses of a frame, every one of them.
//
// ImGui 1.86 learns only whether a key is down when a frame starts, so a
// press and its release within one frame are lost: quick taps, and what a
// presenter's clicker sends (six Right taps gave two steps). GLFW's key and
// character callbacks report each press; they fill a KeyQueue that the frame
// empties.
#pragma once

#include <optional>
#include <utility>
#include <vector>

#include "keymap.h"

namespace synclab::viewer {

// The press a GLFW key event is, if the viewer binds that key: presses, and
// the repeats of a held key that steps or zooms.
std::optional<KeyPress> FromGlfwKey(int key, int action, int mods);
// The press a typed character is ('?', '[', ']').
std::optional<KeyPress> FromGlfwChar(unsigned codepoint);

class KeyQueue {
 public:
  void Push(std::optional<KeyPress> press) {
    if (press) presses_.push_back(*press);
  }
  // Every press since the last call, in order.
  std::vector<KeyPress> Take() { return std::exchange(presses_, {}); }

 private:
  std::vector<KeyPress> presses_;
};

}  // namespace synclab::viewer
