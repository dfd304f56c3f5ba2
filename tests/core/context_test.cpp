// Tests of synclab::context, after Go's context_test.go (x_test.go): the
// tree's propagation and removal, errors, causes, deadlines in virtual time,
// values, WithoutCancel, AfterFunc, contexts of one's own; sim with many
// seeds and native.
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <vector>

#include "collect.h"
#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
namespace ctx = synclab::context;

namespace {

// Go's test helper: is the channel closed (non-blocking)?
bool Closed(const RecvChan<Unit>& done) {
  if (done.nil()) return false;
  bool closed = false;
  select(recv_case(done, [&] { closed = true; }), default_case());
  return closed;
}

// Runs body in sim for seeds 1..n; each run must end ok.
void Sim(void (*body)(), std::uint64_t seeds = 10) {
  for (std::uint64_t seed = 1; seed <= seeds; seed++) {
    CAPTURE(seed);
    sim::Options o;
    o.seed = seed;
    sim::Result r = sim::Run(body, o);
    CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
  }
}
// Runs body natively (OS threads) a few times; each run must end ok.
void Native(void (*body)()) {
  for (int i = 0; i < 3; i++) {
    native::Result r = native::Run(body, native::Options{});
    CHECK_MESSAGE(r.outcome.status == rt::Status::kOk, r.outcome.message);
  }
}

// A test body that runs in both runtimes: a sim case in core.context and a
// native one in core.context native (the suite ThreadSanitizer runs).
#define BOTH_RUNTIMES(title, seeds, body)                                                      \
  TEST_CASE(title) { Sim(body, seeds); }                                                       \
  TEST_CASE("native: " title * doctest::test_suite("core.context native") * doctest::timeout(30)) { \
    Native(body);                                                                              \
  }

struct UserKey {
  int n = 0;
  friend bool operator==(const UserKey&, const UserKey&) = default;
};
struct OtherKey {
  int n = 0;
  friend bool operator==(const OtherKey&, const OtherKey&) = default;
};

}  // namespace

