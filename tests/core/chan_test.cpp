// Tests of synclab::Chan and select (spec sections 10 and 11), after Go's
// runtime/chan_test.go: FIFO order per channel, buffer bounds, close and its
// panics, nil channels, the rotate receive, select's fairness and its rules
// (never its own send, the other records dequeued on wake), on both
// runtimes and many sim seeds.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/chan.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

// Runs body under sim with seeds 1..seeds (2 Ps, random strategy); every
// run must end ok.
template <typename F>
void Sims(int seeds, F body) {
  for (int seed = 1; seed <= seeds; seed++) {
    CAPTURE(seed);
    sim::Options o;
    o.seed = std::uint64_t(seed);
    sim::Result r = sim::Run(body, o);
    INFO(r.outcome.message);
    REQUIRE(r.outcome.status == rt::Status::kOk);
  }
}

template <typename F>
void Native(F body) {
  native::Result r = native::Run(body, {});
  INFO(r.outcome.message);
  REQUIRE(r.outcome.status == rt::Status::kOk);
}

// Go's TestChan "Send 100 integers, ensure that we receive them non-corrupted
// in FIFO order": one sender, one receiver.
void FifoOrder(std::int64_t cap, int n, std::vector<int>& got) {
  got.clear();
  auto c = make_chan<int>(cap);
  WaitGroup done;
  done.Add(1);
  go([c, n] {
    for (int i = 0; i < n; i++) c.Send(i);
  });
  go([c, n, &got, &done] {
    for (int i = 0; i < n; i++) got.push_back(c.Recv());
    done.Done();
  });
  done.Wait();
}

std::vector<int> Iota(int n) {
  std::vector<int> v(static_cast<std::size_t>(n));
  for (int i = 0; i < n; i++) v[std::size_t(i)] = i;
  return v;
}

// Several senders: each one's values arrive in its own order, and all arrive.
void ManySenders(std::int64_t cap, int senders, int per, bool& ok) {
  auto c = make_chan<int>(cap);
  for (int s = 0; s < senders; s++) {
    go([c, s, per] {
      for (int i = 0; i < per; i++) c.Send(s * 1000 + i);
    });
  }
  std::vector<int> last(std::size_t(senders), -1);
  ok = true;
  for (int k = 0; k < senders * per; k++) {
    int v = c.Recv();
    int s = v / 1000, i = v % 1000;
    if (i != last[std::size_t(s)] + 1) ok = false;
    last[std::size_t(s)] = i;
  }
}

}  // namespace

