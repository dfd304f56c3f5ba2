// Tests of synclab::atomic's typed values: each operation is one step, so
// Add never loses an update while Load-then-Store can.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/atomic.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using synclab::testing::Collect;

namespace {

// n goroutines each increment `iters` times, with Add or with Load+Store.
std::int64_t Count(bool with_add, int n = 3, int iters = 20) {
  atomic::Int64 v{0, "v"};
  WaitGroup wg;
  wg.Add(n);
  for (int i = 0; i < n; i++) {
    go([&] {
      for (int j = 0; j < iters; j++) {
        if (with_add) {
          v.Add(1);
        } else {
          v.Store(v.Load() + 1);
        }
      }
      wg.Done();
    });
  }
  wg.Wait();
  return v.Load();
}

}  // namespace

TEST_SUITE("core.atomic sim") {
  TEST_CASE("Add loses no update for any seed while Load then Store loses some") {
    int lossy_seeds = 0;
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      sim::Options o;
      o.seed = seed;
      std::int64_t added = 0, stored = 0;
      sim::Run([&] { added = Count(true); }, o);
      sim::Run([&] { stored = Count(false); }, o);
      CHECK(added == 60);
      lossy_seeds += stored < 60;
    }
    CHECK(lossy_seeds > 0);
  }

  TEST_CASE("every operation returns what Go's does and is traced with its operands") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Run([] {
      atomic::Int32 i{5};
      CHECK(i.Add(3) == 8);
      CHECK(i.Swap(1) == 8);
      CHECK_FALSE(i.CompareAndSwap(2, 9));
      CHECK(i.CompareAndSwap(1, 6));
      CHECK(i.And(0b0100) == 6);  // returns the old value
      CHECK(i.Or(0b0011) == 4);
      CHECK(i.Load() == 7);
      atomic::Bool b;
      CHECK_FALSE(b.Swap(true));
      CHECK(b.Load());
      atomic::Uint32 u{0};
      CHECK(u.Add(std::uint32_t(-1)) == 0xffffffffu);  // wraps as Go's does
    }, o);
    auto cas = sink.Named("atomic.cas");
    REQUIRE(cas.size() == 2);
    CHECK(cas[0].field("ok") == 0);
    CHECK(cas[0].field("value") == 1);  // the value it found
    CHECK(cas[1].field("ok") == 1);
    CHECK(cas[1].field("value") == 6);
    auto and_ = sink.Named("atomic.and");
    REQUIRE(and_.size() == 1);
    CHECK(and_[0].field("old") == 6);
    CHECK(and_[0].field("value") == 4);
  }
}

TEST_SUITE("core.atomic sim") {
  TEST_CASE("Pointer loads stores swaps and compares pointers and traces each") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    int a = 1, b = 2;
    sim::Run([&] {
      atomic::Pointer<int> p{nullptr, "p"};
      CHECK(p.Load() == nullptr);  // Go: the zero Pointer is nil
      p.Store(&a);
      CHECK(p.Swap(&b) == &a);
      CHECK_FALSE(p.CompareAndSwap(&a, nullptr));  // compares the pointer, not *p
      CHECK(p.CompareAndSwap(&b, &a));
      CHECK(*p.Load() == 1);
    }, o);
    auto id = [](const void* ptr) { return std::int64_t(reinterpret_cast<std::uintptr_t>(ptr)); };
    auto swap = sink.Named("atomic.pointer.swap");
    REQUIRE(swap.size() == 1);
    CHECK(swap[0].field("value") == id(&b));
    CHECK(swap[0].field("old") == id(&a));
    auto cas = sink.Named("atomic.pointer.cas");
    REQUIRE(cas.size() == 2);
    CHECK((cas[0].field("ok") == 0 && cas[0].field("value") == id(&b) && cas[0].field("desired") == 0));
    CHECK((cas[1].field("ok") == 1 && cas[1].field("value") == id(&a)));
    CHECK(sink.Named("atomic.pointer.load").size() == 2);
  }

  TEST_CASE("a Pointer of char is traced as a pointer and not as a string") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    char text[] = "abc";
    sim::Run([&] {
      atomic::Pointer<char> p{text};
      p.Load();
    }, o);
    auto load = sink.Named("atomic.pointer.load");
    REQUIRE(load.size() == 1);
    CHECK(load[0].field("value") == std::int64_t(reinterpret_cast<std::uintptr_t>(text)));
  }
}

TEST_SUITE("core.atomic native") {
  TEST_CASE("Add wraps around as Go's does for signed and unsigned widths") {
    atomic::Int32 i{std::numeric_limits<std::int32_t>::max()};
    CHECK(i.Add(1) == std::numeric_limits<std::int32_t>::min());
    atomic::Int64 l{std::numeric_limits<std::int64_t>::min()};
    CHECK(l.Add(-1) == std::numeric_limits<std::int64_t>::max());
    atomic::Uint32 u{0};
    CHECK(u.Add(std::numeric_limits<std::uint32_t>::max()) == std::numeric_limits<std::uint32_t>::max());
    CHECK(u.Add(1) == 0);  // Go's way to subtract: Add(^uint32(0))
  }

  TEST_CASE("Add on threads loses nothing" * doctest::timeout(30)) {
    atomic::Uint64 v;
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; i++) {
      threads.emplace_back([&] {
        ready++;
        while (ready.load() < 4) std::this_thread::yield();  // all four add at once
        for (int j = 0; j < 200000; j++) v.Add(1);
      });
    }
    for (auto& t : threads) t.join();
    CHECK(v.Load() == 800000);
  }

  TEST_CASE("CompareAndSwap on a Pointer lets one of many threads publish" * doctest::timeout(30)) {
    int objects[4] = {};
    atomic::Pointer<int> p{nullptr};
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; i++) threads.emplace_back([&, i] { winners += p.CompareAndSwap(nullptr, &objects[i]); });
    for (auto& t : threads) t.join();
    CHECK(winners == 1);
    CHECK(p.Load() != nullptr);
  }
}
