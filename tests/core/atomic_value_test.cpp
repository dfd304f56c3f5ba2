// Tests of synclab::atomic::Value (spec section 9), after Go's value_test.go:
// Load before any Store, Store/Swap/CompareAndSwap and every panic of each,
// the first store's three steps and the goroutines that meet it half done,
// and values shared safely with readers on threads.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/atomic_value.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

struct Pair {  // written whole or not at all: a torn read would break a == -b
  long a = 0, b = 0;
  friend bool operator==(const Pair&, const Pair&) = default;
};
struct NoEquality {
  int x = 0;
};

std::string Text(const atomic::Any& a) {
  if (const std::string* s = a.get<std::string>()) return *s;
  return a.has_value() ? "?" : "nil";
}

}  // namespace

TEST_SUITE("core.atomic_value native") {
  TEST_CASE("Load returns nil before the first Store and the latest value after") {
    atomic::Value v;
    CHECK(v.Load() == nullptr);
    CHECK(v.Load().type() == typeid(void));
    v.Store(std::string("a"));
    CHECK(Text(v.Load()) == "a");
    v.Store(std::string("b"));
    CHECK(Text(v.Load()) == "b");
    CHECK(v.Load().type() == typeid(std::string));
    CHECK(v.Load().get<int>() == nullptr);  // Go: v.Load().(int) is not ok
  }

  TEST_CASE("Store panics on nil and on a value of another type and leaves the value") {
    atomic::Value v;
    CHECK_THROWS_WITH_AS(v.Store(nullptr), "sync/atomic: store of nil value into Value", Panic);
    CHECK_THROWS_WITH_AS(v.Store(atomic::Any()), "sync/atomic: store of nil value into Value", Panic);
    CHECK(v.Load() == nullptr);
    v.Store(std::string("a"));
    // A C++ string literal is a const char*, not a std::string.
    CHECK_THROWS_WITH_AS(v.Store("b"), "sync/atomic: store of inconsistently typed value into Value", Panic);
    CHECK_THROWS_WITH_AS(v.Store(1), "sync/atomic: store of inconsistently typed value into Value", Panic);
    CHECK_THROWS_WITH_AS(v.Store(nullptr), "sync/atomic: store of nil value into Value", Panic);
    CHECK(Text(v.Load()) == "a");
  }

  TEST_CASE("a null pointer of a type is a value and not nil") {
    atomic::Value v;
    v.Store(static_cast<Pair*>(nullptr));  // Go: v.Store((*Pair)(nil)) is fine
    const atomic::Any a = v.Load();
    REQUIRE(a.has_value());
    REQUIRE(a.get<Pair*>() != nullptr);
    CHECK(*a.get<Pair*>() == nullptr);
  }

  TEST_CASE("what Load returned can be stored again") {
    atomic::Value v, w;
    v.Store(std::string("a"));
    w.Store(v.Load());
    CHECK(Text(w.Load()) == "a");
    CHECK_THROWS_WITH_AS(w.Store(atomic::Any::Of(7)), "sync/atomic: store of inconsistently typed value into Value",
                         Panic);
  }

  TEST_CASE("Swap returns nil first and then the previous value and panics as Go's does") {
    atomic::Value v;
    CHECK_THROWS_WITH_AS(v.Swap(nullptr), "sync/atomic: swap of nil value into Value", Panic);
    CHECK(v.Swap(std::string("a")) == nullptr);
    CHECK(Text(v.Swap(std::string("b"))) == "a");
    CHECK(Text(v.Load()) == "b");
    CHECK_THROWS_WITH_AS(v.Swap(2.5), "sync/atomic: swap of inconsistently typed value into Value", Panic);
    CHECK_THROWS_WITH_AS(v.Swap(nullptr), "sync/atomic: swap of nil value into Value", Panic);
    CHECK(Text(v.Load()) == "b");
  }

  TEST_CASE("CompareAndSwap compares by value and swaps only on equality") {
    atomic::Value v;
    CHECK_FALSE(v.CompareAndSwap(std::string("x"), std::string("a")));  // empty: only a nil old matches
    CHECK(v.Load() == nullptr);
    CHECK(v.CompareAndSwap(nullptr, std::string("a")));  // the first store
    CHECK_FALSE(v.CompareAndSwap(nullptr, std::string("b")));  // nil never equals a stored value
    CHECK_FALSE(v.CompareAndSwap(std::string("x"), std::string("b")));
    CHECK(Text(v.Load()) == "a");
    // An equal value in another box compares equal, as Go's == on interfaces.
    CHECK(v.CompareAndSwap(std::string("a"), std::string("b")));
    CHECK(Text(v.Load()) == "b");
    CHECK(v.CompareAndSwap(v.Load(), std::string("c")));
  }

  TEST_CASE("CompareAndSwap panics with each of Go's messages") {
    atomic::Value v;
    CHECK_THROWS_WITH_AS(v.CompareAndSwap(nullptr, nullptr), "sync/atomic: compare and swap of nil value into Value",
                         Panic);
    CHECK_THROWS_WITH_AS(v.CompareAndSwap(std::string("a"), nullptr),
                         "sync/atomic: compare and swap of nil value into Value", Panic);
    // The new value's nil is checked before the types.
    CHECK_THROWS_WITH_AS(v.CompareAndSwap(1, atomic::Any()),
                         "sync/atomic: compare and swap of nil value into Value", Panic);
    CHECK_THROWS_WITH_AS(v.CompareAndSwap(1, std::string("a")),
                         "sync/atomic: compare and swap of inconsistently typed values", Panic);
    v.Store(std::string("a"));
    CHECK_THROWS_WITH_AS(v.CompareAndSwap(1, 2),
                         "sync/atomic: compare and swap of inconsistently typed value into Value", Panic);
    CHECK_THROWS_WITH_AS(v.CompareAndSwap(nullptr, 2),
                         "sync/atomic: compare and swap of inconsistently typed value into Value", Panic);
    CHECK(Text(v.Load()) == "a");
  }

  TEST_CASE("CompareAndSwap of a type without == panics only when it has to compare") {
    atomic::Value v;
    CHECK(v.CompareAndSwap(nullptr, NoEquality{1}));  // no comparison: the first store
    CHECK_FALSE(v.CompareAndSwap(nullptr, NoEquality{2}));  // nil against a value: no comparison
    CHECK_THROWS_WITH_AS(v.CompareAndSwap(NoEquality{1}, NoEquality{2}),
                         "runtime error: comparing uncomparable type NoEquality", Panic);
    REQUIRE(v.Load().get<NoEquality>() != nullptr);
    CHECK(v.Load().get<NoEquality>()->x == 1);
  }

  // Go's TestValueConcurrent: readers see only whole values that were stored.
  TEST_CASE("values stored on threads are loaded whole" * doctest::timeout(60)) {
    atomic::Value v;
    v.Store(Pair{0, 0});
    std::atomic<bool> stop{false};
    std::atomic<int> torn{0}, loads{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < 2; w++) {
      threads.emplace_back([&, w] {
        for (long i = 1; i <= 20000; i++) {
          if (i % 3 == 0) {
            v.Swap(Pair{i * (w + 1), -i * (w + 1)});
          } else {
            v.Store(Pair{i * (w + 1), -i * (w + 1)});
          }
        }
      });
    }
    for (int r = 0; r < 2; r++) {
      threads.emplace_back([&] {
        do {  // at least once: a reader may start after the writers are done
          const atomic::Any a = v.Load();
          const Pair* p = a.get<Pair>();
          torn += p == nullptr || p->a != -p->b;
          loads++;
        } while (!stop.load());
      });
    }
    threads[0].join();
    threads[1].join();
    stop = true;
    threads[2].join();
    threads[3].join();
    CHECK(torn == 0);
    CHECK(loads > 0);
  }

  TEST_CASE("only one of many racing first stores begins it and all end typed" * doctest::timeout(60)) {
    for (int round = 0; round < 200; round++) {
      atomic::Value v;
      std::atomic<int> firsts{0};
      std::vector<std::thread> threads;
      for (int i = 0; i < 4; i++) {
        threads.emplace_back([&, i] { firsts += v.CompareAndSwap(nullptr, std::string(1, char('a' + i))); });
      }
      for (auto& t : threads) t.join();
      CHECK(firsts == 1);
      CHECK(Text(v.Load()).size() == 1);
    }
  }
}

