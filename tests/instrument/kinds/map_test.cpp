// Tests of the Map fold (instrument/kinds/map.h): folding a recorded run
// gives what the Map holds, on both runtimes; each contradiction of Go's
// algorithm in a trace is rejected, saying what is wrong.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

#include "synclab/go.h"
#include "synclab/instrument/recorder.h"
#include "synclab/instrument/state.h"
#include "synclab/map.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace synclab::instrument;
using instrument::kinds::MapKeyState;
using instrument::kinds::MapState;
using instrument::kinds::MapValue;
using trace::EventKind;

namespace {

// What a Map held at the end of a run, as its methods report it.
struct Held {
  std::map<std::string, std::string> values;
  std::int64_t read_len = 0, dirty_len = 0, misses = 0;
  bool amended = false;
};

template <typename F>
Trace RecordSim(F body, int procs = 1, std::uint64_t seed = 1) {
  Recorder recorder;
  sim::Options o;
  o.procs = procs;
  o.seed = seed;
  o.sink = &recorder;
  sim::Result r = sim::Run(body, o);
  return recorder.Finish({"test", "sim", seed, "random", procs}, r.outcome, r.schedule);
}

// Random operations on a Map of string keys and values, from g goroutines.
void RandomOps(Map<std::string, std::string>& m, int goroutines, int ops, std::uint64_t seed) {
  WaitGroup wg;
  wg.Add(goroutines);
  for (int g = 0; g < goroutines; g++) {
    go([&, g] {
      std::mt19937_64 rng(seed * 10 + std::uint64_t(g));
      for (int i = 0; i < ops; i++) {
        const std::string k = "k" + std::to_string(rng() % 6);
        const std::string v = std::to_string(rng() % 4);
        switch (rng() % 10) {
          case 0: m.Store(k, v); break;
          case 1: m.LoadOrStore(k, v); break;
          case 2: m.Delete(k); break;
          case 3: m.Swap(k, v); break;
          case 4: m.CompareAndSwap(k, v, std::to_string(rng() % 4)); break;
          case 5: m.CompareAndDelete(k, v); break;
          case 6: m.Range([](const std::string&, const std::string&) { return true; }); break;
          case 7:
            if (rng() % 6 == 0) m.Clear();
            break;
          default: m.Load(k);
        }
      }
      wg.Done();
    });
  }
  wg.Wait();
}

Held HeldBy(Map<std::string, std::string>& m) {
  Held h;
  m.Range([&](const std::string& k, const std::string& v) {
    h.values[k] = v;
    return true;
  });
  h.read_len = std::int64_t(m.read_len());
  h.dirty_len = m.dirty_len();
  h.misses = m.misses();
  h.amended = m.amended();
  return h;
}

// The fold's Map at the end of the trace.
MapState FoldEnd(const Trace& t, Id map) {
  State s(t);
  for (const TraceEvent& e : t.events) REQUIRE(s.Apply(e) == "");
  return *s.object(map).As<MapState>();
}

Id MapId(const Trace& t) {
  for (const ObjectInfo& o : t.objects)
    if (o.kind == trace::ObjectKind::kMap) return o.id;
  return 0;
}

void CheckFoldHolds(const Trace& t, const Held& h) {
  REQUIRE(CheckConsistency(t) == "");
  // The Range that read h promoted dirty if it was amended: compare after it.
  const MapState fold = FoldEnd(t, MapId(t));
  std::map<std::string, std::string> values;
  for (const MapKeyState& k : fold.keys) {
    if (k.state == MapValue::kValue) values[std::string(t.str(k.key))] = std::string(t.str(k.value));
  }
  CHECK(values == h.values);
  CHECK(fold.read_len == h.read_len);
  CHECK(fold.dirty_len == h.dirty_len);
  CHECK(fold.misses == h.misses);
  CHECK(fold.amended == h.amended);
}

// The index of the n'th event of kind (from 0), or -1.
std::ptrdiff_t Nth(const Trace& t, EventKind kind, int n = 0) {
  for (std::size_t i = 0; i < t.events.size(); i++)
    if (t.events[i].kind == kind && n-- == 0) return std::ptrdiff_t(i);
  return -1;
}

void SetField(TraceEvent& e, std::string_view name, std::int64_t v) {
  const int i = trace::FieldIndex(e.kind, name);
  REQUIRE(i >= 0);
  e.f[std::size_t(i)] = v;
}

Id Intern(Trace& t, std::string s) {
  for (std::size_t i = 0; i < t.strings.size(); i++)
    if (t.strings[i] == s) return Id(i + 1);
  t.strings.push_back(std::move(s));
  return Id(t.strings.size());
}

// Store a b c, promote, delete b, store d (expunges b), store b (unexpunges).
Trace Lifecycle() {
  return RecordSim([] {
    Map<std::string, std::string> m{"m"};
    m.Store("a", "1");
    m.Store("b", "2");
    m.Store("c", "3");
    while (m.dirty_len() >= 0) m.Load("a");
    m.Delete("b");
    m.Load("b");
    m.Store("d", "4");
    m.Store("b", "5");
    m.Load("d");
  });
}

}  // namespace

