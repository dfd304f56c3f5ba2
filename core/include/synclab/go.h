// go.h: goroutines, sleep, the clock and scheduling, on whichever runtime
// the calling goroutine belongs to (see rt/runtime.h).
//
//   synclab::go([&] { ... }, "worker");   // Go: go func() { ... }()
//   synclab::sleep(2ms);                   // Go: time.Sleep(2 * time.Millisecond)
//   auto t0 = synclab::now();              // Go: time.Now() (monotonic part)
//   synclab::gosched();                    // Go: runtime.Gosched()
//   synclab::work(300us);                  // burn CPU for a while (sim: advances the clock)
//   synclab::check(n == 1000, "n = ...");  // scenario assertion (like t.Errorf)
//   synclab::gc();                         // Go: runtime.GC() (rotates Pools' caches)
//
// On a plain thread go() starts a detached std::thread, as Go does not join
// goroutines either: wait for them with a WaitGroup.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include "synclab/rt/runtime.h"

namespace synclab {

using Duration = std::chrono::nanoseconds;

// Starts fn as a new goroutine named `name` (for traces; may be empty).
void go(std::function<void()> fn, std::string_view name = {}, Site site = Site::current());

// Blocks the calling goroutine for at least d.
void sleep(Duration d, Site site = Site::current());

// The monotonic clock: virtual time in sim, steady_clock natively. In sim a
// clock read is a scheduling point.
Duration now(Site site = Site::current());

// Yields the processor, letting other goroutines run (runtime.Gosched).
void gosched(Site site = Site::current());

// Computes for d without blocking: natively a busy loop, in sim a step that
// advances the virtual clock by d (cut where the time slice ends: Go
// preempts running code asynchronously).
void work(Duration d, Site site = Site::current());

// Runs a garbage collection (Go's runtime.GC): stops the world and rotates
// every Pool's cache of this runtime into its victim, dropping the previous
// victim (rt/gc.h, pool.h). Must not be called while pinned.
void gc(Site site = Site::current());

// Records a failed scenario assertion (outcome `assert`) unless ok. The run
// goes on, like Go's t.Errorf. On a plain thread it prints the message to
// stderr and returns.
void check(bool ok, std::string_view message, Site site = Site::current());

}  // namespace synclab
