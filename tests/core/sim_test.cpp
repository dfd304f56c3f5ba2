// Tests of the sim runtime: determinism, replay, processors, clock, outcomes.
#include <doctest/doctest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/sim.h"
#include "synclab/var.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

// Racy increments: the final value depends on the interleaving.
int Racy(int goroutines = 3, int iters = 20) {
  WaitGroup wg;
  Var<int> v{0};
  for (int i = 0; i < goroutines; i++) {
    wg.Add(1);
    go([&] {
      for (int j = 0; j < iters; j++) v.Store(v.Load() + 1);
      wg.Done();
    });
  }
  wg.Wait();
  return v.Load();
}

struct Run {
  sim::Result result;
  std::vector<std::string> events;  // "G2 var.load 7" ...
  int value = 0;
};

Run Record(const sim::Options& base) {
  Collect sink;
  sim::Options o = base;
  o.sink = &sink;
  Run run;
  run.result = sim::Run([&] { run.value = Racy(); }, o);
  for (const auto& c : sink.events) {
    run.events.push_back("G" + std::to_string(c.e.g) + " " + std::string(c.name()) + " " +
                         std::to_string(c.e.f[0]) + " t=" + std::to_string(c.e.t_ns));
  }
  return run;
}

}  // namespace

TEST_SUITE("core.sim") {
  TEST_CASE("the same seed gives the same run event for event") {
    for (std::uint64_t seed : {1, 2, 99}) {
      sim::Options o;
      o.seed = seed;
      Run a = Record(o), b = Record(o);
      CHECK(a.events == b.events);
      CHECK(a.result.schedule == b.result.schedule);
      CHECK(a.result.clock_ns == b.result.clock_ns);
    }
  }

  TEST_CASE("different seeds explore different interleavings") {
    std::vector<int> values;
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      sim::Options o;
      o.seed = seed;
      values.push_back(Record(o).value);
    }
    std::sort(values.begin(), values.end());
    CHECK(values.front() < values.back());
  }

  TEST_CASE("replaying a recorded schedule reproduces the run") {
    sim::Options o;
    o.seed = 7;
    Run first = Record(o);
    REQUIRE_FALSE(first.result.schedule.empty());
    sim::Options replay;
    replay.seed = 12345;  // the seed must not matter when every choice is given
    replay.replay = first.result.schedule;
    Run again = Record(replay);
    CHECK(again.events == first.events);
    CHECK(again.result.schedule == first.result.schedule);
  }

  TEST_CASE("a replayed choice that cannot run is reported as a divergence") {
    sim::Options o;
    o.replay = {9, 9, 9};  // there is no G9
    CHECK_THROWS_AS(Record(o), sim::ReplayError);
    sim::Options too_long;
    too_long.replay = Record({}).result.schedule;
    too_long.replay.push_back(1);  // one decision more than the run makes
    CHECK_THROWS_WITH_AS(Record(too_long), doctest::Contains("replay diverged"),
                         sim::ReplayError);
  }

  TEST_CASE("with one processor goroutines interleave only where they block") {
    sim::Options o;
    o.procs = 1;
    Run run = Record(o);
    CHECK(run.value == 60);  // each goroutine runs its loop to the end: nothing lost
    CHECK(run.result.schedule.empty());  // never more than one goroutine could step
  }

  TEST_CASE("round robin alternates between running goroutines") {
    sim::Options o;
    o.strategy = sim::Strategy::kRoundRobin;
    o.procs = 2;
    Run run = Record(o);
    REQUIRE(run.result.schedule.size() > 4);
    // Two goroutines on two Ps: rr takes turns.
    int switches = 0;
    for (std::size_t i = 1; i < run.result.schedule.size(); i++)
      switches += run.result.schedule[i] != run.result.schedule[i - 1];
    CHECK(switches > int(run.result.schedule.size()) / 2);
  }

  TEST_CASE("sleep advances the virtual clock to the timer without real waiting") {
    Duration t0{}, t1{};
    sim::Result r = sim::Run([&] {
      t0 = now();
      sleep(5s);
      t1 = now();
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(t1 - t0 >= 5s);
    CHECK(t1 - t0 < 5s + 1ms);
  }

  TEST_CASE("work runs in parallel with other processors: the clock is per goroutine") {
    Duration end{};
    sim::Options o;
    o.procs = 2;
    sim::Run([&] {
      WaitGroup wg;
      wg.Add(2);
      go([&] { work(1ms); wg.Done(); });
      go([&] { work(1ms); wg.Done(); });
      wg.Wait();
      end = now();
    }, o);
    CHECK(end >= 1ms);
    CHECK(end < 1ms + 100us);  // not 2 ms: the two works overlap
  }

  TEST_CASE("a goroutine that runs 10 ms while others wait is preempted") {
    Collect sink;
    sim::Options o = OneP(sink);
    sim::Run([&] {
      WaitGroup wg;
      wg.Add(1);
      go([&] { wg.Done(); });  // needs the only P
      for (int i = 0; i < 30; i++) work(1ms);
      wg.Wait();
    }, o);
    auto preempts = sink.Named("go.preempt", 1);
    REQUIRE_FALSE(preempts.empty());
    CHECK(preempts[0].e.t_ns >= 10'000'000);
    CHECK(sink.Named("go.end", 2).size() == 1);
  }

  TEST_CASE("main returning with goroutines still blocked reports a leak") {
    sim::Result r = sim::Run([] {
      static Mutex* mu = nullptr;  // outlives main's frame for the leaked goroutine
      mu = new Mutex;
      mu->Lock();
      go([] { mu->Lock(); });
      sleep(1ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].g == 2);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSyncMutexLock);
  }

  TEST_CASE("an unrecovered panic ends the run with Go's panic line") {
    sim::Result r = sim::Run([] {
      WaitGroup wg;
      wg.Done();
    }, {});
    CHECK(r.outcome.status == rt::Status::kPanic);
    CHECK(r.outcome.message == "panic: sync: negative WaitGroup counter");
    CHECK(r.outcome.g == 1);
  }

  TEST_CASE("a C++ exception escaping a goroutine is a panic too") {
    sim::Result r = sim::Run([] {
      WaitGroup wg;
      wg.Add(1);
      go([] { throw std::runtime_error("boom"); });
      wg.Wait();
    }, {});
    CHECK(r.outcome.status == rt::Status::kPanic);
    CHECK(r.outcome.message == "panic: boom");
    CHECK(r.outcome.g == 2);
  }

  TEST_CASE("a failed check is reported as an assertion with its message") {
    sim::Result r = sim::Run([] { check(1 + 1 == 3, "arithmetic"); }, {});
    CHECK(r.outcome.status == rt::Status::kAssert);
    CHECK(r.outcome.message == "assertion failed: arithmetic");
  }

  TEST_CASE("a livelock stops at the step limit") {
    sim::Options o;
    o.max_steps = 1000;
    sim::Result r = sim::Run([] {
      Var<int> v{0};
      for (;;) v.Load();
    }, o);
    CHECK(r.outcome.status == rt::Status::kLimit);
  }

  TEST_CASE("goroutines blocked at the end are unwound: their destructors run") {
    static int destroyed = 0;
    destroyed = 0;
    struct Witness {
      ~Witness() { destroyed++; }
    };
    sim::Result r = sim::Run([] {
      auto mu = std::make_shared<Mutex>();  // shared: the goroutines outlive main's frame
      mu->Lock();
      for (int i = 0; i < 3; i++) {
        go([mu] {
          Witness w;
          mu->Lock();
        });
      }
      Witness w;
      mu->Lock();  // deadlock: everyone waits on mu
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    CHECK(r.outcome.blocked.size() == 4);
    CHECK(destroyed == 4);
  }

  TEST_CASE("a goroutine that never started is torn down without running") {
    bool ran = false;
    sim::Options o;
    o.procs = 1;
    sim::Result r = sim::Run([&] { go([&] { ran = true; }); }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK_FALSE(ran);  // main returned first: Go would not run it either
  }
}
