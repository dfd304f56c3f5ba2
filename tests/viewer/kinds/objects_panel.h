// objects_panel.h: the kind-inspector tests' shared look at the objects
// panel (every object's inspector, stacked) with the cursor at a step.
#pragma once

#include <doctest/doctest.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "../drawn.h"
#include "../gui.h"
#include "../traces.h"

namespace synclab::viewer::testing {

// Draws the panel at text scale `scale`, tall enough for every object,
// checks that each of `visible` is drawn whole, and returns all its text.
inline std::string InspectObjects(const Model& m, std::uint64_t step, float scale,
                                  std::initializer_list<std::string_view> visible) {
  Gui gui(ImVec2(1600, 2400), scale);
  // Two frames: a table sizes its columns to their contents in the first.
  for (int frame = 0; frame < 2; frame++) gui.Frame([&] { return DrawObjects(m, AtStep(step)); });
  const Drawn drawn;
  for (std::string_view text : visible) {
    CAPTURE(text);
    CHECK_MESSAGE(drawn.Visible(text), drawn.Text());
  }
  return drawn.Text();
}

// Draws object `obj`'s own inspector in a 1280x720 window at text scale
// `scale`, checks that each of `visible` is drawn whole, and returns its text.
inline std::string InspectObject(const Model& m, Id obj, std::uint64_t step, float scale,
                                 std::initializer_list<std::string_view> visible) {
  Gui gui(ImVec2(1280, 720), scale);
  const KindView& view = ViewOf(m.trace().object(obj)->kind);
  REQUIRE(bool(view.inspector));
  for (int frame = 0; frame < 2; frame++) gui.Frame([&] { return view.inspector(m, AtStep(step), obj); });
  const Drawn drawn;
  for (std::string_view text : visible) {
    CAPTURE(text);
    CHECK_MESSAGE(drawn.Visible(text), drawn.Text());
  }
  return drawn.Text();
}

}  // namespace synclab::viewer::testing
