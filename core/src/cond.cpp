// cond.cpp: Go's sync.Cond over the runtime's notifyList (spec section 5).
#include "synclab/cond.h"

namespace synclab {

using trace::EventKind;

namespace {
// Tickets wrap around: compare them as Go's notifyList does.
bool Less(std::uint32_t a, std::uint32_t b) { return std::int32_t(a - b) < 0; }
}  // namespace

Cond::Cond(Locker l, std::string_view name, Site site)
    : l_(l), id_(rt::RegisterObject(trace::ObjectKind::kCond, name, 0, site)) {}

void Cond::Trace(EventKind kind, const Site& site, std::int64_t a, std::int64_t b,
                 std::int64_t c) const {
  rt::Emit(kind, id_, site, wait_.load(std::memory_order_relaxed), Notify(),
           parked_.load(std::memory_order_relaxed), a, b, c);
}

// Go: copyChecker.check.
void Cond::Check() {
  const auto self = reinterpret_cast<std::uintptr_t>(&checker_);
  rt::Step step(id_);
  std::uintptr_t seen = checker_.load(std::memory_order_relaxed);
  if (seen == self) return;
  std::uintptr_t unused = 0;
  if (checker_.compare_exchange_strong(unused, self) || unused == self) return;
  throw Panic("sync.Cond is copied");
}

// Go: Cond.Wait, over runtime_notifyListAdd and notifyListWait.
void Cond::Wait(Site site) {
  Check();
  std::uint32_t t;
  {
    // The ticket is taken before L is unlocked: a Signal that runs after our
    // Unlock is meant for us (or an earlier waiter).
    rt::Step step(id_);
    t = wait_.fetch_add(1, std::memory_order_relaxed);
    Trace(EventKind::kCondWaitTicket, site, t);
  }
  l_.Unlock(site);
  lock_.Lock();
  bool notified;
  {
    rt::Step step(id_);
    notified = Less(t, notify_.load(std::memory_order_relaxed));
    if (notified) Trace(EventKind::kCondWaitEarly, site, t);
  }
  if (notified) {
    lock_.Unlock();
  } else {
    Waiter self{rt::CurrentG(), t};
    {
      rt::TraceSection section(id_);
      (tail_ == nullptr ? head_ : tail_->next) = &self;
      tail_ = &self;
      parked_++;
      Trace(EventKind::kCondWaitPark, site, t);
    }
    // Parked before the list is unlocked: a Signal that finds us readies us.
    rt::Park(trace::WaitReason::kSyncCondWait, id_, site, lock_.ParkUnlocker());
    rt::TraceSection section(id_);
    Trace(EventKind::kCondWaitWake, site, t);
  }
  l_.Lock(site);
}

// Go: Cond.Signal, runtime notifyListNotifyOne.
void Cond::Signal(Site site) {
  Check();
  {
    // Fast path: no new waiters since the last notification.
    rt::Step step(id_);
    if (wait_.load(std::memory_order_relaxed) == Notify()) {
      Trace(EventKind::kCondSignalNone, site);
      return;
    }
  }
  lock_.Lock();
  std::uint32_t t;
  {
    rt::Step step(id_);
    t = Notify();
    if (t == wait_.load(std::memory_order_relaxed)) {
      Trace(EventKind::kCondSignalNone, site);
      lock_.Unlock();
      return;
    }
  }
  {
    rt::Step step(id_);
    notify_.store(t + 1, std::memory_order_relaxed);
  }
  // Find the waiter with ticket t. If it has not queued yet it will see
  // itself notified and not sleep.
  Waiter* found = nullptr;
  {
    rt::TraceSection section(id_);
    for (Waiter *prev = nullptr, *w = head_; w != nullptr; prev = w, w = w->next) {
      if (w->ticket != t) continue;
      (prev == nullptr ? head_ : prev->next) = w->next;
      if (w->next == nullptr) tail_ = prev;
      parked_--;
      found = w;
      break;
    }
    if (found != nullptr) {
      Trace(EventKind::kCondSignalWake, site, t, std::int64_t(found->g->id));
    } else {
      Trace(EventKind::kCondSignalAhead, site, t);
    }
  }
  lock_.Unlock();
  if (found != nullptr) rt::Ready(found->g, id_, site);
}

// Go: Cond.Broadcast, runtime notifyListNotifyAll.
void Cond::Broadcast(Site site) {
  Check();
  {
    rt::Step step(id_);
    if (wait_.load(std::memory_order_relaxed) == Notify()) {
      Trace(EventKind::kCondBroadcastNone, site);
      return;
    }
  }
  lock_.Lock();
  Waiter* list;
  {
    rt::Step step(id_);
    list = head_;
    head_ = tail_ = nullptr;
    std::uint32_t from = Notify();
    // Every earlier ticket is in the list or will see itself notified.
    std::uint32_t to = wait_.load(std::memory_order_relaxed);
    notify_.store(to, std::memory_order_relaxed);
    std::uint32_t woken = parked_.exchange(0, std::memory_order_relaxed);
    Trace(EventKind::kCondBroadcast, site, from, to, woken);
  }
  lock_.Unlock();
  while (list != nullptr) {
    Waiter* next = list->next;  // list lives on its goroutine's stack until it runs
    rt::Ready(list->g, id_, site);
    list = next;
  }
}

}  // namespace synclab
