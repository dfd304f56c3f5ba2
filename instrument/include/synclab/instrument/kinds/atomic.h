// atomic.h: the fold of sync/atomic's typed values (atomic.* events).
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct AtomicState {
  static constexpr std::string_view kStateFields[] = {"value"};
  std::string Apply(FoldContext&) { return ""; }
  std::string Describe(const ObjectView& v) const { return "value=" + v.Field("value"); }
  friend bool operator==(const AtomicState&, const AtomicState&) = default;
};

}  // namespace synclab::instrument::kinds
