// Tests of synclab::Pool (spec section 8) on both runtimes, after Go's
// pool_test.go (TestPool, TestPoolNew, TestPoolGC, TestPoolRelease,
// TestPoolStress, TestPoolDequeue, TestPoolChain): Get's order of places,
// the chain's growth and drops, the victim cache across GCs, pinning and
// the stop-the-world GC, and no item lost or handed out twice.
#include <doctest/doctest.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/pool.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::Collected;
using synclab::testing::OneP;

namespace {

// An item that counts how many exist, and says when it was Got while still
// out (handed to two users).
struct Buf {
  static inline std::atomic<int> alive{0};
  explicit Buf(int id) : id(id) { alive++; }
  ~Buf() { alive--; }
  int id;
  std::atomic<bool> out{false};
};
using BufPool = Pool<Buf>;

}  // namespace

template <>
struct fmt::formatter<Buf> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Ctx>
  auto format(const Buf& b, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "buf{}", b.id);
  }
};

namespace {

std::unique_ptr<Buf> Make(int id) { return std::make_unique<Buf>(id); }

// The ids Gets returned, in order (0 for nullptr).
int Id(const std::unique_ptr<Buf>& b) { return b ? b->id : 0; }

// The pool events (pool.*, poolchain.*, pooldequeue.*) in order, by name.
std::vector<std::string> PoolEvents(const Collect& sink) {
  std::vector<std::string> out;
  for (const Collected& c : sink.events) {
    const std::string name(c.name());
    if (name.rfind("pool", 0) == 0) out.push_back(name);
  }
  return out;
}

// Called in a sim main: runs the steps in order, each on the goroutine that
// holds the P it names. There is one goroutine per P; each busy-waits (a
// work loop, never blocking), so with nothing else runnable it keeps its P.
struct OnP {
  int p;
  std::function<void()> fn;
};
void Script(int procs, const std::vector<OnP>& steps) {
  int started = 0, turn = 0;
  WaitGroup done;
  done.Add(procs);
  for (int g = 0; g < procs; g++) {
    go([&] {
      started++;
      while (started < procs) work(1us);  // every P busy: nobody moves any more
      const int me = rt::CurrentP();
      for (std::size_t i = 0; i < steps.size(); i++) {
        if (steps[i].p != me) continue;
        while (turn != int(i)) work(1us);
        steps[i].fn();
        turn++;
      }
      done.Done();
    });
  }
  done.Wait();
}

sim::Options Procs(int procs, Collect& sink, std::uint64_t seed = 1) {
  sim::Options o;
  o.procs = procs;
  o.sink = &sink;
  o.seed = seed;
  return o;
}

}  // namespace

