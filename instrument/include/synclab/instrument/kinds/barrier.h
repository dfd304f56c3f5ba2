// barrier.h: the fold of a CyclicBarrier (cb.* events): the current round,
// who waits in which round, and who runs the action.
#pragma once

#include <vector>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

// A party parked in Await, and how its round ended so far (a round may
// both trip and break: see barrier.h, marusama's edges).
struct BarrierWaiter {
  Id g = 0;
  std::int64_t round = 0;  // the round it joined
  bool released = false;   // that round tripped: its waitCh is closed
  bool broken = false;     // that round broke: its brokeCh is closed
  friend bool operator==(const BarrierWaiter&, const BarrierWaiter&) = default;
};

struct BarrierState {
  static constexpr std::string_view kStateFields[] = {"round", "count", "parties", "broken"};
  std::int64_t parties = 0;
  std::int64_t round = 0;  // the current round
  std::int64_t count = 0;  // parties arrived in it
  bool broken = false;
  Id action_by = 0;  // the last party, while it runs the action
  Id wait_ch = 0, broke_ch = 0;  // the current round's channels
  std::int64_t trips = 0;  // rounds that tripped so far
  std::vector<BarrierWaiter> waiters;  // in arrival order

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 idle, 1 filling (parties arrived), 2 broken; count: arrived;
  // who: the party running the action; also: round, parties.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const BarrierState&, const BarrierState&) = default;
};

}  // namespace synclab::instrument::kinds
