// Tests of the epoch-based reclamation behind Map (rt/epoch.h): what is
// retired is freed only after every reader that could hold it has left, a
// writer never waits for a reader, and readers on one thread (sim fibers)
// are told apart by epoch so that reclamation goes on while they overlap.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "synclab/go.h"
#include "synclab/rt/epoch.h"
#include "synclab/sim.h"

using namespace synclab;
using namespace std::chrono_literals;

namespace {

std::atomic<int> g_alive{0};

// A retired object that says whether it is still there.
struct Node : rt::Retired {
  static constexpr std::uint64_t kMagic = 0x5EED5EED5EED5EEDull;
  explicit Node(int v) : Retired(&Free), value(v) { g_alive++; }
  ~Node() {
    magic = 0;
    g_alive--;
  }
  static void Free(rt::Retired* r) noexcept { delete static_cast<Node*>(r); }
  std::uint64_t magic = kMagic;
  int value;
};

// Collects until nothing more can be freed.
std::size_t Drain(rt::Reclaimer& r) {
  std::size_t freed = 0;
  for (int i = 0; i < 4; i++) freed += r.Collect();
  return freed;
}

}  // namespace

TEST_SUITE("core.epoch native") {
  TEST_CASE("an object retired while a reader is inside is freed only after the reader leaves") {
    rt::Reclaimer r;
    std::atomic<bool> inside{false}, leave{false};
    std::thread reader([&] {
      rt::EpochGuard pin;
      inside = true;
      while (!leave) std::this_thread::yield();
    });
    while (!inside) std::this_thread::yield();
    r.Retire(new Node(1));
    CHECK(Drain(r) == 0);  // the reader could hold it: the writer does not wait, it moves on
    CHECK(r.pending() == 1);
    leave = true;
    reader.join();
    CHECK(Drain(r) == 1);
    CHECK(r.pending() == 0);
  }

  TEST_CASE("what was retired before a reader came in is freed while it stays") {
    rt::Reclaimer r;
    r.Retire(new Node(1));
    Drain(r);  // freed, or at least the epoch moved past it
    std::atomic<bool> inside{false}, leave{false};
    r.Retire(new Node(2));
    rt::TryAdvanceEpoch();
    rt::TryAdvanceEpoch();  // node 2 is two epochs old now: no reader can hold it
    std::thread reader([&] {
      rt::EpochGuard pin;
      inside = true;
      while (!leave) std::this_thread::yield();
    });
    while (!inside) std::this_thread::yield();
    Drain(r);
    CHECK(r.pending() == 0);
    leave = true;
    reader.join();
  }

  TEST_CASE("readers and writers hammering one pointer never see freed memory" * doctest::timeout(60)) {
    rt::Reclaimer r;
    std::atomic<Node*> shared{new Node(0)};
    std::atomic<bool> stop{false};
    std::atomic<long> reads{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; t++) {
      threads.emplace_back([&] {
        while (!stop.load(std::memory_order_relaxed)) {
          rt::EpochGuard pin;
          const Node* n = shared.load();
          CHECK(n->magic == Node::kMagic);
          reads.fetch_add(1, std::memory_order_relaxed);
        }
      });
    }
    for (int w = 0; w < 2; w++) {
      threads.emplace_back([&, w] {
        for (int i = 0; i < 20000; i++) {
          rt::EpochGuard pin;  // writers read too (Map's writers are pinned)
          Node* old = shared.exchange(new Node(w * 100000 + i));
          r.Retire(old);
        }
      });
    }
    for (std::size_t i = 3; i < threads.size(); i++) threads[i].join();
    stop = true;
    for (std::size_t i = 0; i < 3; i++) threads[i].join();
    CHECK(reads.load() > 0);
    Drain(r);
    CHECK(r.pending() < 40000);  // most were freed along the way
    delete shared.load();
  }

  TEST_CASE("a Reclaimer frees what is left when it is destroyed") {
    const int before = g_alive;
    {
      rt::EpochGuard pin;  // keeps everything from being freed early
      rt::Reclaimer r;
      for (int i = 0; i < 100; i++) r.Retire(new Node(i));
      CHECK(g_alive == before + 100);
    }
    CHECK(g_alive == before);
  }
}

TEST_SUITE("core.epoch sim") {
  // Goroutines of the sim share one thread. Their read sections overlap all
  // the time here (the thread never has none), yet a reader that has left
  // no longer holds back what was retired after it came in.
  TEST_CASE("overlapping readers on one thread do not stop reclamation") {
    rt::Reclaimer r;
    std::size_t most_pending = 0;
    sim::Options o;
    o.procs = 1;
    sim::Run([&] {
      std::atomic<bool> done{false};
      // Two readers that take turns, each entering before the other leaves.
      for (int g = 0; g < 2; g++) {
        go([&, g] {
          if (g == 1) sleep(50us);
          while (!done) {
            rt::EpochGuard pin;
            sleep(100us);
          }
        });
      }
      for (int i = 0; i < 2000; i++) {
        r.Retire(new Node(i));
        most_pending = std::max(most_pending, r.pending());
        if (i % 10 == 0) sleep(30us);
      }
      done = true;
      sleep(1ms);
    }, o);
    CHECK(most_pending < 500);
  }
}
