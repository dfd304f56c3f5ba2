// Tests of synclab::Map (spec section 7, Go 1.21's map.go with Go 1.23's
// Clear): each rule of the read/dirty algorithm on the sim's single P, where
// the events say which path a call took; random operations against a
// reference map on a plain thread and in sim; and concurrent random
// operations (Range among them) on both runtimes, checked against
// per-goroutine references and a value invariant, after Go's map_test.go.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/map.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::Collected;
using synclab::testing::OneP;

namespace {

using SMap = Map<std::string, int>;

// The events from index `from` on: their names, and whether mu was locked.
struct Since {
  const Collect& sink;
  std::size_t from;
  ObjectId mu;
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (std::size_t i = from; i < sink.events.size(); i++) {
      const Collected& c = sink.events[i];
      if (c.name().starts_with("map.")) out.emplace_back(c.name());
    }
    return out;
  }
  bool Has(std::string_view name) const {
    auto n = Names();
    return std::find(n.begin(), n.end(), name) != n.end();
  }
  bool Locked() const {
    for (std::size_t i = from; i < sink.events.size(); i++) {
      const Collected& c = sink.events[i];
      if (c.e.obj == mu && c.name().starts_with("mutex.lock")) return true;
    }
    return false;
  }
  const Collected* First(std::string_view name) const {
    for (std::size_t i = from; i < sink.events.size(); i++)
      if (sink.events[i].name() == name) return &sink.events[i];
    return nullptr;
  }
};

// Runs body(map, since) on one P with every event collected; since(...)
// marks where the operation under test starts.
template <typename F>
void OnOneP(F body) {
  Collect sink;
  sim::Result r = sim::Run([&] {
    SMap m{"m"};
    auto since = [&] { return Since{sink, sink.events.size(), m.mu().id()}; };
    body(m, since);
  }, OneP(sink));
  REQUIRE(r.outcome.status == rt::Status::kOk);
}

// Stores keys and loads them until dirty is promoted: every key in read.m.
void StoreAndPromote(SMap& m, std::initializer_list<std::pair<const char*, int>> kv) {
  for (auto [k, v] : kv) m.Store(k, v);
  while (m.dirty_len() >= 0) m.Load(kv.begin()->first);
}

}  // namespace

