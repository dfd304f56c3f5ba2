// traces.h: the traces the viewer tests look at, recorded by the scenarios.
#pragma once

#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "synclab/instrument/trace.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/viewer/cursor.h"

namespace synclab::viewer::testing {

inline instrument::Trace Record(std::string_view scenario, std::uint64_t seed = 1) {
  const scenarios::Scenario* s = scenarios::Find(scenario);
  REQUIRE(s != nullptr);
  scenarios::RunOptions o;
  o.seed = seed;
  return scenarios::Run(*s, o);
}

// A cursor on that step (designated initialisers would warn about the rest).
inline Cursor AtStep(std::uint64_t step) {
  Cursor c;
  c.step = step;
  return c;
}

// The seq of the first event of that kind.
inline std::uint64_t FirstOf(const instrument::Trace& t, trace::EventKind kind) {
  for (const instrument::TraceEvent& e : t.events)
    if (e.kind == kind) return e.seq;
  FAIL("no " << std::string(trace::Name(kind)) << " event in the trace");
  return 0;
}

// The object of that name (the first made, if several).
inline Id ObjectNamed(const instrument::Trace& t, std::string_view name) {
  for (const instrument::ObjectInfo& o : t.objects)
    if (o.name == name) return o.id;
  FAIL("no object " << std::string(name));
  return 0;
}

}  // namespace synclab::viewer::testing
