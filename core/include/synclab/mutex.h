// mutex.h: synclab::Mutex (Go: sync.Mutex), Go's algorithm step for step.
//
// A mutual exclusion lock. The zero state is unlocked. A locked Mutex is not
// associated with a goroutine: any goroutine may unlock it.
//
// Guarantees: the n'th Unlock happens before the (n+1)'th Lock returns.
// Misuse (fatal, Go wording): "sync: unlock of unlocked mutex".
// Not copyable: C++'s answer to `go vet`'s copylocks check (a copied Go
// Mutex is a second, unrelated lock that may already look locked).
// Not reentrant: Lock on a Mutex the caller holds blocks forever.
//
// State word (int32):
//   31                       3   2   1   0
//  +--------------------------+---+---+---+
//  |   waiters (29 bits)      | S | W | L |
//  +--------------------------+---+---+---+
//   L kLocked   held
//   W kWoken    a goroutine is awake and competing (spinning or just woken);
//               Unlock need not wake another
//   S kStarving starvation mode: Unlock hands the lock to the head waiter
//   waiters     goroutines parked (or about to park) on sema_
// INV1 waiters counts goroutines queued on sema_ or between the CAS that
//      registered them and their Semacquire.
// INV2 in starvation mode a handed-off Mutex has L = 0 until the waiter that
//      received it sets L and removes itself from waiters in one add.
//
// Normal mode: waiters queue FIFO, but a woken waiter competes with newcomers,
// which usually win (they are already on a CPU); a waiter that loses is put
// back at the head of the queue. Normal mode is fast: a goroutine can take
// the lock many times in a row although waiters are blocked.
// Starvation mode: entered when a waiter has waited more than 1 ms. Unlock
// hands the lock straight to the head waiter; newcomers neither spin nor try
// to grab it, they queue at the tail. Left when the waiter that receives the
// lock waited less than 1 ms or is the last waiter.
//
// Trace: mutex.* events on id(); its sema's sema.* events (see events.def).
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "synclab/rt/runtime.h"
#include "synclab/rt/sema.h"

namespace synclab {

class Mutex {
 public:
  static constexpr std::int32_t kLocked = 1;
  static constexpr std::int32_t kWoken = 2;
  static constexpr std::int32_t kStarving = 4;
  static constexpr int kWaiterShift = 3;
  static constexpr std::int64_t kStarvationThresholdNs = 1'000'000;

  // The state word, decoded. One function for everyone who shows it.
  struct State {
    bool locked = false;
    bool woken = false;
    bool starving = false;
    std::int32_t waiters = 0;
    friend bool operator==(const State&, const State&) = default;
  };
  static constexpr State Decode(std::int32_t state) {
    return {(state & kLocked) != 0, (state & kWoken) != 0, (state & kStarving) != 0,
            std::int32_t(std::uint32_t(state) >> kWaiterShift)};
  }

  // `name` labels the mutex in traces.
  explicit Mutex(std::string_view name = {}, Site site = Site::current());
  // A Mutex inside another primitive (`parent`), named "<parent>.<part>".
  Mutex(ObjectId parent, std::string_view part, Site site);
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // Locks; blocks until the mutex is available.
  void Lock(Site site = Site::current()) {
    // The fast path of plain threads is inline and nothing but the CAS; under
    // a runtime the same step goes through LockFast (a scheduling point, an
    // event).
    if (rt::Ctx() == nullptr) {
      std::int32_t unlocked = 0;
      if (state_.compare_exchange_strong(unlocked, kLocked, std::memory_order_acquire,
                                         std::memory_order_relaxed)) {
        return;
      }
    } else if (LockFast(site)) {
      return;
    }
    LockSlow(site);
  }

  // Locks if that can be done without blocking; reports whether it did.
  bool TryLock(Site site = Site::current());

  // Unlocks. Fatal if the mutex is not locked.
  void Unlock(Site site = Site::current()) {
    if (rt::Ctx() == nullptr) {
      std::int32_t after = state_.fetch_sub(kLocked, std::memory_order_release) - kLocked;
      if (after != 0) UnlockSlow(after, site);
      return;
    }
    UnlockTraced(site);
  }

  // Lockable, so std::lock_guard, std::unique_lock and std::scoped_lock work.
  void lock() { Lock(); }
  bool try_lock() { return TryLock(); }
  void unlock() { Unlock(); }

  ObjectId id() const { return id_; }
  // The raw state word (for tests and inspectors).
  std::int32_t state() const { return state_.load(std::memory_order_relaxed); }
  std::uint32_t sema() const { return sema_.value.load(std::memory_order_relaxed); }

 private:
  bool LockFast(const Site& site);
  void LockSlow(const Site& site);
  void UnlockTraced(const Site& site);
  void UnlockSlow(std::int32_t after, const Site& site);
  // Emits `kind` with the current state word and sema count.
  void Trace(trace::EventKind kind, const Site& site, std::int64_t f2 = 0,
             std::int64_t f3 = 0) const {
    rt::Emit(kind, id_, site, state_.load(std::memory_order_relaxed),
             sema_.value.load(std::memory_order_relaxed), f2, f3);
  }
  std::int32_t Load() {
    rt::Step step(id_);
    return state_.load();
  }

  std::atomic<std::int32_t> state_{0};
  rt::Sema sema_;
  ObjectId id_;
};

}  // namespace synclab
