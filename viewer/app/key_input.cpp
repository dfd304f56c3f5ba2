// key_input.cpp: GLFW's keys in the viewer's terms.
#define GLFW_INCLUDE_NONE
#include "key_input.h"

#include <GLFW/glfw3.h>

namespace synclab::viewer {

std::optional<KeyPress> FromGlfwKey(int key, int action, int mods) {
  if (action == GLFW_RELEASE) return std::nullopt;
  std::optional<Key> k;
  bool repeats = false;  // holding it down keeps stepping
  switch (key) {
    case GLFW_KEY_RIGHT: k = Key::kRight, repeats = true; break;
    case GLFW_KEY_LEFT: k = Key::kLeft, repeats = true; break;
    case GLFW_KEY_PAGE_DOWN: k = Key::kPageDown, repeats = true; break;
    case GLFW_KEY_PAGE_UP: k = Key::kPageUp, repeats = true; break;
    case GLFW_KEY_HOME: k = Key::kHome; break;
    case GLFW_KEY_END: k = Key::kEnd; break;
    case GLFW_KEY_SPACE: k = Key::kSpace; break;
    case GLFW_KEY_ESCAPE: k = Key::kEscape; break;
    case GLFW_KEY_F1: k = Key::kF1; break;
    case GLFW_KEY_F5: k = Key::kF5; break;
    case GLFW_KEY_O: k = Key::kO; break;
    case GLFW_KEY_M: k = Key::kM; break;
    case GLFW_KEY_R: k = Key::kR; break;
    case GLFW_KEY_Q: k = Key::kQ; break;
    case GLFW_KEY_EQUAL:  // '+' is Shift+'=' on many layouts
    case GLFW_KEY_KP_ADD: k = Key::kPlus, repeats = true; break;
    case GLFW_KEY_MINUS:
    case GLFW_KEY_KP_SUBTRACT: k = Key::kMinus, repeats = true; break;
    case GLFW_KEY_0:
    case GLFW_KEY_KP_0: k = Key::kZero; break;
    default: return std::nullopt;
  }
  if (action == GLFW_REPEAT && !repeats) return std::nullopt;
  std::uint8_t m = kNoMods;
  if ((mods & GLFW_MOD_CONTROL) != 0) m |= kCtrl;
  // Shift is part of typing '+', not a modifier of it.
  if ((mods & GLFW_MOD_SHIFT) != 0 && *k != Key::kPlus) m |= kShift;
  return KeyPress{*k, m};
}

std::optional<KeyPress> FromGlfwChar(unsigned codepoint) {
  switch (codepoint) {
    case '?': return KeyPress{Key::kQuestion};
    case '[': return KeyPress{Key::kLeftBracket};
    case ']': return KeyPress{Key::kRightBracket};
    default: return std::nullopt;
  }
}

}  // namespace synclab::viewer
