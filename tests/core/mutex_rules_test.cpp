// One test per rule of Go's Mutex algorithm (spec section 2): each fails
// when that rule alone is broken in core/src/mutex.cpp or the sim's canSpin.
// The programs run on the sim runtime, where the interleaving is a function
// of the program (procs 1) or of the seed.
#include <doctest/doctest.h>

#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::Collected;
using synclab::testing::OneP;

namespace {

Mutex::State Decoded(const Collected& c) { return Mutex::Decode(std::int32_t(c.field("state"))); }

// Sleeps until virtual time t (since the start of the run).
void SleepUntil(Duration t) { sleep(t - now()); }

sim::Options TwoPs(Collect& sink) {
  sim::Options o;
  o.procs = 2;
  o.strategy = sim::Strategy::kRoundRobin;
  o.sink = &sink;
  return o;
}

// main holds mu from t = 0; G2 queues at once. At `release` main unlocks,
// which wakes G2, and locks again before G2 runs; G2 loses after waiting
// about `release` and queues again. Returns G2's wake event.
Collected WaiterLosesAfter(Collect& sink, Duration release) {
  sim::Run([&] {
    Mutex mu;
    WaitGroup wg;
    wg.Add(1);
    mu.Lock();
    go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });
    SleepUntil(release);
    mu.Unlock();
    mu.Lock();
    sleep(1ms);  // G2 runs, finds it locked again
    mu.Unlock();
    wg.Wait();
  }, OneP(sink));
  auto wakes = sink.Named("mutex.lock.slow.wake", 2);
  REQUIRE(!wakes.empty());
  return wakes[0];
}

}  // namespace

