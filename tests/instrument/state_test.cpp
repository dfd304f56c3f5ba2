// Tests of the fold's consistency checks (CheckConsistency, State::Apply).
#include <doctest/doctest.h>

#include <limits>

#include "synclab/instrument/state.h"

using namespace synclab;
using namespace synclab::instrument;
using trace::EventKind;
using trace::ObjectKind;
using trace::WaitReason;

namespace {

constexpr std::int64_t kSemacquire = std::int64_t(WaitReason::kSemacquire);

// Main and three workers, a Mutex and its sema; events numbered as given.
Trace With(std::vector<TraceEvent> events) {
  Trace t;
  t.meta = {"test", "sim", 1, "random", 2};
  t.goroutines = {{1, 0, "main", 0}, {2, 1, "a", 0}, {3, 1, "b", 0}, {4, 1, "c", 0}};
  t.objects = {{1, ObjectKind::kMutex, "mu", 0, 0}, {2, ObjectKind::kSema, "mu.sema", 1, 0}};
  for (std::size_t i = 0; i < events.size(); i++) events[i].seq = i;
  t.events = std::move(events);
  return t;
}

TraceEvent Ev(Id g, Id obj, EventKind kind, std::array<std::int64_t, trace::kMaxFields> f = {}) {
  return {0, 0, g, obj, kind, 0, f};
}

// g queues on the sema (lifo or not) and parks there.
std::vector<TraceEvent> Queue(Id g, bool lifo) {
  return {Ev(g, 2, EventKind::kSemaEnqueue, {0, 1, lifo}), Ev(g, 2, EventKind::kGoPark, {kSemacquire})};
}

template <class... V>
std::vector<TraceEvent> Cat(V... parts) {
  std::vector<TraceEvent> all;
  (all.insert(all.end(), parts.begin(), parts.end()), ...);
  return all;
}

}  // namespace

TEST_SUITE("instrument.state") {
  TEST_CASE("a wake of a goroutine that is not queued is a contradiction") {
    CHECK(CheckConsistency(With({Ev(1, 2, EventKind::kSemaReleaseWake, {0, 0, 2})})) ==
          "events[0]: wakes G2 a, which is not queued on mu.sema");
    // Queued, woken once: a second wake finds it gone.
    const auto woken = Cat(Queue(2, false), std::vector{Ev(1, 2, EventKind::kSemaReleaseWake, {0, 0, 2})});
    CHECK(CheckConsistency(With(woken)) == "");
    CHECK(CheckConsistency(With(Cat(woken, std::vector{Ev(1, 2, EventKind::kSemaReleaseWake, {0, 0, 2})}))) ==
          "events[3]: wakes G2 a, which is not queued on mu.sema");
  }

  TEST_CASE("a ready of a goroutine that is not blocked is a contradiction") {
    CHECK(CheckConsistency(With({Ev(1, 0, EventKind::kGoReady, {2})})) ==
          "events[0]: go.ready of G2 a, which is not blocked");
    const auto parked = Cat(Queue(2, false), std::vector{Ev(1, 2, EventKind::kGoReady, {2})});
    CHECK(CheckConsistency(With(parked)) == "");
    CHECK(CheckConsistency(With(Cat(parked, std::vector{Ev(1, 2, EventKind::kGoReady, {2})}))) ==
          "events[3]: go.ready of G2 a, which is not blocked");
  }

  TEST_CASE("a LIFO waiter goes to the head of the queue and a FIFO one to the tail") {
    // As Go's semaphore does for a waiter that has waited before (lifo).
    const Trace t = With(Cat(Queue(2, false), Queue(3, true), Queue(4, false)));
    State s(t);
    for (const TraceEvent& e : t.events) REQUIRE(s.Apply(e) == "");
    CHECK(s.object(2).As<kinds::SemaState>()->queue == std::vector<Id>{3, 2, 4});
    CHECK(DescribeObject(t, 2, s.object(2)) == "value=0 queue=[G3 G2 G4]");
  }

  TEST_CASE("durations of any int64 are formatted including the most negative") {
    CHECK(FormatDuration(40) == "40 ns");
    CHECK(FormatDuration(-1200) == "-1.2 us");
    CHECK(FormatDuration(1'402'000) == "1.402 ms");
    CHECK(FormatDuration(std::numeric_limits<std::int64_t>::max()) == "9.223e+09 s");
    CHECK(FormatDuration(std::numeric_limits<std::int64_t>::min()) == "-9.223e+09 s");  // no -INT64_MIN
  }

  TEST_CASE("a goroutine that queues twice is a contradiction") {
    const auto twice = Cat(Queue(2, false), std::vector{Ev(1, 2, EventKind::kGoReady, {2})},
                           std::vector{Ev(2, 2, EventKind::kSemaEnqueue, {0, 1, 0})});
    CHECK(CheckConsistency(With(twice)) == "events[3]: G2 a queues on mu.sema twice");
  }
}
