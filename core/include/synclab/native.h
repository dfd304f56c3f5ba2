// native.h: running a program on OS threads with tracking.
//
// Plain threads need nothing from here: synclab primitives work anywhere.
// Run() adds what a scenario needs: its goroutines are counted so that a
// deadlock (every goroutine parked, none sleeping) ends the run with Go's
// message instead of hanging, fatal errors and panics end the run, leaks
// are reported, and an attached sink records every event.
#pragma once

#include <functional>

#include "synclab/rt/outcome.h"
#include "synclab/rt/runtime.h"

namespace synclab::native {

struct Options {
  int procs = 0;  // for Go's spin rule only; 0 = std::thread::hardware_concurrency()
  rt::Sink* sink = nullptr;
};

struct Result {
  rt::Outcome outcome;
  std::int64_t elapsed_ns = 0;
};

// Runs main as goroutine 1 on a new thread; returns when it returns (or the
// run fails) and every goroutine has been joined. Goroutines still parked
// then are unwound (their destructors run) newest first.
Result Run(const std::function<void()>& main, const Options& options);

}  // namespace synclab::native
