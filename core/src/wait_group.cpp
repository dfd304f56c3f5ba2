// wait_group.cpp: Go's sync.WaitGroup (spec section 4).
#include "synclab/wait_group.h"

namespace synclab {

using trace::EventKind;

WaitGroup::WaitGroup(std::string_view name, Site site) : WaitGroup(0, name, site) {}

WaitGroup::WaitGroup(ObjectId parent, std::string_view part, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kWaitGroup, part, parent, site)) {
  rt::RegisterSema(sema_, id_, site);
}

void WaitGroup::Trace(EventKind kind, const Site& site, std::int64_t extra) const {
  // Untraced, touch nothing: the Done that takes the counter to 0 must not
  // read the WaitGroup after its add, as Wait may have returned and its
  // owner freed it (ThreadSanitizer caught this with an errgroup in a loop).
  // Traced, the trace stripe keeps Wait's step behind this one.
  if (!rt::Tracing()) return;
  std::uint64_t s = state_.load(std::memory_order_relaxed);
  std::int64_t sema = sema_.value.load(std::memory_order_relaxed);
  if (kind == EventKind::kWgWaitFast || kind == EventKind::kWgWaitPark ||
      kind == EventKind::kWgWaitWake) {
    rt::Emit(kind, id_, site, std::int32_t(s >> 32), std::uint32_t(s), sema);
  } else {
    rt::Emit(kind, id_, site, std::int32_t(s >> 32), std::uint32_t(s), extra, sema);
  }
}

// Go: WaitGroup.Add (Done is Add(-1)).
void WaitGroup::AddInRuntime(int delta, Site site) {
  std::uint64_t state;
  {
    rt::Step step(id_);
    state = state_.fetch_add(Shifted(delta)) + Shifted(delta);
    Trace(EventKind::kWgAdd, site, delta);
  }
  Settle(state, delta, site);
}

void WaitGroup::Settle(std::uint64_t state, int delta, const Site& site) {
  std::int32_t v = std::int32_t(state >> 32);
  std::uint32_t w = std::uint32_t(state);
  if (v < 0) throw Panic("sync: negative WaitGroup counter");
  if (w != 0 && delta > 0 && v == delta) {
    throw Panic("sync: WaitGroup misuse: Add called concurrently with Wait");
  }
  if (v > 0 || w == 0) return;
  // This goroutine has set the counter to 0 while there are waiters. Now
  // there can be no concurrent changes of state: Adds must not happen
  // concurrently with Wait, and Wait does not add waiters once it sees 0.
  // Still do a cheap check to detect misuse.
  {
    rt::Step step(id_);
    if (state_.load() != state) {
      throw Panic("sync: WaitGroup misuse: Add called concurrently with Wait");
    }
  }
  {
    rt::Step step(id_);
    state_.store(0);
    Trace(EventKind::kWgReleaseWaiters, site, w);
  }
  for (; w != 0; w--) rt::Semrelease(sema_, false, site);
}

// Go: WaitGroup.Wait.
void WaitGroup::WaitSlow(Site site) {
  for (;;) {
    std::uint64_t state;
    {
      rt::Step step(id_);
      state = state_.load();
      if ((state >> 32) == 0) {
        Trace(EventKind::kWgWaitFast, site);
        return;
      }
    }
    bool swapped;
    {
      rt::Step step(id_);
      swapped = state_.compare_exchange_strong(state, state + 1);
      if (swapped) Trace(EventKind::kWgWaitPark, site);
    }
    if (!swapped) continue;
    rt::Semacquire(sema_, false, trace::WaitReason::kSyncWaitGroupWait, site);
    {
      rt::Step step(id_);
      if (state_.load() != 0) {
        throw Panic("sync: WaitGroup is reused before previous Wait has returned");
      }
      Trace(EventKind::kWgWaitWake, site);
    }
    return;
  }
}

}  // namespace synclab
