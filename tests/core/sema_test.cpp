// Tests of the runtime semaphore (spec section 1): FIFO and LIFO queues per
// address, handoff, counts that arrive before the waiter.
#include <doctest/doctest.h>

#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/rt/sema.h"
#include "synclab/sim.h"
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
};

}  // namespace

TEST_SUITE("core.sema") {
  // One root holds the queues of every address that hashes to it, chained
  // by next_addr. A lifo waiter takes its address's head place; that must
  // neither drop the rest of its own queue nor the other addresses' queues.
  TEST_CASE("two addresses in one root keep their own queues when one gets a lifo waiter") {
    const int a = 0, b = 0;  // two distinct addresses
    for (bool lifo_on_first : {true, false}) {
      CAPTURE(lifo_on_first);
      rt::SemaRoot root;
      rt::SemaWaiter w[8];
      const void* addr[8] = {&a, &b, &a, &b, &a, &b, &a, &b};
      for (int i = 0; i < 8; i++) w[i].addr = addr[i];
      // a: w0 w2, b: w1 w3, in the root's list a first, then b.
      for (int i = 0; i < 4; i++) root.Enqueue(&w[i], false);
      root.Enqueue(lifo_on_first ? &w[4] : &w[5], /*lifo=*/true);
      root.Enqueue(lifo_on_first ? &w[6] : &w[7], false);  // still goes to the tail
      std::vector<rt::SemaWaiter*> got_a, got_b;
      while (rt::SemaWaiter* x = root.Dequeue(&a)) got_a.push_back(x);
      while (rt::SemaWaiter* x = root.Dequeue(&b)) got_b.push_back(x);
      if (lifo_on_first) {
        CHECK(got_a == std::vector<rt::SemaWaiter*>{&w[4], &w[0], &w[2], &w[6]});
        CHECK(got_b == std::vector<rt::SemaWaiter*>{&w[1], &w[3]});
      } else {
        CHECK(got_a == std::vector<rt::SemaWaiter*>{&w[0], &w[2]});
        CHECK(got_b == std::vector<rt::SemaWaiter*>{&w[5], &w[1], &w[3], &w[7]});
      }
    }
  }

  TEST_CASE("a waiter removed from the middle of its queue leaves the others in order") {
    const int a = 0, b = 0;
    rt::SemaRoot root;
    rt::SemaWaiter w[4];
    const void* addr[4] = {&a, &a, &a, &b};
    for (int i = 0; i < 4; i++) {
      w[i].addr = addr[i];
      root.Enqueue(&w[i], false);
    }
    root.Remove(&w[1]);
    root.Remove(&w[2]);  // the tail
    CHECK(root.Dequeue(&a) == &w[0]);
    CHECK(root.Dequeue(&a) == nullptr);
    CHECK(root.Dequeue(&b) == &w[3]);
  }
}

TEST_SUITE("core.sema sim") {
  TEST_CASE("a release before the acquire is kept: acquire takes it without parking") {
    Collect sink;
    sim::Options o;
    o.sink = &sink;
    sim::Run([] {
      Owned s;
      rt::Semrelease(s.sema, false, Site::current());
      rt::Semacquire(s.sema, false, trace::WaitReason::kSemacquire, Site::current());
    }, o);
    CHECK(sink.Named("sema.acquire.fast").size() == 1);
    CHECK(sink.Named("go.park").empty());
  }

  TEST_CASE("waiters are woken in FIFO order and a lifo waiter goes first") {
    std::vector<int> order;
    sim::Options o;
    o.procs = 1;
    sim::Run([&] {
      Owned s;
      WaitGroup wg;
      wg.Add(3);
      auto waiter = [&](int name, bool lifo) {
        go([&, name, lifo] {
          rt::Semacquire(s.sema, lifo, trace::WaitReason::kSemacquire, Site::current());
          order.push_back(name);
          wg.Done();
        });
        sleep(10us);  // let it queue before the next one
      };
      waiter(1, false);
      waiter(2, false);
      waiter(3, true);  // jumps the queue
      for (int i = 0; i < 3; i++) {
        rt::Semrelease(s.sema, false, Site::current());
        sleep(10us);
      }
      wg.Wait();
    }, o);
    CHECK(order == std::vector<int>{3, 1, 2});
  }

  TEST_CASE("with handoff the woken waiter owns the count and runs next") {
    Collect sink;
    sim::Options o = OneP(sink);
    sim::Run([] {
      Owned s;
      WaitGroup wg;
      wg.Add(1);
      go([&] {
        rt::Semacquire(s.sema, false, trace::WaitReason::kSemacquire, Site::current());
        wg.Done();
      });
      sleep(10us);
      rt::Semrelease(s.sema, true, Site::current());
      wg.Wait();
    }, o);
    auto handoff = sink.Named("sema.release.handoff");
    REQUIRE(handoff.size() == 1);
    CHECK(handoff[0].field("value") == 0);  // taken on the waiter's behalf
    CHECK(handoff[0].field("waiter") == 2);
    auto got = sink.Named("sema.acquire.handoff", 2);
    REQUIRE(got.size() == 1);
    // The releaser yields at once: the next event is the waiter taking its P.
    auto yield = sink.Named("go.yield", 1);
    REQUIRE(yield.size() == 1);
    const auto& next = sink.events[sink.Index(yield[0]) + 1];
    CHECK(next.name() == "go.run");
    CHECK(next.e.g == 2);
  }
}