TEST_SUITE("core.chan sim") {
  TEST_CASE("a channel delivers its values in FIFO order at every capacity") {
    for (std::int64_t cap : {0, 1, 3, 16}) {
      CAPTURE(cap);
      std::vector<int> got;
      Sims(20, [&] { FifoOrder(cap, 50, got); });
      CHECK(got == Iota(50));
    }
  }

  TEST_CASE("values from several senders keep each sender's order") {
    for (std::int64_t cap : {0, 2}) {
      CAPTURE(cap);
      bool ok = false;
      Sims(20, [&] { ManySenders(cap, 3, 20, ok); });
      CHECK(ok);
    }
  }

  // Go's TestChan "Ensure that receive from empty chan blocks" / "send to
  // full chan blocks", as non-blocking operations.
  TEST_CASE("a buffered channel takes exactly cap sends before a send would block") {
    Sims(3, [] {
      for (std::int64_t cap : {0, 1, 4}) {
        auto c = make_chan<int>(cap);
        for (std::int64_t i = 0; i < cap; i++) {
          check(select(send_case(c, int(i)), default_case()) == 0, "a send within cap proceeds");
          check(c.Len() == i + 1, "len counts buffered items");
        }
        check(select(send_case(c, 99), default_case()) == -1, "a send beyond cap does not");
        check(c.Len() == cap && c.Cap() == cap, "len == cap when full");
        for (std::int64_t i = 0; i < cap; i++) {
          int v = -1;
          check(select(recv_case(c, [&](int x) { v = x; }), default_case()) == 0, "a buffered item is there");
          check(v == int(i), "in order");
        }
        check(select(recv_case(c), default_case()) == -1, "an empty channel has nothing");
      }
    });
  }

  TEST_CASE("a receive from a closed drained channel yields the zero value and ok false") {
    Sims(5, [] {
      auto c = make_chan<std::string>(2);
      c.Send("a");
      c.Send("b");
      c.Close();
      // A buffered channel delivers what it holds after close, with ok true.
      auto [a, ok_a] = c.Recv2();
      auto [b, ok_b] = c.Recv2();
      auto [z, ok_z] = c.Recv2();
      check(a == "a" && ok_a && b == "b" && ok_b, "the buffered items come first");
      check(z.empty() && !ok_z, "then the zero value and ok false");
      check(c.Recv().empty(), "and again");
      check(c.Len() == 0 && c.Cap() == 2, "len and cap");
    });
  }

  TEST_CASE("range over a channel receives until it is closed") {
    std::vector<int> got;
    Sims(10, [&] {
      got.clear();
      auto c = make_chan<int>(1);
      go([c] {
        for (int i = 0; i < 5; i++) c.Send(i);
        c.Close();
      });
      for (int v : c) got.push_back(v);
    });
    CHECK(got == Iota(5));
  }

  TEST_CASE("send on a closed channel panics with Go's message") {
    sim::Result r = sim::Run([] {
      auto c = make_chan<int>(1);
      c.Close();
      c.Send(1);
    }, {});
    CHECK(r.outcome.status == rt::Status::kPanic);
    CHECK(r.outcome.message.find("send on closed channel") != std::string::npos);
  }

  TEST_CASE("close panics on a closed channel and on a nil channel") {
    Sims(1, [] {
      auto c = make_chan<int>();
      c.Close();
      bool twice = false, nil = false;
      try {
        c.Close();
      } catch (const Panic& p) {
        twice = std::string(p.what()) == "close of closed channel";
      }
      try {
        Chan<int>().Close();
      } catch (const Panic& p) {
        nil = std::string(p.what()) == "close of nil channel";
      }
      check(twice, "close of closed channel");
      check(nil, "close of nil channel");
    });
  }

  TEST_CASE("make_chan with a negative size panics makechan: size out of range") {
    CHECK_THROWS_WITH(make_chan<int>(-1), "makechan: size out of range");
    CHECK_THROWS_WITH(make_chan<std::int64_t>(std::int64_t(1) << 46), "makechan: size out of range");
  }

  TEST_CASE("close wakes every receiver with ok false and every sender with a panic") {
    Sims(20, [] {
      auto c = make_chan<int>();
      std::atomic<int> closed_recvs{0}, panics{0};
      WaitGroup done;
      done.Add(4);
      for (int i = 0; i < 2; i++) {
        go([&, c] {
          auto [v, ok] = c.Recv2();
          if (!ok && v == 0) closed_recvs++;
          done.Done();
        });
      }
      auto d = make_chan<int>();
      for (int i = 0; i < 2; i++) {
        go([&, d] {
          try {
            d.Send(7);
          } catch (const Panic& p) {
            if (std::string(p.what()) == "send on closed channel") panics++;
          }
          done.Done();
        });
      }
      sleep(1ms);  // everyone parked
      c.Close();
      d.Close();
      done.Wait();
      check(closed_recvs == 2, "both receivers see ok false");
      check(panics == 2, "both senders panic");
    });
  }

  // spec 10, Receive 4: a receive from a full buffer with a sender waiting
  // takes the head and puts the sender's value at the tail in one step.
  TEST_CASE("a receive from a full buffer with a waiting sender rotates it into the buffer") {
    Collect sink;
    std::vector<int> got;
    sim::Result r = sim::Run([&] {
      auto c = make_chan<int>(2, "c");
      c.Send(1);
      c.Send(2);
      WaitGroup sent;
      sent.Add(1);
      go([c, &sent] {
        c.Send(3);  // parks: the buffer is full
        sent.Done();
      });
      sleep(1ms);
      check(c.Len() == 2, "full");
      got.push_back(c.Recv());  // 1, and 3 moves into the freed slot
      check(c.Len() == 2, "still full after the rotate");
      got.push_back(c.Recv());
      got.push_back(c.Recv());
      sent.Wait();
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(got == std::vector<int>{1, 2, 3});
    auto rot = sink.Named("chan.recv.rotate");
    REQUIRE(rot.size() == 1);
    CHECK(rot[0].str("elem") == "1");
    CHECK(rot[0].field("qcount") == 2);
    CHECK(rot[0].field("sendx") == rot[0].field("recvx"));
    CHECK(sink.Named("chan.send.park").size() == 1);
    CHECK(sink.Named("chan.send.wake").size() == 1);
  }

  TEST_CASE("a direct handoff leaves the buffer and its indices untouched") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      auto c = make_chan<int>(3, "c");
      WaitGroup got;
      got.Add(1);
      go([c, &got] {
        c.Recv();  // parks on an empty buffer
        got.Done();
      });
      sleep(1ms);
      c.Send(5);
      got.Wait();
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    auto d = sink.Named("chan.send.direct");
    REQUIRE(d.size() == 1);
    CHECK(d[0].field("qcount") == 0);
    CHECK(d[0].field("sendx") == 0);
    CHECK(d[0].field("recvx") == 0);
    CHECK(d[0].str("elem") == "5");
    auto w = sink.Named("chan.recv.wake");
    REQUIRE(w.size() == 1);
    CHECK(w[0].field("ok") == 1);
    CHECK(w[0].str("elem") == "5");
  }

  TEST_CASE("send and receive on a nil channel block forever with Go's wait reasons") {
    sim::Result r = sim::Run([] {
      Chan<int> nil;
      go([nil] { nil.Send(1); });
      go([nil] { nil.Recv(); });
      sleep(1ms);
      select();  // select {}
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    CHECK(r.outcome.message == "fatal error: all goroutines are asleep - deadlock!");
    std::vector<trace::WaitReason> reasons;
    for (const rt::Blocked& b : r.outcome.blocked) reasons.push_back(b.reason);
    std::sort(reasons.begin(), reasons.end());
    CHECK(reasons == std::vector<trace::WaitReason>{trace::WaitReason::kChanReceiveNilChan,
                                                     trace::WaitReason::kChanSendNilChan,
                                                     trace::WaitReason::kSelectNoCases});
    Chan<int> nil;
    CHECK(nil.nil());
    CHECK(nil.Len() == 0);
    CHECK(nil.Cap() == 0);
  }

  TEST_CASE("an unbuffered send nobody receives deadlocks with chan send") {
    sim::Result r = sim::Run([] { make_chan<int>().Send(1); }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kChanSend);
  }

  TEST_CASE("a goroutine blocked on a channel when main returns is a leak and is unwound") {
    bool unwound = false;
    sim::Result r = sim::Run([&] {
      auto c = make_chan<int>();
      go([c, &unwound] {
        struct Flag {
          bool* f;
          ~Flag() { *f = true; }
        } flag{&unwound};
        c.Send(1);  // nobody receives
      });
      sleep(1ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
    REQUIRE(r.outcome.blocked.size() == 1);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kChanSend);
    CHECK(unwound);
  }

  TEST_CASE("a goroutine parked in a select when main returns is a leak and its records are taken off") {
    for (int seed = 1; seed <= 5; seed++) {
      sim::Options o;
      o.seed = std::uint64_t(seed);
      auto a = make_chan<int>(), b = make_chan<int>();  // outlive the run
      sim::Result r = sim::Run([a, b] {
        go([a, b] { select(recv_case(a), send_case(b, 1)); });
        sleep(1ms);
      }, o);
      CHECK(r.outcome.status == rt::Status::kLeak);
      REQUIRE(r.outcome.blocked.size() == 1);
      CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSelect);
      // Unwound: nothing is left in either queue, so these would not find it.
      std::thread t([a, b] {
        CHECK(select(send_case(a, 1), default_case()) == -1);
        CHECK(select(recv_case(b), default_case()) == -1);
      });
      t.join();
    }
  }

  TEST_CASE("a select case on a nil channel is never chosen") {
    Sims(20, [] {
      Chan<int> nil;
      auto c = make_chan<int>(1);
      c.Send(1);
      int i = select(recv_case(nil), recv_case(c), send_case(nil, 3));
      check(i == 1, "the only case with a channel");
      check(select(recv_case(nil), send_case(nil, 1), default_case()) == -1, "only default can run");
    });
  }

  // Go's TestSelectFairness: two ready cases over many runs: each is chosen
  // between 40% and 60% of the time.
  // spec 10: recvq and sendq are FIFO: parked goroutines are served in the
  // order they parked.
  TEST_CASE("parked senders are served in the order they parked") {
    for (std::int64_t cap : {0, 2}) {
      CAPTURE(cap);
      Sims(5, [cap] {
        auto c = make_chan<int>(cap);
        for (std::int64_t i = 0; i < cap; i++) c.Send(-1);  // fill the buffer
        for (int i = 0; i < 4; i++) {
          go([c, i] { c.Send(i); });
          sleep(10us);  // sender i parks before sender i+1
        }
        for (std::int64_t i = 0; i < cap; i++) c.Recv();
        for (int i = 0; i < 4; i++) check(c.Recv() == i, "senders served in FIFO order");
      });
    }
  }

  TEST_CASE("parked receivers are served in the order they parked") {
    std::vector<int> order;
    Sims(5, [&] {
      order.clear();
      auto c = make_chan<int>();
      WaitGroup wg;
      wg.Add(4);
      for (int i = 0; i < 4; i++) {
        go([&, c, i] {
          int v = c.Recv();
          check(v == i, "receiver i gets the i-th value");
          wg.Done();
        });
        sleep(10us);
      }
      for (int i = 0; i < 4; i++) c.Send(i);
      wg.Wait();
    });
  }

  // spec 11.7: the first partner to reach a parked select claims it
  // (selectDone); a second partner on another of its channels must skip it.
  TEST_CASE("two senders reaching one parked select complete only one of its cases") {
    Sims(40, [] {
      auto a = make_chan<int>(), b = make_chan<int>();
      int got = 0, selects = 0;
      WaitGroup done;
      done.Add(1);
      go([&, a, b] {
        for (int i = 0; i < 2; i++) {
          select(recv_case(a, [&](int v) { got += v; }), recv_case(b, [&](int v) { got += v; }));
          selects++;
        }
        done.Done();
      });
      sleep(10us);  // the select parks on a and b
      go([a] { a.Send(1); });
      go([b] { b.Send(10); });
      done.Wait();
      check(selects == 2 && got == 11, "each value received by exactly one select");
    });
  }

  // spec 11.3: channels are locked in one global order, so selects over the
  // same channels in different orders cannot deadlock on their locks.
  TEST_CASE("selects listing channels in opposite orders do not deadlock on their locks") {
    for (int seed = 1; seed <= 10; seed++) {
      CAPTURE(seed);
      sim::Options o;
      o.seed = std::uint64_t(seed);
      o.max_steps = 2'000'000;
      sim::Result r = sim::Run([] {
        auto a = make_chan<int>(100), b = make_chan<int>(100);
        WaitGroup wg;
        wg.Add(2);
        go([&, a, b] {
          for (int i = 0; i < 200; i++) select(send_case(a, 1), send_case(b, 1), default_case());
          wg.Done();
        });
        go([&, a, b] {
          for (int i = 0; i < 200; i++) select(recv_case(b), recv_case(a), default_case());
          wg.Done();
        });
        wg.Wait();
      }, o);
      INFO(r.outcome.message);
      CHECK(r.outcome.status == rt::Status::kOk);
    }
  }

  // spec 10, Receive 3: a closed channel with items still delivers them.
  TEST_CASE("a select on a closed channel with buffered items receives them with ok true") {
    Sims(3, [] {
      auto c = make_chan<int>(2);
      c.Send(5);
      c.Close();
      bool ok = false;
      int v = 0;
      auto never = make_chan<int>();
      select(recv_case(c, [&](int x, bool k) { v = x, ok = k; }), recv_case(never));
      check(v == 5 && ok, "the item, ok true");
    });
  }

  TEST_CASE("select chooses between two ready cases uniformly over seeds") {
    int first = 0;
    const int runs = 400;
    for (int seed = 1; seed <= runs; seed++) {
      sim::Options o;
      o.seed = std::uint64_t(seed);
      int chosen = -1;
      sim::Run([&] {
        auto a = make_chan<int>(1), b = make_chan<int>(1);
        a.Send(1);
        b.Send(2);
        chosen = select(recv_case(a), recv_case(b));
      }, o);
      first += chosen == 0;
    }
    CAPTURE(first);
    CHECK(first > runs * 40 / 100);
    CHECK(first < runs * 60 / 100);
  }

  TEST_CASE("select within one run picks each ready case about half the time") {
    int counts[3] = {0, 0, 0};
    Sims(1, [&] {
      auto a = make_chan<int>(1), b = make_chan<int>(1), c = make_chan<int>(1);
      for (int i = 0; i < 3000; i++) {
        if (a.Len() == 0) a.Send(0);
        if (b.Len() == 0) b.Send(1);
        if (c.Len() == 0) c.Send(2);
        counts[select(recv_case(a), recv_case(b), recv_case(c))]++;
      }
    });
    for (int k : counts) {
      CAPTURE(k);
      CHECK(k > 800);
      CHECK(k < 1200);
    }
  }

  // Go's TestSelfSelect: a select with a send and a receive on one
  // unbuffered channel never pairs with itself.
  TEST_CASE("a select never receives its own send") {
    Sims(30, [] {
      auto c = make_chan<int>();
      WaitGroup wg;
      wg.Add(2);
      for (int p = 0; p < 2; p++) {
        go([&wg, c, p] {
          for (int i = 0; i < 50; i++) {
            if (p == 0 || i % 2 == 0) {
              select(send_case(c, p), recv_case(c, [p](int v) {
                check(v != p, "a select received its own send");
              }));
            } else {
              select(recv_case(c, [p](int v) { check(v != p, "a select received its own send"); }),
                     send_case(c, p));
            }
          }
          wg.Done();
        });
      }
      wg.Wait();
    });
  }

  TEST_CASE("a woken select takes its records off every other channel") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      auto a = make_chan<int>(0, "a"), b = make_chan<int>(0, "b"), c = make_chan<int>(0, "c");
      int got = -1;
      WaitGroup done;
      done.Add(1);
      go([&, a, b, c] {
        int i = select(recv_case(a), recv_case(b, [&](int v) { got = v; }), recv_case(c));
        check(i == 1, "case b ran");
        done.Done();
      });
      sleep(1ms);
      check(a.core().Len() == 0, "");
      b.Send(9);
      done.Wait();
      check(got == 9, "the value of b's send");
      // Nothing is left queued: a send on a or c finds no receiver.
      check(select(send_case(a, 1), default_case()) == -1, "a has no receiver left");
      check(select(send_case(c, 1), default_case()) == -1, "c has no receiver left");
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(sink.Named("chan.select.enqueue").size() == 3);
    CHECK(sink.Named("chan.select.dequeue").size() == 2);
    auto wake = sink.Named("select.wake");
    REQUIRE(wake.size() == 1);
    CHECK(wake[0].field("case") == 1);
  }

  TEST_CASE("a select's send case on a closed channel panics and its receive gets ok false") {
    Sims(5, [] {
      auto c = make_chan<int>(1);
      auto d = make_chan<int>();
      c.Close();
      bool ok = true;
      int v = -1;
      auto nothing = make_chan<int>();
      check(select(recv_case(c, [&](int x, bool k) { v = x, ok = k; }), recv_case(nothing)) == 0, "closed is ready");
      check(!ok && v == 0, "zero value, ok false");
      bool panicked = false;
      try {
        select(send_case(c, 1), recv_case(d));
      } catch (const Panic& p) {
        panicked = std::string(p.what()) == "send on closed channel";
      }
      check(panicked, "send on closed channel");
    });
  }

  TEST_CASE("a select parked on a send panics when its channel is closed") {
    Sims(10, [] {
      auto c = make_chan<int>(), d = make_chan<int>();
      bool panicked = false;
      WaitGroup done;
      done.Add(1);
      go([&, c, d] {
        try {
          select(send_case(c, 1), recv_case(d));
        } catch (const Panic& p) {
          panicked = std::string(p.what()) == "send on closed channel";
        }
        done.Done();
      });
      sleep(1ms);
      c.Close();
      done.Wait();
      check(panicked, "the woken send case panics");
    });
  }

  TEST_CASE("select with default runs the default when nothing is ready and a case when one is") {
    Sims(5, [] {
      auto c = make_chan<int>(1);
      bool ran = false;
      check(select(recv_case(c), send_case(make_chan<int>(), 1), default_case([&] { ran = true; })) == -1, "default");
      check(ran, "its function ran");
      c.Send(4);
      int v = 0;
      check(select(recv_case(c, [&](int x) { v = x; }), default_case()) == 0, "a ready case wins over default");
      check(v == 4, "");
      check(select(default_case()) == -1, "default alone");
    });
  }

  TEST_CASE("select over a vector of cases fans in from every channel") {
    std::vector<int> got;
    Sims(10, [&] {
      got.clear();
      std::vector<Chan<int>> ins;
      for (int i = 0; i < 12; i++) ins.push_back(make_chan<int>());
      for (int i = 0; i < 12; i++) {
        go([c = ins[std::size_t(i)], i] { c.Send(i); });
      }
      for (int k = 0; k < 12; k++) {
        std::vector<SelectCase> cases;
        for (auto& c : ins) cases.emplace_back(recv_case(c, [&](int v) { got.push_back(v); }));
        select(cases);
      }
    });
    std::sort(got.begin(), got.end());
    CHECK(got == Iota(12));
  }

  TEST_CASE("send-only and receive-only views share the channel") {
    Sims(5, [] {
      auto c = make_chan<int>(1);
      SendChan<int> out = c;
      RecvChan<int> in = c;
      out.Send(3);
      check(in.Recv() == 3, "one channel");
      check(in.id() == c.id() && out.Len() == 0 && in.Cap() == 1, "same hchan");
      out.Close();
      check(!in.Recv2().second, "closed through the send view");
      Chan<int> copy = c;
      check(copy == c && !(make_chan<int>() == c), "== is identity");
    });
  }

  TEST_CASE("Unit channels signal and format as {}") {
    Collect sink;
    sim::Result r = sim::Run([&] {
      auto done = make_chan<Unit>(1, "done");
      done.Send(Unit{});
      done.Recv();
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    REQUIRE(sink.Named("chan.send.buffer").size() == 1);
    CHECK(sink.Named("chan.send.buffer")[0].str("elem") == "{}");
  }

  TEST_CASE("TrySendFromRuntime hands to a receiver and fills the buffer and then finds no room") {
    sim::Result r = sim::Run([] {
      auto c = make_chan<int>(1);
      int got = -1;
      WaitGroup done;
      done.Add(1);
      go([&, c] {
        got = c.Recv();
        done.Done();
      });
      sleep(1ms);
      const int v = 7;
      check(c.core().TrySendFromRuntime(&v, Site::current()) == RuntimeSend::kSent, "handed over");
      done.Wait();
      check(got == 7, "the receiver got it");
      check(c.core().TrySendFromRuntime(&v, Site::current()) == RuntimeSend::kSent, "buffered");
      check(c.core().TrySendFromRuntime(&v, Site::current()) == RuntimeSend::kNoRoom, "full");
      c.Recv();
      c.Close();
      check(c.core().TrySendFromRuntime(&v, Site::current()) == RuntimeSend::kNoRoom, "closed: no panic");
    }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
  }

  TEST_CASE("TrySendFromRuntime reports busy while a goroutine holds the channel lock") {
    int busy = 0, sent = 0;
    sim::Options o;
    o.procs = 2;
    sim::Result r = sim::Run([&] {
      auto c = make_chan<int>(100000);
      WaitGroup done;
      done.Add(1);
      go([&, c] {
        for (int i = 0; i < 500; i++) {
          c.Send(i);
          c.Recv();
        }
        done.Done();
      });
      for (int i = 0; i < 2000; i++) {
        rt::Point();
        const int v = -1;
        switch (c.core().TrySendFromRuntime(&v, Site::current())) {
          case RuntimeSend::kBusy: busy++; break;
          case RuntimeSend::kSent: sent++; break;
          case RuntimeSend::kNoRoom: break;
        }
      }
      done.Wait();
    }, o);
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(busy > 0);
    CHECK(sent > 0);
  }

  TEST_CASE("the same seed gives the same select choices") {
    auto choices = [](std::uint64_t seed) {
      std::vector<int> out;
      sim::Options o;
      o.seed = seed;
      sim::Run([&] {
        auto a = make_chan<int>(1), b = make_chan<int>(1);
        for (int i = 0; i < 50; i++) {
          if (a.Len() == 0) a.Send(0);
          if (b.Len() == 0) b.Send(1);
          out.push_back(select(recv_case(a), recv_case(b)));
        }
      }, o);
      return out;
    };
    CHECK(choices(3) == choices(3));
    CHECK(choices(3) != choices(4));
  }
}

TEST_SUITE("core.chan native") {
  TEST_CASE("a channel delivers its values in FIFO order on threads" * doctest::timeout(30)) {
    for (std::int64_t cap : {0, 1, 64}) {
      CAPTURE(cap);
      std::vector<int> got;
      Native([&] { FifoOrder(cap, 2000, got); });
      CHECK(got == Iota(2000));
    }
  }

  TEST_CASE("values from several threads keep each sender's order" * doctest::timeout(30)) {
    for (std::int64_t cap : {0, 8}) {
      bool ok = false;
      Native([&] { ManySenders(cap, 4, 500, ok); });
      CHECK(ok);
    }
  }

  TEST_CASE("close wakes parked threads" * doctest::timeout(30)) {
    Native([] {
      auto c = make_chan<int>();
      std::atomic<int> woke{0};
      WaitGroup done;
      done.Add(4);
      for (int i = 0; i < 4; i++) {
        go([&, c] {
          if (!c.Recv2().second) woke++;
          done.Done();
        });
      }
      sleep(5ms);
      c.Close();
      done.Wait();
      check(woke == 4, "every receiver sees the close");
    });
  }

  TEST_CASE("select on threads never receives its own send and loses no value" * doctest::timeout(30)) {
    Native([] {
      auto c = make_chan<int>();
      auto a = make_chan<int>(4), b = make_chan<int>(4);
      WaitGroup wg;
      std::atomic<int> sum{0};
      wg.Add(3);
      for (int p = 0; p < 2; p++) {
        go([&, c, p] {
          for (int i = 0; i < 2000; i++) {
            select(send_case(c, p), recv_case(c, [p](int v) { check(v != p, "own send"); }));
          }
          wg.Done();
        });
      }
      go([&, a, b] {
        for (int i = 0; i < 2000; i++) {
          select(recv_case(a, [&](int v) { sum += v; }), recv_case(b, [&](int v) { sum += v; }));
        }
        wg.Done();
      });
      for (int i = 0; i < 1000; i++) {
        a.Send(1);
        b.Send(2);
      }
      wg.Wait();
      check(sum == 3000, "every value received once");
    });
  }

  TEST_CASE("a capacity-1 channel is a lock on threads" * doctest::timeout(30)) {
    Native([] {
      auto lock = make_chan<Unit>(1);
      int counter = 0;
      WaitGroup wg;
      wg.Add(4);
      for (int t = 0; t < 4; t++) {
        go([&, lock] {
          for (int i = 0; i < 2000; i++) {
            lock.Send(Unit{});
            counter++;
            lock.Recv();
          }
          wg.Done();
        });
      }
      wg.Wait();
      check(counter == 8000, "no increment lost");
    });
  }

  TEST_CASE("plain threads use channels without a runtime" * doctest::timeout(30)) {
    auto c = make_chan<int>();
    std::thread t([c] {
      for (int i = 0; i < 1000; i++) c.Send(i);
      c.Close();
    });
    long sum = 0;
    for (int v : c) sum += v;
    t.join();
    CHECK(sum == 999 * 1000 / 2);
  }

  TEST_CASE("a thread parked in a select at the end is a leak and is unwound" * doctest::timeout(30)) {
    auto a = make_chan<int>(), b = make_chan<int>();
    native::Result r = native::Run([a, b] {
      go([a, b] { select(recv_case(a), recv_case(b)); });
      sleep(5ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
    CHECK(select(send_case(a, 1), default_case()) == -1);  // its records are gone
  }

  TEST_CASE("a thread blocked on a channel at the end is a leak" * doctest::timeout(30)) {
    native::Result r = native::Run([] {
      auto c = make_chan<int>();
      go([c] { c.Recv(); });
      sleep(5ms);
    }, {});
    CHECK(r.outcome.status == rt::Status::kLeak);
  }
}
