// Tests of the fold of an x/sync semaphore.Weighted
// (instrument/src/kinds/semaphore.cpp): a recorded trace folds; the same
// trace with one event made impossible (a grant out of FIFO order, a
// newcomer overtaking the queue, a head skipped, a cur that does not add
// up) is rejected with a message that says why.
#include <doctest/doctest.h>

#include "fixture.h"
#include "synclab/context.h"
#include "synclab/go.h"
#include "synclab/semaphore.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace synclab::testing;
using namespace std::chrono_literals;
using instrument::Trace;
using instrument::TraceEvent;
using trace::EventKind;
namespace ctx = synclab::context;

namespace {

std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }

// sem of 2, main holds both; G2 "big" queues for 2, G3 "small" for 1
// behind it; a Release of 1 stops at big; small is cancelled; the second
// Release grants big.
Trace Queued() {
  return Record([] {
    semaphore::Weighted sem(2, "sem");
    auto [c, cancel] = ctx::with_cancel(ctx::background(), "small.ctx");
    CHECK(sem.TryAcquire(2));
    WaitGroup wg;
    wg.Add(2);
    go([&] {
      CHECK_FALSE(sem.Acquire(ctx::background(), 2));
      sem.Release(2);
      wg.Done();
    }, "big");
    sleep(10us);
    go([&, c = c] {
      CHECK(sem.Acquire(c, 1) == ctx::Canceled);
      wg.Done();
    }, "small");
    sleep(10us);
    sem.Release(1);
    cancel();
    sleep(10us);
    sem.Release(1);
    wg.Wait();
  });
}

}  // namespace

