// cond.h: synclab::Cond (Go: sync.Cond and the runtime's notifyList).
//
// A rendezvous for goroutines waiting for, or announcing, an event. Each Cond
// has a Locker L (a Mutex, an RWMutex, an RWMutex's RLocker()) held while
// the condition is checked and changed:
//
//   mu.Lock();
//   while (!condition()) cond.Wait();  // Wait unlocks L, sleeps, relocks L
//   ... use condition ...
//   mu.Unlock();
//
// Wait must be called in a loop: when it returns the condition may be false
// again (another goroutine got the lock first), and Signal gives no
// guarantee beyond waking one waiter.
//
// Guarantees: a Signal or Broadcast happens before the Wait it wakes returns.
// Misuse (panic, Go wording): "sync.Cond is copied".
//
// The notify list: tickets. Wait takes ticket t = wait++ *before* unlocking
// L, then sleeps unless t < notify. Signal wakes ticket notify (notify++);
// Broadcast sets notify = wait and wakes every sleeper. A waiter that took
// its ticket but has not gone to sleep when it is notified sees t < notify
// and does not sleep (a Signal "ahead" of its waiter). Tickets wrap;
// less(a, b) is int32(a - b) < 0.
//   wait    next ticket to hand out
//   notify  next ticket to notify
//   parked  the sleeping waiters, in ticket order (FIFO)
// INV1 every parked ticket t has notify <= t < wait (in wrapping order).
// INV2 Signal never wakes a ticket handed out after it began.
//
// Copying: a Cond cannot be copied or moved in C++ (deleted), which catches
// what go vet's copylocks check does. A bitwise copy (memcpy, or a byte
// buffer the Cond lives in being copied) is what a Go struct copy is; Go's
// copy checker catches it at the next use and so does this one: the first
// Wait/Signal/Broadcast stores the Cond's address, a use at another address
// panics "sync.Cond is copied".
//
// Trace: cond.* events on id() with wait, notify and parked after the step.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "synclab/locker.h"
#include "synclab/rt/lock.h"
#include "synclab/rt/runtime.h"

namespace synclab {

class Cond {
 public:
  explicit Cond(Locker l, std::string_view name = {}, Site site = Site::current());
  Cond(const Cond&) = delete;
  Cond& operator=(const Cond&) = delete;

  void Wait(Site site = Site::current());
  void Signal(Site site = Site::current());
  void Broadcast(Site site = Site::current());

  const Locker& L() const { return l_; }
  ObjectId id() const { return id_; }

 private:
  struct Waiter {
    rt::G* g;
    std::uint32_t ticket;
    Waiter* next = nullptr;
  };

  void Check();  // Go's copyChecker
  void Trace(trace::EventKind kind, const Site& site, std::int64_t a = 0, std::int64_t b = 0,
             std::int64_t c = 0) const;
  std::uint32_t Notify() const { return notify_.load(std::memory_order_relaxed); }

  Locker l_;
  ObjectId id_;
  std::atomic<std::uintptr_t> checker_{0};
  // notifyList
  std::atomic<std::uint32_t> wait_{0};
  std::atomic<std::uint32_t> notify_{0};  // written under lock_, read atomically
  rt::RuntimeLock lock_;
  Waiter* head_ = nullptr;  // guarded by lock_
  Waiter* tail_ = nullptr;
  std::atomic<std::uint32_t> parked_{0};  // the list's length, for traces (changed under lock_)
};

}  // namespace synclab
