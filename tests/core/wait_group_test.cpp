// Tests of synclab::WaitGroup (spec section 4).
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/var.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;

TEST_SUITE("core.wait_group native") {
  TEST_CASE("Wait returns at once when the counter is zero") {
    WaitGroup wg;
    wg.Wait();
    CHECK(wg.counter() == 0);
  }

  TEST_CASE("Wait returns after every Done and sees the tasks' writes" * doctest::timeout(30)) {
    for (int round = 0; round < 50; round++) {
      WaitGroup wg;
      std::vector<int> out(8, 0);
      std::vector<std::thread> ts;
      wg.Add(8);
      for (int i = 0; i < 8; i++) {
        ts.emplace_back([&, i] {
          out[std::size_t(i)] = i + 1;  // a plain write, ordered by Done -> Wait
          wg.Done();
        });
      }
      wg.Wait();
      for (int i = 0; i < 8; i++) CHECK(out[std::size_t(i)] == i + 1);
      for (auto& t : ts) t.join();
    }
  }

  TEST_CASE("several waiters are all released") {
    native::Result r = native::Run([] {
      WaitGroup start, done;
      start.Add(1);
      done.Add(3);
      for (int i = 0; i < 3; i++) go([&] { start.Wait(); done.Done(); });
      sleep(2ms);
      start.Done();
      done.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a negative counter panics with Go's message") {
    WaitGroup wg;
    CHECK_THROWS_WITH_AS(wg.Add(-1), "sync: negative WaitGroup counter", Panic);
  }

  // The inline plain-thread Add returns at once only with no waiter: the
  // Done that takes the counter to 0 under a parked waiter must wake it.
  TEST_CASE("a plain thread's last Done wakes a plain thread parked in Wait" * doctest::timeout(30)) {
    WaitGroup wg;
    wg.Add(2);
    std::atomic<bool> returned{false};
    std::thread waiter([&] {
      wg.Wait();
      returned = true;
    });
    while (wg.waiters() == 0) std::this_thread::yield();  // parked (or about to)
    wg.Done();
    CHECK(wg.waiters() == 1);  // 1 left: not released yet
    CHECK(!returned.load());
    wg.Done();
    waiter.join();  // hangs (the timeout fails it) if the wake was skipped
    CHECK(returned.load());
    CHECK(wg.counter() == 0);
    CHECK(wg.waiters() == 0);
  }
}

TEST_SUITE("core.wait_group native") {
  TEST_CASE("a goroutine leaked on a WaitGroup of main's frame is torn down safely") {
    native::Result r = native::Run([] {
      WaitGroup wg;  // dies when main returns, before the waiter is unwound
      wg.Add(1);
      go([&] { wg.Wait(); });
      while (wg.waiters() == 0) sleep(1ms);  // G2 may start late on a loaded machine
      sleep(5ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
  }
}

TEST_SUITE("core.wait_group sim") {
  TEST_CASE("a goroutine leaked on a WaitGroup of main's frame is torn down safely in sim") {
    sim::Result r = sim::Run([] {
      WaitGroup wg;
      wg.Add(1);
      go([&] { wg.Wait(); });
      while (wg.waiters() == 0) sleep(1ms);  // G2 may start late on a loaded machine
      sleep(5ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
  }

  TEST_CASE("the last Done releases every waiter through the sema") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Result r = sim::Run([] {
      WaitGroup wg;
      wg.Add(1);
      WaitGroup finished;
      finished.Add(2);
      for (int i = 0; i < 2; i++) go([&] { wg.Wait(); finished.Done(); });
      sleep(1ms);  // both waiters park
      wg.Done();
      finished.Wait();
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    auto release = sink.Named("wg.release_waiters");
    REQUIRE(release.size() >= 1);
    CHECK(release[0].field("released") == 2);
    CHECK(release[0].field("counter") == 0);
    CHECK(release[0].field("waiters") == 0);
  }

  // Go's misuse checks: an Add that races the Add dropping the counter to 0
  // while a goroutine waits. Sweep where the racing Add lands. Inside the
  // release window it panics "Add called concurrently with Wait" (in the
  // racer, or in the releaser whose re-check sees the word changed); after
  // the reset but before the waiter runs, the waiter panics "reused before
  // previous Wait has returned". Both windows must be hit.
  TEST_CASE("an Add racing the last Done while a waiter waits panics as misuse") {
    int concurrent = 0, reused = 0;
    for (int delay = 0; delay < 120; delay++) {
      CAPTURE(delay);
      sim::Options o;
      o.procs = 2;
      o.strategy = sim::Strategy::kRoundRobin;
      sim::Result r = sim::Run([delay] {
        WaitGroup wg;
        Var<int> clock{0};
        wg.Add(1);
        go([&] { wg.Wait(); });  // G2 parks: counter 1, waiters 1
        sleep(10us);
        go([&] {  // G3 adds a little later each time
          for (int i = 0; i < delay; i++) clock.Load();
          wg.Add(1);
        });
        work(3us);     // G3 gets the other P
        wg.Add(-1);    // counter 0 with a waiter: release it...
        sleep(10us);
      }, o);
      if (r.outcome.status != rt::Status::kPanic) continue;
      if (r.outcome.message == "panic: sync: WaitGroup misuse: Add called concurrently with Wait") {
        concurrent++;
      } else {
        CHECK(r.outcome.message == "panic: sync: WaitGroup is reused before previous Wait has returned");
        reused++;
      }
    }
    CHECK(concurrent > 0);
    CHECK(reused > 0);
  }

  // Go's two "Add called concurrently with Wait" checks, each on its own.
  // G1's Add(-1) drops the counter to 0 while G2 waits; G3's Add(1) lands
  // a little later in each run. Returns the panics seen, by goroutine.
  struct Panics {
    int by_racer = 0, by_releaser = 0;
  };
  Panics RaceAddWithRelease(bool racer_recovers) {
    const std::string concurrent = "panic: sync: WaitGroup misuse: Add called concurrently with Wait";
    Panics seen;
    for (int delay = 0; delay < 120; delay++) {
      sim::Options o;
      o.procs = 2;
      o.strategy = sim::Strategy::kRoundRobin;
      sim::Result r = sim::Run([=] {
        WaitGroup wg;
        Var<int> clock{0};
        wg.Add(1);
        go([&] { wg.Wait(); });  // G2
        sleep(10us);
        go([&] {  // G3
          for (int i = 0; i < delay; i++) clock.Load();
          try {
            wg.Add(1);
          } catch (const Panic&) {
            if (!racer_recovers) throw;
          }
        });
        work(3us);
        wg.Add(-1);
        sleep(10us);
      }, o);
      if (r.outcome.status != rt::Status::kPanic || r.outcome.message != concurrent) continue;
      seen.by_racer += r.outcome.g == 3;
      seen.by_releaser += r.outcome.g == 1;
    }
    return seen;
  }

  TEST_CASE("an Add that raises the counter from 0 while a waiter waits panics in the adder") {
    Panics seen = RaceAddWithRelease(/*racer_recovers=*/false);
    CHECK(seen.by_racer > 0);
    CHECK(seen.by_releaser == 0);  // the adder's own check comes first
  }

  TEST_CASE("the Add that releases the waiters panics if the word changed after its own add") {
    // The racer recovers its own panic, so only the releaser's re-check can
    // see the change; without it the waiters are released and the racer's
    // Add is lost.
    CHECK(RaceAddWithRelease(/*racer_recovers=*/true).by_releaser > 0);
  }

  // Go's `if v > 0 || w == 0 { return }`: with nobody waiting the Add that
  // takes the counter to 0 leaves the word alone (a Store(0) there could
  // wipe out a concurrent Add).
  TEST_CASE("a Done that takes the counter to 0 with nobody waiting releases nothing") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Run([] {
      WaitGroup wg;
      wg.Add(2);
      wg.Done();
      wg.Done();
      wg.Wait();
    }, o);
    CHECK(sink.Named("wg.release_waiters").empty());
    CHECK(sink.Named("wg.wait.fast").size() == 1);
  }

  TEST_CASE("waiting on a WaitGroup nobody will finish deadlocks") {
    sim::Result r = sim::Run([] {
      WaitGroup wg;
      wg.Add(2);
      go([&] { wg.Done(); });
      wg.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSyncWaitGroupWait);
  }
}