TEST_SUITE("core.map sim") {
  TEST_CASE("a Load of a key in read takes no lock and counts no miss") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}});
      Since s = since();
      CHECK(m.Load("a") == 1);
      CHECK(s.Names() == std::vector<std::string>{"map.load.read_hit"});
      CHECK_FALSE(s.Locked());
      CHECK(m.misses() == 0);
    });
  }

  TEST_CASE("a Load of a missing key takes no lock while read is complete") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}});
      Since s = since();
      CHECK(m.Load("x") == std::nullopt);
      CHECK(s.Names() == std::vector<std::string>{"map.lookup.absent"});
      CHECK_FALSE(s.Locked());
    });
  }

  TEST_CASE("a Load that misses an amended read locks and counts a miss even when dirty lacks the key") {
    OnOneP([](SMap& m, auto since) {
      m.Store("a", 1);
      m.Store("b", 2);  // dirty: a b; read.m empty, amended
      Since s = since();
      CHECK(m.Load("x") == std::nullopt);
      CHECK(s.Locked());
      CHECK(s.Names() == std::vector<std::string>{"map.lookup.read_miss", "map.lookup.dirty", "map.miss"});
      REQUIRE(s.First("map.lookup.dirty") != nullptr);
      CHECK(s.First("map.lookup.dirty")->field("found") == 0);
      CHECK(m.misses() == 1);
      Since t = since();
      CHECK(m.Load("a") == 1);  // found in dirty: a miss too
      CHECK(t.Names() == std::vector<std::string>{"map.lookup.read_miss", "map.lookup.dirty", "map.promote",
                                                  "map.load.dirty_hit"});
    });
  }

  TEST_CASE("the miss that brings misses to len(dirty) promotes dirty and not one before") {
    OnOneP([](SMap& m, auto since) {
      m.Store("a", 1);
      m.Store("b", 2);
      m.Store("c", 3);
      CHECK(m.read_len() == 0);
      CHECK(m.dirty_len() == 3);
      CHECK(m.amended());
      m.Load("a");
      m.Load("a");
      CHECK(m.misses() == 2);
      CHECK(m.dirty_len() == 3);  // 2 < 3: still dirty
      Since s = since();
      m.Load("a");
      CHECK(s.Has("map.promote"));
      CHECK(m.read_len() == 3);
      CHECK(m.dirty_len() == -1);
      CHECK(m.misses() == 0);
      CHECK_FALSE(m.amended());
      Since t = since();
      CHECK(m.Load("c") == 3);  // now served from read
      CHECK_FALSE(t.Locked());
    });
  }

  TEST_CASE("the first new key after a promotion copies read into dirty and expunges the deleted entries") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}, {"b", 2}, {"c", 3}});
      Since del = since();
      m.Delete("b");  // in read: CAS to nil, no lock
      CHECK_FALSE(del.Locked());
      CHECK(del.Names() == std::vector<std::string>{"map.delete"});
      CHECK(m.read_len() == 3);  // b stays in read.m, nil
      Since s = since();
      m.Store("d", 4);
      std::vector<std::string> names = s.Names();
      CHECK(std::count(names.begin(), names.end(), "map.dirty.init") == 1);
      CHECK(std::count(names.begin(), names.end(), "map.dirty.copy") == 2);  // a, c
      CHECK(std::count(names.begin(), names.end(), "map.expunge") == 1);     // b
      REQUIRE(s.First("map.expunge") != nullptr);
      CHECK(s.First("map.expunge")->str("key") == "b");
      CHECK(names.back() == "map.insert");
      CHECK(std::find(names.begin(), names.end(), "map.amend") < names.end() - 1);
      CHECK(m.dirty_len() == 3);  // a c d
      CHECK(m.amended());
      // A second new key needs no copy.
      Since again = since();
      m.Store("e", 5);
      CHECK(again.Names() == std::vector<std::string>{"map.insert"});
      CHECK(m.dirty_len() == 4);
    });
  }

  TEST_CASE("a Store to an expunged key takes the lock and puts the entry back into dirty") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}, {"b", 2}});
      m.Delete("b");
      m.Store("c", 3);  // expunges b
      Since s = since();
      m.Store("b", 20);
      CHECK(s.Locked());
      CHECK_FALSE(s.Has("map.swap.fast"));
      CHECK(s.Names() == std::vector<std::string>{"map.unexpunge", "map.swap.read"});
      CHECK(m.dirty_len() == 3);  // a c b
      // Promotion keeps b: it is in dirty again.
      while (m.dirty_len() >= 0) m.Load("c");
      CHECK(m.Load("b") == 20);
      CHECK(m.read_len() == 3);
    });
  }

  TEST_CASE("a promotion drops the expunged entries from read") {
    OnOneP([](SMap& m, auto) {
      StoreAndPromote(m, {{"a", 1}, {"b", 2}});
      m.Delete("b");
      m.Store("c", 3);
      CHECK(m.read_len() == 2);  // a, b (expunged)
      while (m.dirty_len() >= 0) m.Load("c");
      CHECK(m.read_len() == 2);  // a, c
      CHECK(m.Load("b") == std::nullopt);
    });
  }

  TEST_CASE("Swap onto a deleted entry in read takes the fast path and reports no previous value") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}});
      m.Delete("a");
      Since s = since();
      CHECK(m.Swap("a", 2) == std::nullopt);
      CHECK_FALSE(s.Locked());
      REQUIRE(s.First("map.swap.fast") != nullptr);
      CHECK(s.First("map.swap.fast")->field("loaded") == 0);
      CHECK(m.Swap("a", 3) == 2);
    });
  }

  TEST_CASE("Swap of a key only in dirty counts no miss") {
    OnOneP([](SMap& m, auto since) {
      m.Store("x", 1);
      Since s = since();
      CHECK(m.Swap("x", 2) == 1);
      CHECK(s.Names() == std::vector<std::string>{"map.swap.dirty"});
      CHECK(m.misses() == 0);
    });
  }

  TEST_CASE("LoadOrStore of a key only in dirty counts a miss") {
    OnOneP([](SMap& m, auto since) {
      m.Store("x", 1);
      m.Store("y", 2);
      Since s = since();
      CHECK(m.LoadOrStore("x", 9) == std::pair{1, true});
      CHECK(s.Names() == std::vector<std::string>{"map.load_or_store.loaded", "map.miss"});
      CHECK(m.misses() == 1);
    });
  }

  TEST_CASE("LoadOrStore stores into a deleted entry without the lock and into an expunged one with it") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}, {"b", 2}});
      m.Delete("a");
      Since s = since();
      CHECK(m.LoadOrStore("a", 5) == std::pair{5, false});
      CHECK(s.Names() == std::vector<std::string>{"map.load_or_store.stored"});
      CHECK_FALSE(s.Locked());
      CHECK(m.LoadOrStore("a", 6) == std::pair{5, true});
      m.Delete("b");
      m.Store("c", 3);  // expunges b
      Since t = since();
      CHECK(m.LoadOrStore("b", 7) == std::pair{7, false});
      CHECK(t.Locked());
      CHECK(t.Names() == std::vector<std::string>{"map.unexpunge", "map.load_or_store.stored"});
      CHECK(t.First("map.load_or_store.stored")->field("locked") == 1);
    });
  }

  TEST_CASE("LoadOrStore of a new key inserts it into dirty") {
    OnOneP([](SMap& m, auto since) {
      Since s = since();
      CHECK(m.LoadOrStore("n", 1) == std::pair{1, false});
      CHECK(s.Names() == std::vector<std::string>{"map.dirty.init", "map.amend", "map.insert"});
      CHECK(m.LoadOrStore("n", 2) == std::pair{1, true});
    });
  }

  TEST_CASE("LoadAndDelete of a key only in dirty removes it from dirty and counts a miss") {
    OnOneP([](SMap& m, auto since) {
      m.Store("x", 1);
      m.Store("y", 2);
      m.Store("z", 3);
      Since s = since();
      CHECK(m.LoadAndDelete("x") == 1);
      CHECK(s.Names() == std::vector<std::string>{"map.lookup.read_miss", "map.lookup.dirty_delete", "map.miss",
                                                  "map.delete"});
      CHECK(m.dirty_len() == 2);  // the miss is counted against the smaller dirty
      CHECK(m.misses() == 1);
      CHECK(m.Load("x") == std::nullopt);
      CHECK(m.LoadAndDelete("x") == std::nullopt);
    });
  }

  TEST_CASE("LoadAndDelete of a key in read only sets its entry to nil") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}});
      Since s = since();
      CHECK(m.LoadAndDelete("a") == 1);
      CHECK_FALSE(s.Locked());
      CHECK(m.read_len() == 1);
      CHECK(m.LoadAndDelete("a") == std::nullopt);
      REQUIRE(s.First("map.delete") != nullptr);
    });
  }

  TEST_CASE("CompareAndSwap of a missing key never matches and takes no lock while read is complete") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}});
      Since s = since();
      CHECK_FALSE(m.CompareAndSwap("x", 0, 1));
      CHECK(s.Names() == std::vector<std::string>{"map.lookup.absent"});
      CHECK_FALSE(s.Locked());
      CHECK(m.Load("x") == std::nullopt);
    });
  }

  TEST_CASE("CompareAndSwap swaps only an equal value and never a deleted entry") {
    OnOneP([](SMap& m, auto) {
      StoreAndPromote(m, {{"a", 1}});
      CHECK_FALSE(m.CompareAndSwap("a", 2, 3));
      CHECK(m.Load("a") == 1);
      CHECK(m.CompareAndSwap("a", 1, 3));
      CHECK(m.Load("a") == 3);
      m.Delete("a");
      CHECK_FALSE(m.CompareAndSwap("a", 3, 4));
      CHECK(m.Load("a") == std::nullopt);
    });
  }

  TEST_CASE("CompareAndSwap counts a miss for a key found in dirty and none for a key in neither map") {
    OnOneP([](SMap& m, auto since) {
      m.Store("x", 1);
      m.Store("y", 2);
      m.Store("z", 3);
      Since s = since();
      CHECK(m.CompareAndSwap("x", 1, 5));
      CHECK(s.Names() == std::vector<std::string>{"map.lookup.read_miss", "map.lookup.dirty",
                                                  "map.compare_and_swap", "map.miss"});
      CHECK(m.misses() == 1);
      Since t = since();
      CHECK_FALSE(m.CompareAndSwap("nope", 0, 1));
      CHECK(t.Names() == std::vector<std::string>{"map.lookup.read_miss", "map.lookup.dirty"});
      CHECK(m.misses() == 1);
    });
  }

  TEST_CASE("CompareAndDelete leaves the key in dirty and counts a miss") {
    OnOneP([](SMap& m, auto since) {
      m.Store("x", 1);
      m.Store("y", 2);
      m.Store("z", 3);
      Since s = since();
      CHECK_FALSE(m.CompareAndDelete("x", 2));
      CHECK(m.CompareAndDelete("x", 1));
      CHECK(m.dirty_len() == 3);  // x is still there, nil
      CHECK(m.misses() == 2);
      CHECK(m.Load("x") == std::nullopt);  // the third miss promotes
      CHECK(m.read_len() == 3);
      CHECK(s.First("map.lookup.dirty_delete") == nullptr);
    });
  }

  TEST_CASE("Range promotes an amended map at once and visits each key once") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}});
      m.Store("b", 2);
      m.Store("c", 3);
      Since s = since();
      std::map<std::string, int> seen;
      m.Range([&](const std::string& k, int v) {
        seen[k] += v;
        return true;
      });
      CHECK(seen == std::map<std::string, int>{{"a", 1}, {"b", 2}, {"c", 3}});
      CHECK(s.Has("map.range.promote"));
      CHECK(m.dirty_len() == -1);
      CHECK(m.read_len() == 3);
      CHECK_FALSE(m.amended());
      Since t = since();
      m.Range([](const std::string&, int) { return true; });
      CHECK_FALSE(t.Locked());  // read complete: no lock
    });
  }

  TEST_CASE("Range skips deleted entries and stops when f returns false") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}, {"b", 2}, {"c", 3}});
      m.Delete("b");
      std::set<std::string> seen;
      m.Range([&](const std::string& k, int) {
        seen.insert(k);
        return true;
      });
      CHECK(seen == std::set<std::string>{"a", "c"});
      Since s = since();
      int calls = 0;
      m.Range([&](const std::string&, int) { return ++calls < 1; });
      CHECK(calls == 1);
      REQUIRE(s.First("map.range.end") != nullptr);
      CHECK(s.First("map.range.end")->field("stopped") == 1);
      CHECK(s.First("map.range.end")->field("calls") == 1);
    });
  }

  // The snapshot Range walks is the read.m a later dirtyLocked copies: its
  // deleted entries get expunged while Range is on its way.
  TEST_CASE("Range skips entries expunged while it walks") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}, {"b", 2}, {"c", 3}});
      Since s = since();
      std::vector<std::string> seen;
      m.Range([&](const std::string& k, int) {
        if (seen.empty()) {
          for (const char* other : {"a", "b", "c"}) {
            if (k != other) m.Delete(other);
          }
          m.Store("new", 4);  // dirtyLocked: the two deleted entries are expunged
        }
        seen.push_back(k);
        return true;
      });
      CHECK(seen.size() == 1);
      auto names = s.Names();
      CHECK(std::count(names.begin(), names.end(), "map.expunge") == 2);
      CHECK(std::count(names.begin(), names.end(), "map.range.entry") == 3);
    });
  }

  // Go's TestMapRangeNestedCall (issue 46399): f may use the Map.
  TEST_CASE("Range's callback may call every method of the Map") {
    OnOneP([](SMap& m, auto) {
      m.Store("a", 1);
      m.Store("b", 2);
      int outer = 0;
      m.Range([&](const std::string& k, int v) {
        outer++;
        m.Range([&](const std::string& k2, int v2) {
          CHECK(m.Load(k2) == v2);
          m.Store("new" + k2, v2);
          m.Delete("new" + k2);
          return true;
        });
        m.Swap(k, v);  // the same value back
        return true;
      });
      CHECK(outer == 2);
      std::set<std::string> keys;
      m.Range([&](const std::string& k, int) {
        keys.insert(k);
        return true;
      });
      CHECK(keys == std::set<std::string>{"a", "b"});
    });
  }

  TEST_CASE("Clear empties read and dirty keeps dirty allocated and sets misses to 0") {
    OnOneP([](SMap& m, auto since) {
      StoreAndPromote(m, {{"a", 1}});
      m.Store("b", 2);
      m.Store("c", 3);
      m.Load("b");
      CHECK(m.misses() == 1);
      m.Clear();
      CHECK(m.read_len() == 0);
      CHECK(m.dirty_len() == 0);  // Go 1.23: clear(m.dirty), not nil
      CHECK(m.misses() == 0);
      CHECK_FALSE(m.amended());
      CHECK(m.Load("a") == std::nullopt);
      CHECK(m.Load("b") == std::nullopt);
      Since s = since();
      m.Clear();  // already clear: no lock
      CHECK_FALSE(s.Locked());
      m.Store("d", 4);  // dirty exists: no copy, an amend and an insert
      CHECK(m.Load("d") == 4);
    });
  }

  TEST_CASE("Clear of a Map whose dirty is nil keeps it nil") {
    OnOneP([](SMap& m, auto) {
      StoreAndPromote(m, {{"a", 1}});
      m.Clear();
      CHECK(m.dirty_len() == -1);
      CHECK(m.read_len() == 0);
    });
  }

  // Go's recheck under mu: a Load that found the key missing from read.m and
  // waited for mu while another goroutine's miss promoted dirty must find it
  // in read.m and count no miss.
  TEST_CASE("a Load that waits for mu while dirty is promoted finds the key in read and counts no miss") {
    int rechecks = 0;
    for (std::uint64_t seed = 1; seed <= 200 && rechecks < 3; seed++) {
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.procs = 2;
      o.sink = &sink;
      sim::Run([&] {
        SMap m{"m"};
        m.Store("a", 1);  // dirty: a (promotes at the first miss)
        WaitGroup wg;
        wg.Add(2);
        for (int i = 0; i < 2; i++) {
          go([&] {
            CHECK(m.Load("a") == 1);
            wg.Done();
          });
        }
        wg.Wait();
      }, o);
      for (const Collected& c : sink.Named("map.lookup.recheck_hit")) {
        rechecks++;
        // That goroutine's next map event is its entry load, not a miss.
        for (std::size_t i = sink.Index(c) + 1; i < sink.events.size(); i++) {
          const Collected& n = sink.events[i];
          if (n.e.g != c.e.g || !n.name().starts_with("map.")) continue;
          CHECK(n.name() == "map.load.read_hit");
          break;
        }
      }
      CHECK(sink.Named("map.promote").size() == 1);
    }
    CHECK(rechecks >= 1);
  }
}

