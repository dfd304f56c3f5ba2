// mutex.h: the fold of a sync.Mutex (mutex.* events): who holds it, and
// who waits in Lock since when.
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

// A goroutine inside Lock's slow path and when it first parked there: Go's
// waitStartTime, from which its wait is measured against the 1 ms starvation
// threshold across every time it is woken and loses the race. (The trace
// has the park event's time; Go reads its clock a few steps later.)
struct MutexWaiter {
  Id g = 0;
  std::int64_t since = 0;
  friend bool operator==(const MutexWaiter&, const MutexWaiter&) = default;
};

struct MutexState {
  static constexpr std::string_view kStateFields[] = {"state", "sema"};
  // The goroutine that holds it (0 = free). Go's Mutex has no owner; the
  // trace knows who locked it last.
  Id holder = 0;
  std::vector<MutexWaiter> waiters;  // in the order they first parked

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 free, 1 locked, 2 starving; count: waiters; who: the holder.
  Summary Summarize(const ObjectState& object) const;
  void Holders(HolderList& out) const {
    if (holder != 0) out.push_back({holder, HoldMode::kExclusive});
  }
  friend bool operator==(const MutexState&, const MutexState&) = default;
};

}  // namespace synclab::instrument::kinds
