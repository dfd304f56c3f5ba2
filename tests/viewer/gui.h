// gui.h: Dear ImGui with no backend, for tests that draw without a window.
#pragma once

#include <imgui.h>

#include "synclab/viewer/cursor.h"
#include "synclab/viewer/style.h"

namespace synclab::viewer::testing {

// An ImGui context with its fonts built and a display, but no backend: the
// look the app has at that text scale.
class Gui {
 public:
  explicit Gui(ImVec2 display = ImVec2(1280, 720), float scale = 1) {
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = display;
    io.DeltaTime = 1.0f / 60;
    Look(Theme::kDark, scale);
  }
  // As the window does between frames when the text size or theme changes.
  void Look(Theme theme, float scale) {
    ApplyLook(theme, scale);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  }
  ~Gui() { ImGui::DestroyContext(); }
  Gui(const Gui&) = delete;
  Gui& operator=(const Gui&) = delete;

  // One frame with `draw` inside a window that fills the display.
  template <class F>
  Intent Frame(F draw) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("panel");
    Intent intent = draw();
    ImGui::End();
    ImGui::Render();
    return intent;
  }

  // One frame of `draw` alone (it opens its own windows); `after` runs
  // before the frame ends, to look at what it opened.
  template <class F, class G>
  void Bare(F draw, G after) {
    ImGui::NewFrame();
    draw();
    after();
    ImGui::Render();
  }
  template <class F>
  void Bare(F draw) {
    Bare(draw, [] {});
  }
};

}  // namespace synclab::viewer::testing
