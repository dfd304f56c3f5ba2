// Tests of the runtime timers (rt/timer.h) on both runtimes: when a timer
// fires, Stop's and Reset's results, periods, callbacks as the runtime
// (goroutine 0), a busy callback's retry, and that a pending timer is not a
// deadlock while none pending is.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/rt/timer.h"
#include "synclab/sim.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

// A runtime timer that records when it ran and readies `g` if set.
struct Probe {
  rt::Timer t;
  std::vector<std::int64_t> fired;  // `now` at each callback
  std::atomic<rt::G*> g{nullptr};
  int busy_first = 0;  // report busy this many times first
  std::int64_t hold_ns = 0;  // natively: how long the callback takes

  explicit Probe(std::int64_t when, std::int64_t period = 0) : g(rt::CurrentG()) {
    t.when = when;
    t.period = period;
    t.arg = this;
    t.f = [](void* arg, std::int64_t now) {
      auto* p = static_cast<Probe*>(arg);
      if (p->busy_first > 0) {
        p->busy_first--;
        return false;
      }
      if (p->hold_ns > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(p->hold_ns));
      p->fired.push_back(now);
      if (rt::G* g = p->g.exchange(nullptr)) rt::Ready(g, 0, Site::current());
      return true;
    };
  }
  // An owner stops its timer before it goes (rt/timer.h): natively this
  // waits for a callback still running.
  ~Probe() { rt::StopTimer(t); }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

  // Parks the calling goroutine until the callback readies it. The callback
  // readies the goroutine that made the probe (or last returned from Await):
  // a fire before Await parks is kept as a permit, so no wake is lost however
  // slowly the thread gets to Await (natively, under a sanitizer).
  void Await() {
    rt::Park(trace::WaitReason::kSleep, 0, Site::current());
    g = rt::CurrentG();
  }
};

}  // namespace

