// waitgroup.h: the fold of a sync.WaitGroup (wg.* events): who waits.
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct WaitGroupState {
  static constexpr std::string_view kStateFields[] = {"counter", "waiters", "sema"};
  std::vector<Id> waiting;  // goroutines inside Wait, in the order they parked

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 counter 0, 1 tasks pending, 2 with goroutines waiting; count: the counter.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const WaitGroupState&, const WaitGroupState&) = default;
};

}  // namespace synclab::instrument::kinds
