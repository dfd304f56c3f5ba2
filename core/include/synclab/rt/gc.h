// gc.h: Go's garbage collector, as much of it as synclab has: a cycle that
// stops the world and runs sync's poolCleanup (Go's gcStart -> clearpools;
// sync registers poolCleanup with runtime_registerPoolCleanup, here the
// runtime calls it by name). Memory itself is C++'s: the only thing a GC
// does here is rotate the Pools' caches (pool.h).
//
//   synclab::gc();            // go.h: Go's runtime.GC()
//   sim::Options::gc_every_ns // sim: a GC every N ns of virtual time
//
// Stopping the world:
//   sim     the goroutine that runs the GC (the caller of gc(), or, with
//           gc_every_ns, whichever goroutine steps when a GC is due) waits,
//           one scheduling point at a time, until no other goroutine is
//           pinned or holds a runtime lock (Go's STW cannot preempt those
//           either); poolCleanup then runs with no scheduling point in it.
//   native  the GC takes every P's slot (what a pin holds), one after the
//           other, so it waits for pinned threads to unpin and keeps new
//           pins out until poolCleanup is done. One GC at a time.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "synclab/rt/lock.h"

namespace synclab::detail {
class PoolBase;
}

namespace synclab::rt {

// A runtime world's GC state: the cycles so far, and what Go keeps in sync's
// package variables for Pools.
struct GcState {
  std::uint64_t cycles = 0;  // GCs completed (the go.gc event's cycle)
  // Go's allPoolsMu, a sync.Mutex in Go; a runtime lock here (held for a few
  // steps by pinSlow, never across a park), so it stays out of traces.
  RuntimeLock all_pools_mu;
  // Go's allPools: pools with a primary cache (local != nil). Changed only
  // under all_pools_mu while pinned, or with the world stopped.
  std::vector<synclab::detail::PoolBase*> all_pools;
  // Go's oldPools: pools with a victim cache. Changed with the world stopped
  // (and by a Pool's destructor, like allPools).
  std::vector<synclab::detail::PoolBase*> old_pools;
  // What poolCleanup unlinked with the world stopped (a dropped victim cache
  // and its items, the dequeues poolchain.drop unlinked), freed once the
  // world runs again, as Go's sweeper frees it: freeing runs the items'
  // destructors, which are the user's code and may use the runtime.
  struct Garbage {
    void* what;
    void (*free)(void* what) noexcept;
  };
  std::vector<Garbage> garbage;
};

// Frees what a GC left for sweeping. Takes the list while the world is
// stopped (so a GC that follows cannot add to it meanwhile) and frees it after.
class Sweeper {
 public:
  explicit Sweeper(GcState& gc) : garbage_(std::move(gc.garbage)) { gc.garbage.clear(); }
  void Sweep() {
    for (const GcState::Garbage& g : garbage_) g.free(g.what);
    garbage_.clear();
  }

 private:
  std::vector<GcState::Garbage> garbage_;
};

namespace detail {
// Go's poolCleanup (pool.cpp): call with the world stopped. `site`: where
// gc() was called (none for a GC the runtime started).
void PoolCleanup(GcState& gc, const Site& site);
// The world is over (a sim run has ended): the Pools that outlive it drop
// their caches and leave its lists, as a program's memory goes when it exits.
void PoolWorldEnd(GcState& gc);
}  // namespace detail

}  // namespace synclab::rt
