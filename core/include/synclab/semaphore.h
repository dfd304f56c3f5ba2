// semaphore.h: synclab::semaphore::Weighted (Go: golang.org/x/sync/semaphore,
// x/sync v0.7.0 and later; spec section 13).
//
//   semaphore::Weighted sem(3, "sem");
//   if (error err = sem.Acquire(ctx, 2)) return err;   // ctx done first
//   ... use 2 of the 3 tokens ...
//   sem.Release(2);
//
// A counting semaphore of `size` tokens that a caller takes n at a time.
// Waiters are served strictly first come, first served: a request that does
// not fit holds back every request behind it, even smaller ones that would
// fit, so a big request (a "writer" taking all tokens among "readers" taking
// one) is never starved. A request larger than size can never be served: it
// does not queue (it would block everyone behind it forever) and waits only
// for ctx.
//
// Guarantees: Acquire returns nil holding n tokens, or ctx.Err() holding
// none; a ctx already done when Acquire takes mu fails even with tokens free;
// tokens granted to a waiter whose ctx is done are given back. Release(n)
// happens before the Acquire it lets through returns.
// Misuse (panic, Go wording): "semaphore: released more than held".
//
// State (Go's struct Weighted), all under mu:
//   size     tokens in all (immutable)
//   cur      tokens held now
//   waiters  FIFO of {n, ready}: ready is an unbuffered Chan<Unit> that
//            notifyWaiters closes once it has added n to cur for the waiter
// INV1 0 <= cur <= size, except after a Release that panicked (Go leaves cur
//      below 0 then).
// INV2 every waiter has n <= size.
// INV3 after notifyWaiters, the head does not fit: waiters non-empty implies
//      size - cur < head's n (each operation that frees tokens or removes
//      the head runs notifyWaiters), so the fast path's "no waiters" test is
//      what keeps newcomers from overtaking the queue.
//
// Trace: wsem.* events on id(); its Mutex is "<name>.mu", each waiter's
// ready channel "<name>.ready" (chan.* events; its close is the grant).
#pragma once

#include <cstdint>
#include <list>
#include <string_view>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/error.h"
#include "synclab/mutex.h"

namespace synclab::semaphore {

class Weighted {
 public:
  // Go's NewWeighted(n): a semaphore of n tokens, none held.
  explicit Weighted(std::int64_t n, std::string_view name = {}, Site site = Site::current());
  Weighted(const Weighted&) = delete;
  Weighted& operator=(const Weighted&) = delete;

  // Takes n tokens, blocking until they are available or ctx is done. On
  // success returns nil; on failure returns ctx.Err() and leaves the
  // semaphore as it was.
  error Acquire(const context::Context& ctx, std::int64_t n, Site site = Site::current());
  // Takes n tokens if they are free and nobody waits; never blocks.
  bool TryAcquire(std::int64_t n, Site site = Site::current());
  // Gives back n tokens and lets waiters through, front first. Throws
  // synclab::Panic("semaphore: released more than held") if cur drops below 0.
  void Release(std::int64_t n, Site site = Site::current());

  ObjectId id() const { return id_; }

 private:
  struct Waiter {
    std::int64_t n;
    Chan<Unit> ready;  // closed when the tokens are granted
    GoroutineId g;     // who waits (for the trace)
  };

  void NotifyWaiters(const Site& site);
  template <typename... Extra>
  void Trace(trace::EventKind kind, const Site& site, const Extra&... extra) const;

  const std::int64_t size_;
  std::int64_t cur_ = 0;  // guarded by mu_
  const ObjectId id_;     // before mu_: mu_ is registered as its part
  Mutex mu_;
  std::list<Waiter> waiters_;  // guarded by mu_; Go's container/list
};

}  // namespace synclab::semaphore
