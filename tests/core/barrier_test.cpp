// Tests of synclab::cyclicbarrier (marusama's CyclicBarrier, spec section
// 16), after marusama's cyclicbarrier_test.go: rounds and reuse, breaking by
// a context or the action, Reset, the panics and GetNumberWaiting.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/barrier.h"
#include "synclab/context.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;
namespace cb = synclab::cyclicbarrier;
namespace ctx = synclab::context;

namespace {

// parties goroutines meet `rounds` times. Each adds itself to arrived[r]
// before Await and checks after it that everyone of round r had arrived;
// the action (run by the last) checks the same before anyone is released.
struct RoundsResult {
  int errors = 0;        // Awaits that returned an error
  int early = 0;         // an Await returned before its round was full
  int action_early = 0;  // the action ran before its round was full
  int actions = 0;
  int max_waiting = 0;
};

RoundsResult MeetRounds(int parties, int rounds) {
  RoundsResult out;
  std::vector<std::atomic<int>> arrived(std::size_t(rounds) + 1);
  std::atomic<int> actions{0};
  std::atomic<int> errors{0}, early{0}, action_early{0};
  auto b = cb::NewWithAction(parties, [&] {
    const int r = actions.fetch_add(1);
    if (arrived[std::size_t(r)].load() != parties) action_early++;
    return error();
  }, "b");
  WaitGroup wg;
  wg.Add(parties);
  auto bg = ctx::background();
  for (int p = 0; p < parties; p++) {
    go([&, b, bg] {
      for (int r = 0; r < rounds; r++) {
        arrived[std::size_t(r)]++;
        if (b.Await(bg)) errors++;
        if (arrived[std::size_t(r)].load() != parties) early++;
      }
      wg.Done();
    }, "party");
  }
  wg.Wait();
  out.errors = errors;
  out.early = early;
  out.action_early = action_early;
  out.actions = actions;
  return out;
}

}  // namespace

TEST_SUITE("core.barrier") {
  TEST_CASE("New and NewWithAction panic with marusama's text for parties <= 0") {
    for (int parties : {0, -1}) {
      CAPTURE(parties);
      CHECK_THROWS_WITH_AS(cb::New(parties), "parties must be positive number", Panic);
      CHECK_THROWS_WITH_AS(cb::NewWithAction(parties, [] { return error(); }), "parties must be positive number",
                           Panic);
    }
    CHECK(cb::New(1).GetParties() == 1);
    CHECK(cb::ErrBrokenBarrier.Error() == "broken barrier");
  }

  TEST_CASE("a handle's copies share one barrier and a nil handle panics") {
    auto b = cb::New(3);
    cb::CyclicBarrier copy = b;
    CHECK(copy == b);
    CHECK(copy.GetParties() == 3);
    cb::CyclicBarrier nil;
    CHECK(nil.nil());
    CHECK_THROWS_AS(nil.GetParties(), Panic);
  }

  TEST_CASE("one party: every Await trips the barrier at once and runs the action") {
    int actions = 0;
    auto b = cb::NewWithAction(1, [&] { actions++; return error(); });
    auto bg = ctx::background();
    for (int i = 0; i < 5; i++) CHECK_FALSE(b.Await(bg));
    CHECK(actions == 5);
    CHECK(b.GetNumberWaiting() == 0);
  }
}

