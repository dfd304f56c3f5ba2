// Tests of the native runtime's tracking: deadlock, leaks, panics, teardown.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <stdexcept>

#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;

TEST_SUITE("core.native native") {
  TEST_CASE("an ABBA lock order deadlocks and is reported instead of hanging" * doctest::timeout(30)) {
    native::Result r = native::Run([] {
      Mutex a, b;
      WaitGroup wg, both_hold;  // both_hold: a loaded machine may start G3 late
      wg.Add(2);
      both_hold.Add(2);
      go([&] { a.Lock(); both_hold.Done(); both_hold.Wait(); b.Lock(); wg.Done(); });
      go([&] { b.Lock(); both_hold.Done(); both_hold.Wait(); a.Lock(); wg.Done(); });
      wg.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    CHECK(r.outcome.message == "fatal error: all goroutines are asleep - deadlock!");
    CHECK(r.outcome.blocked.size() == 3);
  }

  TEST_CASE("sleeping goroutines are not a deadlock") {
    native::Result r = native::Run([] {
      Mutex mu;
      mu.Lock();
      go([&] { sleep(20ms); mu.Unlock(); });
      mu.Lock();  // parked while the other sleeps
      mu.Unlock();
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a goroutine still blocked when main returns is reported as leaked") {
    static Mutex* mu = nullptr;
    mu = new Mutex;
    native::Result r = native::Run([] {
      mu->Lock();
      go([] { mu->Lock(); });
      // Wait until G2 has registered as a waiter (a loaded machine may start
      // its thread late), then give it time to park.
      while (Mutex::Decode(mu->state()).waiters == 0) sleep(1ms);
      sleep(20ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
    CHECK(r.outcome.blocked.size() == 1);
  }

  TEST_CASE("a panic in a goroutine ends the run with Go's panic line") {
    native::Result r = native::Run([] {
      WaitGroup wg;
      wg.Add(1);
      go([] { throw Panic("something broke"); });
      wg.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kPanic);
    CHECK(r.outcome.message == "panic: something broke");
  }

  TEST_CASE("goroutines left parked are unwound with their destructors" * doctest::timeout(30)) {
    static std::atomic<int> destroyed{0};
    destroyed = 0;
    struct Witness {
      ~Witness() { destroyed++; }
    };
    native::Result r = native::Run([] {
      auto mu = std::make_shared<Mutex>();  // shared: the goroutines outlive main's frame
      mu->Lock();
      for (int i = 0; i < 4; i++) go([mu] { Witness w; mu->Lock(); });
      Witness w;
      mu->Lock();
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    CHECK(destroyed == 5);
  }
}
