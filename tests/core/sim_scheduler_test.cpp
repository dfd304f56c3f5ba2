// Tests of the sim runtime's scheduler against Go's: time slices, runnext,
// the global queue's fairness tick, timers per P, and what the trace shows
// when a goroutine parks and is woken.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/rt/sema.h"
#include "synclab/sim.h"
#include "synclab/var.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

// A bare sema with an owner object, as a primitive would have.
struct Owned {
  ObjectId id = rt::RegisterObject(trace::ObjectKind::kMutex, "owner", 0, Site::current());
  rt::Sema sema;
  Owned() { rt::RegisterSema(sema, id, Site::current()); }
  void Acquire() { rt::Semacquire(sema, false, trace::WaitReason::kSemacquire, Site::current()); }
  void Release() { rt::Semrelease(sema, false, Site::current()); }
};

// Two goroutines that hand the only P to each other through runnext: each
// readies the other (into runnext) and then parks, until *stop.
void PingPong(Owned& ping, Owned& pong, const bool& stop, WaitGroup& wg) {
  go([&] {
    while (!stop) {
      pong.Release();
      ping.Acquire();
    }
    pong.Release();  // let the other one see stop
    wg.Done();
  });
  go([&] {
    for (;;) {
      pong.Acquire();
      ping.Release();
      if (stop) break;
    }
    wg.Done();
  });
}

// Checks what a trace must show about parking: a sema wakes only a
// goroutine that is parked (its go.park came first), and the goroutine it
// wakes is readied (go.ready) before it does anything else.
void CheckWakesFollowParks(const Collect& sink) {
  std::set<std::int64_t> parked;
  std::set<std::int64_t> woken_not_ready;
  int wakes = 0;
  for (const auto& c : sink.events) {
    if (woken_not_ready.count(std::int64_t(c.e.g)) != 0) {
      FAIL_CHECK("G" << c.e.g << " acts (" << c.name() << ") after its wake and before its go.ready");
      woken_not_ready.erase(std::int64_t(c.e.g));
    }
    if (c.name() == "go.park") {
      parked.insert(std::int64_t(c.e.g));
    } else if (c.name() == "go.ready") {
      std::int64_t target = c.field("target");
      CHECK_MESSAGE(parked.erase(target) == 1, "go.ready of G" << target << " that is not parked");
      woken_not_ready.erase(target);
    } else if (c.name() == "sema.release.wake") {
      std::int64_t waiter = c.field("waiter");
      wakes++;
      CHECK_MESSAGE(parked.count(waiter) == 1,
                    "event " << c.e.seq << ": sema.release.wake of G" << waiter << " before its go.park");
      woken_not_ready.insert(waiter);
    }
  }
  CHECK(woken_not_ready.empty());
  CHECK(wakes > 0);  // the program did contend
}

// 6 goroutines x 40 Lock/Unlock on one Mutex.
void Contend() {
  Mutex mu{"mu"};
  WaitGroup wg;
  wg.Add(6);
  for (int i = 0; i < 6; i++) {
    go([&] {
      for (int j = 0; j < 40; j++) {
        mu.Lock();
        mu.Unlock();
      }
      wg.Done();
    });
  }
  wg.Wait();
}

}  // namespace

