// Tests of the folds of a channel and a select (instrument/src/kinds/
// {chan,select}.cpp): a recorded trace folds; the same trace with one event
// made impossible is rejected with a message that says why.
#include <doctest/doctest.h>

#include "fixture.h"
#include "synclab/chan.h"
#include "synclab/go.h"

using namespace synclab;
using namespace synclab::testing;
using namespace std::chrono_literals;
using instrument::Trace;
using trace::EventKind;

namespace {
std::string At(std::size_t seq) { return "events[" + std::to_string(seq) + "]: "; }

// The id of a string in the trace's table (1-based), or 0.
std::int64_t StrId(const Trace& t, std::string_view s) {
  for (std::size_t i = 0; i < t.strings.size(); i++)
    if (t.strings[i] == s) return std::int64_t(i + 1);
  return 0;
}
}  // namespace

TEST_SUITE("instrument.kinds.chan") {
  TEST_CASE("a receive of a value the ring's slot does not hold is rejected") {
    const Trace t = Record([] {
      auto c = make_chan<std::string>(2, "c");
      c.Send("a");
      c.Send("b");
      c.Recv();
    });
    REQUIRE(Fold(t) == "");
    const std::size_t recv = Nth(t, EventKind::kChanRecvBuffer);
    CHECK(Fold(Set(t, recv, "elem", StrId(t, "b"))) == At(recv) + "receives \"b\" but the slot holds \"a\"");
  }

  TEST_CASE("a direct send to a receiver that is not first in recvq is rejected") {
    const Trace t = Record([] {
      auto c = make_chan<int>(0, "c");
      for (int i = 0; i < 2; i++) go([c] { c.Recv(); });
      sleep(1ms);
      c.Send(1);
      c.Send(2);
    });
    REQUIRE(Fold(t) == "");
    const std::size_t send = Nth(t, EventKind::kChanSendDirect);
    const std::int64_t first = t.events[send].f[std::size_t(trace::FieldIndex(EventKind::kChanSendDirect, "receiver"))];
    const std::int64_t other = first == 2 ? 3 : 2;
    CHECK(Fold(Set(t, send, "receiver", other)) == At(send) + "c dequeues G" + std::to_string(other) + " but G" +
                                                     std::to_string(first) + " is first in recvq");
  }

  TEST_CASE("a rotate moves the head sender's value into the freed slot") {
    const Trace t = Record([] {
      auto c = make_chan<int>(1, "c");
      c.Send(1);
      go([c] { c.Send(2); });
      sleep(1ms);
      c.Recv();
      c.Recv();
    });
    REQUIRE(Fold(t) == "");
    // Without the rotate the second receive finds the slot empty.
    const std::size_t rotate = Nth(t, EventKind::kChanRecvRotate);
    Trace changed = t;
    changed.events[rotate].kind = EventKind::kChanRecvBuffer;
    CHECK(Fold(changed) != "");
  }

  TEST_CASE("queue lengths that disagree with the records the fold holds are rejected") {
    const Trace t = Record([] {
      auto c = make_chan<int>(0, "c");
      go([c] { c.Recv(); });
      sleep(1ms);
      c.Send(1);
    });
    REQUIRE(Fold(t) == "");
    const std::size_t park = Nth(t, EventKind::kChanRecvPark);
    CHECK(Fold(Set(t, park, "recvq", 2)) == At(park) + "c reports recvq=2 sendq=0, but 1 and 0 wait");
  }

  TEST_CASE("a close that releases fewer waiters than wait is rejected") {
    const Trace t = Record([] {
      auto c = make_chan<int>(0, "c");
      go([c] { c.Recv2(); });
      sleep(1ms);
      c.Close();
    });
    REQUIRE(Fold(t) == "");
    const std::size_t close = Nth(t, EventKind::kChanClose);
    CHECK(Fold(Set(t, close, "receivers", 0)) ==
          At(close) + "close of c releases 0 receivers and 0 senders, but 1 and 0 were released and 0 still wait");
  }

  TEST_CASE("close releases its waiters head first each with its own event") {
    // Two receivers park in order; close takes G2 then G3 (chan.close.release
    // each), so a claimed select's record skipped between them is seen at
    // the head of the queue, as it is.
    const Trace t = Record([] {
      auto c = make_chan<int>(0, "c");
      go([c] { c.Recv2(); });
      sleep(1ms);
      go([c] { c.Recv2(); });
      sleep(1ms);
      c.Close();
    });
    REQUIRE(Fold(t) == "");
    const std::size_t first = Nth(t, EventKind::kChanCloseRelease);
    CHECK(Nth(t, EventKind::kChanCloseRelease, 1) == first + 1);
    CHECK(Fold(Set(t, first, "waiter", 3)) == At(first) + "c dequeues G3 but G2 is first in recvq");
    // A close event with waiters left unreleased is rejected.
    Trace unreleased = t;
    unreleased.events.erase(unreleased.events.begin() + std::ptrdiff_t(first) + 1);
    for (std::size_t i = first + 1; i < unreleased.events.size(); i++) unreleased.events[i].seq = i;
    CHECK(Fold(unreleased).find("were released and 1 still wait") != std::string::npos);
  }
}

TEST_SUITE("instrument.kinds.select") {
  TEST_CASE("a select that wakes without parking or runs a default it lacks is rejected") {
    const Trace t = Record([] {
      auto a = make_chan<int>(0, "a"), b = make_chan<int>(0, "b");
      go([a] { a.Send(1); });
      select(recv_case(a), recv_case(b));  // parks, then a's send wakes it
      select(recv_case(a), recv_case(b), default_case());
    });
    REQUIRE(Fold(t) == "");
    const std::size_t park = Nth(t, EventKind::kSelectPark);
    Trace no_park = t;
    no_park.events[park].kind = EventKind::kSelectLock;
    no_park.events[park].f = {0, 0, 0, 0, 0, 0, 0, 0};
    CHECK(Fold(no_park) == At(Nth(t, EventKind::kSelectWake)) + "a select wakes without having parked");
    const std::size_t begin = Nth(t, EventKind::kSelectBegin, 1);
    CHECK(Fold(Set(t, begin, "default", 0)) == At(Nth(t, EventKind::kSelectDefault)) +
                                                   "a select without default runs its default");
  }

  TEST_CASE("a woken case on a channel other than the case's is rejected") {
    const Trace t = Record([] {
      auto a = make_chan<int>(0, "a"), b = make_chan<int>(0, "b");
      go([b] { b.Send(1); });
      select(recv_case(a), recv_case(b));
    });
    REQUIRE(Fold(t) == "");
    const std::size_t wake = Nth(t, EventKind::kSelectWake);
    CHECK(Fold(Set(t, wake, "case", 0)) == At(wake) + "select case 0 is on a, not b");
  }
}