TEST_SUITE("instrument.kinds.map") {
  TEST_CASE("the fold of a recorded run holds what the Map holds") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      Held h;
      Trace t = RecordSim([&] {
        Map<std::string, std::string> m{"m"};
        RandomOps(m, 3, 60, seed);
        h = HeldBy(m);
      }, 2, seed);
      CheckFoldHolds(t, h);
    }
  }

  TEST_CASE("the fold of a traced native run holds what the Map holds" * doctest::timeout(60)) {
    Recorder recorder;
    Held h;
    native::Options o;
    o.sink = &recorder;
    native::Result r = native::Run([&] {
      Map<std::string, std::string> m{"m"};
      RandomOps(m, 4, 400, 5);
      h = HeldBy(m);
    }, o);
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CheckFoldHolds(recorder.Finish({"test", "native", 0, "", 4}, r.outcome, {}), h);
  }

  TEST_CASE("the fold follows an entry through delete expunge and unexpunge") {
    Trace t = Lifecycle();
    REQUIRE(CheckConsistency(t) == "");
    State s(t);
    const Id map = MapId(t);
    auto b = [&]() -> const MapKeyState* { return s.object(map).As<MapState>()->Find(Intern(t, "b")); };
    std::vector<MapValue> seen;
    for (const TraceEvent& e : t.events) {
      REQUIRE(s.Apply(e) == "");
      if (b() != nullptr && (seen.empty() || seen.back() != b()->state)) seen.push_back(b()->state);
    }
    CHECK(seen == std::vector<MapValue>{MapValue::kValue, MapValue::kNil, MapValue::kExpunged, MapValue::kNil,
                                        MapValue::kValue});
    CHECK(b()->in_read);
    CHECK(b()->in_dirty);
    const std::string line = DescribeObject(t, map, s.object(map));
    CHECK(line.find("b=5[read,dirty]") != std::string::npos);
    CHECK(line.find("d=4[dirty]") != std::string::npos);
    CHECK(line.find("amended=true") != std::string::npos);
  }

  TEST_CASE("a load that finds a value in a deleted entry is a contradiction") {
    Trace t = Lifecycle();
    // The Load of b after Delete(b): found=false. Say it found "2".
    std::ptrdiff_t i = -1;
    for (std::size_t k = 0; k < t.events.size(); k++) {
      const TraceEvent& e = t.events[k];
      if (e.kind == EventKind::kMapLoadReadHit && t.str(e.f[4]) == "b") i = std::ptrdiff_t(k);
    }
    REQUIRE(i >= 0);
    SetField(t.events[std::size_t(i)], "found", 1);
    SetField(t.events[std::size_t(i)], "value", Intern(t, "2"));
    CHECK(CheckConsistency(t).find("finds a value but the entry is nil (deleted)") != std::string::npos);
  }

  TEST_CASE("a promotion before misses reach len(dirty) is a contradiction") {
    Trace t = Lifecycle();
    const std::ptrdiff_t i = Nth(t, EventKind::kMapMiss);
    REQUIRE(i >= 0);
    t.events[std::size_t(i)].kind = EventKind::kMapPromote;
    CHECK(CheckConsistency(t).find("promotes dirty before misses reached len(dirty)") != std::string::npos);
  }

  TEST_CASE("a miss while read is complete is a contradiction") {
    Trace t = Lifecycle();
    const std::ptrdiff_t i = Nth(t, EventKind::kMapAmend);
    REQUIRE(i >= 0);
    t.events[std::size_t(i)].kind = EventKind::kMapMiss;
    CHECK(CheckConsistency(t).find("counts a miss while read.m is complete") != std::string::npos);
  }

  TEST_CASE("an event that reports another state than the fold's is a contradiction") {
    Trace t = Lifecycle();
    const std::ptrdiff_t i = Nth(t, EventKind::kMapMiss, 1);
    REQUIRE(i >= 0);
    SetField(t.events[std::size_t(i)], "misses", 7);
    CHECK(CheckConsistency(t).find("reports misses=7, but it is 2") != std::string::npos);
  }

  TEST_CASE("copying an expunged entry into dirty is a contradiction") {
    Trace t = Lifecycle();
    const std::ptrdiff_t i = Nth(t, EventKind::kMapUnexpunge);
    REQUIRE(i >= 0);
    t.events[std::size_t(i)].kind = EventKind::kMapDirtyCopy;  // same fields: key, entry
    CHECK(CheckConsistency(t).find("copies into dirty an entry that is expunged") != std::string::npos);
  }

  TEST_CASE("a fast swap into an expunged entry is a contradiction") {
    Trace t = Lifecycle();
    const std::ptrdiff_t i = Nth(t, EventKind::kMapUnexpunge);
    REQUIRE(i >= 0);
    // Store(b) found b expunged and unexpunged it; pretend the fast path
    // CASed into it instead (the event that follows is its swap).
    TraceEvent& swap = t.events[std::size_t(i) + 1];
    REQUIRE(swap.kind == EventKind::kMapSwapRead);
    t.events[std::size_t(i)] = swap;
    t.events[std::size_t(i)].seq = std::uint64_t(i);
    t.events[std::size_t(i)].kind = EventKind::kMapSwapFast;
    CHECK(CheckConsistency(t).find("swaps a value into an expunged entry") != std::string::npos);
  }

  TEST_CASE("an entry number that was never made is a contradiction") {
    Trace t = Lifecycle();
    const std::ptrdiff_t i = Nth(t, EventKind::kMapInsert, 1);
    REQUIRE(i >= 0);
    SetField(t.events[std::size_t(i)], "entry", 9);
    CHECK(CheckConsistency(t).find("entry 9 was never made") != std::string::npos);
  }

  TEST_CASE("a dirty map that lacks a copied entry is a contradiction") {
    Trace t = Lifecycle();
    const std::ptrdiff_t i = Nth(t, EventKind::kMapDirtyCopy);
    REQUIRE(i >= 0);
    t.events.erase(t.events.begin() + i);
    for (std::size_t k = 0; k < t.events.size(); k++) t.events[k].seq = k;
    t.outcome.seq.reset();
    CHECK(CheckConsistency(t).find("reports dirty_len=") != std::string::npos);
  }

  TEST_CASE("a 1000-key Map folds into 16 bytes a key and weighs 1000") {
    Trace t = RecordSim([] {
      Map<int, int> m{"big"};
      for (int i = 0; i < 1000; i++) m.Store(i, i);
    });
    const MapState fold = FoldEnd(t, MapId(t));
    CHECK(fold.keys.size() == 1000);
    CHECK(fold.Weight() == 1000);
    CHECK(fold.keys.capacity() * sizeof(MapKeyState) <= 32 * 1024);
  }
}
