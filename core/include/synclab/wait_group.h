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
  // A WaitGroup inside another primitive (`parent`), named "<parent>.<part>".
  WaitGroup(ObjectId parent, std::string_view part, Site site);
  WaitGroup(const WaitGroup&) = delete;
  WaitGroup& operator=(const WaitGroup&) = delete;

  void Add(int delta, Site site = Site::current()) {
    if (rt::Ctx() == nullptr) {
      // A plain thread: no scheduling point, no event (as Mutex's fast
      // path), and the common case inline: no waiter, the counter not
      // negative, so none of Go's checks applies and nobody is woken.
      const std::uint64_t state = state_.fetch_add(Shifted(delta)) + Shifted(delta);
      if (std::uint32_t(state) == 0 && std::int32_t(state >> 32) >= 0) return;
      return Settle(state, delta, site);
    }
    AddInRuntime(delta, site);
  }
  void Done(Site site = Site::current()) { Add(-1, site); }
  void Wait(Site site = Site::current()) {
    if (rt::Ctx() == nullptr && (state_.load() >> 32) == 0) return;  // a plain thread, nothing to wait for
    WaitSlow(site);
  }

  ObjectId id() const { return id_; }
  std::int32_t counter() const { return std::int32_t(state_.load() >> 32); }
  std::uint32_t waiters() const { return std::uint32_t(state_.load()); }

 private:
  static std::uint64_t Shifted(int delta) { return std::uint64_t(std::int64_t(delta)) << 32; }
  void AddInRuntime(int delta, Site site);
  // The rest of Go's Add once the delta is added (state: the word after it).
  void Settle(std::uint64_t state, int delta, const Site& site);
  void WaitSlow(Site site);
  void Trace(trace::EventKind kind, const Site& site, std::int64_t extra = 0) const;

  std::atomic<std::uint64_t> state_{0};
  rt::Sema sema_;
  ObjectId id_;
};

}  // namespace synclab
