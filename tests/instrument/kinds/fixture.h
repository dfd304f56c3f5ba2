// fixture.h: recorded traces to test a kind's fold against, and one-event
// edits that make them impossible.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <string>

#include "synclab/instrument/recorder.h"
#include "synclab/instrument/state.h"
#include "synclab/sim.h"

namespace synclab::testing {

// A sim run of `main` on one P, recorded.
inline instrument::Trace Record(const std::function<void()>& main) {
  instrument::Recorder rec;
  sim::Options o;
  o.procs = 1;
  o.sink = &rec;
  sim::Result r = sim::Run(main, o);
  return rec.Finish({"fold", "sim", 1, "random", 1}, r.outcome, r.schedule);
}

// The index of the n'th (0-based) event of that kind.
inline std::size_t Nth(const instrument::Trace& t, trace::EventKind kind, int n = 0) {
  for (const instrument::TraceEvent& e : t.events)
    if (e.kind == kind && n-- == 0) return std::size_t(e.seq);
  FAIL("too few " << std::string(trace::Name(kind)) << " events");
  return 0;
}

// e inserted before events[at], with its time, and every seq renumbered.
inline instrument::Trace Insert(instrument::Trace t, std::size_t at, instrument::TraceEvent e) {
  e.t = t.events[at].t;
  t.events.insert(t.events.begin() + std::ptrdiff_t(at), e);
  for (std::size_t i = 0; i < t.events.size(); i++) t.events[i].seq = i;
  t.outcome.seq.reset();
  return t;
}

// The field of events[at] named `field` set to v.
inline instrument::Trace Set(instrument::Trace t, std::size_t at, std::string_view field, std::int64_t v) {
  const int i = trace::FieldIndex(t.events[at].kind, field);
  REQUIRE(i >= 0);
  t.events[at].f[std::size_t(i)] = v;
  return t;
}

// What the fold says of the trace ("" when it is consistent).
inline std::string Fold(const instrument::Trace& t) { return instrument::CheckConsistency(t); }

}  // namespace synclab::testing