TEST_SUITE("core.barrier sim") {
  TEST_CASE("parties meet round after round: nobody passes before all arrived and the action runs between") {
    for (int procs : {1, 2, 4}) {
      for (std::uint64_t seed = 1; seed <= 30; seed++) {
        CAPTURE(procs);
        CAPTURE(seed);
        sim::Options o;
        o.procs = procs;
        o.seed = seed;
        RoundsResult res;
        sim::Result r = sim::Run([&] { res = MeetRounds(4, 12); }, o);
        REQUIRE(r.outcome.status == rt::Status::kOk);
        CHECK(res.errors == 0);
        CHECK(res.early == 0);
        CHECK(res.action_early == 0);
        CHECK(res.actions == 12);
      }
    }
  }

  TEST_CASE("GetNumberWaiting counts the parties of the current round and the trip starts a new one") {
    Collect sink;
    std::vector<int> seen;
    sim::Result r = sim::Run([&] {
      auto b = cb::New(3, "b");
      auto bg = ctx::background();
      WaitGroup wg;
      wg.Add(2);
      seen.push_back(b.GetNumberWaiting());
      go([&, b] { CHECK_FALSE(b.Await(bg)); wg.Done(); });
      sleep(10us);
      seen.push_back(b.GetNumberWaiting());
      go([&, b] { CHECK_FALSE(b.Await(bg)); wg.Done(); });
      sleep(10us);
      seen.push_back(b.GetNumberWaiting());
      CHECK_FALSE(b.Await(bg));  // the third: trips
      seen.push_back(b.GetNumberWaiting());
      wg.Wait();
      CHECK(b.GetParties() == 3);
      CHECK_FALSE(b.IsBroken());
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(seen == std::vector<int>{0, 1, 2, 0});
    auto arrive = sink.Named("cb.await.arrive");
    REQUIRE(arrive.size() == 3);
    CHECK(arrive[2].field("count") == 3);
    CHECK(arrive[2].e.g == 1);
    auto trip = sink.Named("cb.trip");
    REQUIRE(trip.size() == 1);
    CHECK(trip[0].e.g == 1);  // the last to arrive trips it
    CHECK(sink.Named("cb.await.pass").size() == 2);
    auto rounds = sink.Named("cb.round.new");
    REQUIRE(rounds.size() == 2);
    CHECK(rounds[1].field("round") == 2);
    CHECK(rounds[1].field("count") == 0);
  }

  TEST_CASE("a waiter whose context ends breaks the barrier: the others get ErrBrokenBarrier") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      error timed_out, other, late;
      bool broken = false;
      sim::Result r = sim::Run([&] {
        auto b = cb::New(3, "b");
        WaitGroup wg;
        wg.Add(2);
        go([&, b] {
          auto [c, cancel] = ctx::with_timeout(ctx::background(), 1ms);
          timed_out = b.Await(c);
          cancel();
          wg.Done();
        }, "impatient");
        go([&, b] { other = b.Await(ctx::background()); wg.Done(); }, "patient");
        wg.Wait();
        broken = b.IsBroken();
        late = b.Await(ctx::background());  // the barrier stays broken
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      CHECK(timed_out == ctx::DeadlineExceeded);
      CHECK(other == cb::ErrBrokenBarrier);
      CHECK(broken);
      CHECK(late == cb::ErrBrokenBarrier);
    }
  }

  TEST_CASE("a context done before Await returns its error and leaves the barrier alone") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      auto b = cb::New(2, "b");
      auto [c, cancel] = ctx::with_cancel(ctx::background());
      cancel();
      CHECK(b.Await(c) == ctx::Canceled);
      CHECK(b.GetNumberWaiting() == 0);
      CHECK_FALSE(b.IsBroken());
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(sink.Named("cb.await.ctx_done").size() == 1);
    CHECK(sink.Named("cb.await.arrive").empty());
    CHECK(sink.Named("cb.break").empty());
  }

  TEST_CASE("a failing action breaks the barrier: the last party gets its error and the others ErrBrokenBarrier") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      const error boom = errors::New("boom");
      std::vector<error> results;
      bool broken = false;
      sim::Result r = sim::Run([&] {
        auto b = cb::NewWithAction(3, [&] { return boom; }, "b");
        WaitGroup wg;
        wg.Add(3);
        for (int i = 0; i < 3; i++) go([&, b] { results.push_back(b.Await(ctx::background())); wg.Done(); });
        wg.Wait();
        broken = b.IsBroken();
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      REQUIRE(results.size() == 3);
      int booms = 0, brokens = 0;
      for (const error& e : results) {
        booms += e == boom;
        brokens += e == cb::ErrBrokenBarrier;
      }
      CHECK(booms == 1);
      CHECK(brokens == 2);
      CHECK(broken);
    }
  }

  TEST_CASE("Reset breaks a round with waiters and makes a broken barrier usable again") {
    Collect sink;
    error waiter;
    sim::Result r = sim::Run([&] {
      auto b = cb::New(2, "b");
      auto bg = ctx::background();
      WaitGroup wg;
      wg.Add(1);
      go([&, b] { waiter = b.Await(bg); wg.Done(); });
      sleep(10us);
      CHECK(b.GetNumberWaiting() == 1);
      b.Reset();  // the waiter is released with ErrBrokenBarrier
      wg.Wait();
      CHECK_FALSE(b.IsBroken());  // the new round is whole
      CHECK(b.GetNumberWaiting() == 0);
      // and works: two parties meet.
      wg.Add(1);
      go([&, b] { CHECK_FALSE(b.Await(bg)); wg.Done(); });
      CHECK_FALSE(b.Await(bg));
      wg.Wait();
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(waiter == cb::ErrBrokenBarrier);
    REQUIRE(sink.Named("cb.break").size() == 1);
    CHECK(sink.Named("cb.reset").size() == 1);
    CHECK(sink.Named("cb.trip").size() == 1);
  }

  TEST_CASE("Reset of a round nobody waits in breaks nothing") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      auto b = cb::New(2, "b");
      b.Reset();
      CHECK_FALSE(b.IsBroken());
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(sink.Named("cb.reset").size() == 1);
    CHECK(sink.Named("cb.break").empty());
  }

  TEST_CASE("Reset repairs a barrier broken by its action") {
    sim::Result r = sim::Run([&] {
      bool fail = true;
      auto b = cb::NewWithAction(1, [&] { return fail ? errors::New("no") : error(); });
      CHECK(b.Await(ctx::background()).Error() == "no");
      CHECK(b.IsBroken());
      CHECK(b.Await(ctx::background()) == cb::ErrBrokenBarrier);
      fail = false;
      b.Reset();
      CHECK_FALSE(b.IsBroken());
      CHECK_FALSE(b.Await(ctx::background()));
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("an Await beyond parties in one round panics with marusama's text") {
    // Parties 2, three goroutines: the second trips, and runs the action
    // outside the lock while the third arrives in the same round.
    std::string panic;
    sim::Result r = sim::Run([&] {
      auto b = cb::NewWithAction(2, [] { sleep(1ms); return error(); }, "b");
      auto bg = ctx::background();
      WaitGroup wg;
      wg.Add(2);
      go([&, b] { CHECK_FALSE(b.Await(bg)); wg.Done(); });
      go([&, b] { CHECK_FALSE(b.Await(bg)); wg.Done(); });
      sleep(100us);  // the action sleeps until 1 ms
      try {
        b.Await(bg);
      } catch (const Panic& p) {
        panic = p.what();
      }
      CHECK(b.GetNumberWaiting() == 3);
      wg.Wait();
    }, sim::Options{});
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(panic == "CyclicBarrier.Await is called more than count of parties");
  }

  TEST_CASE("a nil context never ends an Await") {
    sim::Result r = sim::Run([&] {
      auto b = cb::New(2);
      WaitGroup wg;
      wg.Add(1);
      go([&, b] { CHECK_FALSE(b.Await(ctx::Context())); wg.Done(); });
      sleep(5ms);
      CHECK_FALSE(b.Await(ctx::Context()));
      wg.Wait();
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("the action runs in the last party to arrive before anyone is released") {
    Collect sink;
    GoroutineId action_g = 0;
    bool released_before = false;
    sim::Result r = sim::Run([&] {
      bool acted = false;
      auto b = cb::NewWithAction(3, [&] { action_g = rt::CurrentId(); sleep(1ms); acted = true; return error(); });
      WaitGroup wg;
      wg.Add(2);
      for (int i = 0; i < 2; i++) {
        go([&, b] { b.Await(ctx::background()); released_before |= !acted; wg.Done(); });
      }
      sleep(10us);
      b.Await(ctx::background());
      wg.Wait();
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(action_g == 1);
    CHECK_FALSE(released_before);
    CHECK(sink.Named("cb.action.run").size() == 1);
  }
}

TEST_SUITE("core.barrier native") {
  TEST_CASE("natively parties meet many rounds with no early pass" * doctest::timeout(30)) {
    RoundsResult res;
    native::Result r = native::Run([&] { res = MeetRounds(4, 500); }, {});
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(res.errors == 0);
    CHECK(res.early == 0);
    CHECK(res.action_early == 0);
    CHECK(res.actions == 500);
  }

  TEST_CASE("on plain threads a timed-out waiter breaks the barrier for the others" * doctest::timeout(10)) {
    auto b = cb::New(3);
    error timed_out, other;
    std::thread t1([&] {
      auto [c, cancel] = ctx::with_timeout(ctx::background(), 20ms);
      timed_out = b.Await(c);
      cancel();
    });
    std::thread t2([&] { other = b.Await(ctx::background()); });
    t1.join();
    t2.join();
    CHECK(timed_out == ctx::DeadlineExceeded);
    CHECK(other == cb::ErrBrokenBarrier);
    CHECK(b.IsBroken());
    b.Reset();
    CHECK_FALSE(b.IsBroken());
  }
}