TEST_SUITE("core.atomic_value sim") {
  TEST_CASE("the first store is three steps and an ordinary store one") {
    Collect sink;
    sim::Run([] {
      atomic::Value v{"v"};
      v.Store(std::string("a"));
      v.Store(std::string("b"));
    }, OneP(sink));
    std::vector<std::string> seen;
    for (const auto& c : sink.events) {
      if (c.name().starts_with("atomic.value")) seen.push_back(std::string(c.name()) + " " + c.strs[0] + " " + c.strs[1]);
    }
    CHECK(seen == std::vector<std::string>{"atomic.value.first_store.begin firstStoreInProgress nil",
                                           "atomic.value.first_store.data firstStoreInProgress a",
                                           "atomic.value.first_store.end std::string a",
                                           "atomic.value.store std::string b"});
  }

  // A Load between the first store's data and typ steps finds the data
  // written but the type word still firstStoreInProgress: it returns nil.
  TEST_CASE("a Load during the first store returns nil even once the data is written") {
    int halfway = 0;
    for (std::uint64_t seed = 1; seed <= 100; seed++) {
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.procs = 2;
      o.sink = &sink;
      std::vector<bool> nil_loads;
      sim::Run([&] {
        atomic::Value v;
        WaitGroup wg;
        wg.Add(1);
        go([&] {  // loads on the other P until it sees the value
          for (bool nil = true; nil && nil_loads.size() < 10000;) nil_loads.push_back(nil = v.Load() == nullptr);
          wg.Done();
        });
        work(5us);  // the other P has taken G2 by now (it steals after 3 us)
        v.Store(std::string("a"));
        wg.Wait();
      }, o);
      std::size_t load = 0;
      for (const auto& c : sink.events) {
        if (c.name() != "atomic.value.load") continue;
        REQUIRE(load < nil_loads.size());
        const bool typed = c.strs[0] == "std::string";
        CHECK(nil_loads[load] == !typed);  // nil exactly while typ is not a type
        halfway += !typed && c.strs[1] == "a";
        load++;
      }
    }
    CHECK(halfway > 0);
  }

  // Two first stores race: one CAS wins, the other finds the sentinel and
  // spins until the winner's type is set, then stores (or panics) by it.
  TEST_CASE("a store that meets a first store in progress waits for it and then checks its type") {
    int waited = 0, mismatched = 0;
    for (std::uint64_t seed = 1; seed <= 100; seed++) {
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.procs = 2;
      o.sink = &sink;
      std::string last;
      bool panicked = false;
      sim::Result r = sim::Run([&] {
        atomic::Value v;
        WaitGroup wg;
        wg.Add(2);
        go([&] { v.Store(std::string("a")); wg.Done(); });
        go([&] {
          try {
            v.Store(1);
          } catch (const Panic& p) {
            panicked = std::string(p.what()) == "sync/atomic: store of inconsistently typed value into Value";
          }
          wg.Done();
        });
        wg.Wait();
        last = Text(v.Load());
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      CHECK(sink.Named("atomic.value.first_store.begin").size() == 1);
      CHECK(sink.Named("atomic.value.first_store.end").size() == 1);
      const bool string_first = sink.Named("atomic.value.first_store.end")[0].strs[0] == "std::string";
      // Whichever type came first, the other store panicked.
      CHECK(panicked == string_first);
      CHECK(last == (string_first ? "a" : "?"));
      waited += !sink.Named("atomic.value.first_store.wait").empty();
      mismatched += panicked;
    }
    CHECK(waited > 0);
    CHECK(mismatched > 0);
  }

  // Go pins the first storer (procPin): it is not preempted until the type
  // word is set, so on one processor nobody ever sees the sentinel even when
  // the time slice ends in the middle of the first store.
  TEST_CASE("the first store is not preempted half done") {
    int waits = 0, preempted_elsewhere = 0;
    for (std::int64_t before = 0; before <= 200; before += 10) {
      CAPTURE(before);
      Collect sink;
      sim::Run([&] {
        atomic::Value v;
        WaitGroup wg;
        wg.Add(1);
        go([&] { v.Store(std::string("b")); wg.Done(); });
        work(Duration(10'000'000 - before));  // the slice ends around the first store
        v.Store(std::string("a"));
        wg.Wait();
      }, OneP(sink));
      waits += int(sink.Named("atomic.value.first_store.wait").size());
      preempted_elsewhere += int(sink.Named("go.preempt").size());
    }
    CHECK(preempted_elsewhere > 0);  // the slices did end near the stores
    CHECK(waits == 0);
  }

  TEST_CASE("every Value operation is traced with its two words") {
    Collect sink;
    sim::Run([] {
      atomic::Value v{"v"};
      v.Load();
      v.Swap(std::string("a"));
      v.Swap(std::string("b"));
      v.CompareAndSwap(std::string("x"), std::string("c"));
      v.CompareAndSwap(std::string("b"), std::string("c"));
      v.Load();
    }, OneP(sink));
    auto load = sink.Named("atomic.value.load");
    REQUIRE(load.size() == 2);
    CHECK((load[0].strs[0] == "nil" && load[0].strs[1] == "nil"));
    CHECK((load[1].strs[0] == "std::string" && load[1].strs[1] == "c"));
    auto swap = sink.Named("atomic.value.swap");
    REQUIRE(swap.size() == 1);  // the first Swap is a first store
    CHECK(swap[0].strs[1] == "b");
    auto cas = sink.Named("atomic.value.cas");
    REQUIRE(cas.size() == 2);
    CHECK((cas[0].field("ok") == 0 && cas[0].strs[1] == "b"));
    CHECK((cas[1].field("ok") == 1 && cas[1].strs[1] == "c"));
  }

  TEST_CASE("a panic in a goroutine ends the run with Go's message") {
    sim::Result r = sim::Run([] {
      atomic::Value v;
      v.Store(std::string("a"));
      v.Store(nullptr);
    }, {});
    CHECK(r.outcome.status == rt::Status::kPanic);
    CHECK(r.outcome.message == "panic: sync/atomic: store of nil value into Value");
  }
}
