// Tests of a Trace's invariants (Validate) and of where two traces differ.
#include <doctest/doctest.h>

#include "synclab/instrument/trace.h"

using namespace synclab;
using namespace synclab::instrument;
using trace::EventKind;
using trace::ObjectKind;
using trace::WaitReason;

namespace {

TraceEvent Ev(std::uint64_t seq, std::int64_t t, Id g, Id obj, EventKind kind,
              std::array<std::int64_t, trace::kMaxFields> f = {}) {
  return {seq, t, g, obj, kind, 0, f};
}

// G1 locks mu, G2 queues on its sema and parks, G1 unlocks and wakes G2.
Trace Small() {
  Trace t;
  t.meta = {"test", "sim", 1, "random", 2};
  t.sites = {{"a.cpp", 1, 1, "main"}};
  t.goroutines = {{1, 0, "main", 0}, {2, 1, "worker", 1}};
  t.objects = {{1, ObjectKind::kMutex, "mu", 0, 1}, {2, ObjectKind::kSema, "mu.sema", 1, 1}};
  t.events = {
      Ev(0, 0, 1, 0, EventKind::kGoCreate, {2}),
      Ev(1, 10, 1, 1, EventKind::kMutexLockFast, {1, 0}),
      Ev(2, 20, 2, 2, EventKind::kSemaEnqueue, {0, 1, 0}),
      Ev(3, 20, 2, 2, EventKind::kGoPark, {std::int64_t(WaitReason::kSemacquire)}),
      Ev(4, 30, 1, 1, EventKind::kMutexUnlockSlow, {0, 0}),
      Ev(5, 30, 1, 2, EventKind::kSemaReleaseWake, {0, 0, 2}),
      Ev(6, 40, 1, 2, EventKind::kGoReady, {2}),
  };
  t.schedule = {1, 2, 1};
  return t;
}

}  // namespace

TEST_SUITE("instrument.trace") {
  TEST_CASE("the small trace is valid") { CHECK(Validate(Small()) == ""); }

  TEST_CASE("time going backwards is rejected") {
    Trace t = Small();
    t.events[5].t = 25;
    CHECK(Validate(t) == "events[5].t: time goes back from 30 to 25");
    t = Small();
    t.events[0].t = -1;
    CHECK(Validate(t) == "events[0].t: time goes back from 0 to -1");
  }

  TEST_CASE("an object of the wrong kind for its event is rejected") {
    Trace t = Small();
    t.events[1].obj = 2;  // mutex.lock.fast on the sema
    CHECK(Validate(t) == "events[1].obj: mutex.lock.fast needs a mutex, object 2 is a sema");
    t = Small();
    t.events[2].obj = 1;  // sema.acquire.enqueue on the mutex
    CHECK(Validate(t) == "events[2].obj: sema.acquire.enqueue needs a sema, object 1 is a mutex");
    t = Small();
    t.events[1].obj = 0;
    CHECK(Validate(t) == "events[1].obj: mutex.lock.fast needs a mutex");
  }

  TEST_CASE("seq out of order is rejected") {
    Trace t = Small();
    std::swap(t.events[2], t.events[3]);
    CHECK(Validate(t) == "events[2].seq: expected 2, got 3");
    t = Small();
    t.events[6].seq = 7;
    CHECK(Validate(t) == "events[6].seq: expected 6, got 7");
  }

  TEST_CASE("FirstDifference names the first field or entry that differs") {
    const Trace a = Small();
    CHECK(FirstDifference(a, a) == "");
    auto differs = [&](auto change) {
      Trace b = a;
      change(b);
      return FirstDifference(a, b);
    };
    CHECK(differs([](Trace& b) { b.meta.seed = 2; }) == "meta.seed");
    CHECK(differs([](Trace& b) { b.meta.procs = 4; }) == "meta.procs");
    CHECK(differs([](Trace& b) { b.meta.scenario = "x"; }) == "meta.scenario");
    CHECK(differs([](Trace& b) { b.sites[0].line = 2; }) == "sites[0]");
    CHECK(differs([](Trace& b) { b.goroutines[1].name = "w"; }) == "goroutines[1]");
    CHECK(differs([](Trace& b) { b.objects[1].parent = 0; }) == "objects[1]");
    CHECK(differs([](Trace& b) { b.events[4].t = 31; }) == "events[4]");
    CHECK(differs([](Trace& b) { b.events.pop_back(); }) == "events[6]");  // only one has it
    CHECK(differs([](Trace& b) { b.events.push_back(b.events.back()); }) == "events[7]");
    CHECK(differs([](Trace& b) { b.schedule[2] = 2; }) == "schedule[2]");
    CHECK(differs([](Trace& b) { b.schedule.clear(); }) == "schedule[0]");
    CHECK(differs([](Trace& b) { b.outcome.status = rt::Status::kLeak; }) == "outcome.status");
    CHECK(differs([](Trace& b) { b.outcome.message = "x"; }) == "outcome.message");
    CHECK(differs([](Trace& b) { b.outcome.seq = 3; }) == "outcome.seq");
    CHECK(differs([](Trace& b) { b.outcome.blocked.push_back({2, 2, WaitReason::kSemacquire, 0}); }) ==
          "outcome.blocked[0]");
    // The first difference in file order wins.
    CHECK(differs([](Trace& b) {
            b.events[3].t = 21;
            b.goroutines[0].name = "m";
          }) == "goroutines[0]");
  }
}