TEST_SUITE("instrument.kinds.semaphore") {
  TEST_CASE("a recorded Weighted folds into its queue and holders and cur") {
    const Trace t = Queued();
    REQUIRE(Fold(t) == "");
    instrument::State s(t);
    const std::size_t blocked = Nth(t, EventKind::kWsemNotifyBlocked);
    for (std::size_t i = 0; i <= blocked; i++) REQUIRE(s.Apply(t.events[i]) == "");
    const instrument::Id sem = t.events[blocked].obj;
    const auto& fold = *s.object(sem).As<instrument::kinds::SemaphoreState>();
    CHECK(fold.size == 2);
    CHECK(fold.cur == 1);
    REQUIRE(fold.queue.size() == 2);
    CHECK(fold.queue[0].n == 2);
    CHECK(fold.queue[1].n == 1);
    CHECK(instrument::DescribeObject(t, sem, s.object(sem)) == "size=2 cur=1 waiters=[G2:2 G3:1]");
    const instrument::kinds::HolderList holders = instrument::HoldersOf(s.object(sem));
    REQUIRE(holders.size() == 1);
    CHECK(holders[0].g == 1);  // main's 2, less the 1 it released
    const auto summary = instrument::SummaryOf(s.object(sem));
    REQUIRE(summary.has_value());
    CHECK(summary->mode == 3);
    CHECK(summary->who == 2);
  }

  TEST_CASE("a fast Acquire past queued waiters or beyond what is free is rejected") {
    const Trace t = Queued();
    const std::size_t enqueue = Nth(t, EventKind::kWsemAcquireEnqueue);
    TraceEvent fast = t.events[enqueue];
    fast.kind = EventKind::kWsemAcquireFast;
    fast.f[std::size_t(trace::FieldIndex(EventKind::kWsemAcquireFast, "n"))] = 0;
    fast.f[std::size_t(trace::FieldIndex(EventKind::kWsemAcquireEnqueue, "ready"))] = 0;  // fast has no ready
    // After big queued, a newcomer's fast path (n 0, which fits) overtakes it.
    CHECK(Fold(Insert(t, enqueue + 1, fast)) ==
          At(enqueue + 1) + "G2 big takes 0 of sem by the fast path past 1 waiters");
    // Before anyone queued, with both tokens held, 2 more do not fit.
    const std::size_t try_ok = Nth(t, EventKind::kWsemTryAcquire);
    TraceEvent fast2 = t.events[try_ok];
    fast2.kind = EventKind::kWsemAcquireFast;
    fast2.f[std::size_t(trace::FieldIndex(EventKind::kWsemTryAcquire, "ok"))] = 0;  // nor ok
    CHECK(Fold(Insert(t, try_ok + 1, fast2)) == At(try_ok + 1) + "G1 main takes 2 of sem with only 0 free");
  }

  TEST_CASE("notifyWaiters granting anyone but the head or skipping a head that does not fit is rejected") {
    const Trace t = Queued();
    const std::size_t blocked = Nth(t, EventKind::kWsemNotifyBlocked);
    // The Release of 1 grants small, behind big: skipping ahead.
    TraceEvent skip = t.events[blocked];
    skip.kind = EventKind::kWsemNotifyGrant;
    skip.f[std::size_t(trace::FieldIndex(EventKind::kWsemNotifyGrant, "waiter"))] = 3;
    skip.f[std::size_t(trace::FieldIndex(EventKind::kWsemNotifyGrant, "n"))] = 1;
    CHECK(Fold(Insert(t, blocked, skip)) ==
          At(blocked) + "notifyWaiters on sem looks at G3 small (1), which is not the head");
    // The head granted with 1 free for its 2.
    TraceEvent grant = t.events[blocked];
    grant.kind = EventKind::kWsemNotifyGrant;
    CHECK(Fold(Insert(t, blocked, grant)) == At(blocked) + "notifyWaiters on sem grants 2 to G2 big with 1 free");
    // notify.blocked where the head fits.
    const std::size_t granted = Nth(t, EventKind::kWsemNotifyGrant);
    TraceEvent stop = t.events[granted];
    stop.kind = EventKind::kWsemNotifyBlocked;
    CHECK(Fold(Insert(t, granted, stop)) == At(granted) + "notifyWaiters on sem stops at G2 big (2) with 2 free");
  }

  TEST_CASE("a cancel with the wrong front or notify flag or by a goroutine not queued is rejected") {
    const Trace t = Queued();
    const std::size_t cancel = Nth(t, EventKind::kWsemAcquireCancel);
    CHECK(Fold(Set(t, cancel, "front", 1)) == At(cancel) + "G3 small leaves sem with front=1, but it was not the head");
    CHECK(Fold(Set(t, cancel, "notify", 1)) ==
          At(cancel) + "G3 small leaves sem with notify=1, but Go notifies exactly when the head leaves with tokens free");
    CHECK(Fold(Insert(t, cancel + 1, t.events[cancel])) == At(cancel + 1) + "G3 small leaves the queue of sem it is not in");
  }

  TEST_CASE("state fields that do not follow from the steps are rejected") {
    const Trace t = Queued();
    const std::size_t release = Nth(t, EventKind::kWsemRelease);
    CHECK(Fold(Set(t, release, "cur", 2)) == At(release) + "sem reports cur 2 where its steps give 1");
    CHECK(Fold(Set(t, release, "size", 3)) == At(release) + "sem reports size 3, made with 2");
    CHECK(Fold(Set(t, release, "waiters", 1)) == At(release) + "sem reports waiters=1 queue \"2 1\" where its steps give waiters=2 queue \"2 1\"");
    const std::size_t try_ok = Nth(t, EventKind::kWsemTryAcquire);
    CHECK(Fold(Set(t, try_ok, "ok", 0)) ==
          At(try_ok) + "G1 main's TryAcquire(2) on sem reports ok=0 with 2 free and 0 waiting");
    CHECK(Fold(Set(t, release, "n", 3)) == At(release) + "G1 main releases 3 of sem holding 2 without the panic");
  }

  TEST_CASE("a too-big request that queues or a return from an Acquire nobody granted is rejected") {
    const Trace t = Queued();
    const std::size_t enqueue = Nth(t, EventKind::kWsemAcquireEnqueue);
    CHECK(Fold(Set(t, enqueue, "n", 3)) == At(enqueue) + "G2 big queues on sem for 3, more than its size 2");
    const std::size_t granted = Nth(t, EventKind::kWsemAcquireGranted);
    CHECK(Fold(Insert(t, granted + 1, t.events[granted])) ==
          At(granted + 1) + "G2 big returns from Acquire(2) on sem that no notify granted");
  }

  TEST_CASE("the over-release panic and a too-big wait and a give-back fold") {
    const Trace t = Record([] {
      semaphore::Weighted sem(1, "sem");
      auto [c, cancel] = ctx::with_cancel(ctx::background());
      WaitGroup wg;
      wg.Add(2);
      go([&, c = c] {
        CHECK(sem.Acquire(c, 5) == ctx::Canceled);  // too big
        wg.Done();
      }, "too big");
      CHECK(sem.TryAcquire(1));
      go([&, c = c] {
        CHECK(sem.Acquire(c, 1) == ctx::Canceled);  // granted after its cancel: gives back
        wg.Done();
      }, "waiter");
      sleep(10us);
      cancel();
      sem.Release(1);
      wg.Wait();
      try {
        sem.Release(1);
      } catch (const Panic&) {
      }
    });
    CHECK(Fold(t) == "");
    CHECK(Nth(t, EventKind::kWsemAcquireTooBigDone) > Nth(t, EventKind::kWsemAcquireTooBig));
    const std::size_t give_back = Nth(t, EventKind::kWsemAcquireCancelGiveBack);
    CHECK(t.events[give_back].f[std::size_t(trace::FieldIndex(EventKind::kWsemAcquireCancelGiveBack, "cur"))] == 0);
    const std::size_t panic = Nth(t, EventKind::kWsemReleasePanic);
    CHECK(t.events[panic].f[std::size_t(trace::FieldIndex(EventKind::kWsemReleasePanic, "cur"))] == -1);
    // The same Release without the panic is impossible.
    TraceEvent quiet = t.events[panic];
    quiet.kind = EventKind::kWsemRelease;
    CHECK(Fold(Insert(t, panic, quiet)) == At(panic) + "G1 main releases 1 of sem holding 0 without the panic");
  }
}
