// teaching_note.cpp: the scenario's teaching note, pinned in a window.
#include "synclab/viewer/panels.h"

namespace synclab::viewer {

void DrawTeachingNote(std::string_view note) {
  ImGui::PushTextWrapPos(0);  // at the window's edge
  ImGui::TextUnformatted(note.data(), note.data() + note.size());
  ImGui::PopTextWrapPos();
}

}  // namespace synclab::viewer
