// Tests of the singleflight fold (instrument/src/kinds/singleflight.cpp): a
// recorded trace folds into the calls in flight, their waiters and results;
// the same trace with one event made impossible is rejected, saying why.
#include <doctest/doctest.h>

#include "fixture.h"
#include "synclab/chan.h"
#include "synclab/go.h"
#include "synclab/singleflight.h"

using namespace synclab;
using namespace synclab::testing;
using namespace std::chrono_literals;
using instrument::Trace;
using trace::EventKind;
namespace sf = synclab::singleflight;

namespace {
std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }

// A leader, a Do duplicate and a DoChan duplicate on "k"; then Forget of a
// second call, which ends after a third call began.
Trace Calls() {
  return Record([] {
    sf::Group<int> g{"g"};
    auto release = make_chan<Unit>(0, "release");
    WaitGroup wg{"wg"};
    wg.Add(2);
    go([&] { g.Do("k", [&] { release.Recv(); return std::pair{1, error()}; }); wg.Done(); }, "leader");
    sleep(1ms);
    go([&] { g.Do("k", [] { return std::pair{2, error()}; }); wg.Done(); }, "dup");
    sleep(1ms);
    auto ch = g.DoChan("k", [] { return std::pair{3, error()}; });
    sleep(1ms);
    release.Send(Unit{});
    ch.Recv();
    wg.Wait();
    auto first = g.DoChan("f", [&] { release.Recv(); return std::pair{4, error()}; });
    sleep(1ms);
    g.Forget("f");
    auto second = g.DoChan("f", [] { return std::pair{5, error()}; });
    second.Recv();
    release.Send(Unit{});
    first.Recv();
  });
}

instrument::Id Named(const Trace& t, std::string_view name) {
  for (const instrument::ObjectInfo& o : t.objects)
    if (o.name == name) return o.id;
  FAIL("no object " << std::string(name));
  return 0;
}

// The fold after events[0, n).
instrument::State Upto(const Trace& t, std::size_t n) {
  instrument::State s(t);
  for (std::size_t i = 0; i < n; i++) REQUIRE(s.Apply(t.events[i]) == "");
  return s;
}

const instrument::kinds::SingleFlightState& SfOf(const instrument::State& s, const Trace& t) {
  return *s.object(Named(t, "g")).As<instrument::kinds::SingleFlightState>();
}
}  // namespace

TEST_SUITE("instrument.kinds.singleflight") {
  TEST_CASE("a recorded trace folds into the calls by key with their waiters and the shared results") {
    const Trace t = Calls();
    REQUIRE(testing::Fold(t) == "");
    {
      const instrument::State s = Upto(t, Nth(t, EventKind::kSfDoDup, 1) + 1);  // both duplicates joined
      const auto& g = SfOf(s, t);
      REQUIRE(g.calls.size() == 1);
      CHECK(t.str(g.calls[0].key) == "k");
      REQUIRE(g.calls[0].waiters.size() == 2);
      CHECK_FALSE(g.calls[0].waiters[0].chan);
      CHECK(g.calls[0].waiters[1].chan);
      CHECK(g.Summarize(s.object(Named(t, "g"))).mode == 2);
      CHECK(g.Summarize(s.object(Named(t, "g"))).also[0] == 2);
    }
    {
      const instrument::State s = Upto(t, Nth(t, EventKind::kSfCallDone) + 1);
      const auto& g = SfOf(s, t);
      CHECK(g.calls.empty());
      REQUIRE(g.finished.size() == 1);
      CHECK(t.str(g.finished[0].result) == "1");
      CHECK(g.finished[0].dups == 2);
      CHECK(g.finished[0].chans == 1);
    }
    {
      const instrument::State s = Upto(t, Nth(t, EventKind::kSfForget) + 1);
      const auto& g = SfOf(s, t);
      REQUIRE(g.calls.size() == 1);
      CHECK(g.calls[0].forgotten);
      CHECK(g.InMap() == 0);
    }
    const instrument::State s = Upto(t, t.events.size());
    CHECK(SfOf(s, t).calls.empty());
    CHECK(SfOf(s, t).started == 3);
    CHECK(SfOf(s, t).joined == 2);
  }

  TEST_CASE("a second leader for a key in flight or a join of no call or a wrong count is rejected") {
    const Trace t = Calls();
    const std::size_t leader = Nth(t, EventKind::kSfDoLeader), dup = Nth(t, EventKind::kSfDoDup);
    const std::size_t done = Nth(t, EventKind::kSfCallDone);
    CHECK(testing::Fold(Insert(t, leader + 1, t.events[leader])) ==
          At(leader + 1) + "G2 leader starts a second call of \"k\" on g while G2 leader's is in flight");
    // A duplicate after the call ended joins nothing.
    CHECK(testing::Fold(Insert(t, done + 1, t.events[dup])) ==
          At(done + 1) + "G3 dup joins a call of \"k\" on g that is not in its map");
    CHECK(testing::Fold(Set(t, dup, "dups", 2)) == At(dup) + "the call of \"k\" on g has 1 duplicates, not 2");
    CHECK(testing::Fold(Set(t, done, "dups", 1)) ==
          At(done) + "the call of \"k\" on g ends with 1 duplicates and 1 channels, but 2 and 1 joined");
    CHECK(testing::Fold(Set(t, leader, "calls", 2)) == At(leader) + "g has 1 calls in its map, not 2");
  }

  TEST_CASE("a call's end must say whether it left the map: after Forget it does not") {
    const Trace t = Calls();
    const std::size_t forgotten_done = Nth(t, EventKind::kSfCallDone, 2);  // the first "f" call
    const std::size_t first_done = Nth(t, EventKind::kSfCallDone);
    CHECK(testing::Fold(Set(t, forgotten_done, "removed", 1)) ==
          At(forgotten_done) + "the call of \"f\" on g leaves the map, but Forget had taken it out");
    CHECK(testing::Fold(Set(t, first_done, "removed", 0)) ==
          At(first_done) + "the call of \"k\" on g ends, but stays in the map");
    const std::size_t forget = Nth(t, EventKind::kSfForget);
    CHECK(testing::Fold(Set(t, forget, "removed", 0)) ==
          At(forget) + "Forget(\"f\") on g removes nothing, but a call is in flight");
  }

  TEST_CASE("the text replay describes the calls in flight and the last result") {
    const Trace t = Calls();
    const instrument::Id g = Named(t, "g");
    const instrument::State s1 = Upto(t, Nth(t, EventKind::kSfDoDup, 1) + 1);
    CHECK(instrument::DescribeObject(t, g, s1.object(g)) == "calls=1 [\"k\" leader=G2 dups=2]");
    const instrument::State s2 = Upto(t, Nth(t, EventKind::kSfCallDone) + 1);
    CHECK(instrument::DescribeObject(t, g, s2.object(g)) == "calls=0 last=\"k\"->1 (shared by 3)");
  }
}
