// Tests of the Pool's fold (instrument/kinds/pool.h): what it keeps per P
// and in the victim, and each rule of Go's algorithm it holds events to; and
// that recorded runs of Pools, on every seed, are consistent with it.
#include <doctest/doctest.h>

#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "synclab/go.h"
#include "synclab/instrument/recorder.h"
#include "synclab/instrument/state.h"
#include "synclab/pool.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace synclab::instrument;
using kinds::PoolState;
using trace::EventKind;

namespace {

// A pool event with its fields by name; item n is labelled "bufn".
TraceEvent Ev(EventKind kind, std::initializer_list<std::pair<std::string_view, std::int64_t>> fields) {
  TraceEvent e{0, 0, 1, 1, kind, 0, {}};
  for (const auto& [name, value] : fields) {
    const int i = trace::FieldIndex(kind, name);
    REQUIRE_MESSAGE(i >= 0, name);
    e.f[std::size_t(i)] = value;
  }
  if (const int i = trace::FieldIndex(kind, "label"); i >= 0) e.f[std::size_t(i)] = e.f[std::size_t(i) - 1];
  return e;
}

Trace With(std::vector<TraceEvent> events) {
  Trace t;
  t.meta = {"test", "sim", 1, "random", 2};
  t.goroutines = {{1, 0, "main", 0}};
  t.objects = {{1, trace::ObjectKind::kPool, "pool", 0, 0}};
  for (int i = 1; i <= 40; i++) t.strings.push_back("buf" + std::to_string(i));
  for (std::size_t i = 0; i < events.size(); i++) events[i].seq = i;
  t.events = std::move(events);
  return t;
}

// The fold after all of events, or the first contradiction.
std::string Fold(const std::vector<TraceEvent>& events, PoolState* out = nullptr) {
  const Trace t = With(events);
  if (std::string err = Validate(t); !err.empty()) return "invalid: " + err;
  State s(t);
  for (const TraceEvent& e : t.events) {
    if (std::string err = s.Apply(e); !err.empty()) return err;
  }
  if (out != nullptr) *out = *s.object(1).As<PoolState>();
  return "";
}

std::vector<TraceEvent> operator+(std::vector<TraceEvent> a, const std::vector<TraceEvent>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// Two Ps; P0 holds buf1 in private and buf2, buf3 in dequeue 0.
std::vector<TraceEvent> Filled() {
  return {
      Ev(EventKind::kPoolPinAlloc, {{"local_size", 2}, {"p", 0}}),
      Ev(EventKind::kPoolPutPrivate, {{"p", 0}, {"item", 1}}),
      Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 0}, {"size", 8}}),
      Ev(EventKind::kPoolPutShared, {{"p", 0}, {"deque", 0}, {"head", 1}, {"tail", 0}, {"item", 2}}),
      Ev(EventKind::kPoolPutShared, {{"p", 0}, {"deque", 0}, {"head", 2}, {"tail", 0}, {"item", 3}}),
  };
}

TraceEvent Steal(std::int64_t item, std::uint32_t tail, std::uint32_t head = 2, std::int64_t deque = 0) {
  return Ev(EventKind::kPoolGetSteal,
            {{"p", 1}, {"from", 0}, {"deque", deque}, {"head", head}, {"tail", tail}, {"item", item}});
}
TraceEvent Release(std::int64_t slot, std::int64_t deque = 0) {
  return Ev(EventKind::kPoolDequeueRelease, {{"p", 1}, {"from", 0}, {"deque", deque}, {"slot", slot}});
}

}  // namespace

