// barrier.h: synclab::cyclicbarrier (Go: github.com/marusama/cyclicbarrier,
// spec section 16), built as marusama builds it: an RWMutex and, per round,
// two channels that are closed to broadcast.
//
//   auto b = cyclicbarrier::NewWithAction(3, [&] { merge(); return error(); }, "b");
//   for (int i = 0; i < 3; i++)
//     go([b] { for (;;) { step(); if (b.Await(ctx)) break; } });
//
// A CyclicBarrier lets a fixed party of goroutines wait for each other: each
// calls Await; the last to arrive runs the optional action and releases
// everyone, and the barrier starts a new round (it is reusable: "cyclic").
// It is a copyable handle, as Go's New returns an interface value; copies
// share one barrier. The default handle is nil (its methods panic, as Go's
// do on a nil interface).
//
// Guarantees: whatever a party did before its Await happens before every
// Await of that round returns nil (the close of waitCh), and the action runs
// after every party arrived and before any is released.
// Errors: Await returns ErrBrokenBarrier ("broken barrier") when the round
// is or becomes broken, ctx.Err() when ctx is done (at entry: the barrier
// is left alone; while waiting: the round is broken for everyone), or the
// action's error (the round is broken). A broken barrier stays broken until
// Reset. Misuse (panic, marusama's wording): "parties must be positive
// number" (New), "CyclicBarrier.Await is called more than count of parties"
// (an Await beyond parties in one round, see below).
//
// State (all under lock):
//   parties  fixed at New
//   action   optional, run by the last party to arrive
//   round    {count, waitCh, brokeCh, isBroken}, replaced by a fresh one
//            when it trips or on Reset
// INV1 0 <= round.count; count reaches parties once per round, and
//      count > parties only for an Await that then panics.
// INV2 a round's waitCh is closed at most once (its trip) and its brokeCh at
//      most once (isBroken goes false -> true once, then brokeCh closes).
//
//   Await:  ctx done? -> ctx.Err()
//           lock; broken? -> unlock, ErrBrokenBarrier
//           count++, snapshot (waitCh, brokeCh, count); unlock
//           count < parties: select waitCh -> nil, brokeCh -> ErrBrokenBarrier,
//                            ctx.Done() -> break the round, ctx.Err()
//           count == parties: action error? -> break, err
//                             lock; close waitCh; new round; unlock -> nil
//   Reset:  lock; count > 0 -> break (waiters get ErrBrokenBarrier);
//           new round; unlock
//
// marusama's edges, kept: the last party runs the action and then takes
// the lock again to trip, so between its arrival and the trip the round
// still counts parties: another Await then gets count > parties and panics
// (more goroutines than parties use the barrier), a waiter whose ctx ends
// breaks the round and the trip still closes its waitCh (each remaining
// waiter sees both channels closed; select picks one at random), and a
// Reset meanwhile installs a new round whose waitCh that trip closes,
// releasing its early arrivals. A waiter whose round tripped just as its
// ctx ended may pick ctx.Done() and break the *next* round.
//
// Trace: cb.* events on id() with round, count, parties and broken after
// the step (events.def); the lock is "<name>.lock" (rw.*, mutex.* events),
// round N's channels "<name>.roundN.waitCh" / ".brokeCh" (chan.* events).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/error.h"
#include "synclab/rt/runtime.h"

namespace synclab::cyclicbarrier {

// Go's cyclicbarrier.ErrBrokenBarrier.
inline const error ErrBrokenBarrier = error::New("broken barrier");

namespace detail {
struct Barrier;
}

// Go's cyclicbarrier.CyclicBarrier (an interface value).
class CyclicBarrier {
 public:
  CyclicBarrier() = default;  // nil

  // The methods are const as a Chan's are: they act on the shared barrier,
  // not on the handle (a handle captured by value in a lambda works).
  // Waits until all parties have called Await in this round (see the top of
  // this file). A nil ctx never ends (Go: ctxDoneCh stays nil).
  error Await(const context::Context& ctx, Site site = Site::current()) const;
  // Breaks the round if parties are waiting (they get ErrBrokenBarrier) and
  // starts a fresh one: a broken barrier is usable again.
  void Reset(Site site = Site::current()) const;
  // The parties that arrived in the current round.
  int GetNumberWaiting() const;
  int GetParties() const;
  bool IsBroken() const;

  ObjectId id() const;
  bool nil() const { return impl_ == nullptr; }
  friend bool operator==(const CyclicBarrier& a, const CyclicBarrier& b) { return a.impl_ == b.impl_; }

 private:
  friend CyclicBarrier NewWithAction(int, std::function<error()>, std::string_view, Site);
  explicit CyclicBarrier(std::shared_ptr<detail::Barrier> impl) : impl_(std::move(impl)) {}
  detail::Barrier& Impl() const;  // panics on nil
  std::shared_ptr<detail::Barrier> impl_;
};

// Go's New(parties). Panics "parties must be positive number" if parties <= 0.
CyclicBarrier New(int parties, std::string_view name = {}, Site site = Site::current());
// Go's NewWithAction(parties, action): the last party of each round runs
// action before the others are released; a non-nil error breaks the round.
// A null action is no action.
CyclicBarrier NewWithAction(int parties, std::function<error()> action, std::string_view name = {},
                            Site site = Site::current());

}  // namespace synclab::cyclicbarrier
