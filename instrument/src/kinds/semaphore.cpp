// semaphore.cpp: the fold of an x/sync semaphore.Weighted (spec section 13).
// Each event's "after" is recomputed from the one before and the rule of its
// step, so a trace that shows a transition Go's algorithm cannot make (a
// waiter granted out of order, a newcomer overtaking the queue, a blocked
// head skipped) is rejected.
#include "synclab/instrument/kinds/semaphore.h"

#include <algorithm>
#include <cstdint>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string SemaphoreQueueText(const std::vector<SemaphoreState::Waiter>& queue) {
  static constexpr std::size_t kRoom = 200 - 24;  // core's kMaxTraceText less its tail
  std::string out;
  std::size_t i = 0;
  for (; i < queue.size(); i++) {
    const std::string n = std::to_string(queue[i].n);
    if (out.size() + n.size() + (out.empty() ? 0 : 1) > kRoom) break;
    if (!out.empty()) out += ' ';
    out += n;
  }
  if (i < queue.size()) out += " ... +" + std::to_string(queue.size() - i);
  return out;
}

namespace {

using Waiters = std::vector<SemaphoreState::Waiter>;

Waiters::iterator FindG(Waiters& list, Id g) {
  return std::find_if(list.begin(), list.end(), [&](const SemaphoreState::Waiter& w) { return w.g == g; });
}

void Take(std::vector<SemaphoreState::Held>& held, Id g, std::int64_t n) {
  if (n <= 0) return;  // Acquire(0) holds nothing (a negative n is Go's to make sense of)
  auto it = std::find_if(held.begin(), held.end(), [&](const SemaphoreState::Held& h) { return h.g == g; });
  if (it == held.end()) {
    held.push_back({g, n});
  } else {
    if (__builtin_add_overflow(it->n, n, &it->n)) it->n = INT64_MAX;
  }
}

// A Release by g: g's own tokens first, then (tokens given back on another
// goroutine's behalf, as when main acquires for the task it starts) those
// held longest. So the holders' tokens always add up to cur.
void Give(std::vector<SemaphoreState::Held>& held, Id g, std::int64_t n) {
  if (n <= 0) return;
  auto take = [&](std::vector<SemaphoreState::Held>::iterator it) {
    const std::int64_t k = std::min(it->n, n);
    it->n -= k;
    n -= k;
  };
  auto own = std::find_if(held.begin(), held.end(), [&](const SemaphoreState::Held& h) { return h.g == g; });
  if (own != held.end()) take(own);
  for (auto it = held.begin(); it != held.end() && n > 0; ++it) take(it);
  std::erase_if(held, [](const SemaphoreState::Held& h) { return h.n == 0; });
}

}  // namespace