TEST_SUITE("core.sim") {
  TEST_CASE("a goroutine queued on a sema is parked before a release can wake it") {
    for (std::uint64_t seed = 1; seed <= 60; seed++) {
      CAPTURE(seed);
      Collect sink;
      sim::Options o;
      o.procs = 4;
      o.seed = seed;
      o.sink = &sink;
      REQUIRE(sim::Run(Contend, o).outcome.status == rt::Status::kOk);
      CheckWakesFollowParks(sink);
    }
  }

  // Go never preempts an M that holds a runtime lock (m.locks > 0). Sweep
  // where the 10 ms slice of main ends around its Semrelease. G3 waits on
  // the global queue, so it starts a fresh slice when main is preempted, and
  // it wants the same root lock: were main preempted holding it, G3 would
  // spin on it for a whole slice and the run would take 20 ms.
  TEST_CASE("a goroutine holding a sema root lock is not preempted") {
    int preempted_in_release = 0;
    for (std::int64_t d = 0; d <= 400; d += 10) {
      CAPTURE(d);
      Collect sink;
      sim::Options o = OneP(sink);
      sim::Result r = sim::Run([d] {
        Owned s;
        WaitGroup wg;
        wg.Add(2);
        go([&] { s.Acquire(); wg.Done(); });  // G2 parks on s
        sleep(1us);
        go([&] {  // G3
          gosched();  // onto the global queue, behind main
          s.Release();
          s.Acquire();
          wg.Done();
        });
        gosched();  // G3 runs and queues behind main
        work(Duration(10'000'000 - 400 + d));  // main's slice ends near its Release
        s.Release();
        wg.Wait();
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      CHECK(r.clock_ns < 10'500'000);
      CHECK(r.steps < 10'000);
      auto release = sink.Named("sema.release", 1);
      auto preempts = sink.Named("go.preempt", 1);
      if (!release.empty() && !preempts.empty() && preempts[0].e.seq > release[0].e.seq) {
        preempted_in_release++;
      }
    }
    CHECK(preempted_in_release > 0);  // the sweep did end the slice inside Release
  }

  TEST_CASE("a goroutine is preempted when its 10 ms slice ends even inside one long work") {
    Collect sink;
    sim::Options o = OneP(sink);
    Duration g2_ran{};
    sim::Run([&] {
      WaitGroup wg;
      wg.Add(1);
      go([&] { g2_ran = now(); wg.Done(); });  // waits in runnext for the only P
      work(25ms);
      wg.Wait();
    }, o);
    auto preempts = sink.Named("go.preempt", 1);
    REQUIRE(preempts.size() == 1);
    CHECK(preempts[0].e.t_ns >= 10'000'000);
    CHECK(preempts[0].e.t_ns < 10'000'000 + 1'000);
    CHECK(g2_ran >= 10ms);
    CHECK(g2_ran < 10ms + 10us);
  }

  // Go's runqget returns inheritTime for runnext: goroutines that hand the
  // P to each other through runnext share one slice, so sysmon ends the
  // ping-pong after 10 ms and a goroutine on the global queue runs.
  TEST_CASE("goroutines handing the P over through runnext share one time slice") {
    Duration g4_ran{};
    sim::Options o;
    o.procs = 1;
    o.max_steps = 2'000'000;
    sim::Result r = sim::Run([&] {
      Owned ping, pong;
      bool stop = false;
      WaitGroup wg;
      wg.Add(3);
      PingPong(ping, pong, stop, wg);  // G2 and G3
      go([&] {  // G4: gosched puts it on the global queue
        gosched();
        g4_ran = now();
        stop = true;
        wg.Done();
      });
      wg.Wait();
    }, o);
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(g4_ran >= 10ms);
    CHECK(g4_ran < 10ms + 50us);
  }

  // Go's schedule() takes the global queue first on every 61st schedule of a
  // P. Here the local queue never empties (each round A readies B and C and
  // waits for both) and every round starts a new slice, so without that tick
  // the goroutine on the global queue would never run.
  TEST_CASE("every 61st schedule of a P takes the global queue first") {
    Collect sink;
    sim::Options o = OneP(sink);
    o.max_steps = 2'000'000;
    Duration g5_ran{};
    sim::Result r = sim::Run([&] {
      Owned a, b, c;
      bool stop = false;
      WaitGroup wg;
      wg.Add(4);
      go([&] {  // G2: A
        while (!stop) {
          b.Release();
          c.Release();
          a.Acquire();
          a.Acquire();
        }
        stop = true;
        b.Release();
        c.Release();
        wg.Done();
      });
      go([&] {  // G3: B
        for (;;) {
          b.Acquire();
          if (stop) break;
          a.Release();
        }
        wg.Done();
      });
      go([&] {  // G4: C
        for (;;) {
          c.Acquire();
          if (stop) break;
          a.Release();
        }
        wg.Done();
      });
      go([&] {  // G5
        gosched();
        g5_ran = now();
        stop = true;
        wg.Done();
      });
      wg.Wait();
    }, o);
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(sink.Named("go.preempt").empty());  // no slice lasted 10 ms: only the tick helps
    CHECK(g5_ran > Duration(0));
    CHECK(g5_ran < 1ms);
  }

  // Go keeps timers per P and goroutineReady puts the sleeper in runnext of
  // the P that runs the timer, at its next schedule.
  TEST_CASE("a timer readies its goroutine into runnext of its P at the next schedule") {
    Duration woke{};
    sim::Options o;
    o.procs = 1;
    o.max_steps = 2'000'000;
    sim::Result r = sim::Run([&] {
      Owned ping, pong;
      bool stop = false;
      WaitGroup wg;
      wg.Add(3);
      PingPong(ping, pong, stop, wg);
      go([&] {
        sleep(1ms);
        woke = now();
        stop = true;
        wg.Done();
      });
      wg.Wait();
    }, o);
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(woke >= 1ms);
    CHECK(woke < 1ms + 5us);  // the ping-pong schedules every few hundred ns
  }

  TEST_CASE("a busy P fires its timers only when it schedules") {
    Duration woke{};
    sim::Options o;
    o.procs = 1;
    sim::Run([&] {
      WaitGroup wg;
      wg.Add(1);
      go([&] {
        sleep(1ms);
        woke = now();
        wg.Done();
      });
      sleep(1us);  // G2 starts its sleep
      work(3ms);   // the only P is busy until main parks
      wg.Wait();
    }, o);
    CHECK(woke >= 3ms);
    CHECK(woke < 3ms + 10us);
  }

  TEST_CASE("an idle P runs another P's due timer") {
    Duration woke{};
    sim::Options o;
    o.procs = 2;
    sim::Run([&] {
      WaitGroup wg;
      wg.Add(1);
      go([&] {
        sleep(1ms);
        woke = now();
        wg.Done();
      });
      sleep(1us);
      work(3ms);  // main keeps its P busy; the other P is idle
      wg.Wait();
    }, o);
    CHECK(woke >= 1ms);
    CHECK(woke < 1ms + 10us);
  }

  TEST_CASE("a replay that diverges names the decision and the goroutines that could run") {
    sim::Options o;
    o.procs = 4;
    o.seed = 3;
    std::vector<GoroutineId> schedule = sim::Run(Contend, o).schedule;
    REQUIRE(schedule.size() > 10);
    sim::Options bad = o;
    bad.replay = std::vector<GoroutineId>(schedule.begin(), schedule.begin() + 10);
    bad.replay.push_back(99);
    std::string message;
    try {
      sim::Run(Contend, bad);
    } catch (const sim::ReplayError& e) {
      message = e.what();
    }
    const std::string prefix = "replay diverged at decision 10: G99 cannot take the next step (candidates: G";
    CHECK(message.substr(0, prefix.size()) == prefix);
    CHECK(message.find(" G" + std::to_string(schedule[10])) != std::string::npos);
    CHECK(message.back() == ')');

    sim::Options longer = o;
    longer.replay = schedule;
    longer.replay.push_back(schedule.back());
    try {
      sim::Run(Contend, longer);
      FAIL("a replay longer than the run must fail");
    } catch (const sim::ReplayError& e) {
      CHECK(std::string(e.what()) ==
            "replay diverged: the run ended after " + std::to_string(schedule.size()) + " of " +
                std::to_string(schedule.size() + 1) + " recorded decisions");
    }
  }

  TEST_CASE("goroutines asleep when main returns are not leaked") {
    sim::Result r = sim::Run([] {
      go([] { sleep(1s); });
      sleep(1ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(r.outcome.blocked.empty());
  }

  TEST_CASE("a leak names how many goroutines are still blocked") {
    sim::Result r = sim::Run([] {
      static Mutex* mu = new Mutex;  // outlives main's frame for the leaked goroutines
      mu->Lock();
      go([] { mu->Lock(); });
      go([] { mu->Lock(); });
      go([] { sleep(1s); });  // asleep: not counted
      sleep(1ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
    CHECK(r.outcome.message == "goroutine leak: 2 goroutine(s) still blocked when main returned");
    CHECK(r.outcome.blocked.size() == 2);
  }

  TEST_CASE("a failed check outranks a leak") {
    sim::Result r = sim::Run([] {
      static Mutex* mu = new Mutex;
      mu->Lock();
      go([] { mu->Lock(); });
      sleep(1ms);
      check(false, "the invariant");
    }, {});
    CHECK(r.outcome.status == rt::Status::kAssert);
    CHECK(r.outcome.message == "assertion failed: the invariant");
  }
}

TEST_SUITE("core.sim native") {
  TEST_CASE("a native trace shows every sema wake after the park it ends" * doctest::timeout(30)) {
    for (int round = 0; round < 5; round++) {
      Collect sink;
      native::Options o;
      o.sink = &sink;
      REQUIRE(native::Run(Contend, o).outcome.status == rt::Status::kOk);
      if (sink.Named("sema.release.wake").empty()) continue;  // no contention this time
      CheckWakesFollowParks(sink);
    }
  }

  TEST_CASE("natively a failed check outranks a leak and sleepers are not leaked" * doctest::timeout(30)) {
    static Mutex* mu = new Mutex;
    native::Result r = native::Run([] {
      mu->Lock();
      go([] { mu->Lock(); });
      sleep(5ms);
      check(false, "the invariant");
    }, {});
    CHECK(r.outcome.status == rt::Status::kAssert);
    native::Result asleep = native::Run([] {
      go([] { sleep(20ms); });
      sleep(1ms);
    }, {});
    CHECK(asleep.outcome.status == rt::Status::kOk);
  }
}

// The explorer's hook (sim::Chooser): it is asked only where there is a
// choice, told who took the last step, and what it picks is what runs.
TEST_CASE("a chooser decides every point with a choice and is told who stepped last") {
  struct Recording final : sim::Chooser {
    std::vector<std::vector<GoroutineId>> seen;
    std::vector<GoroutineId> lasts, picked;
    std::size_t Choose(std::span<const GoroutineId> candidates, GoroutineId last) override {
      seen.emplace_back(candidates.begin(), candidates.end());
      lasts.push_back(last);
      // Always the last candidate: unlike any built-in strategy's first pick.
      picked.push_back(candidates.back());
      return candidates.size() - 1;
    }
  };
  auto program = [] {
    Var<int> v{0, "v"};
    WaitGroup wg{"wg"};
    wg.Add(2);
    for (int g = 0; g < 2; g++) {
      go([&] {
        for (int i = 0; i < 3; i++) v.Store(v.Load() + 1);
        wg.Done();
      });
    }
    wg.Wait();
  };
  Recording chooser;
  sim::Options o;
  o.procs = 2;
  o.chooser = &chooser;
  const sim::Result r = sim::Run(program, o);
  REQUIRE_FALSE(chooser.seen.empty());
  CHECK(r.schedule == chooser.picked);  // every decision is the chooser's, in order
  for (std::size_t i = 0; i < chooser.seen.size(); i++) {
    CAPTURE(i);
    CHECK(chooser.seen[i].size() >= 2);
    // Who stepped last is the previous decision's pick or a goroutine that
    // ran alone since: never 0 after the first step.
    CHECK(chooser.lasts[i] != 0);
  }
  // The same chooser on the same program: the same decisions (determinism).
  Recording again;
  o.chooser = &again;
  sim::Run(program, o);
  CHECK(again.seen == chooser.seen);
  // Replayed decisions come before the chooser, which decides the rest.
  Recording rest;
  o.chooser = &rest;
  o.replay.assign(r.schedule.begin(), r.schedule.begin() + 2);
  const sim::Result replayed = sim::Run(program, o);
  CHECK(rest.seen.size() == chooser.seen.size() - 2);
  CHECK(replayed.schedule == r.schedule);
}