// --- random operations against a reference -----------------------------------

namespace {

// One random operation on m and on the reference; checks their results
// agree. Keys from a small set so that promotions and expunges happen.
struct Op {
  std::mt19937_64 rng;
  std::unordered_map<int, int>& ref;
  int keys;

  void operator()(Map<int, int>& m) {
    const int k = int(rng() % std::uint64_t(keys));
    const int v = int(rng() % 5);
    auto want = [&]() -> std::optional<int> {
      auto it = ref.find(k);
      return it == ref.end() ? std::nullopt : std::optional<int>(it->second);
    };
    switch (rng() % 12) {
      case 0:
      case 1:
      case 2: CHECK(m.Load(k) == want()); break;
      case 3:
        m.Store(k, v);
        ref[k] = v;
        break;
      case 4: {
        auto w = want();
        auto got = m.LoadOrStore(k, v);
        CHECK(got == std::pair{w ? *w : v, w.has_value()});
        if (!w) ref[k] = v;
        break;
      }
      case 5:
        CHECK(m.LoadAndDelete(k) == want());
        ref.erase(k);
        break;
      case 6:
        m.Delete(k);
        ref.erase(k);
        break;
      case 7:
        CHECK(m.Swap(k, v) == want());
        ref[k] = v;
        break;
      case 8: {
        const int old = int(rng() % 5);
        const bool match = want() == old;
        CHECK(m.CompareAndSwap(k, old, v) == match);
        if (match) ref[k] = v;
        break;
      }
      case 9: {
        const int old = int(rng() % 5);
        const bool match = want() == old;
        CHECK(m.CompareAndDelete(k, old) == match);
        if (match) ref.erase(k);
        break;
      }
      case 10: {
        std::unordered_map<int, int> seen;
        m.Range([&](int key, int value) {
          CHECK(seen.emplace(key, value).second);
          return true;
        });
        CHECK(seen == ref);
        break;
      }
      default:
        if (rng() % 8 == 0) {
          m.Clear();
          ref.clear();
        } else {
          CHECK(m.Load(k) == want());
        }
    }
    // INV4, and amended only with a dirty map.
    CHECK((m.misses() == 0 || m.misses() < m.dirty_len()));
    CHECK((!m.amended() || m.dirty_len() >= 0));
  }
};

void RandomAgainstReference(std::uint64_t seed, int keys, int ops) {
  Map<int, int> m;
  std::unordered_map<int, int> ref;
  Op op{std::mt19937_64(seed), ref, keys};
  for (int i = 0; i < ops; i++) op(m);
}

}  // namespace

