// Tests of the errgroup fold (instrument/src/kinds/errgroup.cpp): a recorded
// trace folds into the running tasks, the slot waiters, the limit and the
// first error; one impossible event is rejected, saying why.
#include <doctest/doctest.h>

#include "fixture.h"
#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/errgroup.h"
#include "synclab/go.h"

using namespace synclab;
using namespace synclab::testing;
using namespace std::chrono_literals;
using instrument::Trace;
using trace::EventKind;

namespace {
std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }

// Limit 1: a task that fails, one that waits for the slot, then a TryGo at
// the limit.
Trace Tasks() {
  return Record([] {
    auto [g, c] = errgroup::WithContext(context::background(), "eg");
    g->SetLimit(1);
    const error boom = errors::New("boom");
    g->Go([boom] { sleep(1ms); return boom; });
    g->Go([] { return error(); });  // waits for the slot
    g->TryGo([] { return error(); });
    g->Wait();
  });
}

instrument::Id Named(const Trace& t, std::string_view name) {
  for (const instrument::ObjectInfo& o : t.objects)
    if (o.name == name) return o.id;
  FAIL("no object " << std::string(name));
  return 0;
}

instrument::State Upto(const Trace& t, std::size_t n) {
  instrument::State s(t);
  for (std::size_t i = 0; i < n; i++) REQUIRE(s.Apply(t.events[i]) == "");
  return s;
}
}  // namespace

TEST_SUITE("instrument.kinds.errgroup") {
  TEST_CASE("a recorded trace folds into the tasks and the slot waiter and the limit and the first error") {
    const Trace t = Tasks();
    REQUIRE(testing::Fold(t) == "");
    const instrument::Id eg = Named(t, "eg");
    {
      const instrument::State s = Upto(t, Nth(t, EventKind::kEgGoWaitSlot) + 1);
      const auto& g = *s.object(eg).As<instrument::kinds::ErrGroupState>();
      CHECK(g.limit == 1);
      CHECK(g.context == Named(t, "eg.ctx"));
      CHECK(g.waiting_slot.size() == 1);
      CHECK(g.Summarize(s.object(eg)).also[1] == 1);
    }
    {
      const instrument::State s = Upto(t, Nth(t, EventKind::kEgFirstError) + 1);
      const auto& g = *s.object(eg).As<instrument::kinds::ErrGroupState>();
      CHECK(g.has_err);
      CHECK(t.str(g.err) == "boom");
      CHECK(g.running.size() == 1);
      CHECK(g.Summarize(s.object(eg)).mode == 2);
    }
    const instrument::State s = Upto(t, t.events.size());
    const auto& g = *s.object(eg).As<instrument::kinds::ErrGroupState>();
    CHECK(g.running.empty());
    CHECK(g.started == 2);
    CHECK(g.failed == 1);
    CHECK(g.try_failed == 1);
    CHECK(instrument::DescribeObject(t, eg, s.object(eg)) ==
          "active=0 limit=1 tasks=0 running=0 err=\"boom\" (G2)");
  }

  TEST_CASE("more tasks than the limit or a second first error or Wait before the tasks are done is rejected") {
    const Trace t = Tasks();
    const std::size_t go = Nth(t, EventKind::kEgGo), fe = Nth(t, EventKind::kEgFirstError);
    const std::size_t end = Nth(t, EventKind::kEgTaskEnd), wait = Nth(t, EventKind::kEgWaitEnd);
    CHECK(testing::Fold(Set(t, go, "active", 2)) == At(go) + "eg has 2 tasks holding slots, over its limit 1");
    CHECK(testing::Fold(Insert(t, fe + 1, t.events[fe])) == At(fe + 1) + "G2 eg sets the error of eg after G2 eg did");
    CHECK(testing::Fold(Set(t, wait, "tasks", 1)) == At(wait) + "G1 main's Wait on eg returns with 1 tasks not done");
    CHECK(testing::Fold(Insert(t, end + 1, t.events[end])) == At(end + 1) + "G2 eg ends a task of eg it never began");
    // A failing task whose error errOnce never recorded.
    const std::size_t end2 = Nth(t, EventKind::kEgTaskEnd, 1);
    CHECK(testing::Fold(Set(t, end2, "failed", 1)) == "");  // a later failure: the first is recorded
    Trace no_first = t;
    no_first.events.erase(no_first.events.begin() + std::ptrdiff_t(fe));
    for (std::size_t i = 0; i < no_first.events.size(); i++) no_first.events[i].seq = i;
    no_first.outcome.seq.reset();
    CHECK(testing::Fold(no_first) == At(end - 1) + "G2 eg's task fails but eg has no error");
  }
}
