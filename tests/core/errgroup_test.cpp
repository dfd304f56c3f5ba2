// Tests of synclab::errgroup::Group (spec section 15), after x/sync's
// errgroup_test.go: the zero Group, the first error and its cause,
// WithContext, SetLimit and TryGo at the limit, SetLimit's panic; sim over
// many seeds and native.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "collect.h"
#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/errgroup.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
namespace ctx = synclab::context;

namespace {

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
  TEST_CASE("native: " title * doctest::test_suite("core.errgroup native") *                      \
            doctest::timeout(30)) {                                                               \
    Native(body);                                                                                 \
  }

bool Closed(const RecvChan<Unit>& done) {
  bool closed = false;
  select(recv_case(done, [&] { closed = true; }), default_case());
  return closed;
}

}  // namespace

TEST_SUITE("core.errgroup") {
  // Go's TestZeroGroup: each row's errors, the first non-nil one returned.
  void ZeroBody() {
    const error err1 = errors::New("errgroup_test: 1");
    const error err2 = errors::New("errgroup_test: 2");
    const std::vector<std::vector<error>> cases = {
        {}, {error()}, {err1}, {err1, error()}, {err1, error(), err2}};
    for (const auto& errs : cases) {
      errgroup::Group g;  // the zero Group
      error first;
      for (std::size_t i = 0; i < errs.size(); i++) {
        const error e = errs[i];
        g.Go([e] { return e; });
        if (!first && e) first = e;
        CHECK(g.Wait() == first);  // as Go's test: Wait after each Go
      }
    }
  }
  BOTH_RUNTIMES("the zero Group waits for every task and returns the first error (TestZeroGroup)",
                &ZeroBody)

  void WaitAllBody() {
    errgroup::Group g;
    std::atomic<int> finished{0};
    for (int i = 0; i < 10; i++) {
      g.Go([&, i] {
        sleep(std::chrono::microseconds(10 * (i % 4)));
        finished++;
        return error();
      });
    }
    CHECK_FALSE(g.Wait());
    CHECK(finished.load() == 10);  // Wait returned only after every task
  }
  BOTH_RUNTIMES("Wait returns only after every task has returned", &WaitAllBody)

  void WithContextBody() {
    const error err = errors::New("boom");
    auto [g, c] = errgroup::WithContext(ctx::background());
    g->Go([] { return error(); });
    g->Go([c = c] {
      c.Done().Recv();  // waits for the first error's cancel
      return error();
    });
    g->Go([err] { sleep(1ms); return err; });
    CHECK(g->Wait() == err);
    CHECK(Closed(c.Done()));
    CHECK(c.Err() == ctx::Canceled);
    CHECK(ctx::cause(c) == err);  // the first error is the cause
  }
  BOTH_RUNTIMES("the first error cancels WithContext's context with the error as cause (TestWithContext)",
                &WithContextBody)

  void WaitCancelsBody() {
    auto [g, c] = errgroup::WithContext(ctx::background());
    g->Go([] { return error(); });
    CHECK_FALSE(g->Wait());
    // Wait cancels the context all the same; with no error the cause is Canceled.
    CHECK(Closed(c.Done()));
    CHECK(c.Err() == ctx::Canceled);
    CHECK(ctx::cause(c) == ctx::Canceled);
  }
  BOTH_RUNTIMES("Wait cancels WithContext's context with cause Canceled when no task failed",
                &WaitCancelsBody)

  TEST_CASE("only the first error counts: later ones neither replace it nor cancel again") {
    for (std::uint64_t seed = 1; seed <= 30; seed++) {
      CAPTURE(seed);
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.sink = &sink;
      sim::Result r = sim::Run([] {
        const error first = errors::New("first");
        const error second = errors::New("second");
        auto [g, c] = errgroup::WithContext(ctx::background(), "eg");
        g->Go([first] { sleep(1ms); return first; });
        g->Go([second] { sleep(2ms); return second; });
        CHECK(g->Wait() == first);
        CHECK(ctx::cause(c) == first);
      }, o);
      REQUIRE(r.outcome.status == rt::Status::kOk);
      auto fe = sink.Named("eg.go.first_error");
      REQUIRE(fe.size() == 1);
      CHECK(fe[0].str("err") == "first");
      CHECK(fe[0].field("cancel") == 1);
      auto ends = sink.Named("eg.task.end");
      REQUIRE(ends.size() == 2);
      CHECK(ends[0].field("failed") == 1);
      CHECK(ends[1].str("err") == "second");
    }
  }

  TEST_CASE("a plain Group records the first error without a context to cancel") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Run([] {
      errgroup::Group g{"eg"};
      const error e = errors::New("x");
      g.Go([e] { return e; });
      CHECK(g.Wait() == e);
    }, o);
    auto fe = sink.Named("eg.go.first_error");
    REQUIRE(fe.size() == 1);
    CHECK(fe[0].field("cancel") == 0);
    CHECK(sink.Named("ctx.cancel").empty());
  }

  // Go's TestGoLimit: with SetLimit(n) no more than n tasks run at once
  // (and, with enough tasks, n do).
  void LimitBody() {
    constexpr int kLimit = 3;
    errgroup::Group g;
    g.SetLimit(kLimit);
    std::atomic<int> active{0};
    std::atomic<int> peak{0};
    for (int i = 0; i < 12; i++) {
      g.Go([&] {
        const int n = ++active;
        int p = peak.load();
        while (n > p && !peak.compare_exchange_weak(p, n)) {
        }
        CHECK(n <= kLimit);
        sleep(1ms);
        active--;
        return error();
      });
    }
    CHECK_FALSE(g.Wait());
    CHECK(peak.load() <= kLimit);
    if (rt::InSim()) CHECK(peak.load() == kLimit);  // sleeps overlap in virtual time
  }
  BOTH_RUNTIMES("SetLimit bounds the tasks running at once (TestGoLimit)", &LimitBody)

  // Go's TestTryGo.
  void TryGoBody() {
    errgroup::Group g;
    constexpr int kLimit = 2;
    g.SetLimit(kLimit);
    auto release = make_chan<Unit>(0);
    // The limit's tasks start...
    for (int i = 0; i < kLimit; i++)
      CHECK(g.TryGo([release] { release.Recv(); return error(); }));
    // ...and one more does not.
    bool ran = false;
    CHECK_FALSE(g.TryGo([&] { ran = true; return error(); }));
    // A slot frees: TryGo succeeds again.
    release.Send(Unit{});
    bool ok = false;
    for (int tries = 0; tries < 1000 && !ok; tries++) {
      ok = g.TryGo([release] { release.Recv(); return error(); });
      if (!ok) sleep(10us);
    }
    CHECK(ok);
    release.Send(Unit{});
    release.Send(Unit{});
    CHECK_FALSE(g.Wait());
    CHECK_FALSE(ran);
    // Limit 0: every TryGo fails.
    g.SetLimit(0);
    CHECK_FALSE(g.TryGo([] { return error(); }));
    // No limit: TryGo always starts the task.
    g.SetLimit(-1);
    for (int i = 0; i < 5; i++) CHECK(g.TryGo([] { return error(); }));
    CHECK_FALSE(g.Wait());
  }
  BOTH_RUNTIMES("TryGo fails at the limit and succeeds once a slot frees but never with limit 0 (TestTryGo)",
                &TryGoBody)

  TEST_CASE("Go blocks at the limit until a task returns") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    o.procs = 1;
    sim::Result r = sim::Run([] {
      errgroup::Group g{"eg"};
      g.SetLimit(1);
      auto release = make_chan<Unit>(0);
      std::atomic<bool> second_started{false};
      g.Go([release] { release.Recv(); return error(); });
      go([&] {
        sleep(1ms);
        CHECK_FALSE(second_started.load());  // still blocked in Go
        release.Send(Unit{});
      });
      g.Go([&] { second_started = true; return error(); });  // waits for the slot
      CHECK_FALSE(g.Wait());
      CHECK(second_started.load());
    }, o);
    REQUIRE(r.outcome.status == rt::Status::kOk);
    auto waits = sink.Named("eg.go.wait_slot");
    REQUIRE(waits.size() == 1);
    CHECK(waits[0].field("active") == 1);
    CHECK(waits[0].field("limit") == 1);
    auto gos = sink.Named("eg.go");
    REQUIRE(gos.size() == 2);
    CHECK(gos[1].field("active") == 1);  // its own token, the first task's returned
  }

  TEST_CASE("SetLimit while tasks hold slots panics with Go's text and works once they are done") {
    sim::Result r = sim::Run([] {
      errgroup::Group g;
      g.SetLimit(2);
      auto release = make_chan<Unit>(0);
      g.Go([release] { release.Recv(); return error(); });
      g.Go([release] { release.Recv(); return error(); });
      CHECK_THROWS_WITH_AS(g.SetLimit(5),
                           "errgroup: modify limit while 2 goroutines in the group are still active",
                           Panic);
      release.Send(Unit{});
      release.Send(Unit{});
      CHECK_FALSE(g.Wait());
      CHECK_NOTHROW(g.SetLimit(5));
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("native: SetLimit's panic text names the active count" *
            doctest::test_suite("core.errgroup native") * doctest::timeout(30)) {
    native::Result r = native::Run([] {
      errgroup::Group g;
      g.SetLimit(1);
      auto release = make_chan<Unit>(0);
      g.Go([release] { release.Recv(); return error(); });
      CHECK_THROWS_WITH_AS(g.SetLimit(-2 + 3),
                           "errgroup: modify limit while 1 goroutines in the group are still active",
                           Panic);
      release.Send(Unit{});
      CHECK_FALSE(g.Wait());
    }, native::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("SetLimit(-1) removes the limit even while tasks run (Go checks only n >= 0)") {
    sim::Result r = sim::Run([] {
      errgroup::Group g;
      g.SetLimit(1);
      auto release = make_chan<Unit>(0);
      g.Go([release] { release.Recv(); return error(); });
      CHECK_NOTHROW(g.SetLimit(-1));
      CHECK(g.TryGo([] { return error(); }));  // no limit now
      release.Send(Unit{});
      CHECK_FALSE(g.Wait());
    }, sim::Options{});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("a task that panics ends the run with the panic after giving its slot back") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Result r = sim::Run([] {
      errgroup::Group g{"eg"};
      g.SetLimit(1);
      g.Go([]() -> error { throw Panic("task exploded"); });
      g.Wait();
    }, o);
    CHECK(r.outcome.status == rt::Status::kPanic);
    CHECK(r.outcome.message == "panic: task exploded");
    // Go's deferred g.done() ran as the panic unwound: the token came back
    // and the WaitGroup was told, by the task's goroutine.
    const auto begin = sink.Named("eg.task.begin");
    REQUIRE(begin.size() == 1);
    bool done = false;
    for (const auto& e : sink.Named("wg.add", begin[0].e.g)) done |= e.field("delta") == -1;
    CHECK(done);
  }

  TEST_CASE("the trace names the group's parts and carries active and limit and tasks") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    o.procs = 1;
    sim::Run([] {
      auto [g, c] = errgroup::WithContext(ctx::background(), "eg");
      g->SetLimit(2);
      g->Go([] { return error(); });
      g->Wait();
    }, o);
    auto wc = sink.Named("eg.with_context");
    REQUIRE(wc.size() == 1);
    CHECK(wc[0].field("limit") == -1);
    auto sl = sink.Named("eg.set_limit");
    REQUIRE(sl.size() == 1);
    CHECK(sl[0].field("limit") == 2);
    CHECK(sl[0].field("sem") != 0);
    auto go = sink.Named("eg.go");
    REQUIRE(go.size() == 1);
    CHECK(go[0].field("active") == 1);
    CHECK(go[0].field("tasks") == 1);
    CHECK(go[0].field("try") == 0);
    auto begin = sink.Named("eg.task.begin");
    REQUIRE(begin.size() == 1);
    CHECK(begin[0].e.g != go[0].e.g);  // the task's own goroutine
    auto end = sink.Named("eg.wait.end");
    REQUIRE(end.size() == 1);
    CHECK(end[0].field("tasks") == 0);
    CHECK(end[0].field("cancel") == 1);
    CHECK(end[0].str("err").empty());
  }
}
