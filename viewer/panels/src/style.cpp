// style.cpp: themes and colours.
#include "synclab/viewer/style.h"

namespace synclab::viewer {

using instrument::GStatus;

void ApplyStyle(Theme theme, float scale) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  if (theme == Theme::kLight) {
    ImGui::StyleColorsLight(&style);
  } else {
    ImGui::StyleColorsDark(&style);
  }
  // Rounder, roomier widgets read better from the back of a classroom.
  style.FrameRounding = 3;
  style.WindowRounding = 4;
  style.ItemSpacing = ImVec2(8, 5);
  style.FramePadding = ImVec2(6, 4);
  style.ScaleAllSizes(scale);
}

ImU32 StatusColor(GStatus s) {
  switch (s) {
    case GStatus::kRunning: return IM_COL32(46, 170, 70, 255);
    case GStatus::kRunnable: return IM_COL32(235, 200, 40, 255);
    case GStatus::kBlocked: return IM_COL32(215, 45, 45, 255);
    case GStatus::kSpinning: return IM_COL32(245, 135, 25, 255);
    case GStatus::kDone: return IM_COL32(135, 135, 135, 255);
    default: return IM_COL32(0, 0, 0, 0);
  }
}

ImU32 StatusTextColor(GStatus s) {
  return s == GStatus::kBlocked || s == GStatus::kDone ? IM_COL32(255, 255, 255, 255)
                                                       : IM_COL32(20, 20, 20, 255);
}

ImU32 HoldColor() { return IM_COL32(70, 110, 230, 255); }

}  // namespace synclab::viewer
