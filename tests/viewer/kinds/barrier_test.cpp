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

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::AtStep;
using synclab::viewer::testing::Drawn;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::ObjectNamed;
using synclab::viewer::testing::Record;

namespace {

std::string Inspect(const Model& m, Id obj, std::uint64_t step, float scale,
                    std::initializer_list<std::string_view> visible) {
  Gui gui(ImVec2(1280, 720), scale);
  const KindView& view = ViewOf(m.trace().object(obj)->kind);
  REQUIRE(bool(view.inspector));
  for (int frame = 0; frame < 2; frame++) gui.Frame([&] { return view.inspector(m, AtStep(step), obj); });
  const Drawn drawn;
  for (std::string_view text : visible) {
    CAPTURE(text);
    CHECK_MESSAGE(drawn.Visible(text), drawn.Text());
  }
  return drawn.Text();
}

// The seq of the n'th (0-based) event of that kind.
std::uint64_t Nth(const instrument::Trace& t, trace::EventKind kind, int n) {
  for (const auto& e : t.events)
    if (e.kind == kind && n-- == 0) return e.seq;
  FAIL("too few events");
  return 0;
}

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("the barrier inspector shows parties and arrivals and the round and the action and then the broken flag") {
    const Model reuse = Build(Record("barrier/reuse"));
    const Id phase = ObjectNamed(reuse.trace(), "phase");
    const std::uint64_t second = Nth(reuse.trace(), trace::EventKind::kCbAwaitArrive, 1);
    const std::uint64_t action = FirstOf(reuse.trace(), trace::EventKind::kCbActionRun);
    const Model broken = Build(Record("barrier/broken"));
    const Id meet = ObjectNamed(broken.trace(), "meet");
    const std::uint64_t brk = FirstOf(broken.trace(), trace::EventKind::kCbBreak);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      Inspect(reuse, phase, second, scale, {"Filling", "round 1", "parties", "2 of 3", "arrives last"});
      Inspect(reuse, phase, action, scale, {"Action running", "runs it", "3 of 3"});
      Inspect(broken, meet, brk, scale, {"Broken", "yes", "returns ErrBrokenBarrier at once"});
    }
  }

  TEST_CASE("the reentrant-lock inspector shows the owner and the depth and the inner Mutex") {
    const Model m = Build(Record("mutex/recursive-reentry"));
    const Id mu = ObjectNamed(m.trace(), "mu");
    const std::uint64_t reenter = FirstOf(m.trace(), trace::EventKind::kRMutexLockReenter);
    const Model t = Build(Record("mutex/token-recursive"));
    const Id tm = ObjectNamed(t.trace(), "mu");
    const std::uint64_t deepest = Nth(t.trace(), trace::EventKind::kTMutexLockReenter, 1);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      Inspect(m, mu, reenter, scale, {"Reentered", "depth 2", "owner", "2 Locks to undo", "held by"});
      Inspect(t, tm, deepest, scale, {"TokenRecursiveMutex", "depth 3", "token"});
    }
  }
}
