// style.cpp: themes, sizes and colours.
#include "synclab/viewer/style.h"

#include <algorithm>
#include <cmath>

namespace synclab::viewer {
namespace {

using instrument::GStatus;

// ImGui's default font, ProggyClean: 13 px, 7 px a character.
constexpr float kFontPixels = 13;
constexpr float kCharPerFont = 7.0f / 13.0f;
// Rounder, roomier widgets than ImGui's read better from the back of a
// classroom. At scale 1; ImGui's ScaleAllSizes floors each scaled size.
const ImVec2 kItemSpacing(8, 5);
const ImVec2 kFramePadding(6, 4);

float FontPixels(float scale) { return std::round(kFontPixels * scale); }

}  // namespace

void ApplyLook(Theme theme, float scale) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig font;
  font.SizePixels = FontPixels(scale);
  font.OversampleH = font.OversampleV = 1;
  font.PixelSnapH = true;
  io.Fonts->AddFontDefault(&font);
  ApplyStyle(theme, scale);
}

void ApplyStyle(Theme theme, float scale) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  if (theme == Theme::kLight) {
    ImGui::StyleColorsLight(&style);
    // Light widgets are white, as a popup's background is: a text field in a
    // dialog would not show. A grey a step darker than the window does.
    style.Colors[ImGuiCol_FrameBg] = ImVec4(0.86f, 0.87f, 0.90f, 1);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(0.96f, 0.96f, 0.96f, 1);
  } else {
    ImGui::StyleColorsDark(&style);
  }
  // ImGui's themes are slightly see-through: a window over another would
  // show the text under it.
  for (ImGuiCol c : {ImGuiCol_WindowBg, ImGuiCol_PopupBg, ImGuiCol_MenuBarBg, ImGuiCol_TitleBg,
                     ImGuiCol_TitleBgActive, ImGuiCol_TitleBgCollapsed}) {
    style.Colors[c].w = 1;
  }
  style.FrameRounding = 3;
  style.WindowRounding = 4;
  style.ItemSpacing = kItemSpacing;
  style.FramePadding = kFramePadding;
  style.ScaleAllSizes(scale);
}

Metrics MetricsAt(float scale) {
  // As ImGuiStyle::ScaleAllSizes computes them.
  const ImGuiStyle defaults;
  auto scaled = [&](float v) { return std::floor(v * scale); };
  Metrics m;
  m.font = FontPixels(scale);
  m.char_w = std::round(m.font * kCharPerFont);  // PixelSnapH rounds the advance
  m.frame = m.font + 2 * scaled(kFramePadding.y);
  m.frame_pad = scaled(kFramePadding.x);
  m.spacing = scaled(kItemSpacing.y);
  m.spacing_x = scaled(kItemSpacing.x);
  m.padding = scaled(defaults.WindowPadding.x);
  m.indent = scaled(defaults.IndentSpacing);
  m.scrollbar = scaled(defaults.ScrollbarSize);
  return m;
}

ImVec2 FitToDisplay(ImVec2 size) {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float margin = ImGui::GetFontSize() * 2;
  return ImVec2(std::min(size.x, display.x - margin), std::min(size.y, display.y - margin));
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
