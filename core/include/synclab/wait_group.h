// wait_group.h: synclab::WaitGroup (Go: sync.WaitGroup, Go 1.20+ layout).
//
// Waits for a set of tasks. Add(n) before starting them, Done() in each,
// Wait() blocks until the counter is zero.
//
// Requirements: an Add that raises the counter from 0 happens before Wait.
// Guarantees:   whatever a task did before Done() is visible after Wait().
// Misuse (panics, Go wording, thrown as synclab::Panic):
//   "sync: negative WaitGroup counter"
//   "sync: WaitGroup misuse: Add called concurrently with Wait"
//   "sync: WaitGroup is reused before previous Wait has returned"
//
// State word:
//   63           32 31            0
//  +---------------+---------------+
//  | counter (i32) | waiters (u32) |
//  +---------------+---------------+
// INV1 counter >= 0 outside a panicking Add.
// INV2 waiters > 0 implies counter > 0 (Wait on zero never parks).
//
// Idle --Add(n)--> Busy --n x Done()--> Idle, waking every waiter.
// Trace: wg.* events on id(); its sema's sema.* events.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "synclab/rt/runtime.h"
#include "synclab/rt/sema.h"

namespace synclab {

class WaitGroup {
 public:
  explicit WaitGroup(std::string_view name = {}, Site site = Site::current());
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  void Add(int delta, Site site = Site::current());
  void Done(Site site = Site::current()) { Add(-1, site); }
  void Wait(Site site = Site::current());

  ObjectId id() const { return id_; }
  std::int32_t counter() const { return std::int32_t(state_.load() >> 32); }
  std::uint32_t waiters() const { return std::uint32_t(state_.load()); }

 private:
  void Trace(trace::EventKind kind, const Site& site, std::int64_t extra = 0) const;

  std::atomic<std::uint64_t> state_{0};
  rt::Sema sema_;
  ObjectId id_;
};

}  // namespace synclab
