// Tests of synclab::Once and OnceFunc/OnceValue/OnceValues (spec section 6),
// after Go's once_test.go and oncefunc_test.go.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/once.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

TEST_SUITE("core.once sim") {
  TEST_CASE("f runs once however many goroutines call Do and every Do returns after it") {
    for (int procs : {1, 2, 4}) {
      for (std::uint64_t seed = 1; seed <= 20; seed++) {
        CAPTURE(procs);
        CAPTURE(seed);
        int runs = 0, early = 0;
        sim::Options o;
        o.procs = procs;
        o.seed = seed;
        sim::Result r = sim::Run([&] {
          Once once;
          WaitGroup wg;
          bool ready = false;
          wg.Add(5);
          for (int i = 0; i < 5; i++) {
            go([&] {
              once.Do([&] { runs++; work(10us); ready = true; });
              early += !ready;  // Do returned before f finished
              wg.Done();
            });
          }
          wg.Wait();
        }, o);
        REQUIRE(r.outcome.status == rt::Status::kOk);
        CHECK(runs == 1);
        CHECK(early == 0);
      }
    }
  }

  TEST_CASE("the goroutines that lose wait on m while f runs") {
    Collect sink;
    sim::Run([&] {
      Once once{"once"};
      WaitGroup wg;
      wg.Add(2);
      go([&] { once.Do([] { sleep(1ms); }); wg.Done(); });  // G2 runs f
      sleep(10us);
      go([&] { once.Do([] {}); wg.Done(); });  // G3 comes while f runs
      wg.Wait();
    }, OneP(sink));
    CHECK(sink.Named("once.run.begin").size() == 1);
    CHECK(sink.Named("once.run.end").size() == 1);
    auto slow = sink.Named("once.slow", 3);
    REQUIRE(slow.size() == 1);
    CHECK(slow[0].field("done") == 1);  // it got m after f had finished
    auto parks = sink.Named("mutex.lock.slow.park", 3);
    CHECK(parks.size() == 1);  // it waited on once.m
  }

  TEST_CASE("after f has run Do takes the fast path and never touches m") {
    Collect sink;
    sim::Run([] {
      Once once{"once"};
      once.Do([] {});
      once.Do([] {});
      once.Do([] {});
    }, OneP(sink));
    CHECK(sink.Named("once.slow").size() == 1);
    CHECK(sink.Named("once.fast").size() == 2);
    CHECK(sink.Named("mutex.lock.fast").size() == 1);  // the first Do's, on once.m
  }

  TEST_CASE("a panic in f propagates and the Once still counts as done") {
    int calls = 0;
    bool caught = false;
    sim::Result r = sim::Run([&] {
      Once once;
      try {
        once.Do([&] { calls++; throw Panic("failed"); });
      } catch (const Panic& p) {
        caught = std::string(p.what()) == "failed";
      }
      once.Do([&] { calls++; });
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(caught);
    CHECK(calls == 1);
  }

  TEST_CASE("Do inside f on the same Once deadlocks") {
    sim::Result r = sim::Run([] {
      Once once;
      once.Do([&] { once.Do([] {}); });
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSyncMutexLock);
  }
}

TEST_SUITE("core.once native") {
  TEST_CASE("f runs once on many threads" * doctest::timeout(30)) {
    Once once;
    std::atomic<int> runs{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; i++) threads.emplace_back([&] { once.Do([&] { runs++; }); });
    for (auto& t : threads) t.join();
    CHECK(runs == 1);
    CHECK(once.done());
  }

  TEST_CASE("OnceFunc calls f once") {
    int calls = 0;
    auto f = OnceFunc([&] { calls++; });
    f();
    f();
    auto copy = f;  // copies share the one Once, as Go's closure does
    copy();
    CHECK(calls == 1);
  }

  TEST_CASE("OnceFunc rethrows f's panic on every call") {
    int calls = 0;
    auto f = OnceFunc([&] {
      calls++;
      throw Panic("x");
    });
    CHECK_THROWS_WITH_AS(f(), "x", Panic);
    CHECK_THROWS_WITH_AS(f(), "x", Panic);
    CHECK(calls == 1);
  }

  TEST_CASE("OnceValue caches the value and OnceValues caches both") {
    int calls = 0;
    auto v = OnceValue([&] { return ++calls * 10; });
    CHECK(v() == 10);
    CHECK(v() == 10);
    auto vs = OnceValues([&] { return std::pair{++calls, std::string("ok")}; });
    CHECK(vs() == std::pair{2, std::string("ok")});
    CHECK(vs() == std::pair{2, std::string("ok")});
    CHECK(calls == 2);
    auto failing = OnceValue([&]() -> int { calls++; throw std::runtime_error("no value"); });
    CHECK_THROWS_WITH(failing(), "no value");
    CHECK_THROWS_WITH(failing(), "no value");
    CHECK(calls == 3);
  }
}