TEST_SUITE("core.map") {
  TEST_CASE("random operations on a plain thread give what a map would") {
    for (std::uint64_t seed = 1; seed <= 40; seed++) {
      CAPTURE(seed);
      RandomAgainstReference(seed, seed % 2 ? 6 : 40, 2000);
    }
  }

  // Load has an inline copy of its fast path for plain threads.
  TEST_CASE("on a plain thread Loads count misses and promote at len(dirty) as in a runtime") {
    Map<int, int> m;
    m.Store(1, 1);
    m.Store(2, 2);
    m.Store(3, 3);
    CHECK(m.Load(9) == std::nullopt);  // not in dirty either: still a miss
    CHECK(m.Load(1) == 1);
    CHECK(m.misses() == 2);
    CHECK(m.dirty_len() == 3);
    CHECK(m.Load(2) == 2);  // the third miss promotes
    CHECK(m.misses() == 0);
    CHECK(m.dirty_len() == -1);
    CHECK(m.read_len() == 3);
    CHECK(m.Load(3) == 3);  // from read.m: no miss
    CHECK(m.Load(9) == std::nullopt);
    CHECK(m.misses() == 0);
  }

  TEST_CASE("values are copied in and out and destroyed with the Map") {
    auto counter = std::make_shared<int>(0);
    {
      Map<int, std::shared_ptr<int>> m;
      for (int i = 0; i < 100; i++) m.Store(i % 10, counter);  // overwrites retire the old copies
      m.Delete(3);
      CHECK(m.Load(4).value() == counter);
    }
    CHECK(counter.use_count() == 1);  // every copy the Map made is gone
  }
}

