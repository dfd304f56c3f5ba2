// Tests of the folds of sync's primitives (instrument/src/kinds/{rwmutex,
// waitgroup,cond,once}.cpp): a recorded trace folds; the same trace with
// one event made impossible is rejected with a message that says why.
#include <doctest/doctest.h>

#include "fixture.h"
#include "synclab/cond.h"
#include "synclab/go.h"
#include "synclab/once.h"
#include "synclab/rwmutex.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace synclab::testing;
using namespace std::chrono_literals;
using instrument::Trace;
using instrument::TraceEvent;
using trace::EventKind;

namespace {
std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }
}  // namespace

TEST_SUITE("instrument.kinds.rwmutex") {
  TEST_CASE("a read lock while a writer holds the RWMutex or a write lock while readers do is rejected") {
    const Trace t = Record([] {
      RWMutex rw{"rw"};
      rw.Lock();
      rw.Unlock();
      rw.RLock();
      rw.RUnlock();
    });
    REQUIRE(Fold(t) == "");
    const std::size_t acquire = Nth(t, EventKind::kRWLockAcquire), rlock = Nth(t, EventKind::kRWRLockFast);
    CHECK(Fold(Insert(t, acquire + 1, t.events[rlock])) ==
          At(acquire + 1) + "G1 main read-locks rw held by G1 main");
    CHECK(Fold(Insert(t, acquire + 1, t.events[acquire])) ==
          At(acquire + 1) + "G1 main write-locks rw held by G1 main");
    CHECK(Fold(Insert(t, rlock + 1, t.events[acquire])) == At(rlock + 1) + "G1 main write-locks rw while G1 main reads");
  }
}

TEST_SUITE("instrument.kinds.waitgroup") {
  TEST_CASE("a return from a Wait that never began is rejected") {
    const Trace t = Record([] {
      WaitGroup wg{"wg"};
      wg.Add(1);
      go([&] { wg.Done(); });
      wg.Wait();
    });
    REQUIRE(Fold(t) == "");
    const std::size_t wake = Nth(t, EventKind::kWgWaitWake);
    CHECK(Fold(Insert(t, wake + 1, t.events[wake])) == At(wake + 1) + "G1 main returns from a Wait on wg it never began");
  }
}

TEST_SUITE("instrument.kinds.cond") {
  const auto signalled = [] {
    return Record([] {
      Mutex mu;
      Cond c(mu, "c");
      WaitGroup wg;
      wg.Add(2);
      for (int i = 0; i < 2; i++) go([&] { mu.Lock(); c.Wait(); mu.Unlock(); wg.Done(); }, "waiter");
      sleep(1ms);
      mu.Lock();
      c.Signal();
      c.Broadcast();
      mu.Unlock();
      wg.Wait();
    });
  };

  TEST_CASE("a Signal that wakes a ticket nobody parked with or the wrong waiter is rejected") {
    const Trace t = signalled();
    REQUIRE(Fold(t) == "");
    const std::size_t wake = Nth(t, EventKind::kCondSignalWake);
    CHECK(Fold(Set(t, wake, "ticket", 5)) == At(wake) + "Signal wakes ticket 5, which is not parked on c");
    const std::int64_t waiter = t.events[wake].f[std::size_t(trace::FieldIndex(EventKind::kCondSignalWake, "waiter"))];
    const std::int64_t other = waiter == 2 ? 3 : 2;
    CHECK(Fold(Set(t, wake, "waiter", other)) == At(wake) + "Signal wakes G" + std::to_string(other) +
                                                    " waiter for ticket 0, which G" + std::to_string(waiter) +
                                                    " waiter holds");
  }

  TEST_CASE("a Broadcast that wakes another number of waiters than are parked is rejected") {
    const Trace t = signalled();
    const std::size_t broadcast = Nth(t, EventKind::kCondBroadcast);
    CHECK(Fold(Set(t, broadcast, "woken", 2)) ==
          At(broadcast) + "Broadcast wakes 2 waiters, but 1 are parked on c");
  }
}

TEST_SUITE("instrument.kinds.once") {
  TEST_CASE("f run a second time while it runs is rejected") {
    const Trace t = Record([] {
      Once once{"once"};
      once.Do([] {});
    });
    REQUIRE(Fold(t) == "");
    const std::size_t begin = Nth(t, EventKind::kOnceRunBegin);
    CHECK(Fold(Insert(t, begin + 1, t.events[begin])) == At(begin + 1) + "G1 main runs f of once while G1 main does");
  }
}
