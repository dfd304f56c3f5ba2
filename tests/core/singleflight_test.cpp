// Tests of synclab::singleflight::Group (spec section 14), after x/sync's
// singleflight_test.go: results, duplicates and shared, Forget, DoChan,
// panics reaching every waiter; sim over many seeds and native.
#include <doctest/doctest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "collect.h"
#include "synclab/chan.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/singleflight.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;
namespace sf = synclab::singleflight;

namespace {

// Runs body in sim for seeds 1..n (procs 1, 2 and 4); each run must end ok.
void Sim(void (*body)(), std::uint64_t seeds = 20) {
  for (int procs : {1, 2, 4}) {
    for (std::uint64_t seed = 1; seed <= seeds; seed++) {
      CAPTURE(procs);
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      o.procs = procs;
      sim::Result r = sim::Run(body, o);
      CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
    }
  }
}
void Native(void (*body)()) {
  for (int i = 0; i < 5; i++) {
    native::Result r = native::Run(body, native::Options{});
    CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
  }
}

#define BOTH_RUNTIMES(title, body)                                                                \
  TEST_CASE(title) { Sim(body); }                                                                 \
  TEST_CASE("native: " title * doctest::test_suite("core.singleflight native") *                  \
            doctest::timeout(30)) {                                                               \
    Native(body);                                                                                 \
  }

// Go's TestDoDupSuppress: n callers of one key while fn is blocked; fn runs
// once, everyone gets its value, and everyone's shared is true. In sim,
// main's sleep lets every caller reach Do before fn is released, so that is
// exact; natively a caller might come late and start a call of its own, so,
// as Go's test, only 0 < calls < n is required there.
void DupSuppress() {
  sf::Group<std::string> g{"g"};
  auto release = make_chan<Unit>(0, "release");
  std::atomic<int> calls{0};
  std::atomic<int> arrived{0};
  constexpr int kN = 6;
  WaitGroup wg;
  std::vector<int> shared(kN, -1);
  std::vector<std::string> got(kN);
  for (int i = 0; i < kN; i++) {
    wg.Add(1);
    go([&, i] {
      arrived++;
      auto [v, err, sh] = g.Do("key", [&]() -> std::pair<std::string, error> {
        calls++;
        release.Recv();  // held until every caller has joined
        return {"bar", error()};
      });
      CHECK_FALSE(err);
      got[std::size_t(i)] = v;
      shared[std::size_t(i)] = sh;
      wg.Done();
    });
  }
  while (arrived.load() < kN) sleep(100us);
  sleep(5ms);
  release.Close();  // releases late callers' calls too (natively)
  wg.Wait();
  for (int i = 0; i < kN; i++) CHECK(got[std::size_t(i)] == "bar");
  if (rt::InSim()) {
    CHECK(calls.load() == 1);
    for (int i = 0; i < kN; i++) CHECK(shared[std::size_t(i)] == 1);  // the leader too
  } else {
    CHECK(calls.load() > 0);
    CHECK(calls.load() < kN);
  }
}

}  // namespace

