// recursive_mutex.h: the fold of the course's RecursiveMutex (rmutex.*) and
// TokenRecursiveMutex (tmutex.*): who holds it and how deep.
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct RecursiveMutexState {
  // owner is not among them: the release clears it without carrying it.
  static constexpr std::string_view kStateFields[] = {"token", "recursion"};
  bool token_mode = false;  // a TokenRecursiveMutex (its events are tmutex.*)
  Id owner = 0;             // RecursiveMutex: the owner goroutine (0: none)
  std::int64_t token = 0;   // TokenRecursiveMutex: the holder's token (0: none)
  std::int64_t recursion = 0;
  Id holder = 0;  // the goroutine whose Lock took the inner Mutex

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 free, 1 held, 2 reentered (depth > 1); count: depth; who: holder.
  Summary Summarize(const ObjectState& object) const;
  void Holders(HolderList& out) const {
    if (holder != 0) out.push_back({holder, HoldMode::kExclusive});
  }
  friend bool operator==(const RecursiveMutexState&, const RecursiveMutexState&) = default;
};

}  // namespace synclab::instrument::kinds