TEST_SUITE("core.pool sim") {
  // Go's TestPool, on one P: what was Put is what Get finds.
  TEST_CASE("Get returns the item Put on the same P from its private slot") {
    Collect sink;
    int got = -1;
    sim::Run([&] {
      BufPool pool(nullptr, "pool");
      pool.Put(Make(1));
      got = Id(pool.Get());
    }, OneP(sink));
    CHECK(got == 1);
    CHECK(PoolEvents(sink) == std::vector<std::string>{"pool.pin.alloc", "pool.put.private", "pool.get.private"});
    REQUIRE(sink.Named("pool.put.private").size() == 1);
    CHECK(sink.Named("pool.put.private")[0].str("label") == "buf1");
    CHECK(Buf::alive == 0);
  }

  TEST_CASE("Put of nullptr is ignored and an empty pool without New returns nullptr") {
    Collect sink;
    bool empty = false;
    sim::Run([&] {
      BufPool pool;
      pool.Put(nullptr);
      empty = pool.Get() == nullptr;
    }, OneP(sink));
    CHECK(empty);
    CHECK(PoolEvents(sink) == std::vector<std::string>{"pool.pin.alloc", "pool.get.nil"});
  }

  // Go's TestPoolNew.
  TEST_CASE("Get calls New only when the pool has nothing") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      int made = 0;
      BufPool pool([&] { return Make(++made * 10); });
      got.push_back(Id(pool.Get()));
      got.push_back(Id(pool.Get()));
      pool.Put(Make(3));
      got.push_back(Id(pool.Get()));
      got.push_back(Id(pool.Get()));
    }, OneP(sink));
    CHECK(got == std::vector<int>{10, 20, 3, 30});
    REQUIRE(sink.Named("pool.get.new").size() == 3);
    CHECK(sink.Named("pool.get.new")[0].str("label") == "buf10");
  }

  // Put: private when empty, else shared.pushHead; Get: private, then
  // shared.popHead (the newest first: temporal locality).
  TEST_CASE("Get takes private first and then the newest item of its own chain") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      BufPool pool;
      for (int i = 1; i <= 3; i++) pool.Put(Make(i));
      for (int i = 0; i < 4; i++) got.push_back(Id(pool.Get()));
    }, OneP(sink));
    CHECK(got == std::vector<int>{1, 3, 2, 0});
    CHECK(PoolEvents(sink) == std::vector<std::string>{
                                  "pool.pin.alloc", "pool.put.private", "poolchain.grow", "pool.put.shared",
                                  "pool.put.shared", "pool.get.private", "pool.get.shared", "pool.get.shared",
                                  "pool.get.nil"});
    auto shared = sink.Named("pool.put.shared");
    REQUIRE(shared.size() == 2);
    CHECK(shared[0].field("head") == 1);
    CHECK(shared[1].field("head") == 2);
    CHECK(shared[1].field("tail") == 0);
  }

  TEST_CASE("a chain starts with 8 slots and grows by doubling when its head dequeue is full") {
    Collect sink;
    sim::Run([&] {
      BufPool pool;
      for (int i = 0; i < 1 + 8 + 16 + 1; i++) pool.Put(Make(i));
    }, OneP(sink));
    auto grow = sink.Named("poolchain.grow");
    REQUIRE(grow.size() == 3);
    CHECK(grow[0].field("deque") == 0);
    CHECK(grow[0].field("size") == 8);
    CHECK(grow[1].field("deque") == 1);
    CHECK(grow[1].field("size") == 16);
    CHECK(grow[2].field("deque") == 2);
    CHECK(grow[2].field("size") == 32);
    // The 9th shared item went to the new dequeue, at its index 0.
    auto shared = sink.Named("pool.put.shared");
    REQUIRE(shared.size() == 25);
    CHECK(shared[8].field("deque") == 1);
    CHECK(shared[8].field("head") == 1);
    CHECK(Buf::alive == 0);
  }

  TEST_CASE("a dequeue grows to twice the size of the full one and no more than dequeueLimit") {
    CHECK(detail::NextDequeueSize(8) == 16);
    CHECK(detail::NextDequeueSize(1u << 20) == 1u << 21);
    CHECK(detail::NextDequeueSize(detail::kDequeueLimit / 2) == detail::kDequeueLimit);
    CHECK(detail::NextDequeueSize(detail::kDequeueLimit) == detail::kDequeueLimit);
    CHECK(detail::kDequeueLimit == 1u << 30);
  }

  TEST_CASE("popHead backs up through prev into the older dequeues") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      BufPool pool;
      for (int i = 0; i <= 10; i++) pool.Put(Make(i));  // 0 private, 1-8 dequeue 0, 9-10 dequeue 1
      for (int i = 0; i < 12; i++) got.push_back(Id(pool.Get()));
    }, OneP(sink));
    CHECK(got == std::vector<int>{0, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0});
    auto pops = sink.Named("pool.get.shared");
    REQUIRE(pops.size() == 10);
    CHECK(pops[0].field("deque") == 1);
    CHECK(pops[1].field("deque") == 1);
    CHECK(pops[2].field("deque") == 0);
  }

  // getSlow: another P's shared chain is popped at its tail, the oldest first.
  TEST_CASE("another P steals the oldest item from the tail of a chain and never a private item") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      BufPool pool;
      Script(2, {{0, [&] { for (int i = 1; i <= 3; i++) pool.Put(Make(i)); }},
                 {1, [&] { for (int i = 0; i < 3; i++) got.push_back(Id(pool.Get())); }},
                 {0, [&] { got.push_back(Id(pool.Get())); }}});
    }, Procs(2, sink));
    CHECK(got == std::vector<int>{2, 3, 0, 1});
    auto steals = sink.Named("pool.get.steal");
    REQUIRE(steals.size() == 2);
    CHECK(steals[0].field("p") == 1);
    CHECK(steals[0].field("from") == 0);
    CHECK(steals[0].field("tail") == 1);
    CHECK(steals[0].str("label") == "buf2");
    // Each steal hands its slot back after taking it.
    CHECK(sink.Named("pooldequeue.release").size() == 2);
    CHECK(Buf::alive == 0);
  }

  TEST_CASE("steals start at the next P and go round to the P before") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      BufPool pool;
      Script(3, {{0, [&] { pool.Put(Make(100)); pool.Put(Make(1)); }},
                 {2, [&] { pool.Put(Make(200)); pool.Put(Make(2)); }},
                 {1, [&] { for (int i = 0; i < 2; i++) got.push_back(Id(pool.Get())); }},
                 {1, [&] { pool.Put(Make(300)); pool.Put(Make(3)); }},
                 {0, [&] { pool.Put(Make(5)); }},
                 {2, [&] { for (int i = 0; i < 3; i++) got.push_back(Id(pool.Get())); }}});
    }, Procs(3, sink));
    // P1 steals from P2 (its next) before P0. P2 takes its own private, then
    // steals from P0 (its next, round the end) before P1.
    CHECK(got == std::vector<int>{2, 1, 200, 5, 3});
    auto steals = sink.Named("pool.get.steal");
    REQUIRE(steals.size() == 4);
    CHECK(steals[0].field("p") == 1);
    CHECK(steals[0].field("from") == 2);
    CHECK(steals[1].field("from") == 0);
    CHECK(steals[2].field("p") == 2);
    CHECK(steals[2].field("from") == 0);
    CHECK(steals[3].field("from") == 1);
  }

  TEST_CASE("a drained tail dequeue is dropped from the chain and the steal goes on in the next") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      BufPool pool;
      Script(2, {{0, [&] { for (int i = 0; i <= 9; i++) pool.Put(Make(i)); }},  // 1-8 in dequeue 0, 9 in dequeue 1
                 {1, [&] { for (int i = 0; i < 10; i++) got.push_back(Id(pool.Get())); }}});
    }, Procs(2, sink));
    CHECK(got == std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8, 9, 0});
    auto drops = sink.Named("poolchain.drop");
    REQUIRE(drops.size() == 1);
    CHECK(drops[0].field("deque") == 0);
    CHECK(drops[0].field("from") == 0);
    CHECK(drops[0].field("victim") == 0);
    auto steals = sink.Named("pool.get.steal");
    REQUIRE(steals.size() == 9);
    CHECK(steals[8].field("deque") == 1);
    // The drop comes between the last steal from dequeue 0 and the first from 1.
    CHECK(sink.Index(drops[0]) > sink.Index(steals[7]));
    CHECK(sink.Index(drops[0]) < sink.Index(steals[8]));
  }

  // Go's TestPoolGC/TestPoolRelease: poolCleanup moves local to victim and
  // drops the old victim.
  TEST_CASE("an item survives one GC in the victim and is dropped by the second") {
    Collect sink;
    int after_one = -1, after_two = -1, alive_after_two = -1;
    std::size_t local = 9, victim = 9;
    sim::Run([&] {
      BufPool pool([] { return Make(99); });
      pool.Put(Make(1));
      gc();
      local = pool.local_size();
      victim = pool.victim_size();
      after_one = Id(pool.Get());  // from the victim
      pool.Put(Make(2));
      gc();
      gc();
      alive_after_two = Buf::alive;  // buf2 deleted by the second GC
      after_two = Id(pool.Get());
    }, OneP(sink));
    CHECK(local == 0);
    CHECK(victim == 1);
    CHECK(after_one == 1);
    CHECK(alive_after_two == 0);
    CHECK(after_two == 99);
    CHECK(sink.Named("pool.get.victim_private").size() == 1);
    auto gcs = sink.Named("go.gc");
    REQUIRE(gcs.size() == 3);
    CHECK(gcs[2].field("cycle") == 3);
    // Each GC rotates: the third only drops the victim (the pool was unused
    // since the second, which left it in oldPools only).
    auto rot = sink.Named("pool.gc.rotate");
    REQUIRE(rot.size() == 3);
    CHECK(rot[0].field("victim_size") == 1);
    CHECK(rot[2].field("victim_size") == 0);
    CHECK(sink.Named("pool.pin.alloc").size() == 3);  // a new local for each use after a GC
  }

  TEST_CASE("a pool unused for a cycle is left out of later GCs") {
    Collect sink;
    sim::Run([&] {
      BufPool a(nullptr, "a"), b(nullptr, "b");
      a.Put(Make(1));
      b.Put(Make(2));
      gc();  // both rotate
      a.Put(Make(3));
      gc();  // a rotates again; b drops its victim
      gc();  // a drops its victim; b is in no list
      gc();  // neither
    }, OneP(sink));
    auto rot = sink.Named("pool.gc.rotate");
    REQUIRE(rot.size() == 5);
    CHECK(Buf::alive == 0);
  }

  TEST_CASE("Get looks at the victim only after trying to steal from every P") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      BufPool pool;
      Script(2, {{0, [&] { pool.Put(Make(1)); gc(); }},
                 {1, [&] { pool.Put(Make(2)); pool.Put(Make(3)); }},
                 {0, [&] { got.push_back(Id(pool.Get())); got.push_back(Id(pool.Get())); }}});
    }, Procs(2, sink));
    CHECK(got == std::vector<int>{3, 1});
    CHECK(sink.Named("pool.get.steal").size() == 1);
    CHECK(sink.Named("pool.get.victim_private").size() == 1);
  }

  TEST_CASE("in the victim a Get takes its own private and then steals starting at its own P") {
    Collect sink;
    std::vector<int> got;
    sim::Run([&] {
      BufPool pool;
      Script(2, {{0, [&] { pool.Put(Make(1)); pool.Put(Make(2)); }},
                 {1, [&] { pool.Put(Make(3)); pool.Put(Make(4)); }},
                 {0, [&] { gc(); for (int i = 0; i < 4; i++) got.push_back(Id(pool.Get())); }}});
    }, Procs(2, sink));
    // P0: its victim private 1, its victim chain's 2, then P1's chain's 4;
    // P1's victim private 3 is only P1's to take.
    CHECK(got == std::vector<int>{1, 2, 4, 0});
    auto steals = sink.Named("pool.get.victim_steal");
    REQUIRE(steals.size() == 2);
    CHECK(steals[0].field("from") == 0);
    CHECK(steals[1].field("from") == 1);
    CHECK(sink.Named("pool.victim.exhausted").size() == 1);
  }

  TEST_CASE("an exhausted victim sets victimSize to 0 and later Gets skip it") {
    Collect sink;
    std::size_t victim_size = 9;
    int later = -1;
    sim::Run([&] {
      BufPool pool;
      Script(2, {{1, [&] { pool.Put(Make(1)); gc(); }},
                 {0, [&] { pool.Get(); victim_size = pool.victim_size(); }},
                 {1, [&] { later = Id(pool.Get()); }}});
    }, Procs(2, sink));
    // P0 cannot take P1's victim private: it marks the victim exhausted, and
    // P1's own Get no longer looks there. buf1 waits for the next GC.
    CHECK(victim_size == 0);
    CHECK(later == 0);
    CHECK(sink.Named("pool.victim.exhausted").size() == 1);
    CHECK(sink.Named("pool.get.victim_private").empty());
    CHECK(sink.Named("pool.get.nil").size() == 2);
    CHECK(Buf::alive == 0);
  }

  TEST_CASE("the first use allocates a local of Procs entries and registers the pool") {
    Collect sink;
    sim::Run([&] {
      BufPool pool;
      CHECK(pool.local_size() == 0);
      pool.Put(Make(1));
      CHECK(pool.local_size() == 3);
      CHECK(rt::Current().Gc().all_pools.size() == 1);
      gc();
      CHECK(rt::Current().Gc().all_pools.empty());
      CHECK(rt::Current().Gc().old_pools.size() == 1);
    }, Procs(3, sink));
    auto alloc = sink.Named("pool.pin.alloc");
    REQUIRE(alloc.size() == 1);
    CHECK(alloc[0].field("local_size") == 3);
  }

  // Go's procPin forbids preemption, and STW waits for it.
  TEST_CASE("a pinned goroutine is not preempted and a GC waits until it unpins") {
    Collect sink;
    std::int64_t unpinned = 0;
    GoroutineId pinned_g = 0;
    sim::Run([&] {
      WaitGroup wg;
      wg.Add(3);
      go([&] {
        pinned_g = rt::CurrentId();
        rt::ProcPin();
        work(25ms);  // long enough for two slices, with others waiting
        unpinned = now().count();
        rt::ProcUnpin();
        wg.Done();
      });
      go([&] { sleep(1ms); gc(); wg.Done(); });
      go([&] { for (int i = 0; i < 300; i++) work(100us); wg.Done(); });
      wg.Wait();
    }, Procs(2, sink));
    auto gcs = sink.Named("go.gc");
    REQUIRE(gcs.size() == 1);
    CHECK(gcs[0].e.t_ns >= unpinned);
    for (const Collected& c : sink.Named("go.preempt")) {
      if (c.e.t_ns < unpinned) CHECK(c.e.g != pinned_g);
    }
    CHECK(!sink.Named("go.preempt").empty());  // the others were preempted
  }

  TEST_CASE("gc_every runs a GC at each multiple of its period of virtual time") {
    Collect sink;
    sim::Options o = OneP(sink);
    o.gc_every_ns = 1'000'000;
    sim::Run([&] {
      BufPool pool;
      pool.Put(Make(1));
      for (int i = 0; i < 55; i++) work(100us);  // 5.5 ms
    }, o);
    auto gcs = sink.Named("go.gc");
    REQUIRE(gcs.size() == 5);
    for (std::size_t i = 0; i < gcs.size(); i++) {
      CHECK(gcs[i].e.t_ns >= std::int64_t(i + 1) * 1'000'000);
      CHECK(gcs[i].e.t_ns < std::int64_t(i + 1) * 1'000'000 + 200'000);
    }
    CHECK(Buf::alive == 0);
  }

  TEST_CASE("an automatic GC waits for a pinned goroutine") {
    Collect sink;
    std::int64_t unpinned = 0;
    sim::Options o = OneP(sink);
    o.gc_every_ns = 1'000'000;
    sim::Run([&] {
      rt::ProcPin();
      work(3500us);
      unpinned = now().count();
      rt::ProcUnpin();
      work(10us);
    }, o);
    auto gcs = sink.Named("go.gc");
    REQUIRE(gcs.size() == 1);  // the three due while pinned become one
    CHECK(gcs[0].e.t_ns >= unpinned);
  }

  // Go's TestPoolStress, deterministic: every item is Got by one goroutine at
  // a time, none is lost (all are deleted once the pool goes), under GCs.
  TEST_CASE("under concurrent Gets Puts and GCs no item is handed out twice or lost") {
    for (std::uint64_t seed = 1; seed <= 40; seed++) {
      CAPTURE(seed);
      int twice = 0;
      sim::Options o;
      o.procs = 3;
      o.seed = seed;
      o.gc_every_ns = 200'000;
      sim::Result r = sim::Run([&] {
        int made = 0;
        BufPool pool([&] { return Make(++made); });
        WaitGroup wg;
        wg.Add(4);
        for (int g = 0; g < 4; g++) {
          go([&, g] {
            std::vector<std::unique_ptr<Buf>> held;
            for (int i = 0; i < 60; i++) {
              if ((i + g) % 3 != 2) {
                std::unique_ptr<Buf> b = pool.Get();
                if (b->out.exchange(true)) twice++;
                held.push_back(std::move(b));
              }
              if (!held.empty() && (i + g) % 2 == 0) {
                held.back()->out = false;
                pool.Put(std::move(held.back()));
                held.pop_back();
              }
              if (i % 17 == g) gc();
            }
            for (auto& b : held) {
              b->out = false;
              pool.Put(std::move(b));
            }
            wg.Done();
          });
        }
        wg.Wait();
      }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
      CHECK(twice == 0);
      CHECK(Buf::alive == 0);
    }
  }
}

// Go's testPoolDequeue, on the dequeue alone: one producer pushes 1..n and
// pops its head every 10th push, consumers pop the tail; every value comes
// out exactly once. Runs on whichever runtime calls it.
namespace {

struct DequeueHammer {
  // n: a multiple of 10.
  explicit DequeueHammer(int n) : n(n), have(std::size_t(n) + 1) {}

  void Run(int consumers) {
    WaitGroup wg;
    wg.Add(consumers + 1);
    for (int c = 0; c < consumers; c++) {
      go([&] {
        int fail = 0;
        while (!stop.load()) {
          void* v;
          if (d.PopTail(&v, use)) {
            fail = 0;
            Record(v);
          } else if (++fail % 100 == 0) {
            gosched();  // "Speed up the test by allowing the pusher to run."
          }
        }
        wg.Done();
      });
    }
    go([&] {
      // Values are j + 1; the last, n, is never popped at the head right away
      // (n - 1 is not a multiple of 10), so it comes out last, at the tail.
      for (int j = 0; j < n; j++) {
        while (!d.PushHead(reinterpret_cast<void*>(std::uintptr_t(j + 1)), use)) gosched();
        if (j % 10 == 0) {
          void* v;
          if (d.PopHead(&v, use)) {
            pop_heads++;
            Record(v);
          }
        }
      }
      wg.Done();
    });
    wg.Wait();
  }
  void Record(void* v) {
    const auto i = reinterpret_cast<std::uintptr_t>(v);
    have[i]++;
    if (int(i) == n) stop = true;
  }
  // Values not seen exactly once.
  int Wrong() const {
    int wrong = 0;
    for (int i = 1; i <= n; i++) wrong += have[std::size_t(i)].load() != 1;
    return wrong;
  }

  const int n;
  detail::PoolDequeue d{16};
  const detail::ItemOps ops{[](void*) noexcept {}, nullptr};
  const Site site{};
  const detail::DequeueUse use{nullptr, 0, &site, &ops, 0, 0, false, 0};
  std::vector<std::atomic<int>> have;
  std::atomic<bool> stop{false};
  std::atomic<int> pop_heads{0};
};

}  // namespace

TEST_SUITE("core.pool sim") {
  TEST_CASE("a poolDequeue hands each value to exactly one of its producer and consumers") {
    int pop_heads = 0;
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      DequeueHammer h(300);
      sim::Options o;
      o.procs = 3;
      o.seed = seed;
      sim::Result r = sim::Run([&] { h.Run(3); }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
      CHECK(h.Wrong() == 0);
      pop_heads += h.pop_heads;
    }
    CHECK(pop_heads > 0);
  }

  TEST_CASE("a poolDequeue packs head over tail and its indices wrap around 2^32") {
    CHECK(detail::PoolDequeue::Pack(5, 3) == (std::uint64_t(5) << 32 | 3));
    CHECK(detail::PoolDequeue::Unpack(std::uint64_t(7) << 32 | 0xFFFFFFFF) ==
          std::pair<std::uint32_t, std::uint32_t>{7, 0xFFFFFFFF});
    detail::PoolDequeue d(8, 0xFFFFFFFC);
    const detail::ItemOps ops{[](void*) noexcept {}, nullptr};
    const Site site{};
    const detail::DequeueUse use{nullptr, 0, &site, &ops, 0, 0, false, 0};
    auto v = [](int i) { return reinterpret_cast<void*>(std::uintptr_t(i)); };
    for (int i = 1; i <= 8; i++) CHECK(d.PushHead(v(i), use));
    CHECK_FALSE(d.PushHead(v(9), use));  // full: tail + 8 == head, across the wrap
    CHECK(detail::PoolDequeue::Unpack(d.head_tail()) == std::pair<std::uint32_t, std::uint32_t>{4, 0xFFFFFFFC});
    void* out = nullptr;
    CHECK(d.PopTail(&out, use));
    CHECK(out == v(1));
    CHECK(d.PushHead(v(9), use));
    CHECK(d.PopHead(&out, use));
    CHECK(out == v(9));
    for (int i = 2; i <= 8; i++) {
      CHECK(d.PopTail(&out, use));
      CHECK(out == v(i));
    }
    CHECK_FALSE(d.PopTail(&out, use));
    CHECK_FALSE(d.PopHead(&out, use));
  }
}

TEST_SUITE("core.pool native") {
  // The plain-thread fast path takes the same steps as the traced one.
  TEST_CASE("on one thread Get takes private first and then the newest item of the chain") {
    BufPool pool;
    for (int i = 1; i <= 3; i++) pool.Put(Make(i));
    std::vector<int> got;
    for (int i = 0; i < 4; i++) got.push_back(Id(pool.Get()));
    CHECK(got == std::vector<int>{1, 3, 2, 0});
  }

  // Go's TestPool and TestPoolGC on one thread: nothing else pins, so the
  // thread keeps its P.
  TEST_CASE("on one thread Get returns what Put stored until two GCs have passed") {
    BufPool pool;
    pool.Put(Make(1));
    CHECK(Id(pool.Get()) == 1);
    pool.Put(Make(2));
    gc();
    CHECK(pool.local_size() == 0);
    CHECK(pool.victim_size() == std::size_t(rt::Procs()));
    CHECK(Id(pool.Get()) == 2);  // from the victim
    pool.Put(Make(3));
    gc();
    gc();
    CHECK(Buf::alive == 0);  // dropped by the second GC
    CHECK(pool.Get() == nullptr);
  }

  // Go's TestPoolStress: threads Get and Put, GCs run meanwhile.
  TEST_CASE("threads that Get and Put while GCs run never share or lose an item" * doctest::timeout(60)) {
    std::atomic<int> twice{0};
    native::Result r = native::Run([&] {
      BufPool pool([] { return Make(0); });
      WaitGroup workers, collector;
      std::atomic<bool> stop{false};
      workers.Add(4);
      for (int g = 0; g < 4; g++) {
        go([&, g] {
          std::vector<std::unique_ptr<Buf>> held;
          for (int i = 0; i < 20000; i++) {
            if ((i + g) % 3 != 2) {
              std::unique_ptr<Buf> b = pool.Get();
              if (b->out.exchange(true)) twice++;
              held.push_back(std::move(b));
            }
            if (!held.empty() && (i + g) % 2 == 0) {
              held.back()->out = false;
              pool.Put(std::move(held.back()));
              held.pop_back();
            }
          }
          for (auto& b : held) {
            b->out = false;
            pool.Put(std::move(b));
          }
          workers.Done();
        });
      }
      collector.Add(1);
      go([&] {
        while (!stop) {
          gc();
          std::this_thread::sleep_for(50us);
        }
        collector.Done();
      });
      workers.Wait();
      stop = true;
      collector.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(twice == 0);
    CHECK(Buf::alive == 0);
  }

  TEST_CASE("a GC waits for a pinned thread to unpin" * doctest::timeout(30)) {
    std::atomic<bool> pinned{false}, unpinning{false};
    std::thread t([&] {
      rt::ProcPin();
      pinned = true;
      std::this_thread::sleep_for(30ms);
      unpinning = true;
      rt::ProcUnpin();
    });
    while (!pinned) std::this_thread::yield();
    gc();
    CHECK(unpinning);
    t.join();
  }

  TEST_CASE("a pinned thread holds its P's slot until it unpins") {
    for (int round = 0; round < 2; round++) {  // the first pin, then the inline one
      CAPTURE(round);
      const int p = rt::ProcPin();
      REQUIRE(rt::detail::tls_native_p != nullptr);
      CHECK(rt::detail::tls_native_pid == p);
      CHECK(rt::detail::tls_native_p->held.load() == 1);
      rt::ProcUnpin();
      CHECK(rt::detail::tls_native_p->held.load() == 0);
    }
  }

  TEST_CASE("threads pinned at the same time hold different Ps" * doctest::timeout(30)) {
    std::atomic<int> first{-1};
    std::atomic<bool> release{false};
    std::thread a([&] {
      first = rt::ProcPin();
      while (!release) std::this_thread::yield();
      rt::ProcUnpin();
    });
    while (first < 0) std::this_thread::yield();
    int second = -1;
    std::thread b([&] {
      if (rt::Procs() == 1) release = true;  // one P: b waits for a to unpin
      second = rt::ProcPin();
      rt::ProcUnpin();
    });
    b.join();
    release = true;
    a.join();
    CHECK(second >= 0);
    CHECK(second < rt::Procs());
    if (rt::Procs() > 1) CHECK(second != first);
  }

  TEST_CASE("a poolDequeue on threads hands each value to exactly one of its users" * doctest::timeout(60)) {
    DequeueHammer h(200000);
    native::Result r = native::Run([&] { h.Run(3); }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(h.Wrong() == 0);
  }
}
