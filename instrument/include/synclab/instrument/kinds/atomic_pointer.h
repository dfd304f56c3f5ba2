// atomic_pointer.h: the fold of sync/atomic's Pointer[T] (atomic.pointer.*
// events): as an atomic word, whose value is a pointer's identity.
#pragma once

#include "synclab/instrument/kinds/atomic.h"

namespace synclab::instrument::kinds {

struct AtomicPointerState {
  static constexpr std::string_view kStateFields[] = {"value"};
  AtomicWord word;

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;  // "value=p2" or "value=nil"
  // mode 0 nil, 1 set; count: the pointer's identity.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const AtomicPointerState&, const AtomicPointerState&) = default;
};

}  // namespace synclab::instrument::kinds