TEST_SUITE("core.map sim") {
  // A run cut off at any scheduling point unwinds its goroutines from the
  // middle of Map operations: nothing may leak or be freed twice (the ASan
  // build checks).
  TEST_CASE("a run that ends in the middle of Map operations unwinds cleanly at every step") {
    for (std::uint64_t limit = 1; limit <= 400; limit += 3) {
      CAPTURE(limit);
      sim::Options o;
      o.max_steps = limit;
      // No CHECK inside: doctest would catch the unwinding (rt::detail::Abort).
      sim::Result r = sim::Run([] {
        Map<int, std::string> m;
        WaitGroup wg;
        wg.Add(3);
        for (int g = 0; g < 3; g++) {
          go([&, g] {
            std::mt19937 rng{unsigned(g)};
            for (int i = 0; i < 40; i++) {
              const int k = int(rng() % 5);
              switch (rng() % 7) {
                case 0: m.Store(k, "v"); break;
                case 1: m.LoadOrStore(k, "w"); break;
                case 2: m.Delete(k); break;
                case 3: m.CompareAndSwap(k, "v", "x"); break;
                case 4: m.Range([&](int, const std::string&) { return m.Load(k).has_value(); }); break;
                case 5: m.Swap(k, "y"); break;
                default: m.Load(k);
              }
            }
            wg.Done();
          });
        }
        wg.Wait();
      }, o);
      CHECK(r.outcome.status == rt::Status::kLimit);
    }
  }

  TEST_CASE("random operations in one goroutine give what a map would traced and untraced") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.sink = seed % 2 ? &sink : nullptr;
      sim::Result r = sim::Run([&] { RandomAgainstReference(seed, 8, 400); }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
    }
  }
}