TEST_SUITE("core.mutex sim") {
  TEST_CASE("a waiter starves only once it has waited more than 1 ms") {
    int starved = 0, not_starved = 0;
    for (Duration release = 980us; release <= 1020us; release += 5us) {
      CAPTURE(release.count());
      Collect sink;
      Collected wake = WaiterLosesAfter(sink, release);
      bool over = wake.field("waited") > Mutex::kStarvationThresholdNs;
      CHECK(wake.field("starving") == over);
      CHECK(sink.Named("mutex.starving.enter").size() == std::size_t(over));
      auto parks = sink.Named("mutex.lock.slow.park", 2);
      REQUIRE(parks.size() == 2);
      CHECK(Decoded(parks[1]).starving == over);
      (over ? starved : not_starved)++;
    }
    CHECK(starved > 0);
    CHECK(not_starved > 0);
  }

  // G2 starves and is handed the lock first; G3 and G4 queued behind it
  // during starvation. G2 hands it to G3 at once: G3 leaves starvation mode
  // exactly when it waited 1 ms or less, although G4 is still queued (so the
  // exit is not explained by G3 being the last waiter).
  TEST_CASE("starvation ends when the handed-off waiter waited under 1 ms while others still wait") {
    int exits_early = 0, stays = 0;
    for (Duration g3_wait : {600us, 900us, 990us, 1010us, 1100us, 1400us}) {
      CAPTURE(g3_wait.count());
      Collect sink;
      const Duration handoff = 5ms;  // when main hands the lock to G2
      sim::Result r = sim::Run([&] {
        Mutex mu;
        WaitGroup wg;
        wg.Add(3);
        mu.Lock();
        go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });  // G2
        sleep(2ms);
        mu.Unlock();
        mu.Lock();  // barges: G2 loses after 2 ms and starves
        go([&] { SleepUntil(handoff - g3_wait); mu.Lock(); mu.Unlock(); wg.Done(); });          // G3
        go([&] { SleepUntil(handoff - g3_wait + 50us); mu.Lock(); mu.Unlock(); wg.Done(); });  // G4
        SleepUntil(handoff);
        mu.Unlock();
        wg.Wait();
      }, OneP(sink));
      REQUIRE(r.outcome.status == rt::Status::kOk);
      auto g3 = sink.Named("mutex.lock.handoff", 3);
      REQUIRE(g3.size() == 1);  // starving when G2 unlocked: handed to G3
      auto exits = sink.Named("mutex.starving.exit");
      REQUIRE(exits.size() == 1);
      if (g3[0].field("waited") <= Mutex::kStarvationThresholdNs) {
        CHECK(exits[0].e.g == 3);
        CHECK(Decoded(exits[0]) == Mutex::State{true, false, false, 1});  // G4 still queued
        exits_early++;
      } else {
        CHECK(exits[0].e.g == 4);  // G4 is the last waiter
        CHECK(Decoded(g3[0]).starving);
        stays++;
      }
    }
    CHECK(exits_early > 0);
    CHECK(stays > 0);
  }

  TEST_CASE("a starving waiter that wakes to an unlocked mutex takes it without setting the starving bit") {
    Collect sink;
    sim::Run([&] {
      Mutex mu;
      WaitGroup wg;
      wg.Add(1);
      mu.Lock();
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });
      sleep(2ms);
      mu.Unlock();  // G2 runs when main waits: it finds the mutex free
      wg.Wait();
    }, OneP(sink));
    auto wake = sink.Named("mutex.lock.slow.wake", 2);
    REQUIRE(wake.size() == 1);
    CHECK(wake[0].field("starving") == 1);  // it waited 2 ms
    auto acquire = sink.Named("mutex.lock.slow.acquire", 2);
    REQUIRE(acquire.size() == 1);
    CHECK(Decoded(acquire[0]) == Mutex::State{true, false, false, 0});
    CHECK(sink.Named("mutex.starving.enter").empty());
  }

  // In starvation mode Unlock clears the locked bit and hands the lock to the
  // head waiter, which sets it again when it runs. A TryLock in between sees
  // an unlocked, starving mutex and must fail. G3 tries on the other P all
  // along.
  TEST_CASE("TryLock fails on an unlocked mutex in starvation mode during the handoff") {
    int in_window = 0, won_while_starving = 0;
    for (std::uint64_t seed = 1; seed <= 30; seed++) {
      CAPTURE(seed);
      Collect sink;
      sim::Options o = TwoPs(sink);
      o.strategy = sim::Strategy::kRandom;
      o.seed = seed;
      sim::Result r = sim::Run([&] {
        Mutex mu;
        WaitGroup wg;
        bool done = false;
        wg.Add(2);
        mu.Lock();
        go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });  // G2
        go([&] {  // G3
          while (!done) {
            if (mu.TryLock()) mu.Unlock();
          }
          wg.Done();
        });
        work(2ms);
        mu.Unlock();
        mu.Lock();
        sleep(1ms);  // G2 loses after 2 ms: starving
        mu.Unlock();  // hands off to G2
        sleep(100us);
        done = true;
        wg.Wait();
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      for (const Collected& t : sink.Named("mutex.trylock", 3)) {
        Mutex::State s = Decoded(t);
        if (t.field("ok") == 1) {
          won_while_starving += s.starving;
        } else if (!s.locked && s.starving) {
          in_window++;
        }
      }
    }
    CHECK(won_while_starving == 0);
    CHECK(in_window > 0);  // some TryLock did land in the handoff window
  }

  // Two Ps, main computing on one: spinning is allowed (G2 spins). G3 arrives
  // when the mutex is locked and starving, with the same conditions, and
  // must queue without spinning.
  TEST_CASE("a newcomer does not spin on a starving mutex where spinning is otherwise allowed") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      Mutex mu;
      WaitGroup wg;
      wg.Add(2);
      mu.Lock();
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });  // G2: spins, then parks
      work(2ms);
      mu.Unlock();   // wakes G2 on the other P ...
      mu.Lock();     // ... which loses after 2 ms and starves
      work(100us);
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });  // G3, the newcomer
      work(1ms);     // main keeps its P busy the whole time
      mu.Unlock();
      wg.Wait();
    }, TwoPs(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK_FALSE(sink.Named("mutex.lock.slow.spin", 2).empty());  // spinning was allowed
    auto g3_slow = sink.Named("mutex.lock.slow", 3);
    REQUIRE(g3_slow.size() == 1);
    CHECK(Decoded(g3_slow[0]).starving);
    CHECK(sink.Named("mutex.lock.slow.spin", 3).empty());
    CHECK(sink.Named("mutex.lock.slow.park", 3).size() == 1);
  }

  TEST_CASE("a goroutine does not spin when no other P is running") {
    Collect sink;
    sim::Run([&] {
      Mutex mu;
      WaitGroup wg;
      wg.Add(1);
      mu.Lock();
      go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });
      sleep(1ms);  // the holder sleeps: G2 runs alone, the other P is idle
      mu.Unlock();
      wg.Wait();
    }, TwoPs(sink));
    REQUIRE(sink.Named("mutex.lock.slow", 2).size() == 1);
    CHECK(sink.Named("mutex.lock.slow.spin", 2).empty());
  }

  // G2 starts on the other P (main keeps its own busy). The goroutine that
  // locks is G2 itself (nothing queued), G2 after it started G3 (G3 waits in
  // runnext), or G4 started by G2 after G3 (G4 runs from runnext, G3 waits in
  // the local queue).
  TEST_CASE("a goroutine does not spin while its own P has a goroutine queued") {
    enum Queued { kNothing, kRunnext, kLocalQueue };
    for (Queued queued : {kNothing, kRunnext, kLocalQueue}) {
      CAPTURE(int(queued));
      Collect sink;
      sim::Run([&] {
        Mutex mu;
        WaitGroup wg;
        wg.Add(1);
        auto lock = [&] { mu.Lock(); mu.Unlock(); wg.Done(); };
        mu.Lock();
        go([&] {  // G2
          if (queued == kNothing) return lock();
          go([] {});  // G3
          if (queued == kRunnext) return lock();
          go(lock);   // G4; G2 ends and its P takes G4 from runnext
        });
        work(1ms);  // the holder keeps the other P running
        mu.Unlock();
        wg.Wait();
      }, TwoPs(sink));
      REQUIRE(sink.Named("mutex.lock.slow").size() == 1);
      CHECK(sink.Named("mutex.lock.slow.spin").size() == (queued == kNothing ? 4u : 0u));
    }
  }
}
