// sema.h: the fold of a runtime semaphore (sema.* events): its wait queue.
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct SemaState {
  static constexpr std::string_view kStateFields[] = {"value", "waiters"};
  std::vector<Id> queue;  // parked goroutines, head first (a lifo waiter goes first)

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;  // "value=0 queue=[G3 G2]"
  friend bool operator==(const SemaState&, const SemaState&) = default;
};

}  // namespace synclab::instrument::kinds
