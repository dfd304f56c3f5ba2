// Tests of Timer, Ticker, after, tick, after_func (time.h), after Go's
// time/sleep_test.go and tick_test.go: in virtual time (exact instants, many
// seeds) and natively (real time, loose bounds).
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "collect.h"
#include "synclab/chan.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/time.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

sim::Result RunSeed(std::uint64_t seed, const std::function<void()>& f) {
  sim::Options o;
  o.seed = seed;
  return sim::Run(f, o);
}

// A non-blocking receive: the value if one is there.
std::optional<Time> Poll(const RecvChan<Time>& c) {
  std::optional<Time> got;
  select(recv_case(c, [&](Time t) { got = t; }), default_case());
  return got;
}

// In virtual time a timer armed d after t0 fires d after its own clock
// read, a few scheduling points (10 ns each) after t0.
bool Near(Duration got, Duration want) { return got >= want && got < want + 1us; }

}  // namespace

TEST_SUITE("core.time sim") {
  TEST_CASE("after delivers the clock reading at exactly d with no real wait") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      Time start, got;
      auto wall = std::chrono::steady_clock::now();
      sim::Result r = RunSeed(seed, [&] {
        start = time_now();
        got = after(10s).Recv();
      });
      CHECK(r.outcome.status == rt::Status::kOk);
      CHECK(Near(got.Sub(start), 10s));
      CHECK(std::chrono::steady_clock::now() - wall < 1s);
    }
  }

  TEST_CASE("a select with a timeout takes the timeout when the work is slower for every seed") {
    for (std::uint64_t seed = 1; seed <= 30; seed++) {
      CAPTURE(seed);
      int which = -1;
      sim::Result r = RunSeed(seed, [&] {
        auto results = make_chan<int>(1);
        go([results] {
          sleep(50ms);
          results.Send(1);
        });
        which = select(recv_case(results, [](int) {}), recv_case(after(20ms), [](Time) {}));
      });
      CHECK(r.outcome.status == rt::Status::kOk);
      CHECK(which == 1);
    }
  }

  TEST_CASE("a goroutine blocked only on a timer's channel is not a deadlock: on a stopped one it is") {
    sim::Result ok = sim::Run([] { Timer(1h).C.Recv(); }, sim::Options{});
    CHECK(ok.outcome.status == rt::Status::kOk);
    CHECK(ok.clock_ns >= 3'600'000'000'000);
    sim::Result dead = sim::Run([] {
      Timer t(1h);
      CHECK(t.Stop());
      t.C.Recv();
    }, sim::Options{});
    CHECK(dead.outcome.status == rt::Status::kDeadlock);
  }

  TEST_CASE("Stop before the fire returns true and nothing is sent") {
    sim::Result r = sim::Run([] {
      Timer t(1ms);
      CHECK(t.Stop());
      CHECK_FALSE(t.Stop());  // stopped already
      sleep(2ms);
      CHECK_FALSE(Poll(t.C).has_value());
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("Stop after the fire returns false and the value stays in C (Go before 1.23)") {
    sim::Result r = sim::Run([] {
      Time t0 = time_now();
      Timer t(1ms);
      sleep(2ms);
      CHECK_FALSE(t.Stop());
      // Reset without draining: the stale value comes first.
      CHECK_FALSE(t.Reset(5ms));
      Time stale = t.C.Recv();
      CHECK(Near(stale.Sub(t0), 1ms));
      Time fresh = t.C.Recv();
      CHECK(fresh.Sub(t0) >= 7ms);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("Reset returns true while pending and moves the fire") {
    sim::Result r = sim::Run([] {
      Time t0 = time_now();
      Timer t(1ms);
      CHECK(t.Reset(3ms));
      sleep(2ms);
      CHECK_FALSE(Poll(t.C).has_value());
      Time v = t.C.Recv();
      CHECK(v.Sub(t0) >= 3ms);
      CHECK(v.Sub(t0) < 3ms + 10us);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a timer's channel has room for one value: a second fire finds it full") {
    Collect sink;
    sim::Result r = sim::Run([] {
      Timer t(1ms);
      sleep(2ms);
      t.Reset(1ms);
      sleep(2ms);
      CHECK(t.C.Len() == 1);
    }, OneP(sink));
    CHECK(r.outcome.status == rt::Status::kOk);
    auto sends = sink.Named("timer.send");
    REQUIRE(sends.size() == 2);
    CHECK(sends[0].field("sent") == 1);
    CHECK(sends[1].field("sent") == 0);  // sendTime's select took its default
    CHECK(sends[0].e.g == 0);            // the runtime sends, not a goroutine
  }

  TEST_CASE("after_func runs f in a goroutine of its own at d: Stop before keeps it from running") {
    for (std::uint64_t seed = 1; seed <= 10; seed++) {
      CAPTURE(seed);
      std::vector<std::int64_t> ran;
      sim::Result r = RunSeed(seed, [&] {
        Time t0 = time_now();
        WaitGroup wg;
        wg.Add(1);
        after_func(5ms, [&] {
          ran.push_back(time_now().Sub(t0).count());
          wg.Done();
        });
        Timer stopped = after_func(5ms, [&] { ran.push_back(-1); });
        CHECK(stopped.Stop());
        wg.Wait();
        sleep(10ms);
      });
      CHECK(r.outcome.status == rt::Status::kOk);
      REQUIRE(ran.size() == 1);
      CHECK(ran[0] >= 5'000'000);
      CHECK(ran[0] < 5'100'000);
    }
  }

  TEST_CASE("after_func's Stop after f started returns false: Reset runs f again") {
    sim::Result r = sim::Run([] {
      int runs = 0;
      Timer t = after_func(1ms, [&] { runs++; });
      sleep(2ms);
      CHECK(runs == 1);
      CHECK_FALSE(t.Stop());
      CHECK_FALSE(t.Reset(1ms));
      sleep(2ms);
      CHECK(runs == 2);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a ticker ticks every period: a slow receiver misses ticks instead of queueing them") {
    sim::Result r = sim::Run([] {
      Time t0 = time_now();
      Ticker tk(10ms);
      for (int i = 1; i <= 3; i++) CHECK(Near(tk.C.Recv().Sub(t0), i * 10ms));
      sleep(35ms);  // ticks at 40, 50, 60 ms: only the first fits in C
      Time late = tk.C.Recv();
      CHECK(Near(late.Sub(t0), 40ms));
      Time next = tk.C.Recv();
      CHECK(Near(next.Sub(t0), 70ms));
      tk.Stop();
      sleep(30ms);
      CHECK_FALSE(Poll(tk.C).has_value());
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("Ticker.Reset restarts with the new period") {
    sim::Result r = sim::Run([] {
      Ticker tk(10ms);
      Time t0 = tk.C.Recv();
      tk.Reset(3ms);
      Time a = tk.C.Recv(), b = tk.C.Recv();
      CHECK(a.Sub(t0) >= 3ms);
      CHECK(a.Sub(t0) < 4ms);
      CHECK(b.Sub(a) == 3ms);
      tk.Stop();
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("tick(d) keeps ticking with no handle kept: tick of a non-positive d is the nil channel") {
    sim::Result r = sim::Run([] {
      auto c = tick(1ms);
      Time a = c.Recv(), b = c.Recv();
      CHECK(b.Sub(a) == 1ms);
      CHECK(tick(0ms).nil());
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("misuse panics with Go's messages") {
    sim::Result r = sim::Run([] {
      CHECK_THROWS_WITH(Ticker(0ms), "non-positive interval for NewTicker");
      CHECK_THROWS_WITH(Ticker(-1ms), "non-positive interval for NewTicker");
      Ticker tk(1ms);
      CHECK_THROWS_WITH(tk.Reset(0ms), "non-positive interval for Ticker.Reset");
      tk.Stop();
      CHECK_THROWS_WITH(Timer().Stop(), "time: Stop called on uninitialized Timer");
      CHECK_THROWS_WITH(Timer().Reset(1ms), "time: Reset called on uninitialized Timer");
      CHECK_THROWS_WITH(Ticker().Reset(1ms), "time: Reset called on uninitialized Ticker");
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("the goroutine a timer wakes runs next on the P that ran the timer (its runnext)") {
    // One P: a busy goroutine yields every 100 us (onto the global queue).
    // When the P schedules after the 1 ms timer, the waiter its send readies
    // goes into the P's runnext and runs before the busy one comes back.
    sim::Options o;
    o.procs = 1;
    Duration woke{};
    std::vector<Duration> resumed;  // when the busy goroutine came back from each yield
    sim::Result r = sim::Run([&] {
      Time t0 = time_now();
      WaitGroup wg;
      wg.Add(2);
      go([&] {
        Timer t(1ms);
        t.C.Recv();
        woke = time_now().Sub(t0);
        wg.Done();
      }, "waiter");
      go([&] {
        for (int i = 0; i < 30; i++) {
          work(100us);
          gosched();
          resumed.push_back(time_now().Sub(t0));
        }
        wg.Done();
      }, "busy");
      wg.Wait();
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(woke >= 1ms);
    int between = 0;  // busy steps after the timer was due and before the waiter woke
    for (Duration t : resumed) between += t >= 1ms + 10us && t < woke;
    CHECK(between == 0);
  }

  TEST_CASE("a timer with d <= 0 fires at once") {
    sim::Result r = sim::Run([] {
      Time t0 = time_now();
      Time v = Timer(-5s).C.Recv();
      CHECK(v.Sub(t0) < 10us);
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a timer run gives the same trace for the same seed") {
    auto once = [](std::uint64_t seed) {
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.sink = &sink;
      sim::Run([] {
        Ticker tk(1ms);
        auto done = make_chan<int>();
        for (int i = 0; i < 3; i++) {
          go([tk, done] {
            for (int k = 0; k < 3; k++) tk.C.Recv();
            done.Send(1);
          });
        }
        for (int i = 0; i < 3; i++) done.Recv();
        tk.Stop();
      }, o);
      std::vector<std::pair<std::string, std::int64_t>> out;
      for (auto& c : sink.events) out.emplace_back(std::string(c.name()), c.e.t_ns);
      return out;
    };
    for (std::uint64_t seed = 1; seed <= 10; seed++) CHECK(once(seed) == once(seed));
  }

  TEST_CASE("Go's Duration.String and the monotonic reading") {
    CHECK(FormatDuration(0ns) == "0s");
    CHECK(FormatDuration(1ns) == "1ns");
    CHECK(FormatDuration(1100ns) == "1.1\u00b5s");
    CHECK(FormatDuration(2200us) == "2.2ms");
    CHECK(FormatDuration(3300ms) == "3.3s");
    CHECK(FormatDuration(4min + 5s) == "4m5s");
    CHECK(FormatDuration(4min + 5001ms) == "4m5.001s");
    CHECK(FormatDuration(5h + 6min + 7001ms) == "5h6m7.001s");
    CHECK(FormatDuration(8min + 1ns) == "8m0.000000001s");
    CHECK(FormatDuration(-1ns) == "-1ns");
    CHECK(FormatDuration(1h) == "1h0m0s");
    CHECK(FormatTime(Time{1'500'000'000}) == "m=+1.500000000");
  }
}

TEST_SUITE("core.time native") {
  TEST_CASE("native: after Timer.Stop Ticker and after_func on the real clock" *
            doctest::timeout(20)) {
    native::Result r = native::Run([] {
      Time t0 = time_now();
      Time v = after(20ms).Recv();
      CHECK(v.Sub(t0) >= 20ms);

      Timer t(1h);
      CHECK(t.Stop());

      Ticker tk(2ms);
      Time a = tk.C.Recv(), b = tk.C.Recv();
      CHECK(b.After(a));
      tk.Stop();

      auto done = make_chan<int>(1);
      after_func(5ms, [done] { done.Send(7); });
      CHECK(done.Recv() == 7);

      int which = select(recv_case(make_chan<int>(), [](int) {}),
                         recv_case(after(5ms), [](Time) {}));
      CHECK(which == 1);
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("native: a goroutine blocked on a stopped timer's channel is a deadlock" *
            doctest::timeout(10)) {
    native::Result r = native::Run([] {
      Timer t(1h);
      t.Stop();
      t.C.Recv();
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
  }

  TEST_CASE("native: many goroutines with timeouts and tickers traced" * doctest::timeout(20)) {
    Collect sink;
    native::Options o;
    o.sink = &sink;
    native::Result r = native::Run([] {
      WaitGroup wg;
      for (int i = 0; i < 8; i++) {
        wg.Add(1);
        go([&wg, i] {
          Ticker tk(std::chrono::microseconds(200 + 50 * i));
          Timer stop(5ms);
          for (bool on = true; on;) {
            select(recv_case(tk.C, [](Time) {}), recv_case(stop.C, [&](Time) { on = false; }));
          }
          tk.Stop();
          wg.Done();
        });
      }
      wg.Wait();
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(sink.Named("timer.send").size() >= 8);
  }

  TEST_CASE("native: plain threads have Timers and after" * doctest::timeout(10)) {
    Time t0 = time_now();
    Time v = after(5ms).Recv();
    CHECK(v.Sub(t0) >= 5ms);
    Timer t(1h);
    CHECK(t.Stop());
  }
}
