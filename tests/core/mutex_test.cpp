// Tests of synclab::Mutex on both runtimes (spec section 2).
#include <doctest/doctest.h>

#include <mutex>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/var.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

// Restores the default fatal handler when a test ends.
struct ThrowOnFatal {
  rt::FatalHandler saved = rt::SetFatalHandler(&rt::ThrowingFatalHandler);
  ~ThrowOnFatal() { rt::SetFatalHandler(saved); }
};

// n goroutines each add `iters` to a Var under mu; the Var makes the load
// and the store two steps, so without mutual exclusion updates get lost.
int CountUnderLock(int n, int iters) {
  Mutex mu{"mu"};
  WaitGroup wg;
  Var<int> count{0, "count"};
  for (int i = 0; i < n; i++) {
    wg.Add(1);
    go([&] {
      for (int j = 0; j < iters; j++) {
        mu.Lock();
        count.Store(count.Load() + 1);
        mu.Unlock();
      }
      wg.Done();
    });
  }
  wg.Wait();
  return count.Load();
}

}  // namespace

TEST_SUITE("core.mutex native") {
  TEST_CASE("Lock excludes other threads from the critical section" * doctest::timeout(30)) {
    for (int threads : {2, 8}) {
      CAPTURE(threads);
      Mutex mu;
      long count = 0;  // a plain long: a lost update would show as a wrong total
      std::vector<std::thread> ts;
      for (int t = 0; t < threads; t++) {
        ts.emplace_back([&] {
          for (int i = 0; i < 100000; i++) {
            std::lock_guard l(mu);
            count++;
          }
        });
      }
      for (auto& t : ts) t.join();
      CHECK(count == 100000L * threads);
      CHECK(mu.state() == 0);
    }
  }

  TEST_CASE("goroutines of a native run exclude each other and the run ends ok") {
    int total = 0;
    native::Result r = native::Run([&] { total = CountUnderLock(8, 20000); }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(total == 8 * 20000);
  }

  TEST_CASE("TryLock takes a free mutex and refuses a held one") {
    Mutex mu;
    REQUIRE(mu.TryLock());
    CHECK(mu.state() == Mutex::kLocked);
    bool other = true;
    std::thread([&] { other = mu.TryLock(); }).join();
    CHECK_FALSE(other);
    mu.Unlock();
    CHECK(mu.state() == 0);
  }

  TEST_CASE("std::lock_guard and std::unique_lock and std::scoped_lock work with it") {
    Mutex a, b;
    { std::lock_guard l(a); CHECK(a.state() == Mutex::kLocked); }
    { std::unique_lock l(a, std::try_to_lock); CHECK(l.owns_lock()); }
    { std::scoped_lock l(a, b); CHECK(a.state() == Mutex::kLocked); CHECK(b.state() == Mutex::kLocked); }
    CHECK(a.state() == 0);
    CHECK(b.state() == 0);
  }

  TEST_CASE("Unlock of an unlocked mutex is Go's fatal error") {
    ThrowOnFatal fatal;
    Mutex mu;
    CHECK_THROWS_WITH_AS(mu.Unlock(), "sync: unlock of unlocked mutex", FatalError);
  }

  TEST_CASE("a native run reports unlock of unlocked as outcome fatal") {
    native::Result r = native::Run([] { Mutex mu; mu.Unlock(); }, {});
    CHECK(r.outcome.status == rt::Status::kFatal);
    CHECK(r.outcome.message == "fatal error: sync: unlock of unlocked mutex");
  }

  TEST_CASE("a native run that locks twice ends in Go's deadlock error") {
    native::Result r = native::Run([] { Mutex mu; mu.Lock(); mu.Lock(); }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    CHECK(r.outcome.message == "fatal error: all goroutines are asleep - deadlock!");
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSyncMutexLock);
  }

  TEST_CASE("a traced native run records per-mutex events whose states chain") {
    Collect sink;
    native::Options o;
    o.sink = &sink;
    ObjectId mu_id = 0;
    native::Run([&] {
      Mutex mu;
      mu_id = mu.id();
      WaitGroup wg;
      for (int i = 0; i < 4; i++) {
        wg.Add(1);
        go([&] {
          for (int j = 0; j < 2000; j++) { mu.Lock(); mu.Unlock(); }
          wg.Done();
        });
      }
      wg.Wait();
    }, o);
    // Every transition event is recorded right after its step, under the
    // mutex's trace stripe: a fast lock always follows an unlocked state and
    // the last event leaves the mutex unlocked.
    std::int32_t prev = 0;
    int transitions = 0;
    for (const auto& c : sink.events) {
      if (c.e.obj != mu_id) continue;
      std::int32_t state = std::int32_t(c.field("state"));
      if (c.name() == "mutex.lock.fast") {
        CHECK(prev == 0);
        CHECK(state == Mutex::kLocked);
      }
      if (c.name() == "mutex.unlock.fast") CHECK(state == 0);
      prev = state;
      transitions++;
    }
    CHECK(transitions >= 4 * 2000 * 2);
    CHECK(prev == 0);
  }
}

TEST_SUITE("core.mutex sim") {
  TEST_CASE("Lock excludes other goroutines for every seed and strategy and procs") {
    for (int procs : {1, 2, 4}) {
      for (sim::Strategy strategy : {sim::Strategy::kRandom, sim::Strategy::kRoundRobin}) {
        for (std::uint64_t seed = 1; seed <= 40; seed++) {
          CAPTURE(procs);
          CAPTURE(seed);
          int total = 0;
          sim::Options o;
          o.seed = seed;
          o.strategy = strategy;
          o.procs = procs;
          sim::Result r = sim::Run([&] { total = CountUnderLock(4, 30); }, o);
          REQUIRE(r.outcome.status == rt::Status::kOk);
          CHECK(total == 4 * 30);
        }
      }
    }
  }

  TEST_CASE("without the lock the same program loses updates for some seed") {
    int lost_seeds = 0;
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      int total = 0;
      sim::Options o;
      o.seed = seed;
      sim::Run([&] {
        WaitGroup wg;
        Var<int> count{0};
        for (int i = 0; i < 4; i++) {
          wg.Add(1);
          go([&] {
            for (int j = 0; j < 30; j++) count.Store(count.Load() + 1);
            wg.Done();
          });
        }
        wg.Wait();
        total = count.Load();
      }, o);
      lost_seeds += total < 120;
    }
    CHECK(lost_seeds > 0);  // the test above would catch a Mutex that excluded nothing
  }

  // procs = 1 makes the interleaving a pure function of the program: the
  // holder sleeps with the lock held, so the waiter runs exactly then.
  TEST_CASE("a waiter that waited over 1 ms enters starvation and gets the lock handed off and the mode is left") {
    Collect sink;
    sim::Options o = OneP(sink);
    GoroutineId holder = 1, waiter = 2, late = 3;
    sim::Result r = sim::Run([&] {
      Mutex mu;
      WaitGroup wg;
      wg.Add(2);
      mu.Lock();
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });          // G2 waits from t = 0
      sleep(2ms);                                              // G2 parks
      mu.Unlock();                                             // wakes G2 (woken bit)...
      mu.Lock();                                               // ...but main barges in
      go([&] { sleep(1ms); mu.Lock(); mu.Unlock(); wg.Done(); });  // G3: a newcomer
      sleep(2ms);  // G2 wakes after 2 ms: starving; G3 arrives during starvation
      mu.Unlock();  // handoff to G2, which is not the last waiter: mode stays
      wg.Wait();
    }, o);
    REQUIRE(r.outcome.status == rt::Status::kOk);

    auto enter = sink.Named("mutex.starving.enter");
    REQUIRE(enter.size() == 1);
    CHECK(enter[0].e.g == waiter);
    CHECK(enter[0].field("waited") > Mutex::kStarvationThresholdNs);
    CHECK(Mutex::Decode(std::int32_t(enter[0].field("state"))).starving);

    // The newcomer neither spins nor grabs: it queues (FIFO) behind G2.
    CHECK(sink.Named("mutex.lock.slow.spin", late).empty());
    auto late_park = sink.Named("mutex.lock.slow.park", late);
    REQUIRE(late_park.size() == 1);
    CHECK(late_park[0].field("lifo") == 0);
    CHECK(late_park[0].e.t_ns > enter[0].e.t_ns);

    // Unlock in starvation hands the lock to the head waiter, G2 ...
    auto handoffs = sink.Named("mutex.lock.handoff");
    REQUIRE(handoffs.size() == 2);
    CHECK(handoffs[0].e.g == waiter);
    auto released = sink.Named("sema.release.handoff");
    REQUIRE(released.size() == 2);
    CHECK(released[0].field("waiter") == std::int64_t(waiter));
    CHECK(released[0].e.g == holder);
    // ... which waited > 1 ms and was not the last waiter, so the mode stays;
    // then G2 hands it to G3, the last waiter, and starvation ends.
    CHECK(Mutex::Decode(std::int32_t(handoffs[0].field("state"))).starving);
    CHECK(handoffs[1].e.g == late);
    auto exits = sink.Named("mutex.starving.exit");
    REQUIRE(exits.size() == 1);
    CHECK(exits[0].e.g == late);
    CHECK(Mutex::Decode(std::int32_t(exits[0].field("state"))) ==
          Mutex::State{true, false, false, 0});
  }

  TEST_CASE("starvation mode is left when the handed-off waiter waited less than 1 ms") {
    Collect sink;
    sim::Options o = OneP(sink);
    sim::Run([&] {
      Mutex mu;
      WaitGroup wg;
      wg.Add(2);
      mu.Lock();
      go([&] { mu.Lock(); sleep(100us); mu.Unlock(); wg.Done(); });  // G2: starves
      sleep(2ms);
      mu.Unlock();
      mu.Lock();
      go([&] { sleep(1900us); mu.Lock(); mu.Unlock(); wg.Done(); });  // G3: arrives late
      sleep(2ms);
      mu.Unlock();  // hand off to G2 (starving, not last: mode stays)
      wg.Wait();    // G2 unlocks after 100 us: hand off to G3, who waited < 1 ms
    }, o);
    auto exits = sink.Named("mutex.starving.exit");
    REQUIRE(exits.size() == 1);
    CHECK(exits[0].e.g == 3);
    CHECK(exits[0].field("waited") < Mutex::kStarvationThresholdNs);
  }

  TEST_CASE("in normal mode a woken waiter that loses to a newcomer is requeued at the head (lifo)") {
    Collect sink;
    sim::Options o = OneP(sink);
    sim::Run([&] {
      Mutex mu;
      WaitGroup wg;
      wg.Add(2);
      mu.Lock();
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });  // G2, first waiter
      sleep(10us);
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });  // G3, second waiter
      sleep(100us);
      mu.Unlock();  // wakes G2
      mu.Lock();    // barges in before G2 runs
      sleep(100us); // G2 loses and requeues at the head, in front of G3
      mu.Unlock();
      wg.Wait();
    }, o);
    auto g2 = sink.Named("mutex.lock.slow.park", 2);
    REQUIRE(g2.size() == 2);
    CHECK(g2[0].field("lifo") == 0);
    CHECK(g2[1].field("lifo") == 1);
    auto enq = sink.Named("sema.acquire.enqueue", 2);
    REQUIRE(enq.size() == 2);
    CHECK(enq[1].field("lifo") == 1);
    // The next wakeup picks G2 again, not G3, although G3 queued first now.
    auto wakes = sink.Named("sema.release.wake");
    REQUIRE(wakes.size() >= 2);
    CHECK(wakes[0].field("waiter") == 2);
    CHECK(wakes[1].field("waiter") == 2);
  }

  TEST_CASE("a goroutine spins at most 4 times and only with another P running") {
    for (int procs : {1, 2}) {
      Collect sink;
      sim::Options o;
      o.procs = procs;
      o.sink = &sink;
      o.strategy = sim::Strategy::kRoundRobin;
      sim::Run([&] {
        Mutex mu;
        WaitGroup wg;
        wg.Add(1);
        mu.Lock();
        go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });
        for (int i = 0; i < 100; i++) work(1us);  // hold the lock while G2 runs on the other P
        mu.Unlock();
        wg.Wait();
      }, o);
      auto spins = sink.Named("mutex.lock.slow.spin", 2);
      if (procs == 1) {
        CHECK(spins.empty());
      } else {
        REQUIRE(spins.size() == 4);
        for (int i = 0; i < 4; i++) CHECK(spins[std::size_t(i)].field("iter") == i);
      }
    }
  }

  TEST_CASE("TryLock barges past a woken waiter in normal mode and fails in starvation mode") {
    Collect sink;
    sim::Options o = OneP(sink);
    bool barged = false, during_starvation = true;
    sim::Run([&] {
      Mutex mu;
      WaitGroup wg;
      wg.Add(1);
      mu.Lock();
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });  // G2 parks
      sleep(2ms);
      mu.Unlock();              // wakes G2, which has not run yet
      barged = mu.TryLock();    // the woken waiter does not own it: we may take it
      sleep(2ms);               // G2 loses, waited > 1 ms: sets the starving bit
      during_starvation = mu.TryLock();  // locked and starving: no
      mu.Unlock();
      wg.Wait();
    }, o);
    CHECK(barged);
    CHECK_FALSE(during_starvation);
    auto tries = sink.Named("mutex.trylock", 1);
    REQUIRE(tries.size() == 2);
    CHECK(tries[0].field("ok") == 1);
    CHECK(tries[1].field("ok") == 0);
    CHECK(Mutex::Decode(std::int32_t(tries[1].field("state"))).starving);
  }

  TEST_CASE("Unlock of an unlocked mutex ends the run with Go's fatal message") {
    sim::Result r = sim::Run([] { Mutex mu; mu.Unlock(); }, {});
    CHECK(r.outcome.status == rt::Status::kFatal);
    CHECK(r.outcome.message == "fatal error: sync: unlock of unlocked mutex");
    CHECK(r.outcome.g == 1);
  }

  TEST_CASE("locking a mutex twice deadlocks with Go's message and says who waits on what") {
    ObjectId sema_of_mu = 0;
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Result r = sim::Run([&] { Mutex mu; mu.Lock(); mu.Lock(); }, o);
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    CHECK(r.outcome.message == "fatal error: all goroutines are asleep - deadlock!");
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].g == 1);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSyncMutexLock);
    auto parks = sink.Named("go.park");
    REQUIRE(parks.size() == 1);
    sema_of_mu = parks[0].e.obj;
    CHECK(r.outcome.blocked[0].obj == sema_of_mu);
  }
}
