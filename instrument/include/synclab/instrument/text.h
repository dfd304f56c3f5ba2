// text.h: the terminal replay: one line per event with the state it leaves.
//
//     seq        time  goroutine      site                    event
//      41    1.502 ms  G2 polite      mutex_starvation.cpp:40 mutex.starving.enter waited=1.402 ms
//                      mu: locked=1 woken=0 starving=1 waiters=1 sema=0
#pragma once

#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>

#include "synclab/instrument/state.h"
#include "synclab/instrument/trace.h"

namespace synclab::instrument {

// "mutex/starvation: sim, seed 1, random, procs 2; 523 events, 4 goroutines".
std::string FormatHeader(const Trace& trace);
// The event's line; `after` is the state with the event applied.
std::string FormatEventLine(const Trace& trace, const State& after, const TraceEvent& e);
// "outcome: deadlock\n  fatal error: ...\n  G1 main blocked on mu.sema [sync.Mutex.Lock] at x.cpp:12"
std::string FormatOutcome(const Trace& trace);

struct TextRange {
  std::uint64_t from = 0;
  std::uint64_t to = std::numeric_limits<std::uint64_t>::max();  // inclusive
};

// The whole replay: header, the events in [from, to], the outcome. Throws
// TraceFormatError (json.h) if the trace is invalid or its events contradict
// each other.
void WriteText(const Trace& trace, std::ostream& out, const TextRange& range = {});

}  // namespace synclab::instrument
