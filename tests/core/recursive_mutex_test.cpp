// Tests of the course's Mutex extensions: the metrics read off the state
// word (mutex_metrics.h), RecursiveMutex and TokenRecursiveMutex
// (recursive_mutex.h).
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/mutex_metrics.h"
#include "synclab/native.h"
#include "synclab/recursive_mutex.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;
namespace mm = synclab::mutexmetrics;

namespace {

struct FatalAsThrow {
  FatalAsThrow() : saved(rt::SetFatalHandler(&rt::ThrowingFatalHandler)) {}
  ~FatalAsThrow() { rt::SetFatalHandler(saved); }
  rt::FatalHandler saved;
};

struct Metrics {
  int count;
  bool locked, woken, starving;
  friend bool operator==(const Metrics&, const Metrics&) = default;
};
Metrics Read(const Mutex& mu) {
  return {mm::Count(mu), mm::IsLocked(mu), mm::IsWoken(mu), mm::IsStarving(mu)};
}

}  // namespace

TEST_SUITE("core.mutex_metrics") {
  TEST_CASE("a free Mutex counts 0 and has no bit set and a held one counts its holder") {
    Mutex mu;
    CHECK(Read(mu) == Metrics{0, false, false, false});
    mu.Lock();
    CHECK(Read(mu) == Metrics{1, true, false, false});
    mu.Unlock();
    CHECK(Read(mu) == Metrics{0, false, false, false});
  }

  TEST_CASE("the metrics in each state: waiters + holder then woken then starving") {
    // One P: goroutines switch only where they block, so each state below is
    // the one the program builds, for every seed.
    Collect sink;
    std::vector<Metrics> seen;
    sim::Result r = sim::Run([&] {
      Mutex mu{"mu"};
      WaitGroup wg;
      mu.Lock();
      wg.Add(2);
      for (int i = 0; i < 2; i++) go([&] { mu.Lock(); mu.Unlock(); wg.Done(); });
      sleep(2ms);  // both park on mu and wait more than 1 ms
      seen.push_back(Read(mu));  // locked, two waiters: 3 (the course's Count says 2)
      mu.Unlock();               // wakes the first waiter: woken bit, one waiter left
      seen.push_back(Read(mu));
      mu.Lock();                 // barges in before the woken waiter runs
      sleep(10us);               // the waiter finds it locked after > 1 ms: starving
      seen.push_back(Read(mu));
      mu.Unlock();               // hands it to that waiter
      wg.Wait();
      seen.push_back(Read(mu));
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    REQUIRE(seen.size() == 4);
    CHECK(seen[0] == Metrics{3, true, false, false});
    CHECK(seen[1] == Metrics{1, false, true, false});
    CHECK(seen[2] == Metrics{3, true, false, true});
    CHECK(seen[3] == Metrics{0, false, false, false});
    // Every read is a mutex.metrics event with the word it read.
    auto ev = sink.Named("mutex.metrics");
    REQUIRE(ev.size() == 16);
    CHECK(ev[0].field("count") == 3);
    CHECK(ev[0].field("state") == (Mutex::kLocked | 2 << Mutex::kWaiterShift));
    CHECK(ev[8].field("starving") == 1);
  }

  TEST_CASE("Count takes the holder from the locked bit and not from the waiters' low bit") {
    // The course's `v >>= 3; v += v & 1` gives 0 here and 2 with two waiters.
    Collect sink;
    std::vector<int> counts;
    sim::Run([&] {
      Mutex mu;
      mu.Lock();
      counts.push_back(mm::Count(mu));  // no waiters
      go([&] { mu.Lock(); mu.Unlock(); });
      go([&] { mu.Lock(); mu.Unlock(); });
      sleep(10us);
      counts.push_back(mm::Count(mu));  // two waiters
      mu.Unlock();
      sleep(10us);
    }, OneP(sink));
    CHECK(counts == std::vector<int>{1, 3});
  }
}

TEST_SUITE("core.recursive_mutex") {
  TEST_CASE("the owner reenters and each Lock needs its Unlock and the last releases the Mutex") {
    RecursiveMutex mu;
    const auto me = std::int64_t(rt::CurrentId());
    CHECK(mu.owner() == 0);
    mu.Lock();
    mu.Lock();
    mu.Lock();
    CHECK(mu.owner() == me);
    CHECK(mu.recursion() == 3);
    CHECK(Mutex::Decode(mu.mutex().state()).locked);
    mu.Unlock();
    mu.Unlock();
    CHECK(mu.recursion() == 1);
    CHECK(mu.owner() == me);
    CHECK(Mutex::Decode(mu.mutex().state()).locked);
    mu.Unlock();
    CHECK(mu.recursion() == 0);
    CHECK(mu.owner() == -1);  // the course's "nobody" after a release
    CHECK(mu.mutex().state() == 0);
  }

  TEST_CASE("Unlock by a goroutine that does not hold it is fatal with the course's text and its meaning") {
    FatalAsThrow fatal;
    RecursiveMutex mu;
    const std::string me = std::to_string(rt::CurrentId());
    CHECK_THROWS_WITH_AS(mu.Unlock(),
                         ("wrong the owner(0): " + me + "! (RecursiveMutex.Unlock by goroutine " + me +
                          ", which does not hold it)").c_str(),
                         FatalError);
    mu.Lock();
    mu.Unlock();
    CHECK_THROWS_WITH_AS(mu.Unlock(), ("wrong the owner(-1): " + me + "! (RecursiveMutex.Unlock by goroutine " + me +
                                       ", which does not hold it)").c_str(),
                         FatalError);
  }

  TEST_CASE("std::lock_guard nests on a RecursiveMutex") {
    RecursiveMutex mu;
    {
      std::lock_guard outer(mu);
      std::lock_guard inner(mu);
      CHECK(mu.recursion() == 2);
    }
    CHECK(mu.recursion() == 0);
  }
}

TEST_SUITE("core.recursive_mutex sim") {
  TEST_CASE("another goroutine is refused while the owner holds it at any depth and gets it after the last Unlock") {
    Collect sink;
    std::vector<std::string> order;
    sim::Result r = sim::Run([&] {
      RecursiveMutex mu{"rm"};
      WaitGroup wg;
      mu.Lock();
      mu.Lock();
      wg.Add(1);
      go([&] {
        mu.Lock();  // not the owner: waits on the inner Mutex
        order.push_back("other");
        CHECK(mu.recursion() == 1);
        mu.Unlock();
        wg.Done();
      });
      sleep(10us);
      mu.Unlock();  // depth 1: still held
      sleep(10us);
      order.push_back("owner still holds");
      mu.Unlock();
      wg.Wait();
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(order == std::vector<std::string>{"owner still holds", "other"});
    CHECK(sink.Named("rmutex.lock.reenter").size() == 1);
    CHECK(sink.Named("rmutex.lock.acquire").size() == 2);
    CHECK(sink.Named("rmutex.unlock.partial").size() == 1);
    CHECK(sink.Named("rmutex.unlock.release").size() == 2);
    auto acq = sink.Named("rmutex.lock.acquire", 2);
    REQUIRE(acq.size() == 1);
    CHECK(acq[0].field("owner") == 2);
  }

  TEST_CASE("Unlock by a non-owner goroutine ends the run with a fatal error") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      RecursiveMutex mu{"rm"};
      mu.Lock();
      WaitGroup wg;
      wg.Add(1);
      go([&] { mu.Unlock(); wg.Done(); });
      wg.Wait();
    }, OneP(sink));
    CHECK(r.outcome.status == rt::Status::kFatal);
    CHECK(r.outcome.message == "fatal error: wrong the owner(1): 2! (RecursiveMutex.Unlock by goroutine 2, which does not hold it)");
    auto ev = sink.Named("rmutex.unlock.not_owner");
    REQUIRE(ev.size() == 1);
    CHECK(ev[0].field("held") == 1);
    CHECK(ev[0].field("caller") == 2);
    CHECK(ev[0].field("recursion") == 1);
  }

  TEST_CASE("goroutines that reenter keep the count exact for every seed") {
    for (int procs : {1, 2, 4}) {
      for (std::uint64_t seed = 1; seed <= 25; seed++) {
        CAPTURE(procs);
        CAPTURE(seed);
        sim::Options o;
        o.procs = procs;
        o.seed = seed;
        int n = 0;
        sim::Result r = sim::Run([&] {
          RecursiveMutex mu;
          WaitGroup wg;
          wg.Add(3);
          for (int g = 0; g < 3; g++) {
            go([&] {
              for (int i = 0; i < 10; i++) {
                mu.Lock();
                int v = n;
                mu.Lock();  // a helper that locks again
                gosched();
                n = v + 1;
                mu.Unlock();
                mu.Unlock();
              }
              wg.Done();
            });
          }
          wg.Wait();
        }, o);
        REQUIRE(r.outcome.status == rt::Status::kOk);
        CHECK(n == 30);
      }
    }
  }

  TEST_CASE("a token holds a TokenRecursiveMutex across goroutines and another token waits") {
    Collect sink;
    std::vector<std::string> order;
    sim::Result r = sim::Run([&] {
      TokenRecursiveMutex mu{"tm"};
      WaitGroup wg;
      mu.Lock(5);
      wg.Add(2);
      go([&] {  // token 5 from another goroutine: a reentry, no wait
        mu.Lock(5);
        order.push_back("token 5 reentered");
        mu.Unlock(5);
        wg.Done();
      });
      go([&] {  // token 6 waits for token 5's last Unlock
        mu.Lock(6);
        order.push_back("token 6");
        CHECK(mu.token() == 6);
        mu.Unlock(6);
        wg.Done();
      });
      sleep(10us);
      order.push_back("token 5 releases");
      mu.Unlock(5);
      wg.Wait();
      CHECK(mu.token() == 0);
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(order == std::vector<std::string>{"token 5 reentered", "token 5 releases", "token 6"});
    CHECK(sink.Named("tmutex.lock.reenter").size() == 1);
    CHECK(sink.Named("tmutex.lock.acquire").size() == 2);
  }

  TEST_CASE("Unlock with a token that does not hold it ends the run with a fatal error") {
    sim::Result r = sim::Run([&] {
      TokenRecursiveMutex mu;
      mu.Lock(7);
      mu.Unlock(8);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kFatal);
    CHECK(r.outcome.message == "fatal error: wrong the owner(7): 8! (TokenRecursiveMutex.Unlock by token 8, which does not hold it)");
  }

  TEST_CASE("token 0 is the course's 'free': Lock(0) on a free mutex counts as a reentry and locks nothing") {
    TokenRecursiveMutex mu;
    mu.Lock(0);
    CHECK(mu.recursion() == 1);
    CHECK(mu.mutex().state() == 0);  // the inner Mutex was never locked
    mu.Lock(3);                      // so another token gets in at once
    CHECK(mu.token() == 3);
    mu.Unlock(3);
  }

  TEST_CASE("token holders that reenter keep the count exact for every seed") {
    for (int procs : {1, 2, 4}) {
      for (std::uint64_t seed = 1; seed <= 25; seed++) {
        CAPTURE(procs);
        CAPTURE(seed);
        sim::Options o;
        o.procs = procs;
        o.seed = seed;
        int n = 0;
        sim::Result r = sim::Run([&] {
          TokenRecursiveMutex mu;
          WaitGroup wg;
          wg.Add(3);
          for (int g = 1; g <= 3; g++) {
            go([&, g] {
              for (int i = 0; i < 10; i++) {
                mu.Lock(g);
                int v = n;
                mu.Lock(g);
                gosched();
                n = v + 1;
                mu.Unlock(g);
                mu.Unlock(g);
              }
              wg.Done();
            });
          }
          wg.Wait();
        }, o);
        REQUIRE(r.outcome.status == rt::Status::kOk);
        CHECK(n == 30);
      }
    }
  }
}

TEST_SUITE("core.recursive_mutex native") {
  TEST_CASE("natively reentering goroutines keep the count exact" * doctest::timeout(20)) {
    int n = 0;
    native::Result r = native::Run([&] {
      RecursiveMutex mu;
      TokenRecursiveMutex tm;
      WaitGroup wg;
      wg.Add(4);
      for (int g = 1; g <= 4; g++) {
        go([&, g] {
          for (int i = 0; i < 2000; i++) {
            if (g % 2 == 0) {
              std::lock_guard a(mu);
              std::lock_guard b(mu);
              n++;
            } else {
              tm.Lock(g);
              tm.Lock(g);
              tm.Unlock(g);
              tm.Unlock(g);
            }
          }
          wg.Done();
        });
      }
      wg.Wait();
    }, {});
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(n == 4000);
  }

  TEST_CASE("natively a non-owner's Unlock ends the run with the fatal error" * doctest::timeout(10)) {
    native::Result r = native::Run([&] {
      RecursiveMutex mu;
      mu.Lock();
      WaitGroup wg;
      wg.Add(1);
      go([&] { mu.Unlock(); wg.Done(); });
      wg.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kFatal);
    CHECK(r.outcome.message.find("RecursiveMutex.Unlock by goroutine") != std::string::npos);
  }

  TEST_CASE("natively the metrics count a holder and its waiters" * doctest::timeout(10)) {
    Mutex mu;
    mu.Lock();
    std::thread t([&] { mu.Lock(); mu.Unlock(); });
    while (mm::Count(mu) < 2) std::this_thread::yield();
    CHECK(mm::IsLocked(mu));
    mu.Unlock();
    t.join();
    CHECK(mm::Count(mu) == 0);
  }
}
