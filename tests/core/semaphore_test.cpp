// Tests of synclab::semaphore::Weighted, after x/sync's semaphore_test.go:
// FIFO grants, the head not starved by smaller waiters behind it, requests
// larger than the size, cancellation at and behind the front, TryAcquire,
// the over-release panic, and x/sync v0.7.0's rules (an already-done ctx
// fails; tokens granted after a cancel are given back). Each body runs in
// sim over many seeds and natively, unless it needs an interleaving only
// the sim can force (then one P: goroutines switch only where they block).
//
// Bodies wait for a waiter to be queued by counting the semaphore's events
// (Probe): what a waiter has done is then known, in both runtimes, without
// sleeping and hoping.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "collect.h"
#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/semaphore.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using semaphore::Weighted;
using synclab::testing::Collect;
using trace::EventKind;
namespace ctx = synclab::context;

namespace {

// Counts events by kind, from any thread.
class Probe final : public rt::Sink {
 public:
  void OnEvent(const trace::Event& e) noexcept override {
    counts_[std::size_t(e.kind)].fetch_add(1, std::memory_order_acq_rel);
  }
  void OnGoroutine(GoroutineId, GoroutineId, std::string_view, Site) noexcept override {}
  void OnObject(ObjectId, trace::ObjectKind, std::string_view, ObjectId, Site) noexcept override {}
  int Count(EventKind k) const { return counts_[std::size_t(k)].load(std::memory_order_acquire); }

 private:
  std::array<std::atomic<int>, std::size_t(EventKind::kCount)> counts_{};
};

Probe* g_probe = nullptr;  // the running body's

int Count(EventKind k) { return g_probe->Count(k); }
// Waits (without blocking on the semaphore) until k events of kind have happened.
void WaitFor(EventKind k, int n) {
  while (Count(k) < n) sleep(10us);
}

// Runs body in sim for seeds 1..seeds (2 Ps, random schedule); each run must end ok.
void Sim(void (*body)(), std::uint64_t seeds) {
  for (std::uint64_t seed = 1; seed <= seeds; seed++) {
    CAPTURE(seed);
    Probe probe;
    g_probe = &probe;
    sim::Options o;
    o.seed = seed;
    o.sink = &probe;
    sim::Result r = sim::Run(body, o);
    CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
  }
}
// Runs body natively (OS threads) a few times; each run must end ok.
void Native(void (*body)()) {
  for (int i = 0; i < 3; i++) {
    Probe probe;
    g_probe = &probe;
    native::Options o;
    o.sink = &probe;
    native::Result r = native::Run(body, o);
    CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
  }
}
// Runs body in sim on one P: the interleaving follows from the program.
rt::Outcome OneP(void (*body)()) {
  Probe probe;
  g_probe = &probe;
  sim::Options o;
  o.procs = 1;
  o.sink = &probe;
  return sim::Run(body, o).outcome;
}

#define BOTH_RUNTIMES(title, seeds, body)                                                         \
  TEST_CASE(title) { Sim(body, seeds); }                                                          \
  TEST_CASE("native: " title * doctest::test_suite("core.semaphore native") * doctest::timeout(30)) { \
    Native(body);                                                                                 \
  }

// The order goroutines got through, kept under a Mutex.
struct Order {
  Mutex mu;
  std::vector<int> seq;
  void Add(int i) {
    mu.Lock();
    seq.push_back(i);
    mu.Unlock();
  }
  std::vector<int> Get() {
    mu.Lock();
    std::vector<int> out = seq;
    mu.Unlock();
    return out;
  }
};

}  // namespace