TEST_SUITE("core.context") {
  void Body1() {
    for (const ctx::Context& c : {ctx::background(), ctx::todo()}) {
      CHECK(c.Done().nil());
      CHECK_FALSE(c.Err());
      CHECK_FALSE(c.Deadline().second);
      CHECK_FALSE(c.Value(UserKey{}).has_value());
    }
    CHECK(ctx::background().String() == "context.Background");
    CHECK(ctx::todo().String() == "context.TODO");
  }
  BOTH_RUNTIMES("Background and TODO are never done have no deadline values or error", 10, &Body1)

  void Body2() {
    auto [c1, cancel] = ctx::with_cancel(ctx::background());
    CHECK(c1.String() == "context.Background.WithCancel");
    auto o0 = ctx::with_value(c1, UserKey{}, 1);
    auto [c2, cancel2] = ctx::with_cancel(o0);
    auto [c3, cancel3] = ctx::with_timeout(c2, 1h);
    std::vector<ctx::Context> all{c1, o0, c2, c3};
    for (const ctx::Context& c : all) {
      CHECK_FALSE(Closed(c.Done()));
      CHECK_FALSE(c.Err());
    }
    cancel();
    for (const ctx::Context& c : all) {
      CHECK(Closed(c.Done()));
      CHECK(c.Err() == ctx::Canceled);
      CHECK(c.Err().Error() == "context canceled");
    }
    cancel2();
    cancel3();
  }
  BOTH_RUNTIMES("cancel closes Done and sets Err to Canceled for the whole subtree (Go's TestWithCancel)", 10, &Body2)

  TEST_CASE("a child's cancel leaves its parent running and detaches it (TestChildFinishesFirst)") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    o.procs = 1;
    sim::Result r = sim::Run([] {
      auto [parent, cancel_parent] = ctx::with_cancel(ctx::background(), "parent");
      auto [child, cancel_child] = ctx::with_cancel(parent, "child");
      cancel_child();
      CHECK(Closed(child.Done()));
      CHECK_FALSE(Closed(parent.Done()));
      CHECK_FALSE(parent.Err());
      cancel_parent();
      CHECK(child.Err() == ctx::Canceled);
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    auto attach = sink.Named("ctx.propagate.attach");
    REQUIRE(attach.size() == 1);
    CHECK(attach[0].field("children") == 1);
    auto removes = sink.Named("ctx.child.remove");
    REQUIRE(removes.size() == 1);
    CHECK(removes[0].field("children") == 0);
    CHECK(removes[0].field("child") == std::int64_t(attach[0].e.obj));
    // The parent's cancel found no children left.
    auto cancels = sink.Named("ctx.cancel");
    REQUIRE(cancels.size() == 2);
    CHECK(cancels[1].field("children") == 0);
  }

  TEST_CASE("a parent's cancel reaches children through value nodes (TestParentFinishesChild)") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Result r = sim::Run([] {
      auto [parent, cancel] = ctx::with_cancel(ctx::background());
      auto v = ctx::with_value(parent, UserKey{}, std::string("x"));
      auto [child, cancel_child] = ctx::with_cancel(v);
      auto [timer, cancel_timer] = ctx::with_timeout(v, 1h);
      cancel();
      CHECK(child.Err() == ctx::Canceled);
      CHECK(timer.Err() == ctx::Canceled);
      cancel_child();  // a second cancel changes nothing
      CHECK(child.Err() == ctx::Canceled);
      cancel_timer();
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    auto attach = sink.Named("ctx.propagate.attach");
    REQUIRE(attach.size() == 2);
    // Both attached to the cancelCtx above the value node.
    CHECK(attach[0].field("to") == attach[1].field("to"));
    CHECK(attach[0].field("to") != attach[0].field("parent"));
    CHECK(sink.Named("ctx.cancel.again").size() >= 1);
    // The timerCtx's cancel stopped its timer.
    auto stops = sink.Named("ctx.timer.stop");
    REQUIRE(stops.size() == 1);
    CHECK(stops[0].field("was") == 1);
  }

  void Body3() {
    auto [parent, cancel] = ctx::with_cancel_cause(ctx::background());
    auto why = errors::New("why");
    cancel(why);
    auto [child, cancel_child] = ctx::with_cancel(parent);
    CHECK(child.Err() == ctx::Canceled);
    CHECK(ctx::cause(child) == why);
    cancel_child();
  }
  BOTH_RUNTIMES("deriving from a cancelled context cancels the child at once (propagate immediate)", 10, &Body3)

  TEST_CASE("the deadline fires at its instant in virtual time with DeadlineExceeded") {
    for (std::uint64_t seed = 1; seed <= 20; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = seed;
      sim::Result r = sim::Run([] {
        Time t0 = time_now();
        auto [c, cancel] = ctx::with_timeout(ctx::background(), 50ms);
        auto [d, ok] = c.Deadline();
        CHECK(ok);
        CHECK(d.Sub(t0) >= 50ms);
        CHECK(d.Sub(t0) < 50ms + 1us);
        c.Done().Recv();
        CHECK(time_now().Sub(d) >= 0ns);
        CHECK(time_now().Sub(d) < 5us);
        CHECK(c.Err() == ctx::DeadlineExceeded);
        CHECK(c.Err().Timeout());
        CHECK(c.Err().Error() == "context deadline exceeded");
        CHECK(ctx::cause(c) == ctx::DeadlineExceeded);
        cancel();
        CHECK(c.Err() == ctx::DeadlineExceeded);  // the first cancel wins
      }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
    }
  }

  void Body4() {
    auto [p, cancel_p] = ctx::with_timeout(ctx::background(), 10ms);
    auto [c, cancel_c] = ctx::with_timeout(p, 1h);
    CHECK(c.Deadline().first == p.Deadline().first);
    CHECK(c.String().ends_with(".WithCancel"));
    c.Done().Recv();
    CHECK(c.Err() == ctx::DeadlineExceeded);  // inherited from the parent
    cancel_c();
    cancel_p();
  }
  BOTH_RUNTIMES("a later deadline under an earlier one is a plain cancel child with the parent's deadline", 10, &Body4)

  void Body5() {
    auto [c, cancel] = ctx::with_deadline(ctx::background(), time_now().Add(-1s));
    CHECK(Closed(c.Done()));
    CHECK(c.Err() == ctx::DeadlineExceeded);
    cancel();
    CHECK(c.Err() == ctx::DeadlineExceeded);
  }
  BOTH_RUNTIMES("a deadline already passed is done before with_deadline returns", 10, &Body5)

  void Body6() {
    auto boom = errors::New("boom");
    auto [c, cancel] = ctx::with_cancel_cause(ctx::background());
    auto [child, cancel_child] = ctx::with_cancel(c);
    CHECK_FALSE(ctx::cause(c));
    cancel(boom);
    CHECK(c.Err() == ctx::Canceled);
    CHECK(ctx::cause(c) == boom);
    CHECK(ctx::cause(child) == boom);  // the parent's cause, not Canceled
    cancel(errors::New("later"));
    CHECK(ctx::cause(c) == boom);
    cancel_child();

    auto [d, cancel_d] = ctx::with_cancel_cause(ctx::background());
    cancel_d(error());
    CHECK(ctx::cause(d) == ctx::Canceled);

    auto slow = errors::New("too slow");
    auto [t, cancel_t] = ctx::with_timeout_cause(ctx::background(), 1ms, slow);
    t.Done().Recv();
    CHECK(t.Err() == ctx::DeadlineExceeded);
    CHECK(ctx::cause(t) == slow);
    cancel_t();
    CHECK_FALSE(ctx::cause(ctx::background()));
    auto v = ctx::with_value(t, UserKey{}, 1);
    CHECK(ctx::cause(v) == slow);  // through the value node
  }
  BOTH_RUNTIMES("causes: given defaulted to err inherited by children nil before cancel", 10, &Body6)

  void Body7() {
    auto c0 = ctx::background();
    auto c1 = ctx::with_value(c0, UserKey{1}, std::string("c1k1"));
    auto c2 = ctx::with_value(c1, UserKey{2}, std::string("c2k2"));
    auto c3 = ctx::with_value(c2, UserKey{1}, std::string("c3k1"));
    auto [c4, cancel] = ctx::with_cancel(c3);
    CHECK(c4.Value<std::string>(UserKey{1}) == "c3k1");
    CHECK(c4.Value<std::string>(UserKey{2}) == "c2k2");
    CHECK(c1.Value<std::string>(UserKey{1}) == "c1k1");
    CHECK_FALSE(c1.Value(UserKey{2}).has_value());
    CHECK_FALSE(c4.Value(OtherKey{1}).has_value());  // same value, other type
    CHECK_FALSE(c4.Value(UserKey{3}).has_value());
    auto s = ctx::with_value(c0, "name", "alice");  // literals are strings
    CHECK(s.Value<std::string>(std::string("name")) == "alice");
    CHECK(s.String() == "context.Background.WithValue(type std::string, val alice)");
    cancel();
  }
  BOTH_RUNTIMES("Value: the nearest equal key wins: other types and values do not match", 10, &Body7)

  void Body8() {
    ctx::Context nil;
    CHECK_THROWS_WITH(ctx::with_cancel(nil), "cannot create context from nil parent");
    CHECK_THROWS_WITH(ctx::with_cancel_cause(nil), "cannot create context from nil parent");
    CHECK_THROWS_WITH(ctx::with_timeout(nil, 1s), "cannot create context from nil parent");
    CHECK_THROWS_WITH(ctx::with_deadline(nil, Time{}), "cannot create context from nil parent");
    CHECK_THROWS_WITH(ctx::with_value(nil, UserKey{}, 1), "cannot create context from nil parent");
    CHECK_THROWS_WITH(ctx::without_cancel(nil), "cannot create context from nil parent");
    CHECK_THROWS_WITH(ctx::with_value(ctx::background(), ctx::Key(), 1), "nil key");
    struct NoEq {
      int x;
    };
    CHECK_THROWS_WITH(ctx::with_value(ctx::background(), NoEq{1}, 1), "key is not comparable");
  }
  BOTH_RUNTIMES("construction panics with Go's messages", 1, &Body8)

  void Body9() {
    auto [p, cancel] = ctx::with_timeout(ctx::with_value(ctx::background(), UserKey{}, 5), 1ms);
    auto w = ctx::without_cancel(p);
    CHECK(w.Done().nil());
    CHECK_FALSE(w.Deadline().second);
    CHECK(w.Value<int>(UserKey{}) == 5);
    auto [c, cancel_c] = ctx::with_cancel(w);  // propagate none: never cancelled from above
    p.Done().Recv();
    CHECK_FALSE(w.Err());
    CHECK_FALSE(ctx::cause(w));
    // Nor from below it: the walk up stops finding cancelCtxs at w.
    CHECK_FALSE(ctx::cause(ctx::with_value(w, OtherKey{}, 1)));
    CHECK_FALSE(c.Err());
    CHECK(w.String().ends_with(".WithoutCancel"));
    cancel_c();
    cancel();
  }
  BOTH_RUNTIMES("without_cancel keeps the values and drops cancellation and deadline", 10, &Body9)

  void Body10() {
    auto [c, cancel] = ctx::with_cancel(ctx::background());
    auto ran = make_chan<int>(2);
    auto stop = ctx::after_func(c, [ran] { ran.Send(1); });
    auto stopped = ctx::after_func(c, [ran] { ran.Send(2); });
    CHECK(stopped());
    CHECK_FALSE(stopped());  // later calls return false
    cancel();
    CHECK(ran.Recv() == 1);
    CHECK_FALSE(stop());  // f has started
    sleep(1ms);
    CHECK(ran.Len() == 0);
    // On a context already done, f runs at once.
    ctx::after_func(c, [ran] { ran.Send(3); });
    CHECK(ran.Recv() == 3);
  }
  BOTH_RUNTIMES("AfterFunc runs f once in its own goroutine after the cancel: stop before prevents it", 10, &Body10)

  void Body11() {
    auto [c, cancel] = ctx::with_cancel(ctx::background());
    auto ran = make_chan<int>(1);
    (void)ctx::after_func(c, [ran] { ran.Send(1); });
    cancel();
    CHECK(ran.Recv() == 1);
  }
  BOTH_RUNTIMES("AfterFunc's f runs with its stop function dropped", 10, &Body11)

  TEST_CASE("a context of one's own is followed by a goroutine: an AfterFuncer through its AfterFunc") {
    // Go's TestCustomContextPropagation, in both flavours.
    struct Custom : ctx::ContextImpl {
      ctx::Context inner;
      std::pair<Time, bool> Deadline() const override { return inner.Deadline(); }
      RecvChan<Unit> Done() const override { return inner.Done(); }
      error Err() const override { return inner.Err(); }
      std::any Value(const ctx::Key& k) const override { return inner.Value(k); }
    };
    // A wrapper with a Done of its own is not bypassed.
    struct OwnDone : Custom {
      Chan<Unit> done = make_chan<Unit>();
      RecvChan<Unit> Done() const override { return done; }
      error Err() const override { return Closed(done) ? ctx::Canceled : error(); }
    };
    struct WithAfter final : OwnDone, ctx::AfterFuncer {
      std::function<bool()> AfterFunc(std::function<void()> f) override {
        go([d = done, f] {
          d.Recv();
          f();
        });
        return [] { return false; };
      }
    };
    for (int flavour = 0; flavour < 3; flavour++) {
      CAPTURE(flavour);
      Collect sink;
      sim::Options o;
      o.sink = &sink;
      sim::Result r = sim::Run([flavour] {
        auto [inner, cancel] = ctx::with_cancel(ctx::background());
        std::shared_ptr<Custom> custom;
        if (flavour == 0) custom = std::make_shared<WithAfter>();
        if (flavour == 1) custom = std::make_shared<OwnDone>();
        if (flavour == 2) custom = std::make_shared<Custom>();
        custom->inner = inner;
        auto [child, cancel_child] = ctx::with_cancel(ctx::Context(custom));
        if (flavour <= 1) {
          static_cast<OwnDone&>(*custom).done.Close();
          child.Done().Recv();
          CHECK(child.Err() == ctx::Canceled);
          cancel();
        } else {
          cancel();
          child.Done().Recv();
          CHECK(child.Err() == ctx::Canceled);
        }
        cancel_child();
      }, o);
      CHECK(r.outcome.status == rt::Status::kOk);
      if (flavour == 0) CHECK(sink.Named("ctx.propagate.afterfunc").size() == 1);
      if (flavour == 1) CHECK(sink.Named("ctx.propagate.goroutine").size() == 1);
      // A plain forwarder reaches the inner cancelCtx (its Value answers it).
      if (flavour == 2) CHECK(sink.Named("ctx.propagate.attach").size() == 1);
    }
  }

  TEST_CASE("Done made after the cancel is already closed") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Result r = sim::Run([] {
      auto [c, cancel] = ctx::with_cancel(ctx::background());
      cancel();
      CHECK(Closed(c.Done()));
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    auto made = sink.Named("ctx.done.make");
    REQUIRE(made.size() == 1);
    CHECK(made[0].field("closed") == 1);
    CHECK(sink.Named("ctx.cancel")[0].field("done") == 0);
  }

  void Body12() {
    auto [c, cancel] = ctx::with_timeout(ctx::background(), 3ms);
    WaitGroup wg;
    std::atomic<int> exited{0};
    for (int i = 0; i < 4; i++) {
      wg.Add(1);
      go([&, c = c] {
        auto work = make_chan<int>();
        for (bool on = true; on;) {
          select(recv_case(c.Done(), [&] { on = false; }), recv_case(work, [](int) {}),
                 recv_case(after(200us), [](Time) {}));
        }
        CHECK(c.Err() == ctx::DeadlineExceeded);
        exited++;
        wg.Done();
      });
    }
    wg.Wait();
    CHECK(exited == 4);
    cancel();
  }
  BOTH_RUNTIMES("workers stopped by a timeout all see DeadlineExceeded and exit for every seed", 20, &Body12)

  TEST_CASE("a node freed before its cancel leaves its parent's children") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Result r = sim::Run([] {
      auto [parent, cancel] = ctx::with_cancel(ctx::background());
      { auto [child, cancel_child] = ctx::with_cancel(parent); }
      cancel();
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(sink.Named("ctx.child.remove").size() == 1);
    CHECK(sink.Named("ctx.cancel")[0].field("children") == 0);
  }

  TEST_CASE("the same seed gives the same context trace") {
    auto once = [](std::uint64_t seed) {
      Collect sink;
      sim::Options o;
      o.seed = seed;
      o.sink = &sink;
      sim::Run([] {
        auto [root, cancel] = ctx::with_timeout(ctx::background(), 2ms);
        WaitGroup wg;
        for (int i = 0; i < 3; i++) {
          wg.Add(1);
          go([&, root = root] {
            auto [c, cc] = ctx::with_cancel(root);
            c.Done().Recv();
            cc();
            wg.Done();
          });
        }
        wg.Wait();
        cancel();
      }, o);
      std::vector<std::pair<std::string, std::int64_t>> out;
      for (auto& c : sink.events) out.emplace_back(std::string(c.name()), c.e.t_ns);
      return out;
    };
    for (std::uint64_t seed = 1; seed <= 10; seed++) CHECK(once(seed) == once(seed));
  }
}
