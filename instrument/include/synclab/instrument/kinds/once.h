// once.h: the fold of a sync.Once (once.* events): who runs f.
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct OnceState {
  static constexpr std::string_view kStateFields[] = {"done"};
  Id running = 0;        // the goroutine inside f
  bool panicked = false;  // f ended in a panic (and the Once is done all the same)

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 not done, 1 f running, 2 done; who: the goroutine running f.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const OnceState&, const OnceState&) = default;
};

}  // namespace synclab::instrument::kinds
