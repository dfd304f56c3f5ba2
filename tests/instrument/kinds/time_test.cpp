// Tests of the timer and context folds (instrument/src/kinds/{timer,
// context}.cpp): recorded traces fold; the same trace with one event made
// impossible is rejected with a message that says why.
#include <doctest/doctest.h>

#include "fixture.h"
#include "synclab/context.h"
#include "synclab/go.h"
#include "synclab/time.h"

using namespace synclab;
using namespace synclab::testing;
using namespace std::chrono_literals;
using instrument::Trace;
using trace::EventKind;
namespace ctx = synclab::context;

namespace {
std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }

const instrument::kinds::ContextState& ContextAt(const Trace& t, std::size_t upto, instrument::Id obj) {
  static instrument::State* keep = nullptr;
  delete keep;
  keep = new instrument::State(t);
  for (std::size_t i = 0; i <= upto; i++) REQUIRE(keep->Apply(t.events[i]) == "");
  return *keep->object(obj).As<instrument::kinds::ContextState>();
}
}  // namespace

TEST_SUITE("instrument.kinds.timer") {
  const auto stopped = [] {
    return Record([] {
      Timer t(1ms, "t");
      sleep(2ms);
      t.Stop();  // false: it fired
      t.Reset(1ms);
      t.Stop();  // true
    });
  };

  TEST_CASE("a timer's trace folds: Stop or Reset reporting the wrong pending is rejected") {
    const Trace t = stopped();
    REQUIRE(Fold(t) == "");
    const std::size_t stop0 = Nth(t, EventKind::kTimerStop, 0);
    CHECK(Fold(Set(t, stop0, "was", 1)) == At(stop0) + "timer.stop reports was=1 but t was not pending");
    const std::size_t stop1 = Nth(t, EventKind::kTimerStop, 1);
    CHECK(Fold(Set(t, stop1, "was", 0)) == At(stop1) + "timer.stop reports was=0 but t was pending");
  }

  TEST_CASE("a fire of a timer that is not pending is rejected") {
    const Trace t = stopped();
    const std::size_t send = Nth(t, EventKind::kTimerSend);
    const std::size_t start = Nth(t, EventKind::kTimerStart);
    CHECK(Fold(Set(t, start, "pending", 0)) == At(send) + "t fires while not pending");
  }
}

TEST_SUITE("instrument.kinds.context") {
  const auto tree = [] {
    return Record([] {
      auto [root, cancel] = ctx::with_cancel(ctx::background(), "root");
      auto [a, cancel_a] = ctx::with_cancel(root, "a");
      auto [b, cancel_b] = ctx::with_timeout(root, 1h, "b");
      cancel_a();
      b.Done();
      cancel();
      cancel_b();
    });
  };

  TEST_CASE("a context tree folds: children attach leave and the cancel clears them") {
    const Trace t = tree();
    REQUIRE(Fold(t) == "");
    const std::size_t attach_b = Nth(t, EventKind::kCtxPropagateAttach, 1);
    const instrument::Id root = instrument::Id(
        t.events[attach_b].f[std::size_t(trace::FieldIndex(EventKind::kCtxPropagateAttach, "to"))]);
    CHECK(ContextAt(t, attach_b, root).children.size() == 2);
    const std::size_t remove = Nth(t, EventKind::kCtxChildRemove);
    CHECK(ContextAt(t, remove, root).children.size() == 1);
    const std::size_t cancel_root = Nth(t, EventKind::kCtxCancel, 1);
    const auto& after = ContextAt(t, cancel_root, root);
    CHECK(after.cancelled);
    CHECK(after.children.empty());
    CHECK(t.str(after.err) == "context canceled");
  }

  TEST_CASE("a second cancel a wrong children count or a stranger leaving is rejected") {
    const Trace t = tree();
    const std::size_t cancel_a = Nth(t, EventKind::kCtxCancel, 0);
    CHECK(Fold(Set(t, cancel_a, "children", 3)) == At(cancel_a) + "a cancels 3 children, but has 0");
    // The root's cancel emitted as a plain cancel again.
    const std::size_t again = Nth(t, EventKind::kCtxCancelAgain, 0);
    instrument::TraceEvent twice = t.events[cancel_a];
    twice.seq = 0;
    CHECK(Fold(Insert(t, again, twice)) == At(again) + "a is cancelled twice");
    const std::size_t remove = Nth(t, EventKind::kCtxChildRemove);
    CHECK(Fold(Set(t, remove, "child", 1)).find("which it is not a child of") != std::string::npos);
  }

  TEST_CASE("a done channel made open after the cancel is rejected") {
    const Trace t = Record([] {
      auto [c, cancel] = ctx::with_cancel(ctx::background(), "c");
      cancel();
      c.Done();
    });
    REQUIRE(Fold(t) == "");
    const std::size_t made = Nth(t, EventKind::kCtxDoneMake);
    CHECK(Fold(Set(t, made, "closed", 0)) == At(made) + "c's done channel is made open after its cancel");
  }
}
