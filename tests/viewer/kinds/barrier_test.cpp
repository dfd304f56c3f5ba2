// The barrier and reentrant-lock inspectors on ImGui alone: a barrier
// filling, tripping and broken; a RecursiveMutex reentered and a token
// mutex held; readable at 1280x720 and at text scale 2.
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
std::uint64_t Nth(const instrument::Trace& t, trace::EventKind kind, int n) {
  for (const auto& e : t.events)
    if (e.kind == kind && n-- == 0) return e.seq;
  FAIL("too few events");
  return 0;
}

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("the barrier inspector shows parties - arrivals - the round and the action then the broken flag") {
    const Model reuse = Build(Record("barrier/reuse"));
    const Id phase = ObjectNamed(reuse.trace(), "phase");
    const std::uint64_t second = Nth(reuse.trace(), trace::EventKind::kCbAwaitArrive, 1);
    const std::uint64_t action = FirstOf(reuse.trace(), trace::EventKind::kCbActionRun);
    const Model broken = Build(Record("barrier/broken"));
    const Id meet = ObjectNamed(broken.trace(), "meet");
    const std::uint64_t brk = FirstOf(broken.trace(), trace::EventKind::kCbBreak);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      InspectObject(reuse, phase, second, scale, {"Filling", "round 1", "parties", "2 of 3", "arrives last"});
      InspectObject(reuse, phase, action, scale, {"Action running", "runs it", "3 of 3"});
      InspectObject(broken, meet, brk, scale, {"Broken", "yes", "returns ErrBrokenBarrier at once"});
    }
  }

  TEST_CASE("the reentrant-lock inspector shows the owner - the depth and the inner Mutex") {
    const Model m = Build(Record("mutex/recursive-reentry"));
    const Id mu = ObjectNamed(m.trace(), "mu");
    const std::uint64_t reenter = FirstOf(m.trace(), trace::EventKind::kRMutexLockReenter);
    const Model t = Build(Record("mutex/token-recursive"));
    const Id tm = ObjectNamed(t.trace(), "mu");
    const std::uint64_t deepest = Nth(t.trace(), trace::EventKind::kTMutexLockReenter, 1);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      InspectObject(m, mu, reenter, scale, {"Reentered", "depth 2", "owner", "2 Locks to undo", "held by"});
      InspectObject(t, tm, deepest, scale, {"TokenRecursiveMutex", "depth 3", "token"});
    }
  }
}
