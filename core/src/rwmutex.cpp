// rwmutex.cpp: Go's sync.RWMutex (spec section 3).
#include "synclab/rwmutex.h"

namespace synclab {

using trace::EventKind;
using trace::WaitReason;

RWMutex::RWMutex(std::string_view name, Site site) : RWMutex(0, name, site) {}

RWMutex::RWMutex(ObjectId parent, std::string_view part, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kRWMutex, part, parent, site)), w_(id_, "w", site) {
  rt::RegisterSema(writer_sem_, id_, site, "writerSem");
  rt::RegisterSema(reader_sem_, id_, site, "readerSem");
}

void RWMutex::Trace(EventKind kind, const Site& site, std::int64_t extra) const {
  rt::Emit(kind, id_, site, reader_count_.load(std::memory_order_relaxed),
           reader_wait_.load(std::memory_order_relaxed), w_.state(),
           writer_sem_.value.load(std::memory_order_relaxed),
           reader_sem_.value.load(std::memory_order_relaxed), extra);
}

// Go: RWMutex.RLock, its readerCount.Add(1) (the fast path is inline in rwmutex.h).
bool RWMutex::RLockAdd(const Site& site) {
  rt::Step step(id_);
  const bool writer = reader_count_.fetch_add(1, std::memory_order_acquire) + 1 < 0;
  Trace(writer ? EventKind::kRWRLockSlow : EventKind::kRWRLockFast, site);
  return writer;
}

// Go: RWMutex.RLock, runtime_SemacquireRWMutexR behind a pending writer.
void RWMutex::RLockWait(const Site& site) {
  // A writer is pending: wait for it (its Unlock releases reader_sem once
  // for every reader that queued).
  rt::Semacquire(reader_sem_, false, WaitReason::kSyncRWMutexRLock, site);
  rt::TraceSection section(id_);
  Trace(EventKind::kRWRLockWake, site);
}

// Go: RWMutex.TryRLock.
bool RWMutex::TryRLock(Site site) {
  for (;;) {
    std::int32_t c;
    {
      rt::Step step(id_);
      c = reader_count_.load(std::memory_order_relaxed);
      if (c < 0) {
        Trace(EventKind::kRWTryRLock, site, false);
        return false;
      }
    }
    rt::Step step(id_);
    if (reader_count_.compare_exchange_strong(c, c + 1, std::memory_order_acquire)) {
      Trace(EventKind::kRWTryRLock, site, true);
      return true;
    }
  }
}

// Go: RWMutex.RUnlock, its readerCount.Add(-1).
std::int32_t RWMutex::RUnlockAdd(const Site& site) {
  rt::Step step(id_);
  const std::int32_t r = reader_count_.fetch_sub(1, std::memory_order_release) - 1;
  Trace(r >= 0 ? EventKind::kRWRUnlockFast : EventKind::kRWRUnlockSlow, site);
  return r;
}

// Go: RWMutex.rUnlockSlow.
void RWMutex::RUnlockSlow(std::int32_t r, const Site& site) {
  if (r + 1 == 0 || r + 1 == -kMaxReaders) rt::Fatal("sync: RUnlock of unlocked RWMutex");
  // A writer is pending.
  bool last;
  {
    rt::Step step(id_);
    last = reader_wait_.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0;
    Trace(last ? EventKind::kRWRUnlockLast : EventKind::kRWRUnlockDeparting, site);
  }
  // The last reader unblocks the writer.
  if (last) rt::Semrelease(writer_sem_, false, site);
}

// Go: RWMutex.Lock.
void RWMutex::Lock(Site site) {
  // First, resolve competition with other writers.
  w_.Lock(site);
  // Announce to readers there is a pending writer.
  std::int32_t r;
  {
    rt::Step step(id_);
    r = reader_count_.fetch_sub(kMaxReaders, std::memory_order_acq_rel);
    Trace(EventKind::kRWLockAnnounce, site, r);
  }
  // Wait for active readers.
  if (r != 0) {
    bool wait;
    {
      rt::Step step(id_);
      wait = reader_wait_.fetch_add(r, std::memory_order_acq_rel) + r != 0;
      // No wait: the r readers all left between the announcement and this
      // add (their RUnlocks took readerWait below 0).
      Trace(wait ? EventKind::kRWLockWaitReaders : EventKind::kRWLockReadersLeft, site, r);
    }
    if (wait) rt::Semacquire(writer_sem_, false, WaitReason::kSyncRWMutexLock, site);
  }
  rt::TraceSection section(id_);
  Trace(EventKind::kRWLockAcquire, site);
}

// Go: RWMutex.TryLock.
bool RWMutex::TryLock(Site site) {
  if (!w_.TryLock(site)) {
    rt::TraceSection section(id_);
    Trace(EventKind::kRWTryLock, site, false);
    return false;
  }
  bool ok;
  {
    rt::Step step(id_);
    std::int32_t zero = 0;
    ok = reader_count_.compare_exchange_strong(zero, -kMaxReaders, std::memory_order_acquire);
    Trace(EventKind::kRWTryLock, site, ok);
  }
  if (!ok) w_.Unlock(site);
  return ok;
}

// Go: RWMutex.Unlock.
void RWMutex::Unlock(Site site) {
  // Announce to readers there is no active writer.
  std::int32_t r;
  {
    rt::Step step(id_);
    r = reader_count_.fetch_add(kMaxReaders, std::memory_order_release) + kMaxReaders;
    Trace(EventKind::kRWUnlock, site, r);
  }
  if (r >= kMaxReaders) rt::Fatal("sync: Unlock of unlocked RWMutex");
  // Unblock blocked readers, if any.
  for (std::int32_t i = 0; i < r; i++) rt::Semrelease(reader_sem_, false, site);
  // Allow other writers to proceed.
  w_.Unlock(site);
}

}  // namespace synclab