std::string SemaphoreState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const std::int64_t n = ctx.Field("n");
  const bool with_state = trace::FieldIndex(e.kind, "cur") >= 0;
  if (e.kind == EventKind::kWsemNew) {
    if (made) return ctx.Fail(ctx.Self() + " is made twice");
    made = true;
    size = ctx.Field("size");
    if (size < 0) return ctx.Fail(ctx.Self() + " is made with a negative size");
  } else if (!made) {
    return ctx.Fail(ctx.Self() + " is used before wsem.new");
  }
  // Every sum below is checked: a mutated trace's huge numbers must be
  // rejected, not overflow.
  std::int64_t free = 0, plus = 0, minus = 0;
  if (__builtin_sub_overflow(size, cur, &free) || __builtin_add_overflow(cur, n, &plus) ||
      __builtin_sub_overflow(cur, n, &minus)) {
    return ctx.Fail(ctx.Self() + ": n " + std::to_string(n) + " overflows cur " + std::to_string(cur));
  }
  const std::string who = ctx.G(e.g);
  const std::string self = ctx.Self();
  const std::string nt = std::to_string(n);
  switch (e.kind) {
    case EventKind::kWsemNew:
    case EventKind::kWsemAcquireCtxDone: break;
    case EventKind::kWsemAcquireFast:
      if (!queue.empty()) return ctx.Fail(who + " takes " + nt + " of " + self + " by the fast path past " + std::to_string(queue.size()) + " waiters");
      if (free < n) return ctx.Fail(who + " takes " + nt + " of " + self + " with only " + std::to_string(free) + " free");
      cur = plus;
      Take(held, e.g, n);
      break;
    case EventKind::kWsemAcquireTooBig:
      if (n <= size) return ctx.Fail(who + " asks " + self + " for " + nt + ", which fits its size " + std::to_string(size) + ", yet does not queue");
      too_big.push_back({e.g, n, 0});
      break;
    case EventKind::kWsemAcquireTooBigDone: {
      auto it = FindG(too_big, e.g);
      if (it == too_big.end()) return ctx.Fail(who + " leaves a too-big Acquire on " + self + " it never began");
      too_big.erase(it);
      break;
    }
    case EventKind::kWsemAcquireEnqueue:
      if (n > size) return ctx.Fail(who + " queues on " + self + " for " + nt + ", more than its size " + std::to_string(size));
      if (queue.empty() && free >= n) return ctx.Fail(who + " queues on " + self + " for " + nt + " with " + std::to_string(free) + " free and nobody waiting");
      if (FindG(queue, e.g) != queue.end()) return ctx.Fail(who + " queues on " + self + " twice");
      queue.push_back({e.g, n, Id(ctx.Field("ready"))});
      break;
    case EventKind::kWsemAcquireGranted:
    case EventKind::kWsemAcquireGrantedDone: {
      auto it = FindG(granted, e.g);
      if (it == granted.end() || it->n != n) return ctx.Fail(who + " returns from Acquire(" + nt + ") on " + self + " that no notify granted");
      granted.erase(it);
      break;
    }
    case EventKind::kWsemAcquireCancel: {
      auto it = FindG(queue, e.g);
      if (it == queue.end()) return ctx.Fail(who + " leaves the queue of " + self + " it is not in");
      const bool front = it == queue.begin();
      if (front != (ctx.Field("front") != 0)) return ctx.Fail(who + " leaves " + self + " with front=" + std::to_string(ctx.Field("front")) + ", but it was " + (front ? "" : "not ") + "the head");
      queue.erase(it);
      const bool notify = front && size > cur;
      if (notify != (ctx.Field("notify") != 0)) return ctx.Fail(who + " leaves " + self + " with notify=" + std::to_string(ctx.Field("notify")) + ", but Go notifies exactly when the head leaves with tokens free");
      break;
    }
    case EventKind::kWsemAcquireCancelGiveBack: {
      auto it = FindG(granted, e.g);
      if (it == granted.end() || it->n != n) return ctx.Fail(who + " gives back " + nt + " tokens of " + self + " no notify granted it");
      granted.erase(it);
      cur = minus;
      Give(held, e.g, n);
      break;
    }
    case EventKind::kWsemTryAcquire: {
      const bool ok = free >= n && queue.empty();
      if (ok != (ctx.Field("ok") != 0)) return ctx.Fail(who + "'s TryAcquire(" + nt + ") on " + self + " reports ok=" + std::to_string(ctx.Field("ok")) + " with " + std::to_string(free) + " free and " + std::to_string(queue.size()) + " waiting");
      if (ok) {
        cur = plus;
        Take(held, e.g, n);
      }
      break;
    }
    case EventKind::kWsemRelease:
      if (minus < 0) return ctx.Fail(who + " releases " + nt + " of " + self + " holding " + std::to_string(cur) + " without the panic");
      cur = minus;
      Give(held, e.g, n);
      break;
    case EventKind::kWsemReleasePanic:
      if (minus >= 0) return ctx.Fail(who + " panics releasing " + nt + " of " + self + ", which holds " + std::to_string(cur));
      cur = minus;
      Give(held, e.g, n);  // every token given back, and more
      panicked = true;
      break;
    case EventKind::kWsemNotifyGrant:
    case EventKind::kWsemNotifyBlocked: {
      const Id w = Id(ctx.Field("waiter"));
      if (queue.empty() || queue.front().g != w || queue.front().n != n) {
        return ctx.Fail("notifyWaiters on " + self + " looks at " + ctx.G(w) + " (" + nt + "), which is not the head");
      }
      const bool fits = free >= n;
      if (e.kind == EventKind::kWsemNotifyBlocked) {
        if (fits) return ctx.Fail("notifyWaiters on " + self + " stops at " + ctx.G(w) + " (" + nt + ") with " + std::to_string(free) + " free");
        break;
      }
      if (!fits) return ctx.Fail("notifyWaiters on " + self + " grants " + nt + " to " + ctx.G(w) + " with " + std::to_string(free) + " free");
      cur = plus;
      granted.push_back(queue.front());
      queue.erase(queue.begin());
      Take(held, w, n);
      break;
    }
    default: break;
  }
  if (with_state) {
    if (ctx.Field("size") != size) return ctx.Fail(self + " reports size " + std::to_string(ctx.Field("size")) + ", made with " + std::to_string(size));
    if (ctx.Field("cur") != cur) return ctx.Fail(self + " reports cur " + std::to_string(ctx.Field("cur")) + " where its steps give " + std::to_string(cur));
    if (ctx.Field("waiters") != std::int64_t(queue.size()) || ctx.Str("queue") != SemaphoreQueueText(queue)) {
      return ctx.Fail(self + " reports waiters=" + std::to_string(ctx.Field("waiters")) + " queue \"" + std::string(ctx.Str("queue")) +
                      "\" where its steps give waiters=" + std::to_string(queue.size()) + " queue \"" + SemaphoreQueueText(queue) + "\"");
    }
  }
  return "";
}

Summary SemaphoreState::Summarize(const ObjectState&) const {
  const std::uint8_t mode = !queue.empty() ? 3 : cur >= size && size > 0 ? 2 : cur > 0 ? 1 : 0;
  return {mode, cur, queue.empty() ? 0 : queue.front().g, {std::int64_t(queue.size()), size}};
}

std::string SemaphoreState::Describe(const ObjectView&) const {
  std::string out = "size=" + std::to_string(size) + " cur=" + std::to_string(cur) + " waiters=[";
  for (std::size_t i = 0; i < queue.size(); i++) {
    if (i != 0) out += ' ';
    out += "G" + std::to_string(queue[i].g) + ":" + std::to_string(queue[i].n);
  }
  out += "]";
  if (!too_big.empty()) {
    out += " too_big=[";
    for (std::size_t i = 0; i < too_big.size(); i++) {
      if (i != 0) out += ' ';
      out += "G" + std::to_string(too_big[i].g) + ":" + std::to_string(too_big[i].n);
    }
    out += "]";
  }
  if (panicked) out += " (released more than held)";
  return out;
}

}  // namespace synclab::instrument::kinds
