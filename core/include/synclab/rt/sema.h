// sema.h: Go's runtime semaphore (spec section 1), the only way Mutex,
// RWMutex and WaitGroup block.
//
// "Sleep/wakeup where every sleep pairs with exactly one wakeup even if the
// wakeup comes first": Semrelease adds one to the counter and wakes the first
// waiter queued on the word's address; Semacquire takes one from the counter
// or queues and parks.
//
// Waiters live in a table of 251 roots, chosen by (address >> 3) % 251. Each
// root has a lock, `nwait` (goroutines parked on any address of this root,
// read without the lock) and, per address, a FIFO queue that also allows
// insertion at the head (lifo: a Mutex waiter that already waited once).
// With handoff, the releaser takes the count on the head waiter's behalf
// (ticket = 1) and yields to it, so no newcomer can barge in between.
#pragma once

#include <atomic>
#include <cstdint>
#include "synclab/rt/lock.h"
#include "synclab/rt/runtime.h"

namespace synclab::rt {

// The semaphore word of a primitive. `id` is its own trace object (kind
// sema, parent = the primitive); `key` is the primitive's id, so that the
// primitive's steps and the sema's are ordered together in native traces.
struct Sema {
  std::atomic<std::uint32_t> value{0};
  // Goroutines queued on this word (changed under the root lock; for traces).
  std::atomic<std::uint32_t> queued{0};
  ObjectId id = 0;
  ObjectId key = 0;
};

// Registers the sema of `owner` with the trace and fills id and key. `part`
// names it within its owner: the trace calls it "<owner>.<part>".
void RegisterSema(Sema& s, ObjectId owner, const Site& site, std::string_view part = "sema");

// Go's semacquire1: returns once a count was taken (or handed to us).
void Semacquire(Sema& s, bool lifo, WaitReason reason, const Site& site);

// Go's semrelease1: adds a count and wakes the first waiter if any; with
// handoff the waiter receives the count directly and runs next.
void Semrelease(Sema& s, bool handoff, const Site& site);

// --- the table (used by runtimes) ---------------------------------------

struct SemaWaiter {
  G* g = nullptr;
  const void* addr = nullptr;
  std::uint32_t ticket = 0;       // 1 = the releaser handed the count to us
  bool queued = false;            // still in a queue (for unwinding)
  SemaWaiter* next = nullptr;     // next waiter on the same address
  SemaWaiter* tail = nullptr;     // last waiter on this address (heads only)
  SemaWaiter* next_addr = nullptr;  // next address queue of the root (heads only)
};

class SemaRoot {
 public:
  // Go's lock(&root.lock).
  void Lock() { lock_.Lock(); }
  void Unlock() { lock_.Unlock(); }
  ParkUnlock ParkUnlocker() { return lock_.ParkUnlocker(); }

  void Enqueue(SemaWaiter* w, bool lifo);
  SemaWaiter* Dequeue(const void* addr);  // nullptr if nobody waits on addr
  void Remove(SemaWaiter* w);             // for a waiter unwound while parked

  std::atomic<std::uint32_t> nwait{0};

 private:
  RuntimeLock lock_;
  SemaWaiter* heads_ = nullptr;
};

class SemaTable {
 public:
  static constexpr std::size_t kSize = 251;
  SemaRoot& Root(const void* addr) {
    return roots_[(reinterpret_cast<std::uintptr_t>(addr) >> 3) % kSize];
  }

 private:
  struct alignas(64) Padded : SemaRoot {};
  Padded roots_[kSize];
};

}  // namespace synclab::rt
