// var.h: the fold of a plain shared variable (var.* events).
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct VarState {
  static constexpr std::string_view kStateFields[] = {"value"};
  std::string Apply(FoldContext&) { return ""; }
  std::string Describe(const ObjectView& v) const { return "value=" + v.Field("value"); }
  // mode 0; count: the value.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const VarState&, const VarState&) = default;
};

}  // namespace synclab::instrument::kinds