TEST_SUITE("instrument.pool") {
  TEST_CASE("the fold keeps each P's private item and its chain's items oldest first") {
    PoolState s;
    REQUIRE(Fold(Filled(), &s) == "");
    REQUIRE(s.local.size() == 2);
    CHECK(s.local[0].priv->id == 1);
    REQUIRE(s.local[0].chain.size() == 1);
    CHECK(s.local[0].chain[0].items == std::vector<PoolState::Item>{{2, 2}, {3, 3}});
    CHECK(s.local[0].chain[0].head == 2);
    CHECK(s.local[1].items() == 0);
    const Trace t = With(Filled());
    State st(t);
    for (const TraceEvent& e : t.events) st.Apply(e);
    CHECK(DescribeObject(t, 1, st.object(1)) == "local_size=2 P0{private=buf1 d0[buf2 buf3]} P1{} victim_size=0");
  }

  TEST_CASE("a Get from private empties it and a second one is a contradiction") {
    const TraceEvent get = Ev(EventKind::kPoolGetPrivate, {{"p", 0}, {"item", 1}});
    CHECK(Fold(Filled() + std::vector{get}) == "");
    CHECK(Fold(Filled() + std::vector{get, get}) == "events[6]: Get takes buf1 from P0's private, which holds nothing");
    CHECK(Fold(Filled() + std::vector{Ev(EventKind::kPoolGetPrivate, {{"p", 0}, {"item", 2}})}) ==
          "events[5]: Get takes buf2 from P0's private, which holds buf1");
  }

  TEST_CASE("Put stores in private only when it is empty and in shared only when it is not") {
    CHECK(Fold(Filled() + std::vector{Ev(EventKind::kPoolPutPrivate, {{"p", 0}, {"item", 4}})}) ==
          "events[5]: Put stores buf4 in P0's private, which holds buf1");
    CHECK(Fold({Filled()[0], Ev(EventKind::kPoolChainGrow, {{"p", 1}, {"deque", 0}, {"size", 8}})}) ==
          "events[1]: the chain of P1 grows while its private is empty (Put would store there)");
    CHECK(Fold({Filled()[0], Filled()[1], Filled()[2], Ev(EventKind::kPoolGetPrivate, {{"p", 0}, {"item", 1}}),
                Filled()[3]}) == "events[4]: Put pushes to P0's shared chain while its private is empty");
  }

  TEST_CASE("Get pops its own chain only once private is empty and then the newest item first") {
    const TraceEvent pop3 = Ev(EventKind::kPoolGetShared, {{"p", 0}, {"deque", 0}, {"head", 1}, {"tail", 0}, {"item", 3}});
    CHECK(Fold(Filled() + std::vector{pop3}) ==
          "events[5]: Get pops P0's shared chain while its private holds buf1 (private comes first)");
    const TraceEvent priv = Ev(EventKind::kPoolGetPrivate, {{"p", 0}, {"item", 1}});
    CHECK(Fold(Filled() + std::vector{priv, pop3}) == "");
    const TraceEvent pop2 = Ev(EventKind::kPoolGetShared, {{"p", 0}, {"deque", 0}, {"head", 1}, {"tail", 0}, {"item", 2}});
    CHECK(Fold(Filled() + std::vector{priv, pop2}) == "events[6]: popHead takes buf2, which is not at the head of dequeue 0");
  }

  TEST_CASE("pushHead and popHead move the head by one and leave the tail") {
    CHECK(Fold({Filled()[0], Filled()[1], Filled()[2],
                Ev(EventKind::kPoolPutShared, {{"p", 0}, {"deque", 0}, {"head", 2}, {"tail", 0}, {"item", 2}})}) ==
          "events[3]: pushHead leaves head 2 tail 0 after head 0 tail 0");
    CHECK(Fold(Filled() + std::vector{Ev(EventKind::kPoolGetPrivate, {{"p", 0}, {"item", 1}}),
                                     Ev(EventKind::kPoolGetShared,
                                        {{"p", 0}, {"deque", 0}, {"head", 1}, {"tail", 1}, {"item", 3}})}) ==
          "events[6]: popHead leaves head 1 tail 1 after head 2 tail 0");
  }

  TEST_CASE("a steal takes the oldest item of the tail dequeue and only when the own cache is empty") {
    // P1 has nothing of its own: it steals buf2 (the tail), not buf3.
    CHECK(Fold(Filled() + std::vector{Steal(2, 1)}) == "");
    CHECK(Fold(Filled() + std::vector{Steal(3, 1)}) == "events[5]: popTail takes buf3, which is not at the tail of dequeue 0");
    CHECK(Fold(Filled() + std::vector{Steal(2, 2)}) == "events[5]: popTail leaves head 2 tail 2 after head 2 tail 0");
    // P1 with a private item of its own must take that first.
    CHECK(Fold(Filled() + std::vector{Ev(EventKind::kPoolPutPrivate, {{"p", 1}, {"item", 9}}), Steal(2, 1)}) ==
          "events[6]: Get steals while P1's own cache holds 1 item(s) (private and its own chain come first)");
  }

  TEST_CASE("a slot taken at the tail cannot be pushed into until it is handed back") {
    // Fill dequeue 0 to 8, steal one: head 9 would land in slot 0, still taken.
    std::vector<TraceEvent> full = {Filled()[0], Filled()[1], Filled()[2]};
    for (int i = 0; i < 8; i++) {
      full.push_back(Ev(EventKind::kPoolPutShared,
                        {{"p", 0}, {"deque", 0}, {"head", i + 1}, {"tail", 0}, {"item", i + 2}}));
    }
    CHECK(Fold(full + std::vector{Ev(EventKind::kPoolPutShared, {{"p", 0}, {"deque", 0}, {"head", 9}, {"tail", 0}, {"item", 20}})}) ==
          "events[11]: Put pushes to a full dequeue");
    const std::vector<TraceEvent> stolen = full + std::vector{Steal(2, 1, 8)};
    const TraceEvent push9 = Ev(EventKind::kPoolPutShared, {{"p", 0}, {"deque", 0}, {"head", 9}, {"tail", 1}, {"item", 20}});
    CHECK(Fold(stolen + std::vector{push9}) ==
          "events[12]: Put pushes into slot 0, which a popTail has not handed back (its type word is set)");
    CHECK(Fold(stolen + std::vector{Release(0), push9}) == "");
    CHECK(Fold(stolen + std::vector{Release(0), Release(0)}) ==
          "events[13]: popTail hands back slot 0 of dequeue 0, which no popTail has taken");
    // With the slot still taken the owner grows the chain instead: allowed.
    const TraceEvent grow = Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 1}, {"size", 16}});
    CHECK(Fold(stolen + std::vector{grow}) == "");
  }

  TEST_CASE("a chain starts with 8 slots and grows only when full and to twice the size") {
    CHECK(Fold({Filled()[0], Filled()[1], Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 0}, {"size", 16}})}) ==
          "events[2]: a chain starts with dequeue 0 of 16 slots (Go's first is dequeue 0 of 8)");
    CHECK(Fold(Filled() + std::vector{Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 1}, {"size", 16}})}) ==
          "events[5]: the chain of P0 grows while its head dequeue has room (2 of 8 slots used)");
    std::vector<TraceEvent> full = {Filled()[0], Filled()[1], Filled()[2]};
    for (int i = 0; i < 8; i++) {
      full.push_back(Ev(EventKind::kPoolPutShared,
                        {{"p", 0}, {"deque", 0}, {"head", i + 1}, {"tail", 0}, {"item", i + 2}}));
    }
    CHECK(Fold(full + std::vector{Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 1}, {"size", 32}})}) ==
          "events[11]: the chain of P0 grows from 8 to 32 slots (twice as many, at most 2^30)");
    CHECK(Fold(full + std::vector{Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 2}, {"size", 16}})}) ==
          "events[11]: the chain of P0 makes dequeue 2 after dequeue 0");
    const TraceEvent grow = Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 1}, {"size", 16}});
    CHECK(Fold(full + std::vector{grow}) == "");
    // Pushes go to the new head dequeue, not the old one.
    CHECK(Fold(full + std::vector{grow, Ev(EventKind::kPoolPutShared,
                                           {{"p", 0}, {"deque", 0}, {"head", 9}, {"tail", 0}, {"item", 20}})}) ==
          "events[12]: Put pushes to dequeue 0, which is not the head of P0's chain");
  }

  TEST_CASE("a dequeue is dropped only when it is empty and not the chain's head") {
    const TraceEvent drop = Ev(EventKind::kPoolChainDrop, {{"p", 1}, {"from", 0}, {"deque", 0}});
    CHECK(Fold(Filled() + std::vector{drop}) ==
          "events[5]: popTail drops dequeue 0, which is not the tail of P0's chain with a dequeue after it");
    std::vector<TraceEvent> two = {Filled()[0], Filled()[1], Filled()[2]};
    for (int i = 0; i < 8; i++) {
      two.push_back(Ev(EventKind::kPoolPutShared, {{"p", 0}, {"deque", 0}, {"head", i + 1}, {"tail", 0}, {"item", i + 2}}));
    }
    two.push_back(Ev(EventKind::kPoolChainGrow, {{"p", 0}, {"deque", 1}, {"size", 16}}));
    two.push_back(Ev(EventKind::kPoolPutShared, {{"p", 0}, {"deque", 1}, {"head", 1}, {"tail", 0}, {"item", 20}}));
    CHECK(Fold(two + std::vector{drop}) == "events[13]: popTail drops dequeue 0, which holds 8 item(s)");
    std::vector<TraceEvent> drained = two;
    for (std::uint32_t i = 0; i < 8; i++) drained = drained + std::vector{Steal(i + 2, i + 1, 8), Release(i)};
    PoolState s;
    REQUIRE(Fold(drained + std::vector{drop}, &s) == "");
    REQUIRE(s.local[0].chain.size() == 1);
    CHECK(s.local[0].chain[0].serial == 1);
    // Now the tail is dequeue 1: a steal from dequeue 0 is a contradiction.
    CHECK(Fold(drained + std::vector{drop, Steal(20, 1, 1, 0)}) ==
          "events[30]: popTail takes from dequeue 0, which is not the tail of P0's chain");
    CHECK(Fold(drained + std::vector{drop, Steal(20, 1, 1, 1)}) == "");
  }

  TEST_CASE("a GC moves local to the victim and drops the old victim and its items") {
    const TraceEvent rotate = Ev(EventKind::kPoolGcRotate, {{"local_size", 0}, {"victim_size", 2}});
    PoolState s;
    REQUIRE(Fold(Filled() + std::vector{rotate}, &s) == "");
    CHECK(s.local.empty());
    CHECK(s.victim_size == 2);
    CHECK(s.victim[0].items() == 3);
    CHECK(s.dropped == 0);
    const TraceEvent rotate_empty = Ev(EventKind::kPoolGcRotate, {{"local_size", 0}, {"victim_size", 0}});
    REQUIRE(Fold(Filled() + std::vector{rotate, rotate_empty}, &s) == "");
    CHECK(s.victim.empty());
    CHECK(s.dropped == 3);
    CHECK(Fold(Filled() + std::vector{rotate_empty}) ==
          "events[5]: a GC leaves localSize 0 victimSize 0 (local becomes the victim: 0 and 2)");
    // The world is stopped: no popTail can be half done.
    CHECK(Fold(Filled() + std::vector{Steal(2, 1), rotate}) ==
          "events[6]: a GC rotates pool while a popTail is handing a slot back (the world is stopped)");
  }

  TEST_CASE("the victim is searched after the local caches and its own private first") {
    const TraceEvent rotate = Ev(EventKind::kPoolGcRotate, {{"local_size", 0}, {"victim_size", 2}});
    const TraceEvent alloc = Ev(EventKind::kPoolPinAlloc, {{"local_size", 2}, {"p", 0}});
    const TraceEvent vpriv = Ev(EventKind::kPoolGetVictimPrivate, {{"p", 0}, {"item", 1}});
    const TraceEvent vsteal = Ev(EventKind::kPoolGetVictimSteal,
                                 {{"p", 0}, {"from", 0}, {"deque", 0}, {"head", 2}, {"tail", 1}, {"item", 2}});
    CHECK(Fold(Filled() + std::vector{rotate, alloc, vpriv, vsteal}) == "");
    CHECK(Fold(Filled() + std::vector{rotate, alloc, vsteal}) ==
          "events[7]: Get steals from the victim while P0's victim private holds buf1 (it comes first)");
    CHECK(Fold(Filled() + std::vector{rotate, alloc, Ev(EventKind::kPoolPutPrivate, {{"p", 0}, {"item", 9}}), vpriv}) ==
          "events[8]: Get takes from the victim while P0's own cache holds 1 item(s) (private and its own chain come first)");
    // Exhausted: victimSize 0, and no later Get may use it.
    const TraceEvent exhausted = Ev(EventKind::kPoolVictimExhausted, {{"victim_size", 0}, {"p", 1}});
    CHECK(Fold(Filled() + std::vector{rotate, alloc, exhausted, vpriv}) ==
          "events[8]: Get uses the victim cache of pool from P0 with victimSize 0");
  }

  TEST_CASE("pinSlow allocates a local only when there is none and never an impossible size") {
    CHECK(Fold({Filled()[0], Filled()[0]}) ==
          "events[1]: pinSlow allocates a local for pool, which has one of 2 (it is allocated only when nil)");
    CHECK(Fold({Ev(EventKind::kPoolPinAlloc, {{"local_size", 0}, {"p", 0}})}) ==
          "events[0]: pinSlow allocates a localSize of 0");
    CHECK(Fold({Ev(EventKind::kPoolPinAlloc, {{"local_size", std::int64_t(1) << 40}, {"p", 0}})}) ==
          "events[0]: pinSlow allocates a localSize of 1099511627776");
    CHECK(Fold({Ev(EventKind::kPoolPinAlloc, {{"local_size", 2}, {"p", 2}})}) ==
          "events[0]: pinSlow for P2 allocates only 2 Ps");
    CHECK(Fold({Ev(EventKind::kPoolPutPrivate, {{"p", 0}, {"item", 1}})}) ==
          "events[0]: pool has no local cache for P0 (localSize 0)");
  }
}