TEST_SUITE("core.semaphore") {
  void BodyBasic() {
    Weighted sem(3, "sem");
    CHECK_FALSE(sem.Acquire(ctx::background(), 2));
    CHECK(sem.TryAcquire(1));
    CHECK_FALSE(sem.TryAcquire(1));  // all 3 held
    sem.Release(3);
    CHECK(sem.TryAcquire(3));
    sem.Release(3);
    CHECK_FALSE(sem.Acquire(ctx::background(), 0));  // a weight of 0 always fits
  }
  BOTH_RUNTIMES("Acquire and TryAcquire take tokens while they fit and Release gives them back", 10, &BodyBasic)

  void BodyTry() {
    Weighted sem(2, "sem");
    CHECK_FALSE(sem.TryAcquire(3));  // more than the size
    CHECK(sem.TryAcquire(1));
    CHECK_FALSE(sem.TryAcquire(2));  // 1 free
    // With a waiter queued, TryAcquire fails even where n fits.
    WaitGroup wg;
    wg.Add(1);
    go([&] {
      CHECK_FALSE(sem.Acquire(ctx::background(), 2));
      sem.Release(2);
      wg.Done();
    }, "big");
    WaitFor(EventKind::kWsemAcquireEnqueue, 1);
    CHECK_FALSE(sem.TryAcquire(1));  // 1 free, but "big" waits
    CHECK_FALSE(sem.TryAcquire(0));
    sem.Release(1);
    wg.Wait();
    CHECK(sem.TryAcquire(2));  // the waiter is gone
  }
  BOTH_RUNTIMES("TryAcquire fails when n does not fit and when anyone waits though n fits", 20, &BodyTry)

  void BodyPanic() {
    Weighted sem(2, "sem");
    CHECK_THROWS_WITH_AS(sem.Release(1), "semaphore: released more than held", Panic);
    Weighted sem2(2, "sem2");
    CHECK(sem2.TryAcquire(1));
    CHECK_THROWS_WITH_AS(sem2.Release(2), "semaphore: released more than held", Panic);
    // Go leaves cur below 0 and mu unlocked: the semaphore still works.
    CHECK(sem2.TryAcquire(2));
  }
  BOTH_RUNTIMES("Release of more than is held panics with Go's text and unlocks mu", 5, &BodyPanic)

  void BodyDoneCtx() {
    Weighted sem(2, "sem");
    auto [c, cancel] = ctx::with_cancel(ctx::background());
    cancel();
    CHECK(sem.Acquire(c, 1) == ctx::Canceled);
    auto [d, cancel_d] = ctx::with_timeout(ctx::background(), -1ms);
    CHECK(sem.Acquire(d, 2) == ctx::DeadlineExceeded);
    cancel_d();
    CHECK(sem.TryAcquire(2));  // nothing was taken
    sem.Release(2);
  }
  BOTH_RUNTIMES("an already-done ctx fails Acquire even with every token free (x/sync v0.7.0)", 10, &BodyDoneCtx)

  void BodyFifo() {
    Weighted sem(1, "sem");
    Order order;
    WaitGroup wg;
    CHECK(sem.TryAcquire(1));
    for (int i = 0; i < 4; i++) {
      wg.Add(1);
      go([&, i] {
        CHECK_FALSE(sem.Acquire(ctx::background(), 1));
        order.Add(i);
        sem.Release(1);
        wg.Done();
      }, "waiter");
      WaitFor(EventKind::kWsemAcquireEnqueue, i + 1);  // queued in this order
    }
    sem.Release(1);
    wg.Wait();
    CHECK(order.Get() == std::vector<int>{0, 1, 2, 3});
  }
  BOTH_RUNTIMES("waiters are granted in the order they queued", 30, &BodyFifo)

  void BodyNoOvertake() {
    Weighted sem(2, "sem");
    Order order;
    WaitGroup wg;
    CHECK(sem.TryAcquire(2));
    wg.Add(2);
    go([&] {
      CHECK_FALSE(sem.Acquire(ctx::background(), 2));
      order.Add(2);
      sem.Release(2);
      wg.Done();
    }, "big");
    WaitFor(EventKind::kWsemAcquireEnqueue, 1);
    sem.Release(1);  // 1 free: too few for "big"
    go([&] {
      // n fits in what is free, but "big" is queued: no fast path.
      CHECK_FALSE(sem.Acquire(ctx::background(), 1));
      order.Add(1);
      sem.Release(1);
      wg.Done();
    }, "small");
    WaitFor(EventKind::kWsemAcquireEnqueue, 2);
    CHECK(Count(EventKind::kWsemAcquireFast) == 0);
    sem.Release(1);
    wg.Wait();
    CHECK(order.Get() == std::vector<int>{2, 1});
  }
  BOTH_RUNTIMES("a newcomer whose n fits queues behind a waiter instead of overtaking it", 30, &BodyNoOvertake)

  void BodyWriterNotStarved() {
    // A semaphore of 3 used as a read-write lock: readers take 1, a writer 3.
    Weighted sem(3, "sem");
    Order order;
    WaitGroup wg;
    CHECK(sem.TryAcquire(3));
    wg.Add(3);
    go([&] {
      CHECK_FALSE(sem.Acquire(ctx::background(), 3));
      order.Add(3);
      sem.Release(3);
      wg.Done();
    }, "writer");
    WaitFor(EventKind::kWsemAcquireEnqueue, 1);
    for (int i = 0; i < 2; i++) {
      go([&] {
        CHECK_FALSE(sem.Acquire(ctx::background(), 1));
        order.Add(1);
        sem.Release(1);
        wg.Done();
      }, "reader");
      WaitFor(EventKind::kWsemAcquireEnqueue, 2 + i);
    }
    // Each Release frees a token the readers could use; notifyWaiters stops
    // at the writer (it runs inside Release, so its grants are done by now).
    sem.Release(1);
    sem.Release(1);
    CHECK(Count(EventKind::kWsemNotifyGrant) == 0);
    CHECK(Count(EventKind::kWsemNotifyBlocked) == 2);
    sem.Release(1);
    wg.Wait();
    CHECK(order.Get() == std::vector<int>{3, 1, 1});
  }
  BOTH_RUNTIMES("a big waiter at the head is not starved by smaller ones behind it", 30, &BodyWriterNotStarved)

  void BodyGrantSeveral() {
    Weighted sem(4, "sem");
    WaitGroup wg;
    CHECK(sem.TryAcquire(4));
    for (std::int64_t n : {1, 2, 1}) {
      wg.Add(1);
      go([&, n] {
        CHECK_FALSE(sem.Acquire(ctx::background(), n));
        wg.Done();
      }, "waiter");
    }
    WaitFor(EventKind::kWsemAcquireEnqueue, 3);
    sem.Release(4);  // one Release lets all three through: 1 + 2 + 1 = 4
    CHECK(Count(EventKind::kWsemNotifyGrant) == 3);
    wg.Wait();
    CHECK_FALSE(sem.TryAcquire(1));  // they hold all 4
    sem.Release(4);
  }
  BOTH_RUNTIMES("one Release grants every waiter from the front that fits", 20, &BodyGrantSeveral)

  void BodyTooBig() {
    Weighted sem(2, "sem");
    auto [c, cancel] = ctx::with_cancel(ctx::background());
    WaitGroup wg;
    wg.Add(1);
    go([&, c = c] {
      CHECK(sem.Acquire(c, 3) == ctx::Canceled);
      wg.Done();
    }, "too big");
    WaitFor(EventKind::kWsemAcquireTooBig, 1);
    // It did not queue: the fast path and TryAcquire see no waiters.
    CHECK(Count(EventKind::kWsemAcquireEnqueue) == 0);
    CHECK(sem.TryAcquire(0));
    CHECK_FALSE(sem.Acquire(ctx::background(), 2));
    sem.Release(2);  // nor does a Release let it through
    cancel();
    wg.Wait();
    CHECK(sem.TryAcquire(2));
    // With a deadline: DeadlineExceeded once it passes.
    sem.Release(2);
    auto [d, cancel_d] = ctx::with_timeout(ctx::background(), 2ms);
    CHECK(sem.Acquire(d, 5) == ctx::DeadlineExceeded);
    cancel_d();
  }
  BOTH_RUNTIMES("a request larger than the size never queues and waits only for its ctx", 20, &BodyTooBig)

  TEST_CASE("a request larger than the size with a ctx never done blocks forever") {
    rt::Outcome out = OneP([] {
      Weighted sem(1, "sem");
      (void)sem.Acquire(ctx::background(), 2);
    });
    CHECK(out.status == rt::Status::kDeadlock);
    CHECK(out.message == "fatal error: all goroutines are asleep - deadlock!");
  }

  void BodyCancelBehind() {
    Weighted sem(2, "sem");
    auto [c, cancel] = ctx::with_cancel(ctx::background());
    WaitGroup wg;
    CHECK(sem.TryAcquire(2));
    wg.Add(2);
    go([&] {
      CHECK_FALSE(sem.Acquire(ctx::background(), 2));
      sem.Release(2);
      wg.Done();
    }, "front");
    WaitFor(EventKind::kWsemAcquireEnqueue, 1);
    auto left = make_chan<Unit>(1);
    go([&, c = c, left] {
      CHECK(sem.Acquire(c, 1) == ctx::Canceled);
      left.Send({});
      wg.Done();
    }, "behind");
    WaitFor(EventKind::kWsemAcquireEnqueue, 2);
    sem.Release(1);  // 1 free: still too few for "front"
    const int looked = Count(EventKind::kWsemNotifyBlocked);
    cancel();
    left.Recv();  // its Acquire has returned: whatever it notified is done
    // Not the head: leaving changes nothing for the others, so no notify.
    CHECK(Count(EventKind::kWsemNotifyBlocked) == looked);
    CHECK(Count(EventKind::kWsemNotifyGrant) == 0);
    sem.Release(1);
    wg.Wait();
    CHECK(Count(EventKind::kWsemNotifyGrant) == 1);  // "front" only
    CHECK(sem.TryAcquire(2));
  }
  BOTH_RUNTIMES("a cancelled waiter behind the front leaves the queue and returns ctx.Err()", 30, &BodyCancelBehind)

  void BodyCancelFront() {
    Weighted sem(3, "sem");
    auto [c, cancel] = ctx::with_cancel(ctx::background());
    WaitGroup wg;
    CHECK(sem.TryAcquire(2));  // 1 free
    wg.Add(2);
    go([&, c = c] {
      CHECK(sem.Acquire(c, 2) == ctx::Canceled);
      wg.Done();
    }, "front");
    WaitFor(EventKind::kWsemAcquireEnqueue, 1);
    go([&] {
      // 1 fits in what is free, but "front" holds it back until it leaves.
      CHECK_FALSE(sem.Acquire(ctx::background(), 1));
      sem.Release(1);
      wg.Done();
    }, "behind");
    WaitFor(EventKind::kWsemAcquireEnqueue, 2);
    cancel();  // nobody Releases: only the head's leaving can wake "behind"
    wg.Wait();
    CHECK(Count(EventKind::kWsemNotifyGrant) == 1);
    sem.Release(2);
  }
  BOTH_RUNTIMES("a cancelled waiter at the front wakes the waiters behind it that now fit", 30, &BodyCancelFront)

  void BodyCancelFrontFull() {
    // The head leaves a full semaphore: nothing is free, so no notify.
    Weighted sem(2, "sem");
    auto [c, cancel] = ctx::with_cancel(ctx::background());
    WaitGroup wg;
    CHECK(sem.TryAcquire(2));
    wg.Add(2);
    auto left = make_chan<Unit>(1);
    go([&, c = c, left] {
      CHECK(sem.Acquire(c, 1) == ctx::Canceled);
      left.Send({});
      wg.Done();
    }, "front");
    WaitFor(EventKind::kWsemAcquireEnqueue, 1);
    go([&] {
      CHECK_FALSE(sem.Acquire(ctx::background(), 1));
      sem.Release(1);
      wg.Done();
    }, "behind");
    WaitFor(EventKind::kWsemAcquireEnqueue, 2);
    cancel();
    left.Recv();
    CHECK(Count(EventKind::kWsemNotifyBlocked) + Count(EventKind::kWsemNotifyGrant) == 0);
    sem.Release(2);
    wg.Wait();
  }
  BOTH_RUNTIMES("a cancelled head notifies only when tokens are free (size > cur)", 20, &BodyCancelFrontFull)

  TEST_CASE("tokens granted to a waiter whose ctx was done first are given back (x/sync v0.7.0)") {
    // One P: cancel() readies the waiter through done, then Release grants
    // it (closing ready) before it runs; it finds ready closed under mu.
    rt::Outcome out = OneP([] {
      Weighted sem(2, "sem");
      auto [c, cancel] = ctx::with_cancel(ctx::background());
      CHECK(sem.TryAcquire(2));
      error got = errors::New("not returned");
      WaitGroup wg;
      wg.Add(1);
      go([&, c = c] {
        got = sem.Acquire(c, 2);
        wg.Done();
      }, "waiter");
      WaitFor(EventKind::kWsemAcquireEnqueue, 1);
      cancel();
      sem.Release(2);  // grants the 2 tokens to the waiter
      CHECK(Count(EventKind::kWsemNotifyGrant) == 1);
      wg.Wait();
      CHECK(got == ctx::Canceled);  // old x/sync: nil, keeping the tokens
      CHECK(Count(EventKind::kWsemAcquireCancelGiveBack) == 1);
      CHECK(sem.TryAcquire(2));  // the 2 came back
    });
    CHECK_MESSAGE(out.status == rt::Status::kOk, out.message);
  }

  TEST_CASE("a waiter woken by its grant whose ctx is done by then Releases and fails (x/sync v0.7.0)") {
    // One P: Release grants (readying the waiter through ready), then
    // cancel() runs before the waiter does; it sees done after ready.
    rt::Outcome out = OneP([] {
      Weighted sem(2, "sem");
      auto [c, cancel] = ctx::with_cancel(ctx::background());
      CHECK(sem.TryAcquire(2));
      error got = errors::New("not returned");
      WaitGroup wg;
      wg.Add(1);
      go([&, c = c] {
        got = sem.Acquire(c, 1);
        wg.Done();
      }, "waiter");
      WaitFor(EventKind::kWsemAcquireEnqueue, 1);
      sem.Release(1);
      cancel();
      wg.Wait();
      CHECK(got == ctx::Canceled);
      CHECK(Count(EventKind::kWsemAcquireGrantedDone) == 1);
      CHECK(Count(EventKind::kWsemAcquireGranted) == 0);
      CHECK(sem.TryAcquire(1));  // its token came back: 1 held by main, 1 free
      CHECK_FALSE(sem.TryAcquire(1));
    });
    CHECK_MESSAGE(out.status == rt::Status::kOk, out.message);
  }

  void BodyLoad() {
    // Go's TestWeighted: many goroutines take random weights; the tokens in
    // use never exceed the size and everybody gets through.
    constexpr std::int64_t kSize = 4;
    Weighted sem(kSize, "sem");
    std::atomic<std::int64_t> in_use{0};
    std::atomic<bool> over{false};
    WaitGroup wg;
    for (int i = 0; i < 6; i++) {
      wg.Add(1);
      go([&, i] {
        for (int k = 0; k < 5; k++) {
          const std::int64_t n = 1 + (i + k) % kSize;
          CHECK_FALSE(sem.Acquire(ctx::background(), n));
          if (in_use.fetch_add(n) + n > kSize) over = true;
          gosched();
          in_use.fetch_sub(n);
          sem.Release(n);
        }
        wg.Done();
      }, "worker");
    }
    wg.Wait();
    CHECK_FALSE(over.load());
    CHECK(sem.TryAcquire(kSize));
  }
  BOTH_RUNTIMES("under random weighted load the tokens in use never exceed the size", 50, &BodyLoad)

  void BodyPanicLoad() {
    // Go's TestWeightedPanic under load: a Release beyond what is held
    // panics while others work.
    Weighted sem(2, "sem");
    CHECK_FALSE(sem.Acquire(ctx::background(), 1));
    CHECK_THROWS_WITH(sem.Release(2), "semaphore: released more than held");
  }
  BOTH_RUNTIMES("Release of more than held panics also with tokens held", 5, &BodyPanicLoad)

  TEST_CASE("events carry size and cur and each waiter's n front first") {
    Collect sink;
    sim::Result r = sim::Run([] {
      Weighted sem(5, "sem");
      CHECK(sem.TryAcquire(4));
      WaitGroup wg;
      for (std::int64_t n : {3, 1, 2}) {
        wg.Add(1);
        go([&, n] {
          CHECK_FALSE(sem.Acquire(ctx::background(), n));
          sem.Release(n);
          wg.Done();
        }, "waiter");
        gosched();  // one P: it runs until it parks
      }
      sem.Release(4);
      wg.Wait();
    }, synclab::testing::OneP(sink));
    CHECK(r.outcome.status == rt::Status::kOk);
    auto enq = sink.Named("wsem.acquire.enqueue");
    REQUIRE(enq.size() == 3);
    CHECK(enq[0].str("queue") == "3");
    CHECK(enq[2].str("queue") == "3 1 2");
    CHECK(enq[2].field("size") == 5);
    CHECK(enq[2].field("cur") == 4);
    CHECK(enq[2].field("waiters") == 3);
    auto rel = sink.Named("wsem.release");
    REQUIRE(!rel.empty());
    CHECK(rel[0].field("cur") == 0);
    CHECK(rel[0].str("queue") == "3 1 2");
    // 5 free: 3 and 1 fit, 2 then does not (4 held).
    auto grants = sink.Named("wsem.notify.grant");
    REQUIRE(grants.size() >= 2);
    CHECK(grants[0].field("n") == 3);
    CHECK(grants[0].field("cur") == 3);
    CHECK(grants[0].str("queue") == "1 2");
    CHECK(grants[1].field("n") == 1);
    CHECK(grants[1].str("queue") == "2");
    auto blocked = sink.Named("wsem.notify.blocked");
    REQUIRE(!blocked.empty());
    CHECK(blocked[0].field("n") == 2);
    CHECK(blocked[0].field("cur") == 4);
    CHECK(blocked[0].field("waiter") == std::int64_t(enq[2].e.g));
  }

  TEST_CASE("a long queue's text counts the waiters that do not fit") {
    Collect sink;
    sim::Result r = sim::Run([] {
      Weighted sem(1, "sem");
      CHECK(sem.TryAcquire(1));
      WaitGroup wg;
      for (int i = 0; i < 100; i++) {
        wg.Add(1);
        go([&] {
          CHECK_FALSE(sem.Acquire(ctx::background(), 1));
          sem.Release(1);
          wg.Done();
        });
        gosched();
      }
      sem.Release(1);
      wg.Wait();
    }, synclab::testing::OneP(sink));
    CHECK(r.outcome.status == rt::Status::kOk);
    auto enq = sink.Named("wsem.acquire.enqueue");
    REQUIRE(enq.size() == 100);
    const std::string last = enq[99].str("queue");
    CHECK(last.size() <= 200);
    // 88 "1"s and their spaces fill 175 characters; the other 12 are counted.
    CHECK(last.substr(last.size() - 8) == " ... +12");
    CHECK(last.substr(0, 4) == "1 1 ");
  }
}
