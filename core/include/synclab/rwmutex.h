// rwmutex.h: synclab::RWMutex (Go: sync.RWMutex), Go's algorithm step for step.
//
// A reader/writer lock: any number of readers or one writer. A writer that
// calls Lock waits for the readers inside to leave and keeps new readers out
// meanwhile, so a reader must not RLock recursively (a pending writer between
// the two RLocks deadlocks them both), and writers are not starved.
//
// Guarantees: the n'th Unlock happens before the (n+1)'th Lock returns and
// before every RLock that waited for it returns; an RUnlock happens before
// the Lock that waited for it returns.
// Misuse (fatal, Go wording): "sync: RUnlock of unlocked RWMutex",
//   "sync: Unlock of unlocked RWMutex".
// Not copyable, not reentrant, not owned by a goroutine (any goroutine may
// unlock), like Mutex.
//
// State:
//   w            a Mutex that writers take first (they queue there, FIFO-ish,
//                with the Mutex's own starvation mode)
//   reader_count readers holding or entering, minus kMaxReaders (2^30) while
//                a writer is pending or holds the lock:
//                  >= 0                  no writer; that many readers
//                  < 0                   a writer; reader_count + 2^30 readers
//   reader_wait  readers the pending writer still waits for
//   writer_sem   where the pending writer sleeps until reader_wait reaches 0
//   reader_sem   where readers that came after a pending writer sleep
// INV1 -2^30 <= reader_count < 2^30 outside a misuse.
// INV2 reader_wait > 0 only while a writer is pending (reader_count < 0).
//
// Lock: w.Lock(); reader_count -= 2^30 (the readers still inside, r, are the
// readers that were active); if r != 0, reader_wait += r and sleep on
// writer_sem; the last of those readers to RUnlock wakes the writer.
// Unlock: reader_count += 2^30 gives r, the readers that queued meanwhile;
// release reader_sem r times; w.Unlock().
//
// Trace: rw.* events on id() with the fields reader_count, reader_wait, w
// (the inner Mutex's word), writer_sem and reader_sem after the step; the
// inner Mutex's mutex.* events and both semas' sema.* events.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "synclab/mutex.h"
#include "synclab/rt/runtime.h"
#include "synclab/rt/sema.h"

namespace synclab {

class RWMutex {
 public:
  static constexpr std::int32_t kMaxReaders = 1 << 30;  // Go's rwmutexMaxReaders

  // `name` labels it in traces; its inner Mutex is "<name>.w".
  explicit RWMutex(std::string_view name = {}, Site site = Site::current());
  // An RWMutex inside another primitive (`parent`), named "<parent>.<part>".
  RWMutex(ObjectId parent, std::string_view part, Site site);
  RWMutex(const RWMutex&) = delete;
  RWMutex& operator=(const RWMutex&) = delete;

  // Locks for reading. On a plain thread the uncontended path is inline and
  // nothing but Go's one atomic add (as Mutex's fast path); under a runtime
  // that add is a scheduling point and an event (RLockAdd).
  void RLock(Site site = Site::current()) {
    const bool writer = rt::Ctx() == nullptr
                            ? reader_count_.fetch_add(1, std::memory_order_acquire) + 1 < 0
                            : RLockAdd(site);
    if (writer) RLockWait(site);
  }
  bool TryRLock(Site site = Site::current());
  // Unlocks for reading. Fatal if not locked for reading.
  void RUnlock(Site site = Site::current()) {
    const std::int32_t r = rt::Ctx() == nullptr
                               ? reader_count_.fetch_sub(1, std::memory_order_release) - 1
                               : RUnlockAdd(site);
    if (r < 0) RUnlockSlow(r, site);
  }
  void Lock(Site site = Site::current());
  bool TryLock(Site site = Site::current());
  void Unlock(Site site = Site::current());

  // Lockable and SharedLockable: std::lock_guard, std::unique_lock and
  // std::shared_lock work.
  void lock() { Lock(); }
  bool try_lock() { return TryLock(); }
  void unlock() { Unlock(); }
  void lock_shared() { RLock(); }
  bool try_lock_shared() { return TryRLock(); }
  void unlock_shared() { RUnlock(); }

  // Go's RLocker(): a Locker whose Lock and Unlock are RLock and RUnlock.
  class ReadLocker {
   public:
    void Lock(Site site = Site::current()) { rw_->RLock(site); }
    void Unlock(Site site = Site::current()) { rw_->RUnlock(site); }
    void lock() { Lock(); }
    void unlock() { Unlock(); }
    RWMutex& rw() const { return *rw_; }

   private:
    friend class RWMutex;
    explicit ReadLocker(RWMutex* rw) : rw_(rw) {}
    RWMutex* rw_;
  };
  ReadLocker RLocker() { return ReadLocker(this); }

  ObjectId id() const { return id_; }
  std::int32_t reader_count() const { return reader_count_.load(std::memory_order_relaxed); }
  std::int32_t reader_wait() const { return reader_wait_.load(std::memory_order_relaxed); }
  const Mutex& w() const { return w_; }

 private:
  // RLock's add under a runtime: reports whether a writer is pending.
  bool RLockAdd(const Site& site);
  // RLock behind a pending writer: sleeps on reader_sem.
  void RLockWait(const Site& site);
  // RUnlock's add under a runtime: returns reader_count after it.
  std::int32_t RUnlockAdd(const Site& site);
  // Go's rUnlockSlow: a writer is pending (or the RWMutex was not read-locked).
  void RUnlockSlow(std::int32_t r, const Site& site);
  // Emits `kind` with the state fields, then `extra` (ok, readers).
  void Trace(trace::EventKind kind, const Site& site, std::int64_t extra = 0) const;

  ObjectId id_;
  Mutex w_;
  rt::Sema writer_sem_;
  rt::Sema reader_sem_;
  std::atomic<std::int32_t> reader_count_{0};
  std::atomic<std::int32_t> reader_wait_{0};
};

}  // namespace synclab
