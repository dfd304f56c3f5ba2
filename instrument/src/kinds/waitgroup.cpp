// waitgroup.cpp: the fold of a sync.WaitGroup (spec section 4).
#include "synclab/instrument/kinds/waitgroup.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string WaitGroupState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  switch (e.kind) {
    case EventKind::kWgWaitPark: waiting.push_back(e.g); break;
    case EventKind::kWgWaitWake: {
      auto it = std::find(waiting.begin(), waiting.end(), e.g);
      if (it == waiting.end()) return ctx.Fail(ctx.G(e.g) + " returns from a Wait on " + ctx.Self() + " it never began");
      waiting.erase(it);
      break;
    }
    default: break;
  }
  return "";
}

Summary WaitGroupState::Summarize(const ObjectState& object) const {
  const std::int64_t* counter = object.Field("counter");
  const std::int64_t v = counter != nullptr ? *counter : 0;
  return {std::uint8_t(!waiting.empty() ? 2 : v != 0 ? 1 : 0), v, 0};
}

std::string WaitGroupState::Describe(const ObjectView& v) const {
  return "counter=" + v.Field("counter") + " waiters=" + v.Field("waiters") + " sema=" + v.Field("sema");
}

}  // namespace synclab::instrument::kinds
