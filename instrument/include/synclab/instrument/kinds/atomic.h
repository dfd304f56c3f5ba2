// atomic.h: the fold of sync/atomic's typed values (atomic.* events).
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct AtomicState {
  static constexpr std::string_view kStateFields[] = {"value"};
  std::string Apply(FoldContext&) { return ""; }
  std::string Describe(const ObjectView& v) const { return "value=" + v.Field("value"); }
  // mode 0; count: the value.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const AtomicState&, const AtomicState&) = default;
};

}  // namespace synclab::instrument::kinds
