// recursive_mutex.cpp: the fold of the course's RecursiveMutex and
// TokenRecursiveMutex (recursive_mutex.h in core).
#include "synclab/instrument/kinds/recursive_mutex.h"

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string RecursiveMutexState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const bool token_event = e.kind == EventKind::kTMutexLockReenter || e.kind == EventKind::kTMutexLockAcquire ||
                           e.kind == EventKind::kTMutexUnlockPartial || e.kind == EventKind::kTMutexUnlockRelease ||
                           e.kind == EventKind::kTMutexUnlockNotOwner;
  if (recursion == 0 && holder == 0 && owner == 0 && token == 0) token_mode = token_event;
  if (token_event != token_mode) return ctx.Fail(ctx.Self() + " gets both rmutex.* and tmutex.* events");
  // Who the event names as holder (goroutine or token) and the new depth.
  const std::int64_t who = token_mode                                      ? ctx.Field("token")
                           : e.kind == EventKind::kRMutexUnlockRelease ? ctx.Field("by")
                                                                       : ctx.Field("owner");
  const std::int64_t held_by = token_mode ? token : std::int64_t(owner);
  const std::int64_t depth = ctx.Field("recursion");
  auto name = [&] { return token_mode ? "token " + std::to_string(who) : ctx.G(Id(who)); };
  switch (e.kind) {
    case EventKind::kRMutexLockReenter:
    case EventKind::kTMutexLockReenter:
      if (held_by != who) return ctx.Fail(name() + " reenters " + ctx.Self() + ", which it does not hold");
      if (!token_mode && Id(who) != e.g) return ctx.Fail(ctx.G(e.g) + " reenters " + ctx.Self() + " as " + name());
      if (depth != recursion + 1) return ctx.Fail(ctx.Self() + " goes from depth " + std::to_string(recursion) + " to " + std::to_string(depth));
      recursion = depth;
      break;
    case EventKind::kRMutexLockAcquire:
    case EventKind::kTMutexLockAcquire:
      // The inner Mutex was free for this Lock: nobody may hold it.
      if (holder != 0) return ctx.Fail(ctx.G(e.g) + " acquires " + ctx.Self() + " held by " + ctx.G(holder));
      if (depth != 1) return ctx.Fail(ctx.Self() + " acquired at depth " + std::to_string(depth));
      holder = e.g;
      recursion = 1;
      if (token_mode) {
        token = who;
      } else {
        owner = Id(who);
      }
      break;
    case EventKind::kRMutexUnlockPartial:
    case EventKind::kTMutexUnlockPartial:
      // (Token 0 "holds" a free TokenRecursiveMutex: the course's hole,
      // where Unlock(0) drives the depth below 0.)
      if (held_by != who) return ctx.Fail(name() + " unlocks " + ctx.Self() + ", which it does not hold");
      if (depth != recursion - 1) return ctx.Fail(ctx.Self() + " goes from depth " + std::to_string(recursion) + " to " + std::to_string(depth));
      recursion = depth;
      break;
    case EventKind::kRMutexUnlockRelease:
    case EventKind::kTMutexUnlockRelease:
      if (holder == 0 || recursion != 1) return ctx.Fail(ctx.Self() + " released at depth " + std::to_string(recursion));
      if (!token_mode && Id(who) != owner) return ctx.Fail(name() + " releases " + ctx.Self() + ", owned by " + ctx.G(owner));
      holder = 0;
      recursion = 0;
      owner = 0;
      token = 0;
      break;
    case EventKind::kRMutexUnlockNotOwner:
      if ((ctx.Field("held") != 0) != (owner != 0)) return ctx.Fail(ctx.Self() + "'s refused Unlock misreads whether it is held");
      if (Id(ctx.Field("caller")) == owner) return ctx.Fail(ctx.Self() + "'s owner is refused its own Unlock");
      break;
    case EventKind::kTMutexUnlockNotOwner:
      if (ctx.Field("caller") == token) return ctx.Fail(ctx.Self() + "'s token is refused its own Unlock");
      break;
    default: break;
  }
  return "";
}

Summary RecursiveMutexState::Summarize(const ObjectState&) const {
  const std::uint8_t mode = holder == 0 ? 0 : recursion > 1 ? 2 : 1;
  return {mode, recursion, holder};
}

std::string RecursiveMutexState::Describe(const ObjectView&) const {
  if (holder == 0) return "free recursion=0";
  std::string out = token_mode ? "token=" + std::to_string(token) : "owner=G" + std::to_string(owner);
  out += " recursion=" + std::to_string(recursion) + " holder=G" + std::to_string(holder);
  return out;
}

}  // namespace synclab::instrument::kinds