namespace {

// Go's TestConcurrentRange and more: goroutines do random operations, each
// on keys of its own (checked exactly against its own reference) and on
// shared keys whose values encode the key (value % 1000 == key); kept keys
// are stored first and never deleted. Ranges run meanwhile and must visit
// every kept key once, no key twice, and only values that fit their key.
// At the end the Map holds exactly what the references say.
void ConcurrentAgainstReference(int goroutines, int ops, std::uint64_t seed) {
  constexpr int kKept = 8, kShared = 4, kPrivate = 6;
  auto private_key = [](int g, int i) { return 10000 * (g + 1) + i; };
  Map<int, int> m;
  for (int k = 0; k < kKept; k++) m.Store(k, k);
  std::mutex mu;  // guards the references as the goroutines hand them in
  auto refs = std::vector<std::unordered_map<int, int>>(std::size_t(goroutines));
  WaitGroup wg;
  wg.Add(goroutines);
  for (int g = 0; g < goroutines; g++) {
    go([&, g] {
      std::mt19937_64 rng(seed * 1000 + std::uint64_t(g));
      std::unordered_map<int, int> ref;
      for (int i = 0; i < ops; i++) {
        const std::uint64_t what = rng() % 10;
        if (what == 0) {
          std::set<int> seen;
          int kept = 0;
          m.Range([&](int k, int v) {
            CHECK(seen.insert(k).second);
            CHECK(v % 1000 == k % 1000);
            kept += k < kKept;
            return true;
          });
          CHECK(kept == kKept);
        } else if (what < 4) {
          const int k = kKept + int(rng() % kShared);
          const int v = int(rng() % 50) * 1000 + k;
          if (rng() % 2) {
            m.Store(k, v);
          } else if (auto got = m.Load(k)) {
            CHECK(*got % 1000 == k);
          }
          if (rng() % 7 == 0) m.Delete(k);
        } else {
          const int k = int(rng() % kPrivate);
          const int key = private_key(g, k);
          const int v = int(rng() % 5) * 1000 + key % 1000;
          auto want = [&]() -> std::optional<int> {
            auto it = ref.find(key);
            return it == ref.end() ? std::nullopt : std::optional<int>(it->second);
          };
          switch (rng() % 6) {
            case 0: CHECK(m.Load(key) == want()); break;
            case 1:
              m.Store(key, v);
              ref[key] = v;
              break;
            case 2: {
              auto w = want();
              CHECK(m.LoadOrStore(key, v) == std::pair{w ? *w : v, w.has_value()});
              if (!w) ref[key] = v;
              break;
            }
            case 3:
              CHECK(m.LoadAndDelete(key) == want());
              ref.erase(key);
              break;
            case 4: {
              const int old = int(rng() % 5) * 1000 + key % 1000;
              const bool match = want() == old;
              CHECK(m.CompareAndSwap(key, old, v) == match);
              if (match) ref[key] = v;
              break;
            }
            default: {
              const int old = int(rng() % 5) * 1000 + key % 1000;
              const bool match = want() == old;
              CHECK(m.CompareAndDelete(key, old) == match);
              if (match) ref.erase(key);
            }
          }
        }
      }
      {
        std::lock_guard l(mu);
        refs[std::size_t(g)] = std::move(ref);
      }
      wg.Done();
    });
  }
  wg.Wait();
  std::unordered_map<int, int> want;
  for (const auto& ref : refs) want.insert(ref.begin(), ref.end());
  for (int k = 0; k < kKept; k++) want[k] = k;
  std::unordered_map<int, int> got;
  m.Range([&](int k, int v) {
    if (k < kKept || k >= kKept + kShared) got[k] = v;
    return true;
  });
  CHECK(got == want);
}

}  // namespace

