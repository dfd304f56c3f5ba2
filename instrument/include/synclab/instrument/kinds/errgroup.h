// errgroup.h: the fold of an errgroup.Group (eg.* events): its tasks, the
// goroutines waiting for a slot, its limit and its first error.
#pragma once

#include <cstdint>
#include <vector>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct ErrGroupState {
  static constexpr std::string_view kStateFields[] = {"active", "limit", "tasks"};
  std::vector<Id> running;       // tasks' goroutines inside f, in the order they began
  std::vector<Id> waiting_slot;  // goroutines blocked in Go at the limit
  std::vector<Id> in_wait;       // goroutines inside Wait
  bool has_err = false;
  std::int64_t err = 0;  // str id of the first error
  Id err_g = 0;          // the task that set it
  Id context = 0;        // WithContext's context (0: a plain Group)
  Id sem = 0;            // the current semaphore channel (0: no limit)
  std::int64_t limit = -1;
  std::int64_t started = 0, failed = 0, ended = 0, try_failed = 0;  // counts over the run

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 no task, 1 tasks started and not done, 2 an error is recorded;
  // count: tasks (the WaitGroup's counter); who: the task that failed
  // first; also: the limit (-1: none) and the goroutines waiting for a slot.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const ErrGroupState&, const ErrGroupState&) = default;
};

}  // namespace synclab::instrument::kinds
