// The singleflight and errgroup inspectors on ImGui alone: a call in flight
// with its leader and the callers that joined it, then the shared result; an
// errgroup's slots, the goroutine waiting for one, and its first error;
// readable at 1280x720 and at text scale 2.
#include <doctest/doctest.h>

#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "../drawn.h"
#include "../gui.h"
#include "../traces.h"
#include "objects_panel.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::AtStep;
using synclab::viewer::testing::Drawn;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::InspectObject;
using synclab::viewer::testing::ObjectNamed;
using synclab::viewer::testing::Record;

namespace {

// The seq of the n'th (0-based) event of that kind.
std::uint64_t NthOf(const instrument::Trace& t, trace::EventKind kind, int n) {
  for (const instrument::TraceEvent& e : t.events)
    if (e.kind == kind && n-- == 0) return e.seq;
  FAIL("too few " << std::string(trace::Name(kind)));
  return 0;
}

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("the singleflight inspector shows the call in flight with its leader and waiters and then the shared result") {
    const Model m = Build(Record("singleflight/cache-stampede"));
    const Id group = ObjectNamed(m.trace(), "group");
    const std::uint64_t last_dup = NthOf(m.trace(), trace::EventKind::kSfDoDup, 4);
    const std::uint64_t done = FirstOf(m.trace(), trace::EventKind::kSfCallDone);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      InspectObject(m, group, last_dup, scale,
              {"1 call in flight", "5 waiting", "\"user:42\"", "leads (Do)", "(no call ended yet)"});
      InspectObject(m, group, done, scale, {"Idle", "\"user:42\" ->", "(shared by 6)"});
    }
  }

  TEST_CASE("the singleflight inspector marks a forgotten call and a DoChan leader") {
    const Model m = Build(Record("singleflight/forget"));
    const Id group = ObjectNamed(m.trace(), "group");
    const std::uint64_t second = NthOf(m.trace(), trace::EventKind::kSfDoLeader, 1);
    InspectObject(m, group, second, 2.0f, {"2 calls in flight", "forgotten", "1 waiting"});
    const Model d = Build(Record("singleflight/slow-leader-dochan"));
    const std::uint64_t dup = FirstOf(d.trace(), trace::EventKind::kSfDoDup);
    InspectObject(d, ObjectNamed(d.trace(), "group"), dup, 2.0f, {"leads (DoChan)", "(DoChan)"});
  }

  TEST_CASE("the errgroup inspector shows the slots and a goroutine waiting for one and the first error") {
    const Model m = Build(Record("errgroup/limit"));
    const Id pool = ObjectNamed(m.trace(), "pool");
    const std::uint64_t wait = FirstOf(m.trace(), trace::EventKind::kEgGoWaitSlot);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      InspectObject(m, pool, wait, scale, {"2 tasks", "2 of 2 taken", "G1 main", "nil (no task failed)"});
    }
    const Model f = Build(Record("errgroup/first-error-cancels"));
    const Id fetch = ObjectNamed(f.trace(), "fetch");
    const std::uint64_t first = FirstOf(f.trace(), trace::EventKind::kEgFirstError);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      InspectObject(f, fetch, first, scale,
              {"Failed", "\"fetch mirror-2: connection refused\"", "no limit", "fetch.ctx"});
    }
  }
}