TEST_SUITE("core.rt_timer sim") {
  TEST_CASE("a timer fires at its instant on the virtual clock and wakes who waits for it") {
    for (std::uint64_t seed = 1; seed <= 10; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      std::vector<std::int64_t> fired;
      std::int64_t woke = 0, armed = 0;
      auto wall = std::chrono::steady_clock::now();
      sim::Result r = sim::Run([&] {
        armed = rt::Nanotime();
        Probe p(armed + 5'000'000'000);  // 5 s of virtual time
        rt::StartTimer(p.t);
        p.Await();  // nobody else runs: only the timer can end this
        woke = rt::Nanotime();
        fired = p.fired;
      }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
      REQUIRE(fired.size() == 1);
      CHECK(fired[0] == armed + 5'000'000'000);
      CHECK(woke >= fired[0]);
      CHECK(std::chrono::steady_clock::now() - wall < 1s);
    }
  }

  TEST_CASE("a goroutine parked with no timer pending is a deadlock") {
    sim::Result r = sim::Run([&] {
      Probe p(1000);
      rt::StartTimer(p.t);
      CHECK(rt::StopTimer(p.t));
      p.Await();
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
  }

  TEST_CASE("Stop reports a pending timer and keeps it from firing: after the fire it reports false") {
    sim::Result r = sim::Run([&] {
      Probe a(rt::Nanotime() + 1000), b(rt::Nanotime() + 1000);
      rt::StartTimer(a.t);
      rt::StartTimer(b.t);
      CHECK(rt::StopTimer(a.t));
      CHECK_FALSE(rt::StopTimer(a.t));  // already stopped
      b.Await();
      CHECK_FALSE(rt::StopTimer(b.t));  // fired
      sleep(1ms);
      CHECK(a.fired.empty());
      CHECK(b.fired.size() == 1);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("Reset re-arms at the new instant and reports whether the timer was pending") {
    sim::Result r = sim::Run([&] {
      std::int64_t t0 = rt::Nanotime();
      Probe p(t0 + 1'000'000);
      rt::StartTimer(p.t);
      CHECK(rt::ResetTimer(p.t, t0 + 3'000'000, 0));  // pending: moved later
      sleep(2ms);
      CHECK(p.fired.empty());  // not at the old instant
      p.Await();
      REQUIRE(p.fired.size() == 1);
      CHECK(p.fired[0] == t0 + 3'000'000);
      CHECK_FALSE(rt::ResetTimer(p.t, rt::Nanotime() + 1000, 0));  // had fired
      p.Await();
      CHECK(p.fired.size() == 2);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a periodic timer fires every period and is pending until stopped") {
    sim::Result r = sim::Run([&] {
      std::int64_t t0 = rt::Nanotime();
      Probe p(t0 + 1000, 1000);
      rt::StartTimer(p.t);
      for (int i = 0; i < 3; i++) p.Await();
      CHECK(rt::StopTimer(p.t));  // periodic: still pending after firing
      REQUIRE(p.fired.size() == 3);
      CHECK(p.fired == std::vector<std::int64_t>{t0 + 1000, t0 + 2000, t0 + 3000});
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a late periodic timer skips to the next multiple of its period after now") {
    sim::Result r = sim::Run([&] {
      std::int64_t t0 = rt::Nanotime();
      Probe p(t0 + 1000, 1000);
      rt::StartTimer(p.t);
      work(3500ns);  // the only P is busy past three instants: one fire when it schedules
      p.Await();
      p.Await();
      CHECK(rt::StopTimer(p.t));
      REQUIRE(p.fired.size() == 2);
      // The late fire runs after the work (whenever the P looks); the next is
      // due on the period's grid, past that instant.
      CHECK(p.fired[0] >= t0 + 3500);
      CHECK((p.fired[1] - t0) % 1000 == 0);
      CHECK(p.fired[1] > p.fired[0]);
      CHECK(p.fired[1] - p.fired[0] <= 1000);
    }, [] {
      sim::Options o;
      o.procs = 1;
      return o;
    }());
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("timers due at one instant fire in the order they were armed") {
    sim::Result r = sim::Run([&] {
      std::vector<int> order;
      struct Ordered {
        rt::Timer t;
        std::vector<int>* order;
        int n;
      };
      std::int64_t when = rt::Nanotime() + 1000;
      std::vector<std::unique_ptr<Ordered>> ts;
      for (int i = 0; i < 5; i++) {
        ts.push_back(std::make_unique<Ordered>());
        Ordered& o = *ts.back();
        o.order = &order;
        o.n = i;
        o.t.when = when;
        o.t.arg = &o;
        o.t.f = [](void* arg, std::int64_t) {
          auto* o = static_cast<Ordered*>(arg);
          o->order->push_back(o->n);
          return true;
        };
        rt::StartTimer(o.t);
      }
      sleep(2000ns);
      CHECK(order == std::vector<int>{0, 1, 2, 3, 4});
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a callback runs as the runtime: its go.ready is goroutine 0's") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      Probe p(rt::Nanotime() + 1000);
      rt::StartTimer(p.t);
      p.Await();
    }, OneP(sink));
    CHECK(r.outcome.status == rt::Status::kOk);
    auto readies = sink.Named("go.ready");
    REQUIRE(readies.size() == 1);
    CHECK(readies[0].e.g == 0);
    CHECK(readies[0].field("target") == 1);
  }

  TEST_CASE("a busy callback stays pending and is retried at the next scheduling point") {
    sim::Result r = sim::Run([&] {
      std::int64_t t0 = rt::Nanotime();
      Probe p(t0 + 1000);
      p.busy_first = 3;
      rt::StartTimer(p.t);
      p.Await();
      REQUIRE(p.fired.size() == 1);
      CHECK(p.busy_first == 0);
      CHECK_FALSE(rt::StopTimer(p.t));
      // Stop during the retries finds it pending.
      Probe q(rt::Nanotime() + 1000);
      q.busy_first = 1000000;
      rt::StartTimer(q.t);
      sleep(5000ns);
      CHECK(q.fired.empty());
      CHECK(rt::StopTimer(q.t));
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a goroutine started from a callback runs with the runtime as its parent") {
    Collect sink;
    bool ran = false;
    struct Starter {
      rt::Timer t;
      bool* ran;
    } s;
    s.ran = &ran;
    s.t.arg = &s;
    s.t.f = [](void* arg, std::int64_t) {
      auto* s = static_cast<Starter*>(arg);
      go([s] { *s->ran = true; }, "after");
      return true;
    };
    sim::Result r = sim::Run([&] {
      s.t.when = rt::Nanotime() + 1000;
      rt::StartTimer(s.t);
      sleep(1ms);
    }, OneP(sink));
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(ran);
    auto creates = sink.Named("go.create");
    REQUIRE(creates.size() == 1);
    CHECK(creates[0].e.g == 0);
  }

  TEST_CASE("a run's pending timers die with it") {
    Probe p(1'000'000'000);
    sim::Result r = sim::Run([&] {
      p.t.when = rt::Nanotime() + 1'000'000'000;
      rt::StartTimer(p.t);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(p.t.owner.load() == nullptr);
    CHECK(p.fired.empty());
    CHECK_FALSE(rt::StopTimer(p.t));
  }

  TEST_CASE("a ticker nobody stops in a run that cannot end stops at the step limit") {
    sim::Options o;
    o.max_steps = 10'000;
    sim::Result r = sim::Run([&] {
      Probe p(rt::Nanotime() + 1000, 1000);
      p.g = nullptr;  // it readies nobody
      rt::StartTimer(p.t);
      rt::Park(trace::WaitReason::kSleep, 0, Site::current());  // nobody readies it
    }, o);
    CHECK(r.outcome.status == rt::Status::kLimit);
  }

  TEST_CASE("timer runs are deterministic: the same seed gives the same schedule and clock") {
    auto once = [](std::uint64_t seed) {
      sim::Options o;
      o.seed = seed;
      o.procs = 3;
      return sim::Run([&] {
        std::vector<std::unique_ptr<Probe>> ps;
        for (int i = 0; i < 4; i++) {
          go([i] {
            Probe p(rt::Nanotime() + 500 * (i + 1), 700);
            rt::StartTimer(p.t);
            for (int k = 0; k < 3; k++) p.Await();
            rt::StopTimer(p.t);
          });
        }
        sleep(10us);
      }, o);
    };
    for (std::uint64_t seed = 1; seed <= 10; seed++) {
      sim::Result a = once(seed), b = once(seed);
      CHECK(a.outcome.status == rt::Status::kOk);
      CHECK(a.schedule == b.schedule);
      CHECK(a.clock_ns == b.clock_ns);
      CHECK(a.steps == b.steps);
    }
  }
}

TEST_SUITE("core.rt_timer native") {
  TEST_CASE("native: a timer wakes a goroutine after its time: waiting on it is no deadlock" *
            doctest::timeout(10)) {
    std::int64_t waited = 0;
    native::Result r = native::Run([&] {
      std::int64_t t0 = rt::Nanotime();
      Probe p(t0 + 20'000'000);
      rt::StartTimer(p.t);
      p.Await();
      waited = rt::Nanotime() - t0;
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(waited >= 20'000'000);
  }

  TEST_CASE("native: once the last timer fired and woke nobody the run is a deadlock" *
            doctest::timeout(10)) {
    native::Result r = native::Run([&] {
      Probe p(rt::Nanotime() + 5'000'000);
      p.g = nullptr;  // it wakes nobody
      rt::StartTimer(p.t);
      rt::Park(trace::WaitReason::kSleep, 0, Site::current());
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
  }

  TEST_CASE("native: Stop and Reset report pending as in sim" * doctest::timeout(10)) {
    native::Result r = native::Run([&] {
      std::int64_t t0 = rt::Nanotime();
      Probe a(t0 + 1'000'000'000), b(t0 + 1'000'000);
      rt::StartTimer(a.t);
      rt::StartTimer(b.t);
      CHECK(rt::StopTimer(a.t));
      CHECK_FALSE(rt::StopTimer(a.t));
      b.Await();
      CHECK_FALSE(rt::StopTimer(b.t));
      CHECK_FALSE(rt::ResetTimer(b.t, rt::Nanotime() + 1'000'000, 0));
      b.Await();
      CHECK_FALSE(rt::ResetTimer(b.t, rt::Nanotime() + 1'000'000'000, 0));  // fired again
      CHECK(rt::ResetTimer(b.t, rt::Nanotime() + 1'000'000'000, 0));        // pending
      CHECK(rt::StopTimer(b.t));
      CHECK(a.fired.empty());
      CHECK(b.fired.size() == 2);
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("native: a periodic timer fires until stopped: a busy callback is retried" *
            doctest::timeout(10)) {
    native::Result r = native::Run([&] {
      Probe p(rt::Nanotime() + 1'000'000, 1'000'000);
      p.busy_first = 5;
      rt::StartTimer(p.t);
      for (int i = 0; i < 3; i++) p.Await();
      CHECK(rt::StopTimer(p.t));
      CHECK(p.fired.size() >= 3);  // it goes on firing while we wake
      CHECK(p.fired[1] > p.fired[0]);
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("native: Stop waits for the timer's running callback to return" * doctest::timeout(10)) {
    native::Result r = native::Run([&] {
      Probe p(rt::Nanotime());
      p.hold_ns = 30'000'000;
      rt::StartTimer(p.t);
      std::this_thread::sleep_for(5ms);  // the callback is running now
      CHECK_FALSE(rt::StopTimer(p.t));   // it fired ...
      CHECK(p.fired.size() == 1);        // ... and has returned
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("native: a run's pending timers die with it" * doctest::timeout(10)) {
    Probe p(0);
    native::Result r = native::Run([&] {
      p.t.when = rt::Nanotime() + 10'000'000'000;
      rt::StartTimer(p.t);
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(p.t.owner.load() == nullptr);
    CHECK_FALSE(rt::StopTimer(p.t));
  }

  TEST_CASE("native: plain threads have timers too" * doctest::timeout(10)) {
    Probe p(rt::Nanotime() + 2'000'000);
    rt::StartTimer(p.t);
    p.Await();  // a plain thread parks on its futex
    CHECK(p.fired.size() == 1);
    Probe q(rt::Nanotime() + 1'000'000'000);
    rt::StartTimer(q.t);
    CHECK(rt::StopTimer(q.t));
  }
}
