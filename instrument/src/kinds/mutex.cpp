// mutex.cpp: the fold of a sync.Mutex (spec section 2).
#include "synclab/instrument/kinds/mutex.h"

#include <algorithm>

#include "synclab/instrument/state.h"
#include "synclab/mutex.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string MutexState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  auto take = [&]() -> std::string {
    if (holder != 0) return ctx.Fail(ctx.G(e.g) + " locks " + ctx.Self() + " held by " + ctx.G(holder));
    holder = e.g;
    return "";
  };
  auto stop_waiting = [&] {
    auto it = std::find_if(waiters.begin(), waiters.end(), [&](const MutexWaiter& w) { return w.g == e.g; });
    if (it != waiters.end()) waiters.erase(it);
  };
  switch (e.kind) {
    case EventKind::kMutexLockFast: return take();
    case EventKind::kMutexLockAcquire:
    case EventKind::kMutexHandoff:
      stop_waiting();
      return take();
    case EventKind::kMutexTryLock:
      if (ctx.Field("ok") != 0) return take();
      break;
    case EventKind::kMutexUnlockFast:
    case EventKind::kMutexUnlockSlow: holder = 0; break;
    case EventKind::kMutexSpin: ctx.SetStatus(GStatus::kSpinning); break;
    case EventKind::kMutexPark:
      // Go sets waitStartTime when a goroutine first parks in Lock and keeps
      // it while it is woken, loses the race and parks again.
      if (std::none_of(waiters.begin(), waiters.end(), [&](const MutexWaiter& w) { return w.g == e.g; })) {
        waiters.push_back({e.g, e.t});
      }
      break;
    default: break;
  }
  return "";
}

Summary MutexState::Summarize(const ObjectState& object) const {
  const std::int64_t* word = object.Field("state");
  Mutex::State m = Mutex::Decode(word != nullptr ? std::int32_t(*word) : 0);
  return {std::uint8_t(m.starving ? 2 : m.locked ? 1 : 0), m.waiters, holder};
}

std::string MutexState::Describe(const ObjectView& v) const {
  const std::int64_t* word = v.object.Field("state");
  if (word == nullptr) return "";
  Mutex::State m = Mutex::Decode(std::int32_t(*word));
  std::string out = "locked=" + std::to_string(m.locked) + " woken=" + std::to_string(m.woken) +
                    " starving=" + std::to_string(m.starving) + " waiters=" + std::to_string(m.waiters) +
                    " sema=" + v.Field("sema");
  if (holder != 0) out += " holder=G" + std::to_string(holder);
  return out;
}

}  // namespace synclab::instrument::kinds
