// drawn.h: what ImGui drew in the last frame, read back from its draw data.
//
// Every glyph quad is matched to its character by its texture coordinates,
// and kept with its rectangle and the clip rectangle it was drawn under, so
// a test can assert that a text was drawn, how large, and that all of it is
// on screen. ImGui leaves out glyphs that are wholly outside the clip
// rectangle and crops (changing their texture coordinates) those that are
// partly outside, so a text cut off by its window is not found whole.
// Spaces draw nothing: texts are matched with their spaces removed.
#pragma once

#include <imgui.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synclab::viewer::testing {

struct Glyph {
  char c;
  ImVec2 min, max;  // the glyph's quad
  ImVec4 clip;      // its draw command's clip rectangle (x0, y0, x1, y1)
  std::string window;  // the draw list's owner: a window's name
  bool Visible() const {
    return min.x >= clip.x - 0.5f && min.y >= clip.y - 0.5f && max.x <= clip.z + 0.5f &&
           max.y <= clip.w + 0.5f;
  }
};

class Drawn {
 public:
  // Reads ImGui::GetDrawData(): call after ImGui::Render().
  Drawn() {
    // A glyph's top-left texture coordinate names it; its bottom-right confirms it.
    std::map<std::pair<float, float>, const ImFontGlyph*> by_uv;
    for (const ImFont* font : ImGui::GetIO().Fonts->Fonts) {
      for (const ImFontGlyph& g : font->Glyphs) by_uv.emplace(std::make_pair(g.U0, g.V0), &g);
    }
    display_ = ImGui::GetIO().DisplaySize;
    const ImDrawData* data = ImGui::GetDrawData();
    if (data == nullptr) return;
    for (int l = 0; l < data->CmdListsCount; ++l) {
      const ImDrawList* list = data->CmdLists[l];
      const std::string owner = list->_OwnerName != nullptr ? list->_OwnerName : "";
      for (const ImDrawCmd& cmd : list->CmdBuffer) {
        if (cmd.UserCallback != nullptr || cmd.ElemCount == 0) continue;
        unsigned lo = ~0u, hi = 0;
        for (unsigned i = cmd.IdxOffset; i < cmd.IdxOffset + cmd.ElemCount; ++i) {
          const unsigned v = list->IdxBuffer[int(i)] + cmd.VtxOffset;
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
        for (unsigned v = lo; v + 2 <= hi; ++v) {
          const ImDrawVert& a = list->VtxBuffer[int(v)];
          auto it = by_uv.find({a.uv.x, a.uv.y});
          if (it == by_uv.end() || it->second->Codepoint > 126) continue;
          const ImFontGlyph& g = *it->second;
          const ImDrawVert& c = list->VtxBuffer[int(v + 2)];
          if (c.uv.x != g.U1 || c.uv.y != g.V1) continue;
          glyphs_.push_back({char(g.Codepoint), a.pos, c.pos, cmd.ClipRect, owner});
          v += 3;  // the quad's other vertices
        }
      }
    }
  }

  // The glyphs of the first occurrence of `text` (spaces ignored), drawn in
  // one window (any, or the one named), or none.
  std::vector<Glyph> Find(std::string_view text, std::string_view window = {}) const {
    std::string want;
    for (char ch : text)
      if (ch != ' ') want += ch;
    if (want.empty()) return {};
    for (std::size_t i = 0; i + want.size() <= glyphs_.size(); ++i) {
      std::size_t k = 0;
      while (k < want.size() && glyphs_[i + k].c == want[k] && glyphs_[i + k].window == glyphs_[i].window) ++k;
      if (k == want.size() && (window.empty() || InWindow(glyphs_[i], window))) {
        return {glyphs_.begin() + std::ptrdiff_t(i), glyphs_.begin() + std::ptrdiff_t(i + k)};
      }
    }
    return {};
  }
  bool Has(std::string_view text, std::string_view window = {}) const { return !Find(text, window).empty(); }
  // Drawn whole, inside its clip rectangle and the display.
  bool Visible(std::string_view text, std::string_view window = {}) const {
    std::vector<Glyph> found = Find(text, window);
    if (found.empty()) return false;
    const ImVec2 display = display_;
    for (const Glyph& g : found) {
      if (!g.Visible() || g.min.x < 0 || g.min.y < 0 || g.max.x > display.x || g.max.y > display.y) return false;
    }
    return true;
  }
  // The bounding box of the text's glyphs (empty text: zero).
  std::pair<ImVec2, ImVec2> Box(std::string_view text, std::string_view window = {}) const {
    std::vector<Glyph> found = Find(text, window);
    if (found.empty()) return {};
    ImVec2 lo = found[0].min, hi = found[0].max;
    for (const Glyph& g : found) {
      lo = ImVec2(std::min(lo.x, g.min.x), std::min(lo.y, g.min.y));
      hi = ImVec2(std::max(hi.x, g.max.x), std::max(hi.y, g.max.y));
    }
    return {lo, hi};
  }
  // Everything drawn, spaces left out, for failure messages.
  std::string Text(std::string_view window = {}) const {
    std::string s;
    for (const Glyph& g : glyphs_)
      if (window.empty() || InWindow(g, window)) s += g.c;
    return s;
  }
  const std::vector<Glyph>& glyphs() const { return glyphs_; }

 private:
  // A window's draw list is named after it; its child windows' (a table's
  // scrolling region, a child) after it and a slash.
  static bool InWindow(const Glyph& g, std::string_view window) {
    return g.window.compare(0, window.size(), window) == 0 &&
           (g.window.size() == window.size() || g.window[window.size()] == '/');
  }
  std::vector<Glyph> glyphs_;
  ImVec2 display_;
};

}  // namespace synclab::viewer::testing
