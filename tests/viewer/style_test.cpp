// Tests of the look: themes, and the sizes the layout assumes.
#include <doctest/doctest.h>

#include <imgui.h>

#include <cmath>
#include <string>

#include "gui.h"
#include "synclab/viewer/style.h"

using namespace synclab::viewer;
using synclab::viewer::testing::Gui;

namespace {

float Luminance(const ImVec4& c) { return 0.2126f * c.x + 0.7152f * c.y + 0.0722f * c.z; }

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("windows and popups are opaque in both themes so a window hides what is under it") {
    Gui gui;
    for (Theme theme : {Theme::kDark, Theme::kLight}) {
      ApplyStyle(theme, 1);
      const ImGuiStyle& s = ImGui::GetStyle();
      for (ImGuiCol c : {ImGuiCol_WindowBg, ImGuiCol_PopupBg, ImGuiCol_MenuBarBg, ImGuiCol_TitleBg,
                         ImGuiCol_TitleBgActive, ImGuiCol_TitleBgCollapsed}) {
        CAPTURE(std::string(ImGui::GetStyleColorName(c)));
        CHECK(s.Colors[c].w == 1.0f);
      }
    }
  }

  TEST_CASE("a text field stands out from the window and the dialog it is in in both themes") {
    Gui gui;
    for (Theme theme : {Theme::kDark, Theme::kLight}) {
      ApplyStyle(theme, 1);
      const ImGuiStyle& s = ImGui::GetStyle();
      const float field = Luminance(s.Colors[ImGuiCol_FrameBg]);
      CHECK(std::abs(field - Luminance(s.Colors[ImGuiCol_PopupBg])) > 0.05f);
      CHECK(std::abs(field - Luminance(s.Colors[ImGuiCol_WindowBg])) > 0.05f);
    }
  }
}
