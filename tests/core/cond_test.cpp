// Tests of synclab::Cond (spec section 5), after Go's cond_test.go: Signal
// wakes the oldest waiter, Broadcast wakes all, a late waiter cannot steal a
// Signal, a Signal that runs ahead of its waiter, the copy check.
#include <doctest/doctest.h>

#include <cstring>
#include <new>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/cond.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/rwmutex.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

TEST_SUITE("core.cond sim") {
  // Go's TestCondSignalGenerations: waiter i waits i-th; each Signal must wake
  // exactly the oldest waiter.
  TEST_CASE("Signal wakes the waiters one at a time in the order they waited") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      std::vector<int> woken;
      sim::Options o;
      o.seed = seed;
      sim::Result r = sim::Run([&] {
        Mutex mu;
        Cond c(mu);
        WaitGroup waiting, done;
        const int n = 5;
        done.Add(n);
        for (int i = 0; i < n; i++) {
          waiting.Add(1);
          go([&, i] {
            mu.Lock();
            waiting.Done();
            c.Wait();
            woken.push_back(i);
            mu.Unlock();
            done.Done();
          });
          waiting.Wait();  // waiter i holds its ticket before i+1 starts
        }
        for (int i = 0; i < n; i++) {
          mu.Lock();
          c.Signal();
          mu.Unlock();
          sleep(100us);  // let the woken waiter record itself
        }
        done.Wait();
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      CHECK(woken == std::vector<int>{0, 1, 2, 3, 4});
    }
  }

  TEST_CASE("Broadcast wakes every waiter and notifies every ticket") {
    Collect sink;
    int woken = 0;
    sim::Run([&] {
      Mutex mu;
      Cond c(mu, "c");
      WaitGroup done;
      done.Add(3);
      for (int i = 0; i < 3; i++) {
        go([&] { mu.Lock(); c.Wait(); woken++; mu.Unlock(); done.Done(); });
      }
      sleep(1ms);
      mu.Lock();
      c.Broadcast();
      mu.Unlock();
      done.Wait();
    }, OneP(sink));
    CHECK(woken == 3);
    auto b = sink.Named("cond.broadcast");
    REQUIRE(b.size() == 1);
    CHECK(b[0].field("from") == 0);
    CHECK(b[0].field("to") == 3);
    CHECK(b[0].field("woken") == 3);
    CHECK(b[0].field("parked") == 0);
    CHECK(sink.Named("cond.wait.wake").size() == 3);
  }

  // Go's TestCondSignalStealing: once the first waiter is in Wait, a Signal
  // races a second goroutine that starts waiting. The second may or may not
  // be woken, but the first must be: the Signal's ticket is the first's.
  TEST_CASE("a waiter that races a Signal does not steal it from the earlier waiter") {
    for (std::uint64_t seed = 1; seed <= 30; seed++) {
      CAPTURE(seed);
      bool first_woke = false;
      sim::Options o;
      o.seed = seed;
      sim::Result r = sim::Run([&] {
        Mutex mu;
        Cond c(mu);
        WaitGroup queued, first, late;
        queued.Add(1);
        first.Add(1);
        late.Add(1);
        go([&] {
          mu.Lock();
          queued.Done();
          c.Wait();
          first_woke = true;
          mu.Unlock();
          first.Done();
        });
        queued.Wait();
        mu.Lock();  // the first waiter holds mu until it is in Wait
        mu.Unlock();
        bool late_done = false;
        go([&] { c.Signal(); });
        go([&] {
          mu.Lock();
          while (!late_done) c.Wait();
          mu.Unlock();
          late.Done();
        });
        first.Wait();  // deadlocks if the late waiter took the Signal
        mu.Lock();
        late_done = true;
        mu.Unlock();
        c.Broadcast();
        late.Wait();
      }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
      CHECK(first_woke);
    }
  }

  // The ticket is taken under L; the Signal comes between the waiter's
  // Unlock of L and its sleep: the waiter sees itself notified.
  TEST_CASE("a Signal that runs ahead of its waiter keeps the waiter from sleeping") {
    int ahead = 0, early = 0;
    for (std::uint64_t seed = 1; seed <= 200 && (ahead == 0 || early == 0); seed++) {
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.procs = 2;
      o.sink = &sink;
      sim::Result r = sim::Run([&] {
        Mutex mu;
        Cond c(mu);
        WaitGroup done;
        done.Add(1);
        bool ready = false;
        go([&] {
          mu.Lock();
          while (!ready) c.Wait();
          mu.Unlock();
          done.Done();
        });
        for (int i = 0; i < 200; i++) {
          mu.Lock();
          if (i == 199) ready = true;
          c.Signal();
          mu.Unlock();
        }
        done.Wait();
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      int seed_ahead = int(sink.Named("cond.signal.ahead").size());
      int seed_early = int(sink.Named("cond.wait.early").size());
      CHECK(seed_ahead == seed_early);  // each Signal ahead is seen by its waiter
      ahead += seed_ahead;
      early += seed_early;
    }
    CHECK(ahead > 0);
  }

  // The ticket is taken before L is unlocked, so a Signal that comes after
  // the waiter's Unlock and before its sleep is still for it.
  TEST_CASE("a Signal between the waiter's Unlock and its sleep is not lost") {
    for (std::uint64_t seed = 1; seed <= 100; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      sim::Result r = sim::Run([] {
        Mutex mu;
        Cond c(mu);
        bool flag = false;
        WaitGroup done;
        done.Add(1);
        go([&] {
          mu.Lock();
          while (!flag) c.Wait();
          mu.Unlock();
          done.Done();
        });
        go([&] {
          mu.Lock();
          flag = true;
          mu.Unlock();
          c.Signal();
        });
        done.Wait();
      }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
    }
  }

  // Waiters may reach the list in another order than their tickets (one
  // unlocked L first but queued later); Signal wakes the waiter of the
  // oldest ticket, or lets it skip its sleep, never a second one.
  TEST_CASE("each Signal lets exactly one Wait return") {
    for (std::uint64_t seed = 1; seed <= 60; seed++) {
      CAPTURE(seed);
      int returned = -1;
      sim::Options o;
      o.seed = seed;
      o.procs = 4;
      sim::Run([&] {
        Mutex mu;
        Cond c(mu);
        WaitGroup holding, finished;
        int n = 0;
        holding.Add(4);
        finished.Add(4);
        for (int i = 0; i < 4; i++) {
          go([&] {
            mu.Lock();
            holding.Done();
            c.Wait();  // once, without a loop: counts the wakeups
            n++;
            mu.Unlock();
            finished.Done();
          });
        }
        holding.Wait();
        mu.Lock();  // every waiter has its ticket now
        mu.Unlock();
        c.Signal();
        c.Signal();
        sleep(1ms);
        mu.Lock();
        returned = n;
        mu.Unlock();
        c.Broadcast();
        finished.Wait();
      }, o);
      CHECK(returned == 2);
    }
  }

  // B takes ticket 0 and unlocks L, and its time slice ends before it
  // queues; A then takes ticket 1 and queues first. Signal must wake B, the
  // oldest ticket, not the head of the list. The sweep moves the end of B's
  // slice through its Wait.
  TEST_CASE("Signal wakes the oldest ticket even when its waiter queued second") {
    int reordered = 0;
    for (std::int64_t before = 3000; before >= 0; before -= 10) {
      CAPTURE(before);
      Collect sink;
      sim::Run([&] {
        Mutex mu;
        Cond c(mu);
        WaitGroup done;
        done.Add(2);
        auto waiter = [&](Duration hold) {
          mu.Lock();
          work(hold);
          c.Wait();
          mu.Unlock();
          done.Done();
        };
        go([&] { waiter(0ns); });                            // G2: A
        go([&] { waiter(Duration(10'000'000 - before)); });  // G3: B, runs first
        sleep(20ms);
        c.Signal();
        sleep(1ms);
        c.Broadcast();
        done.Wait();
      }, OneP(sink));
      auto parks = sink.Named("cond.wait.park");
      REQUIRE(parks.size() == 2);
      if (parks[0].field("ticket") != 1) continue;  // B queued first this time
      reordered++;
      auto wake = sink.Named("cond.signal.wake");
      REQUIRE(wake.size() == 1);
      CHECK(wake[0].field("ticket") == 0);
      CHECK(wake[0].field("waiter") == 3);
    }
    CHECK(reordered > 0);
  }

  TEST_CASE("Wait works with an RWMutex and with its RLocker") {
    sim::Result r = sim::Run([] {
      RWMutex rw;
      Cond writers(rw), readers(rw.RLocker());
      WaitGroup done;
      done.Add(2);
      bool flag = false;
      go([&] { rw.Lock(); while (!flag) writers.Wait(); rw.Unlock(); done.Done(); });
      go([&] { rw.RLock(); while (!flag) readers.Wait(); rw.RUnlock(); done.Done(); });
      sleep(1ms);
      rw.Lock();
      flag = true;
      writers.Signal();
      readers.Signal();
      rw.Unlock();
      done.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a waiter nobody signals deadlocks with Go's wait reason") {
    sim::Result r = sim::Run([] {
      Mutex mu;
      Cond c(mu);
      mu.Lock();
      c.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSyncCondWait);
  }
}

TEST_SUITE("core.cond native") {
  TEST_CASE("Broadcast on threads releases every waiter" * doctest::timeout(30)) {
    native::Result r = native::Run([] {
      Mutex mu;
      Cond c(mu);
      WaitGroup done;
      int generation = 0;
      const int n = 8;
      done.Add(n);
      for (int i = 0; i < n; i++) {
        go([&] {
          mu.Lock();
          while (generation == 0) c.Wait();
          mu.Unlock();
          done.Done();
        });
      }
      sleep(5ms);
      mu.Lock();
      generation = 1;
      c.Broadcast();
      mu.Unlock();
      done.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  // Go's TestCondCopy: a Cond copied after first use panics at the next use.
  // C++ forbids copying a Cond, so the copy here is a bitwise one, as a Go
  // struct copy is.
  TEST_CASE("a Cond used after a bitwise copy panics sync.Cond is copied") {
    Mutex mu;
    Cond original(mu);
    original.Signal();  // first use: the checker remembers this address
    alignas(Cond) unsigned char copy[sizeof(Cond)];
    std::memcpy(static_cast<void*>(copy), static_cast<const void*>(&original), sizeof(Cond));
    Cond* moved = std::launder(reinterpret_cast<Cond*>(copy));
    CHECK_THROWS_WITH_AS(moved->Signal(), "sync.Cond is copied", Panic);
    CHECK_NOTHROW(original.Signal());
  }
}
