// Tests of the folds of the course's extensions (instrument/src/kinds/
// {barrier,recursive_mutex}.cpp): a recorded trace folds, its state reads
// as the program left it, and one event made impossible is rejected.
#include <doctest/doctest.h>

#include "fixture.h"
#include "synclab/barrier.h"
#include "synclab/context.h"
#include "synclab/go.h"
#include "synclab/mutex_metrics.h"
#include "synclab/recursive_mutex.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace synclab::testing;
using namespace std::chrono_literals;
using instrument::Trace;
using instrument::TraceEvent;
using trace::EventKind;
namespace cb = synclab::cyclicbarrier;

namespace {

std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }

// The fold's state of the object named `name` after the whole trace.
template <typename K>
K FinalState(const Trace& t, std::string_view name) {
  instrument::State s(t);
  for (const TraceEvent& e : t.events) REQUIRE(s.Apply(e) == "");
  for (const auto& o : t.objects)
    if (o.name == name) return *s.object(o.id).As<K>();
  FAIL("no object " << std::string(name));
  return K{};
}

// Two rounds of a 2-party barrier: G2 waits in both, main comes last.
Trace TwoRounds() {
  return Record([] {
    auto b = cb::New(2, "b");
    auto bg = context::background();
    WaitGroup wg;
    wg.Add(1);
    go([&, b] { b.Await(bg); b.Await(bg); wg.Done(); }, "party");
    for (int i = 0; i < 2; i++) {
      sleep(10us);
      b.Await(bg);
    }
    wg.Wait();
  });
}

}  // namespace

TEST_SUITE("instrument.kinds.barrier") {
  TEST_CASE("rounds fold to the round and count and parties the barrier was left with") {
    const Trace t = TwoRounds();
    REQUIRE(Fold(t) == "");
    const auto b = FinalState<instrument::kinds::BarrierState>(t, "b");
    CHECK(b.parties == 2);
    CHECK(b.round == 3);
    CHECK(b.count == 0);
    CHECK(b.trips == 2);
    CHECK(b.waiters.empty());
    CHECK_FALSE(b.broken);
  }

  TEST_CASE("an arrival that skips a count or a trip before the round is full or a pass before the trip is rejected") {
    const Trace t = TwoRounds();
    const std::size_t arrive = Nth(t, EventKind::kCbAwaitArrive);
    CHECK(Fold(Set(t, arrive, "count", 2)) == At(arrive) + "G2 party arrives as party 2 after 0");
    const std::size_t trip = Nth(t, EventKind::kCbTrip);
    TraceEvent early_trip = t.events[trip];
    early_trip.g = t.events[arrive].g;  // by the party that just arrived (main sleeps then)
    CHECK(Fold(Insert(t, arrive + 1, early_trip)) == At(arrive + 1) + "b trips with 1 of 2 parties");
    const std::size_t pass = Nth(t, EventKind::kCbAwaitPass);
    CHECK(Fold(Insert(t, arrive + 1, t.events[pass])) == At(arrive + 1) + "G2 party passes b before its round tripped");
    const std::size_t round = Nth(t, EventKind::kCbRoundNew, 1);
    CHECK(Fold(Set(t, round, "round", 5)) == At(round) + "b skips from round 1 to 5");
  }

  TEST_CASE("a broken barrier folds and an arrival at it or a second break is rejected") {
    const Trace t = Record([] {
      auto b = cb::New(2, "b");
      auto [c, cancel] = context::with_timeout(context::background(), 1ms);
      b.Await(c);  // times out, breaks the round
      b.Await(context::background());  // finds it broken
      cancel();
    });
    REQUIRE(Fold(t) == "");
    const auto b = FinalState<instrument::kinds::BarrierState>(t, "b");
    CHECK(b.broken);
    CHECK(b.count == 1);
    const std::size_t brk = Nth(t, EventKind::kCbBreak);
    CHECK(Fold(Insert(t, brk + 1, t.events[brk])) == At(brk + 1) + "b breaks twice in round 1");
    const std::size_t arrive = Nth(t, EventKind::kCbAwaitArrive);
    CHECK(Fold(Insert(t, brk + 1, t.events[arrive])) == At(brk + 1) + "G1 main arrives at b, which is broken");
    const std::size_t found = Nth(t, EventKind::kCbAwaitBroken);
    CHECK(Fold(Insert(t, arrive + 1, t.events[found])) == At(arrive + 1) + "G1 main finds b broken, but it is not");
  }
}

TEST_SUITE("instrument.kinds.recursive_mutex") {
  TEST_CASE("reentries fold to the owner's depth and a reentry of a free mutex or a second acquire or a skipped depth is rejected") {
    const Trace t = Record([] {
      RecursiveMutex mu{"rm"};
      mu.Lock();
      mu.Lock();
      WaitGroup wg;
      wg.Add(1);
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); }, "other");
      sleep(10us);
      mu.Unlock();
      mu.Unlock();
      wg.Wait();
    });
    REQUIRE(Fold(t) == "");
    const auto rm = FinalState<instrument::kinds::RecursiveMutexState>(t, "rm");
    CHECK(rm.holder == 0);
    CHECK(rm.recursion == 0);
    const std::size_t reenter = Nth(t, EventKind::kRMutexLockReenter);
    CHECK(Fold(Set(t, reenter, "recursion", 3)) == At(reenter) + "rm goes from depth 1 to 3");
    const std::size_t acquire = Nth(t, EventKind::kRMutexLockAcquire);
    CHECK(Fold(Insert(t, acquire + 1, t.events[acquire])) == At(acquire + 1) + "G1 main acquires rm held by G1 main");
    // Right after main's release main still runs, and nobody holds rm.
    const std::size_t released = Nth(t, EventKind::kRMutexUnlockRelease);
    CHECK(Fold(Insert(t, released + 1, t.events[reenter])) == At(released + 1) + "G1 main reenters rm, which it does not hold");
  }

  TEST_CASE("a token mutex folds its token and a release at depth 2 is rejected") {
    const Trace t = Record([] {
      TokenRecursiveMutex mu{"tm"};
      mu.Lock(4);
      mu.Lock(4);
      mu.Unlock(4);
      mu.Unlock(4);
    });
    REQUIRE(Fold(t) == "");
    const std::size_t reenter = Nth(t, EventKind::kTMutexLockReenter);
    const std::size_t release = Nth(t, EventKind::kTMutexUnlockRelease);
    CHECK(Fold(Insert(t, reenter + 1, t.events[release])) == At(reenter + 1) + "tm released at depth 2");
    CHECK(Fold(Set(t, reenter, "token", 9)) == At(reenter) + "token 9 reenters tm, which it does not hold");
  }

  TEST_CASE("a metrics read folds on the Mutex without changing who holds it") {
    const Trace t = Record([] {
      Mutex mu{"mu"};
      mu.Lock();
      mutexmetrics::Count(mu);
      mu.Unlock();
    });
    REQUIRE(Fold(t) == "");
    const std::size_t m = Nth(t, EventKind::kMutexMetrics);
    CHECK(t.events[m].f[std::size_t(trace::FieldIndex(EventKind::kMutexMetrics, "count"))] == 1);
  }
}
