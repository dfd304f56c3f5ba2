// Tests of the folds of sync/atomic (instrument/src/kinds/atomic.cpp and
// atomic_value.cpp): each operation is one step, so what it saw is what the
// operation before left; a Value's type word goes nil ->
// firstStoreInProgress -> a type once, by one goroutine.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "fixture.h"
#include "synclab/atomic.h"
#include "synclab/atomic_value.h"
#include "synclab/go.h"

using namespace synclab;
using namespace synclab::testing;
using instrument::Trace;
using instrument::TraceEvent;
using trace::EventKind;

namespace {

std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }

std::int64_t StringId(const Trace& t, std::string_view text) {
  auto it = std::find(t.strings.begin(), t.strings.end(), text);
  REQUIRE(it != t.strings.end());
  return std::int64_t(it - t.strings.begin()) + 1;
}

}  // namespace

TEST_SUITE("instrument.kinds.atomic") {
  TEST_CASE("an operation that saw another value than the one before it is rejected") {
    const Trace t = Record([] {
      atomic::Int64 n{0, "n"};
      n.Store(5);
      n.Load();
      n.Add(2);
      n.CompareAndSwap(7, 9);
      n.CompareAndSwap(1, 2);
      n.Swap(3);
      n.Or(4);
    });
    REQUIRE(Fold(t) == "");
    const std::size_t load = Nth(t, EventKind::kAtomicLoad), add = Nth(t, EventKind::kAtomicAdd),
                      cas = Nth(t, EventKind::kAtomicCas), failed = Nth(t, EventKind::kAtomicCas, 1),
                      swap = Nth(t, EventKind::kAtomicSwap), or_ = Nth(t, EventKind::kAtomicOr);
    CHECK(Fold(Set(t, load, "value", 6)) == At(load) + "G1 main loads 6, but n holds 5");
    CHECK(Fold(Set(t, add, "value", 8)) == At(add) + "G1 main's atomic.add on n leaves 8 from 5");
    CHECK(Fold(Set(t, cas, "expected", 8)) == At(cas) + "G1 main's CompareAndSwap of 8 succeeds, but n holds 7");
    CHECK(Fold(Set(t, cas, "value", 10)) == At(cas) + "a successful CompareAndSwap on n leaves 10, not the desired 9");
    CHECK(Fold(Set(t, failed, "value", 4)) == At(failed) + "G1 main's CompareAndSwap fails seeing 4, but n holds 9");
    CHECK(Fold(Set(Set(t, failed, "expected", 9), failed, "ok", 0)) ==
          At(failed) + "CompareAndSwap on n fails although it holds the expected 9");
    CHECK(Fold(Set(t, swap, "old", 4)) == At(swap) + "G1 main swaps out 4, but n holds 9");
    CHECK(Fold(Set(t, or_, "value", 3)) == At(or_) + "G1 main's atomic.or on n leaves 3 from 3");
  }

  TEST_CASE("an Add is checked modulo the width of a 32-bit atomic") {
    const Trace t = Record([] {
      atomic::Int32 n{2147483647, "n"};
      n.Load();
      n.Add(1);  // wraps to -2^31, as Go's does
      atomic::Uint32 u{0, "u"};
      u.Load();
      u.Add(std::uint32_t(-1));
    });
    CHECK(Fold(t) == "");
  }

  TEST_CASE("a pointer Swap whose old pointer is not the one before is rejected") {
    int a = 0, b = 0;
    const Trace t = Record([&] {
      atomic::Pointer<int> p{nullptr, "p"};
      p.Store(&a);
      p.Swap(&b);
    });
    REQUIRE(Fold(t) == "");
    const std::size_t swap = Nth(t, EventKind::kAtomicPointerSwap);
    CHECK(Fold(Set(t, swap, "old", 2)) == At(swap) + "G1 main swaps out p2, but p holds p1");
  }
}

TEST_SUITE("instrument.kinds.atomic_value") {
  const auto stored = [] {
    return Record([] {
      atomic::Value v{"v"};
      go([] {}, "idle");  // not started yet on one P: it can be made to act below
      v.Store(std::string("a"));
      v.Load();
      v.Store(std::string("b"));
      v.CompareAndSwap(std::string("x"), std::string("c"));
    });
  };

  TEST_CASE("a store before the first store completed or a second first store is rejected") {
    const Trace t = stored();
    REQUIRE(Fold(t) == "");
    const std::size_t begin = Nth(t, EventKind::kValueFirstBegin), end = Nth(t, EventKind::kValueFirstEnd),
                      store = Nth(t, EventKind::kValueStore);
    CHECK(Fold(Insert(t, begin, t.events[store])) == At(begin) + "G1 main stores into v before its first store completed");
    CHECK(Fold(Insert(t, end + 1, t.events[begin])) == At(end + 1) + "G1 main begins a first store into v, which is not empty");
  }

  TEST_CASE("a first store completed by another goroutine than began it is rejected") {
    Trace t = stored();
    const std::size_t data = Nth(t, EventKind::kValueFirstData);
    t.events[data].g = 2;
    CHECK(Fold(t) == At(data) + "G2 idle completes a first store into v it did not begin");
  }

  TEST_CASE("a wait for a first store that is not in progress is rejected") {
    const Trace t = stored();
    const std::size_t end = Nth(t, EventKind::kValueFirstEnd);
    TraceEvent wait = t.events[Nth(t, EventKind::kValueLoad)];
    wait.kind = EventKind::kValueFirstWait;
    CHECK(Fold(Insert(t, end + 1, wait)) == At(end + 1) + "G1 main waits for a first store into v that is not in progress");
  }

  TEST_CASE("a type word the Value cannot hold at that step is rejected") {
    const Trace t = stored();
    const std::size_t begin = Nth(t, EventKind::kValueFirstBegin), load = Nth(t, EventKind::kValueLoad);
    CHECK(Fold(Set(t, begin, "typ", StringId(t, "nil"))) ==
          At(begin) + "atomic.value.first_store.begin on v shows typ nil, which it cannot hold now");
    CHECK(Fold(Set(t, load, "typ", StringId(t, "firstStoreInProgress"))) ==
          At(load) + "atomic.value.load on v shows typ firstStoreInProgress, which it cannot hold now");
  }

  TEST_CASE("a failed CompareAndSwap that changes the data is rejected") {
    const Trace t = stored();
    const std::size_t cas = Nth(t, EventKind::kValueCas);
    CHECK(Fold(Set(t, cas, "data", StringId(t, "a"))) == At(cas) + "a failed CompareAndSwap changes the data of v");
  }
}