// Recorded runs: whatever the interleaving, every event is one the fold
// accepts (pushes never into a slot being handed back, drops only of empty
// dequeues, ...).
namespace {

struct Item {
  int id;
};

Trace RecordPools(std::uint64_t seed, int procs) {
  Recorder rec;
  sim::Options o;
  o.seed = seed;
  o.procs = procs;
  o.gc_every_ns = 20'000;
  o.sink = &rec;
  sim::Result r = sim::Run([] {
    Pool<Item> pool([] { return std::make_unique<Item>(Item{0}); }, "pool");
    WaitGroup wg;
    wg.Add(4);
    for (int g = 0; g < 4; g++) {
      go([&, g] {
        std::vector<std::unique_ptr<Item>> held;
        for (int i = 0; i < 50; i++) {
          // Producers put many (chains grow), consumers take (steal, drop).
          const bool producer = g % 2 == 0;
          if (producer ? i % 4 == 0 : i % 4 != 0) held.push_back(pool.Get());
          if (!held.empty() && (producer ? i % 4 != 0 : i % 4 == 0)) {
            pool.Put(std::move(held.back()));
            held.pop_back();
          }
          if (producer && i % 10 == 0) {
            for (int k = 0; k < 12; k++) pool.Put(std::make_unique<Item>(Item{k}));
          }
          if (g == 1 && i % 7 == 0) gc();
        }
        wg.Done();
      });
    }
    wg.Wait();
  }, o);
  return rec.Finish({"pools", "sim", seed, "random", procs, o.gc_every_ns}, r.outcome, r.schedule);
}

}  // namespace

TEST_SUITE("instrument.pool") {
  TEST_CASE("recorded runs of a pool under load and GCs are consistent on every seed") {
    int steals = 0, drops = 0, releases = 0, victims = 0;
    for (std::uint64_t seed = 1; seed <= 40; seed++) {
      CAPTURE(seed);
      const Trace t = RecordPools(seed, 2 + int(seed % 3));
      REQUIRE(t.outcome.status == rt::Status::kOk);
      CHECK(CheckConsistency(t) == "");
      for (const TraceEvent& e : t.events) {
        steals += e.kind == EventKind::kPoolGetSteal;
        drops += e.kind == EventKind::kPoolChainDrop;
        releases += e.kind == EventKind::kPoolDequeueRelease;
        victims += e.kind == EventKind::kPoolGetVictimSteal || e.kind == EventKind::kPoolGetVictimPrivate;
      }
    }
    // The runs went through every path the checks are about.
    CHECK(steals > 100);
    CHECK(drops > 5);
    CHECK(releases >= steals);
    CHECK(victims > 5);
  }
}
