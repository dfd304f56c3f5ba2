// timer.h: runtime timers (Go's runtime.timer, Go 1.14-1.22: timers per P).
//
// A runtime timer is a record owned by a user-level object (a Timer, a
// Ticker, a context's deadline) that asks the runtime to call f(arg, now) at
// `when` on the runtime's clock (Nanotime: virtual in sim, steady natively),
// and again every `period` ns if period > 0. Go runs timers from the
// scheduler (checkTimers, on the P that armed them), never on a goroutine of
// their own; so do both runtimes here:
//
//   sim     a due timer fires where the P that owns it schedules (or where an
//           idle P steals it), in the scheduler's context, before the clock
//           moves on. A pending timer keeps a run from being a deadlock: when
//           no goroutine can run, the clock jumps to the earliest timer.
//   native  one timer thread per native run (and one for plain threads)
//           sleeps until the earliest timer and runs it. A pending timer keeps
//           the run from being reported as a deadlock.
//
// f runs as the runtime itself: events it emits are goroutine 0's, in sim
// rt::Step and rt::Point are not scheduling points there, rt::Ready puts the
// woken goroutine into the firing P's runnext and Go() starts the goroutine
// on that P (Go's goready and newproc from checkTimers). f must not block or
// spin: it returns true when it is done, false when it found something busy
// (a channel's lock held by a goroutine): the timer then stays pending and
// due, and is retried at the next scheduling point (natively, at once after
// a yield).
//
// States (under the owning runtime's timer lock):
//   idle     owner == nullptr: not armed, or fired (one-shot)
//   pending  owner != nullptr, in the runtime's queue, due at `when`
// A fired one-shot timer is idle once f returns true; a periodic one is
// re-armed at NextWhen. While f runs Stop reports false for a one-shot
// timer (Go's runtimer has taken it off the heap) and true for a periodic
// one. f must not stop or reset its own timer.
//
// `release` (if set) is called after the runtime is done with a timer it
// let go of without being asked: a one-shot timer that fired, or any timer
// its run dropped. It is the last the runtime does with the timer, so it may
// end the owner's life (a Timer that keeps itself alive while pending, as
// Go's runtime keeps a pending timer reachable, lets go of itself there).
//
// Lifetime: the owning object must Stop its timer before it is destroyed.
// Natively Stop and Reset wait for a callback of that timer that is running
// on the timer thread to return, so f never touches a destroyed object (Go
// needs no such wait: its GC keeps the object alive). A run's pending timers
// die with the run: when it ends they are dropped (idle again) before its
// goroutines are unwound.
#pragma once

#include <atomic>
#include <cstdint>

#include "synclab/rt/runtime.h"

namespace synclab::rt {

struct Timer {
  std::int64_t when = 0;    // when it fires next (Nanotime's clock)
  std::int64_t period = 0;  // > 0: fires every period ns from `when`
  // The callback: true = done, false = busy, retry soon. `now` is the
  // runtime's clock when it runs.
  bool (*f)(void* arg, std::int64_t now) = nullptr;
  void* arg = nullptr;
  // Called once the runtime let go of a fired one-shot or dropped timer.
  void (*release)(void* arg) = nullptr;

  // The runtime's bookkeeping; nobody else touches these.
  std::atomic<Runtime*> owner{nullptr};  // the runtime it is pending on
  std::uint64_t seq = 0;                 // its place among timers due at one instant
  int p = -1;                            // sim: the P that armed it (its timers heap)
};

// Go's runtimer: when a periodic timer that fired at `now` fires next, the
// first instant on its grid (when + k*period) after now.
inline std::int64_t NextWhen(const Timer& t, std::int64_t now) {
  return t.when + t.period * (1 + (now - t.when) / t.period);
}

// Go's addtimer: arms an idle timer (when, period, f, arg set) on the current
// runtime.
void StartTimer(Timer& t);
// Go's deltimer: disarms; true iff it was pending (it had not fired, or it
// is periodic).
bool StopTimer(Timer& t);
// Go's modtimer: re-arms at `when` with `period`, pending or not; true iff
// it was pending.
bool ResetTimer(Timer& t, std::int64_t when, std::int64_t period);

}  // namespace synclab::rt
