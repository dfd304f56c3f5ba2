// chrome.h: a trace as Chrome's Trace Event Format (its "JSON Object
// Format"), which Perfetto (ui.perfetto.dev) and chrome://tracing open.
//
//   {"traceEvents":[
//   {"name":"process_name","ph":"M","pid":1,"tid":0,"args":{"name":"mutex/starvation"}},
//   {"name":"thread_name","ph":"M","pid":1,"tid":2,"args":{"name":"G2 greedy"}},
//   ...
//   {"name":"running","cat":"status","ph":"X","ts":0.0,"pid":1,"tid":1,"dur":0.47},
//   {"name":"wg.add","cat":"event","ph":"i","ts":0.01,"pid":1,"tid":1,"s":"t","args":{"counter":3,
//    "waiters":0,"delta":3,"sema":0,"object":"wg","site":"scenarios/mutex/starvation.cpp:21","seq":1}},
//   {"name":"holds mu","cat":"lock","ph":"b","ts":0.22,"pid":1,"tid":2,"id":1,"args":{"object":"mu"}},
//   ...
//   ],
//   "displayTimeUnit":"ns",
//   "otherData":{"scenario":"mutex/starvation",...}}
//
// One process (pid 1, named after the scenario); one thread per goroutine
// (tid = goroutine id, 0 for the runtime's timers). On each thread:
//   - its status as complete spans ("X"): running, runnable, spinning,
//     waiting (args: reason, object), from the instrument fold (state.h);
//   - what it holds (a Mutex, an RWMutex for reading or writing, a
//     RecursiveMutex, semaphore tokens: HoldersOf in kinds.h) as async spans
//     ("b"/"e", cat "lock", named "holds mu" or "holds rw (read)"): holds
//     need not nest, and the format allows only nested "X" spans on a thread;
//   - every event as an instant ("i", thread scope), named by the catalogue,
//     args: its fields by name, the object, the site "file:line", the seq;
//   - a flow arrow ("s" to "f", cat "flow") from each go.ready to the woken
//     goroutine's next running span.
// Times are the trace's ns / 1000 (the format's microseconds). Metadata
// comes first, then everything else by time (ties in the order made).
// The same Trace gives the same bytes. docs/chrome-export.md has more.
#pragma once

#include <iosfwd>
#include <string>

#include "synclab/instrument/trace.h"

namespace synclab::instrument {

// Throws TraceFormatError (json.h) if the trace is invalid or its events
// contradict each other (as WriteText does), before writing anything.
void WriteChrome(const Trace& trace, std::ostream& out);
std::string ToChrome(const Trace& trace);

}  // namespace synclab::instrument
