// cond.cpp: the fold of a sync.Cond's notify list (spec section 5).
#include "synclab/instrument/kinds/cond.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string CondState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const auto ticket = std::uint32_t(ctx.Field("ticket"));
  switch (e.kind) {
    case EventKind::kCondWaitPark: parked.push_back({ticket, e.g}); break;
    case EventKind::kCondSignalWake: {
      auto it = std::find_if(parked.begin(), parked.end(), [&](const Parked& p) { return p.ticket == ticket; });
      if (it == parked.end()) {
        return ctx.Fail("Signal wakes ticket " + std::to_string(ticket) + ", which is not parked on " + ctx.Self());
      }
      if (it->g != Id(ctx.Field("waiter"))) {
        return ctx.Fail("Signal wakes " + ctx.G(Id(ctx.Field("waiter"))) + " for ticket " +
                        std::to_string(ticket) + ", which " + ctx.G(it->g) + " holds");
      }
      parked.erase(it);
      break;
    }
    case EventKind::kCondBroadcast:
      if (std::size_t(ctx.Field("woken")) != parked.size()) {
        return ctx.Fail("Broadcast wakes " + std::to_string(ctx.Field("woken")) + " waiters, but " +
                        std::to_string(parked.size()) + " are parked on " + ctx.Self());
      }
      parked.clear();
      break;
    default: break;
  }
  return "";
}

std::string CondState::Describe(const ObjectView& v) const {
  std::string out = "wait=" + v.Field("wait") + " notify=" + v.Field("notify") + " parked=[";
  for (std::size_t i = 0; i < parked.size(); i++) {
    if (i != 0) out += ' ';
    out += "t" + std::to_string(parked[i].ticket) + ":G" + std::to_string(parked[i].g);
  }
  return out + "]";
}

}  // namespace synclab::instrument::kinds