TEST_SUITE("core.singleflight") {
  void DoBody() {
    sf::Group<std::string> g;  // a zero Group works (nameless, map made on use)
    auto [v, err, shared] = g.Do("key", [] { return std::pair{std::string("bar"), error()}; });
    CHECK(v == "bar");
    CHECK_FALSE(err);
    CHECK_FALSE(shared);  // nobody joined
    CHECK(g.InFlight() == 0);  // the call left the map when fn returned
  }
  BOTH_RUNTIMES("Do returns fn's value and a nil error and shared false when alone (TestDo)", &DoBody)

  void DoErrBody() {
    sf::Group<int> g;
    const error some = errors::New("Some error");
    auto [v, err, shared] = g.Do("key", [&] { return std::pair{0, some}; });
    CHECK(err == some);
    CHECK(v == 0);
    CHECK_FALSE(shared);
  }
  BOTH_RUNTIMES("Do returns fn's error (TestDoErr)", &DoErrBody)

  BOTH_RUNTIMES("duplicates wait for the leader's call and share its result (TestDoDupSuppress)",
                &DupSuppress)

  TEST_CASE("a Do on a plain thread works: Group is a drop-in outside any runtime") {
    sf::Group<int> g;
    int calls = 0;
    for (int i = 0; i < 3; i++) {
      auto [v, err, shared] = g.Do("k", [&] { return std::pair{++calls, error()}; });
      CHECK(v == i + 1);  // each Do after the last ended starts a new call
      CHECK_FALSE(shared);
    }
  }

  void SequentialBody() {
    sf::Group<int> g;
    int calls = 0;
    for (int i = 0; i < 3; i++) {
      auto [v, err, shared] = g.Do("k", [&] { return std::pair{++calls, error()}; });
      CHECK(v == i + 1);
      CHECK_FALSE(shared);
    }
    // Different keys are different calls.
    auto [a, ea, sa] = g.Do("a", [] { return std::pair{1, error()}; });
    auto [b, eb, sb] = g.Do("b", [] { return std::pair{2, error()}; });
    CHECK(a == 1);
    CHECK(b == 2);
  }
  BOTH_RUNTIMES("a Do after the key's call ended runs fn again and keys are independent",
                &SequentialBody)

  TEST_CASE("the leader's shared is true only if someone joined but a duplicate's always is") {
    Collect sink;
    sim::Result r = sim::Run([] {
      sf::Group<int> g{"g"};
      auto release = make_chan<Unit>(0);
      bool leader_shared = false, dup_shared = false;
      WaitGroup wg;
      wg.Add(2);
      go([&] {
        leader_shared = std::get<2>(g.Do("k", [&] { release.Recv(); return std::pair{1, error()}; }));
        wg.Done();
      });
      sleep(1ms);
      go([&] {
        dup_shared = std::get<2>(g.Do("k", [] { return std::pair{2, error()}; }));
        wg.Done();
      });
      sleep(1ms);
      release.Send(Unit{});
      wg.Wait();
      CHECK(leader_shared);
      CHECK(dup_shared);
      // A leader alone: not shared.
      CHECK_FALSE(std::get<2>(g.Do("k", [] { return std::pair{3, error()}; })));
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    auto leaders = sink.Named("sf.do.leader");
    auto dups = sink.Named("sf.do.dup");
    auto done = sink.Named("sf.call.done");
    REQUIRE(leaders.size() == 2);
    REQUIRE(dups.size() == 1);
    REQUIRE(done.size() == 2);
    CHECK(leaders[0].str("key") == "k");
    CHECK(leaders[0].field("calls") == 1);
    CHECK(dups[0].field("dups") == 1);
    CHECK(dups[0].field("wg") == leaders[0].field("wg"));  // it joined that call
    CHECK(done[0].field("dups") == 1);
    CHECK(done[0].field("removed") == 1);
    CHECK(done[0].field("calls") == 0);
    CHECK(done[0].str("result") == "1");
    CHECK(done[1].field("dups") == 0);
    // The duplicate waited on the call's WaitGroup.
    CHECK(sink.Named("wg.wait.park", 3).size() == 1);
  }

  TEST_CASE("Forget lets the next Do start a new call while the old one runs (TestForget)") {
    for (std::uint64_t seed = 1; seed <= 30; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      sim::Result r = sim::Run([] {
        sf::Group<int> g{"g"};
        auto first_started = make_chan<Unit>(0);
        auto unblock_first = make_chan<Unit>(0);
        auto first_done = make_chan<Unit>(1);
        go([&] {
          g.Do("key", [&] {
            first_started.Send(Unit{});
            unblock_first.Recv();
            return std::pair{1, error()};
          });
          first_done.Send(Unit{});
        });
        first_started.Recv();
        g.Forget("key");

        auto unblock_second = make_chan<Unit>(0);
        auto second = g.DoChan("key", [&] {
          unblock_second.Recv();
          return std::pair{2, error()};
        });
        // The first call ends now; it must not take the second out of the map.
        unblock_first.Send(Unit{});
        first_done.Recv();

        // A third Do joins the second call, not a new one.
        auto third = g.DoChan("key", [] { return std::pair{3, error()}; });
        unblock_second.Send(Unit{});
        sf::Result<int> r2 = second.Recv();
        sf::Result<int> r3 = third.Recv();
        CHECK(r2.Val == 2);
        CHECK(r3.Val == 2);
        CHECK(r2.Shared);
        CHECK(r3.Shared);
      }, o);
      CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
    }
  }

  TEST_CASE("Forget traces what it removed and a forgotten call's end removes nothing") {
    Collect sink;
    sim::Run([] {
      sf::Group<int> g{"g"};
      auto release = make_chan<Unit>(0);
      auto ch = g.DoChan("k", [&] { release.Recv(); return std::pair{1, error()}; });
      sleep(1ms);
      g.Forget("k");
      g.Forget("k");  // nothing left to forget
      release.Send(Unit{});
      CHECK(ch.Recv().Val == 1);
    }, OneP(sink));
    auto forgets = sink.Named("sf.forget");
    REQUIRE(forgets.size() == 2);
    CHECK(forgets[0].field("removed") == 1);
    CHECK(forgets[0].field("calls") == 0);
    CHECK(forgets[1].field("removed") == 0);
    CHECK(forgets[1].field("wg") == 0);
    auto done = sink.Named("sf.call.done");
    REQUIRE(done.size() == 1);
    CHECK(done[0].field("removed") == 0);
  }

  void DoChanBody() {
    sf::Group<std::string> g;
    auto ch = g.DoChan("key", [] { return std::pair{std::string("bar"), error()}; });
    auto [res, ok] = ch.Recv2();
    CHECK(ok);
    CHECK(res.Val == "bar");
    CHECK_FALSE(res.Err);
    CHECK_FALSE(res.Shared);
    CHECK(ch.Cap() == 1);
  }
  BOTH_RUNTIMES("DoChan delivers a Result of val and err and shared on a channel of capacity 1 (TestDoChan)",
                &DoChanBody)

  void DoChanDupsBody() {
    sf::Group<int> g;
    auto release = make_chan<Unit>(0);
    std::atomic<int> calls{0};
    std::vector<RecvChan<sf::Result<int>>> chans;
    for (int i = 0; i < 4; i++) {
      chans.push_back(g.DoChan("k", [&] {
        calls++;
        release.Recv();
        return std::pair{42, error()};
      }));
    }
    // DoChan returned before fn ended: its leader runs fn in a goroutine.
    release.Send(Unit{});
    for (auto& ch : chans) {
      sf::Result<int> r = ch.Recv();
      CHECK(r.Val == 42);
      CHECK(r.Shared);
    }
    CHECK(calls.load() == 1);
  }
  BOTH_RUNTIMES("DoChan callers of one key share one call and DoChan returns before fn ends",
                &DoChanDupsBody)

  void MixedBody() {
    sf::Group<int> g;
    auto release = make_chan<Unit>(0);
    auto ch = g.DoChan("k", [&] { release.Recv(); return std::pair{7, error()}; });
    WaitGroup wg;
    wg.Add(1);
    int got = 0;
    bool shared = false;
    go([&] {
      auto [v, err, sh] = g.Do("k", [] { return std::pair{8, error()}; });
      got = v;
      shared = sh;
      wg.Done();
    });
    sleep(1ms);
    release.Send(Unit{});
    wg.Wait();
    CHECK(ch.Recv().Val == 7);
    CHECK(got == 7);
    CHECK(shared);
  }
  // Sim only: natively the Do's thread may start after the call has ended.
  TEST_CASE("a Do joins a DoChan leader's call") { Sim(&MixedBody); }

  TEST_CASE("a panic in fn reaches the leader and every Do duplicate as a panicError (TestPanicDo)") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      int caught = 0;
      std::vector<std::string> messages;
      sim::Result r = sim::Run([&] {
        sf::Group<int> g{"g"};
        auto release = make_chan<Unit>(0);
        WaitGroup wg;
        for (int i = 0; i < 3; i++) {
          wg.Add(1);
          go([&] {
            try {
              g.Do("key", [&]() -> std::pair<int, error> {
                release.Recv();
                throw Panic("invalid memory address or nil pointer dereference");
              });
            } catch (const sf::PanicError& e) {
              caught++;
              messages.emplace_back(e.what());
              CHECK(e.ValueText() == "invalid memory address or nil pointer dereference");
            }
            wg.Done();
          });
        }
        sleep(1ms);
        release.Send(Unit{});
        wg.Wait();
        // The call is gone: the next Do runs fn afresh.
        CHECK(std::get<0>(g.Do("key", [] { return std::pair{1, error()}; })) == 1);
      }, o);
      CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
      CHECK(caught == 3);
      for (const std::string& m : messages) {
        // Go's panicError.Error(): "<value>\n\n<stack>".
        CHECK(m.rfind("invalid memory address or nil pointer dereference\n\n", 0) == 0);
        CHECK(m.find("singleflight.(*Group).doCall(key \"key\")") != std::string::npos);
      }
    }
  }

  TEST_CASE("a panic in fn with a DoChan waiter crashes the program from a fresh goroutine (TestPanicDoChan)") {
    for (std::uint64_t seed = 1; seed <= 10; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      Collect sink;
      o.sink = &sink;
      bool received = false;
      sim::Result r = sim::Run([&] {
        sf::Group<int> g{"g"};
        auto ch = g.DoChan("", [&]() -> std::pair<int, error> { throw Panic("Panicking in DoChan"); });
        ch.Recv();  // never answered: the program crashes first
        received = true;
      }, o);
      CHECK(r.outcome.status == rt::Status::kPanic);
      CHECK(r.outcome.message.rfind("panic: Panicking in DoChan\n\n", 0) == 0);
      CHECK_FALSE(received);
      // The panic came from a goroutine other than the call's (the DoChan goroutine).
      CHECK(r.outcome.g > 2);
      CHECK(sink.Named("sf.call.done").at(0).field("panicked") == 1);
    }
  }

  TEST_CASE("a Do leader's panic also crashes the program when a DoChan caller joined (TestPanicDoSharedByDoChan)") {
    sim::Result r = sim::Run([] {
      sf::Group<int> g;
      auto blocked = make_chan<Unit>(0);
      auto unblock = make_chan<Unit>(0);
      go([&] {
        try {
          g.Do("", [&]() -> std::pair<int, error> {
            blocked.Close();
            unblock.Recv();
            throw Panic("Panicking in Do");
          });
        } catch (const Panic&) {
          // recovered: the crash comes from elsewhere
        }
      });
      blocked.Recv();
      auto ch = g.DoChan("", [] { return std::pair{0, error()}; });
      unblock.Close();
      ch.Recv();
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kPanic);
    CHECK(r.outcome.message.rfind("panic: Panicking in Do\n\n", 0) == 0);
  }

  TEST_CASE("a panicError unwraps to the error fn threw and to nil for other values (TestPanicErrorUnwrap)") {
    sf::Group<int> g;
    const error boom = errors::New("boom");
    try {
      g.Do("k", [&]() -> std::pair<int, error> { throw boom; });
      FAIL("Do did not panic");
    } catch (const sf::PanicError& e) {
      CHECK(e.Unwrap() == boom);
      CHECK(std::string(e.what()).rfind("boom\n\n", 0) == 0);
    }
    try {
      g.Do("k", [&]() -> std::pair<int, error> { throw std::runtime_error("plain"); });
      FAIL("Do did not panic");
    } catch (const sf::PanicError& e) {
      CHECK_FALSE(e.Unwrap());
      CHECK(e.ValueText() == "plain");
      // What fn threw is kept as it was.
      CHECK_THROWS_WITH_AS(std::rethrow_exception(e.Value()), "plain", std::runtime_error);
    }
    // The panic left the group usable.
    CHECK(std::get<0>(g.Do("k", [] { return std::pair{5, error()}; })) == 5);
  }

  TEST_CASE("fn runs once per key for every schedule with duplicates counted") {
    for (std::uint64_t seed = 1; seed <= 40; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      o.procs = 4;
      Collect sink;
      o.sink = &sink;
      int calls = 0, results = 0;
      sim::Result r = sim::Run([&] {
        sf::Group<int> g{"g"};
        WaitGroup wg;
        for (int i = 0; i < 8; i++) {
          wg.Add(1);
          go([&] {
            auto [v, err, shared] = g.Do("k", [&] {
              calls++;
              work(50us);
              return std::pair{calls, error()};
            });
            results += v;  // v: the number of the call whose result it got
            wg.Done();
          });
        }
        wg.Wait();
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      // Every caller either led a call or joined one: leaders + dups = 8.
      const auto leaders = sink.Named("sf.do.leader").size();
      const auto dups = sink.Named("sf.do.dup").size();
      CHECK(leaders + dups == 8);
      CHECK(std::size_t(calls) == leaders);
      std::int64_t dup_sum = 0;
      for (const auto& d : sink.Named("sf.call.done")) dup_sum += d.field("dups");
      CHECK(std::size_t(dup_sum) == dups);
      CHECK(results >= 8);
    }
  }

  TEST_CASE("native: many threads on a hot key get results of calls and fn runs at most once per caller" *
            doctest::test_suite("core.singleflight native") * doctest::timeout(30)) {
    native::Result r = native::Run([] {
      sf::Group<int> g;
      std::atomic<int> calls{0};
      std::atomic<int> bad{0};
      WaitGroup wg;
      for (int t = 0; t < 8; t++) {
        wg.Add(1);
        go([&] {
          for (int i = 0; i < 2000; i++) {
            auto [v, err, shared] = g.Do("hot", [&] { return std::pair{++calls, error()}; });
            if (v < 1 || v > calls.load() || err) bad++;
          }
          wg.Done();
        });
      }
      wg.Wait();
      CHECK(bad.load() == 0);
      CHECK(calls.load() <= 16000);
      CHECK(calls.load() >= 1);
    }, native::Options{});
    CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
  }
}
