// goroutine.h: the goroutine "kind" has events (go.*) but no objects; the
// goroutines' own state is the generic fold's (state.h).
#pragma once

#include <array>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct GoroutineState {
  static constexpr std::array<std::string_view, 0> kStateFields{};
  std::string Apply(FoldContext&) { return ""; }
  std::string Describe(const ObjectView&) const { return ""; }
  friend bool operator==(const GoroutineState&, const GoroutineState&) = default;
};

}  // namespace synclab::instrument::kinds