TEST_SUITE("core.map sim") {
  TEST_CASE("concurrent random operations with Range agree with the references for every seed and procs") {
    for (int procs : {1, 2, 4}) {
      for (std::uint64_t seed = 1; seed <= 25; seed++) {
        CAPTURE(procs);
        CAPTURE(seed);
        Collect sink;
        sim::Options o;
        o.seed = seed;
        o.procs = procs;
        o.sink = seed % 3 == 0 ? &sink : nullptr;  // traced now and then
        sim::Result r = sim::Run([&] { ConcurrentAgainstReference(4, 150, seed); }, o);
        REQUIRE(r.outcome.status == rt::Status::kOk);
      }
    }
  }
}

TEST_SUITE("core.map native") {
  TEST_CASE("concurrent random operations with Range agree with the references on threads" * doctest::timeout(60)) {
    for (std::uint64_t seed = 1; seed <= 3; seed++) {
      native::Result r = native::Run([&] { ConcurrentAgainstReference(4, 3000, seed); }, {});
      REQUIRE(r.outcome.status == rt::Status::kOk);
    }
  }

  TEST_CASE("a traced native run keeps each Map's events in the order its state changed" * doctest::timeout(60)) {
    Collect sink;
    native::Options o;
    o.sink = &sink;
    native::Result r = native::Run([&] { ConcurrentAgainstReference(3, 500, 7); }, o);
    REQUIRE(r.outcome.status == rt::Status::kOk);
    // Every event's dirty_len is the one the previous one left, but for the
    // events that change it.
    std::int64_t dirty = -2;
    for (const Collected& c : sink.events) {
      if (!c.name().starts_with("map.")) continue;
      const std::string_view n = c.name();
      const bool changes = n == "map.dirty.init" || n == "map.dirty.copy" || n == "map.unexpunge" ||
                           n == "map.insert" || n == "map.lookup.dirty_delete" || n == "map.promote" ||
                           n == "map.range.promote" || n == "map.clear";
      if (dirty != -2 && !changes) CHECK(c.field("dirty_len") == dirty);
      dirty = c.field("dirty_len");
    }
  }

  TEST_CASE("Loads on plain threads race Stores and Deletes without harm" * doctest::timeout(60)) {
    Map<int, std::string> m;
    for (int k = 0; k < 64; k++) m.Store(k, std::to_string(k));
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; t++) {
      threads.emplace_back([&, t] {
        std::mt19937 rng{unsigned(t)};
        while (!stop.load(std::memory_order_relaxed)) {
          const int k = int(rng() % 80);
          if (auto v = m.Load(k)) CHECK(*v == std::to_string(k));
        }
      });
    }
    std::mt19937 rng(99);
    for (int i = 0; i < 50000; i++) {
      const int k = int(rng() % 80);
      switch (rng() % 4) {
        case 0: m.Delete(k); break;
        case 1: m.LoadOrStore(k, std::to_string(k)); break;
        default: m.Store(k, std::to_string(k));
      }
    }
    stop = true;
    for (auto& t : threads) t.join();
  }
}
