// Tests of synclab::RWMutex on both runtimes (spec section 3), after Go's own
// rwmutex_test.go: parallel readers, exclusion (the hammer), writer
// preference, TryLock/TryRLock in every state, RLocker and the misuse errors.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "collect.h"
#include "synclab/go.h"
#include "synclab/native.h"
#include "synclab/rwmutex.h"
#include "synclab/sim.h"
#include "synclab/var.h"
#include "synclab/wait_group.h"

using namespace synclab;
using namespace std::chrono_literals;
using synclab::testing::Collect;
using synclab::testing::OneP;

namespace {

struct ThrowOnFatal {
  rt::FatalHandler saved = rt::SetFatalHandler(&rt::ThrowingFatalHandler);
  ~ThrowOnFatal() { rt::SetFatalHandler(saved); }
};

// Go's HammerRWMutex: readers add 1 to `activity` and must see no writer
// (< 10000); writers add 10000 and must be alone (== 10000). Returns the
// number of violations.
int Hammer(int readers, int writers, int iters) {
  RWMutex rw{"rw"};
  WaitGroup wg;
  Var<int> activity{0, "activity"};
  std::atomic<int> violations{0};
  wg.Add(readers + writers);
  for (int i = 0; i < readers + writers; i++) {
    bool writer = i % (readers + writers) < writers;
    go([&, writer] {
      for (int j = 0; j < iters; j++) {
        if (writer) {
          rw.Lock();
          activity.Store(activity.Load() + 10000);
          violations += activity.Load() != 10000;
          activity.Store(activity.Load() - 10000);
          rw.Unlock();
        } else {
          rw.RLock();
          int n = activity.Load();
          violations += n >= 10000;
          rw.RUnlock();
        }
      }
      wg.Done();
    });
  }
  wg.Wait();
  return violations;
}

}  // namespace

TEST_SUITE("core.rwmutex sim") {
  TEST_CASE("a writer excludes readers and writers for every seed and procs") {
    for (int procs : {1, 2, 4}) {
      for (std::uint64_t seed = 1; seed <= 30; seed++) {
        CAPTURE(procs);
        CAPTURE(seed);
        int violations = -1;
        sim::Options o;
        o.procs = procs;
        o.seed = seed;
        sim::Result r = sim::Run([&] { violations = Hammer(3, 2, 10); }, o);
        REQUIRE(r.outcome.status == rt::Status::kOk);
        CHECK(violations == 0);
      }
    }
  }

  TEST_CASE("readers hold it at the same time") {
    int most_inside = 0;
    sim::Run([&] {
      RWMutex rw;
      WaitGroup wg;
      int inside = 0;
      wg.Add(4);
      for (int i = 0; i < 4; i++) {
        go([&] {
          rw.RLock();
          inside++;
          most_inside = std::max(most_inside, inside);
          sleep(1ms);  // every reader gets in while the others sleep inside
          inside--;
          rw.RUnlock();
          wg.Done();
        });
      }
      wg.Wait();
    }, {});
    CHECK(most_inside == 4);
  }

  // R1 reads; W calls Lock and waits for R1; R2 arrives after W and must wait
  // for W (writer preference); R1 leaves, W writes, then R2 reads.
  TEST_CASE("a pending writer keeps new readers out until it has written") {
    Collect sink;
    std::vector<std::string> order;
    sim::Result r = sim::Run([&] {
      RWMutex rw{"rw"};
      WaitGroup wg;
      wg.Add(3);
      go([&] { rw.RLock(); order.push_back("R1 in"); sleep(2ms); order.push_back("R1 out"); rw.RUnlock(); wg.Done(); });
      sleep(100us);
      go([&] { rw.Lock(); order.push_back("W in"); rw.Unlock(); wg.Done(); });
      sleep(100us);
      go([&] { rw.RLock(); order.push_back("R2 in"); rw.RUnlock(); wg.Done(); });
      wg.Wait();
    }, OneP(sink));
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK(order == std::vector<std::string>{"R1 in", "R1 out", "W in", "R2 in"});
    auto announce = sink.Named("rw.lock.announce");
    REQUIRE(announce.size() == 1);
    CHECK(announce[0].field("readers") == 1);
    CHECK(announce[0].field("reader_count") == 1 - RWMutex::kMaxReaders);
    auto slow = sink.Named("rw.rlock.slow", 4);  // R2 saw the writer
    REQUIRE(slow.size() == 1);
    CHECK(slow[0].field("reader_count") == 2 - RWMutex::kMaxReaders);
    auto last = sink.Named("rw.runlock.last_departing", 2);
    REQUIRE(last.size() == 1);
    CHECK(last[0].field("reader_wait") == 0);
  }

  TEST_CASE("the writer waits until every reader inside at its Lock has left") {
    Collect sink;
    sim::Run([&] {
      RWMutex rw;
      WaitGroup wg;
      wg.Add(3);
      for (Duration stay : {1ms, 2ms}) {
        go([&, stay] { rw.RLock(); sleep(stay); rw.RUnlock(); wg.Done(); });
      }
      sleep(100us);
      go([&] { rw.Lock(); rw.Unlock(); wg.Done(); });  // G4
      wg.Wait();
    }, OneP(sink));
    auto wait = sink.Named("rw.lock.wait_readers", 4);
    REQUIRE(wait.size() == 1);
    CHECK(wait[0].field("reader_wait") == 2);
    auto slow = sink.Named("rw.runlock.slow");
    REQUIRE(slow.size() == 2);  // both readers leave while the writer is pending
    auto departing = sink.Named("rw.runlock.departing");
    REQUIRE(departing.size() == 1);  // the first to leave takes readerWait from 2 to 1
    CHECK(departing[0].field("reader_wait") == 1);
    CHECK(departing[0].e.g == 2);
    auto last = sink.Named("rw.runlock.last_departing");
    REQUIRE(last.size() == 1);
    CHECK(last[0].e.g == 3);  // the one that stayed 2 ms
    CHECK(last[0].field("reader_wait") == 0);
    auto acquire = sink.Named("rw.lock.acquire", 4);
    REQUIRE(acquire.size() == 1);
    CHECK(acquire[0].e.t_ns >= 2'000'000);
  }

  // Lock announces itself, then adds the readers it counted to readerWait.
  // Readers that leave in between take readerWait below 0 first; if all of
  // them did, the add brings it back to 0 and the writer must not sleep:
  // nobody is left to wake it.
  TEST_CASE("a writer whose readers all left before it counted them does not sleep") {
    int left = 0;
    // The sweep moves the reader's RUnlock to the writer's Lock, where the
    // seeds choose an order of their steps now and then.
    for (std::int64_t delay = 3080; delay <= 3120 && left < 3; delay++) {
      for (std::uint64_t seed = 1; seed <= 40 && left < 3; seed++) {
        CAPTURE(delay);
        CAPTURE(seed);
        Collect sink;
        sim::Options o;
        o.seed = seed;
        o.procs = 2;
        o.sink = &sink;
        sim::Result r = sim::Run([delay] {
          RWMutex rw;
          WaitGroup wg;
          wg.Add(2);
          go([&] { rw.RLock(); work(400ns); rw.RUnlock(); wg.Done(); });  // the other P takes it after 3 us
          work(Duration(delay));
          go([&] { rw.Lock(); rw.Unlock(); wg.Done(); });
          wg.Wait();
        }, o);
        REQUIRE(r.outcome.status == rt::Status::kOk);
        auto readers_left = sink.Named("rw.lock.readers_left");
        if (readers_left.empty()) continue;
        left++;
        CHECK(readers_left[0].field("reader_wait") == 0);
        CHECK(sink.Named("rw.lock.wait_readers").empty());
        // The reader that left saw the writer pending and took readerWait to -1.
        auto departing = sink.Named("rw.runlock.departing");
        REQUIRE(departing.size() == 1);
        CHECK(departing[0].field("reader_wait") == -1);
      }
    }
    CHECK(left > 0);
  }

  TEST_CASE("readers that queued behind a writer all enter when it unlocks") {
    Collect sink;
    int inside_together = 0;
    sim::Run([&] {
      RWMutex rw;
      WaitGroup wg;
      int inside = 0;
      wg.Add(3);
      rw.Lock();
      for (int i = 0; i < 3; i++) {
        go([&] {
          rw.RLock();
          inside++;
          inside_together = std::max(inside_together, inside);
          sleep(1ms);
          inside--;
          rw.RUnlock();
          wg.Done();
        });
      }
      sleep(1ms);  // all three queue on readerSem
      rw.Unlock();
      wg.Wait();
    }, OneP(sink));
    auto unlock = sink.Named("rw.unlock", 1);
    REQUIRE(unlock.size() == 1);
    CHECK(unlock[0].field("readers") == 3);
    CHECK(sink.Named("rw.rlock.wake").size() == 3);
    CHECK(inside_together == 3);
  }

  TEST_CASE("TryRLock and TryLock succeed or fail as Go's do in every state") {
    struct Tries {
      bool rlock, lock;
    };
    auto tries = [](RWMutex& rw) {
      Tries t{rw.TryRLock(), false};
      if (t.rlock) rw.RUnlock();
      t.lock = rw.TryLock();
      if (t.lock) rw.Unlock();
      return t;
    };
    Tries free_{}, read{}, write{}, pending{};
    sim::Result r = sim::Run([&] {
      RWMutex rw;
      free_ = tries(rw);
      rw.RLock();
      read = tries(rw);
      rw.RUnlock();
      rw.Lock();
      write = tries(rw);
      rw.Unlock();
      WaitGroup wg;
      wg.Add(1);
      rw.RLock();
      go([&] { rw.Lock(); rw.Unlock(); wg.Done(); });
      sleep(1ms);  // the writer is pending behind our read lock
      pending = tries(rw);
      rw.RUnlock();
      wg.Wait();
    }, {});
    REQUIRE(r.outcome.status == rt::Status::kOk);
    CHECK((free_.rlock && free_.lock));
    CHECK((read.rlock && !read.lock));
    CHECK((!write.rlock && !write.lock));
    CHECK((!pending.rlock && !pending.lock));
  }

  TEST_CASE("an RLock inside an RLock deadlocks behind a pending writer") {
    sim::Result r = sim::Run([] {
      RWMutex rw;
      rw.RLock();
      go([&] { rw.Lock(); });  // pending: waits for our read lock
      sleep(1ms);
      rw.RLock();  // queues behind the writer, which waits for us
    }, {});
    CHECK(r.outcome.status == rt::Status::kDeadlock);
    REQUIRE(r.outcome.blocked.size() == 2);
    CHECK(r.outcome.blocked[0].reason == trace::WaitReason::kSyncRWMutexRLock);
    CHECK(r.outcome.blocked[1].reason == trace::WaitReason::kSyncRWMutexLock);
  }

  TEST_CASE("RLocker locks and unlocks for reading") {
    bool other_reader_got_in = false, writer_got_in = true;
    sim::Run([&] {
      RWMutex rw;
      auto reader = rw.RLocker();
      reader.Lock();
      other_reader_got_in = rw.TryRLock();
      if (other_reader_got_in) rw.RUnlock();
      writer_got_in = rw.TryLock();
      reader.Unlock();
      CHECK(rw.TryLock());
      rw.Unlock();
    }, {});
    CHECK(other_reader_got_in);
    CHECK_FALSE(writer_got_in);
  }

  TEST_CASE("misuse ends the run with Go's fatal messages") {
    auto fatal = [](auto body) { return sim::Run(body, {}).outcome.message; };
    CHECK(fatal([] { RWMutex rw; rw.RUnlock(); }) == "fatal error: sync: RUnlock of unlocked RWMutex");
    CHECK(fatal([] { RWMutex rw; rw.Lock(); rw.RUnlock(); }) ==
          "fatal error: sync: RUnlock of unlocked RWMutex");
    CHECK(fatal([] { RWMutex rw; rw.Unlock(); }) == "fatal error: sync: Unlock of unlocked RWMutex");
    CHECK(fatal([] { RWMutex rw; rw.RLock(); rw.Unlock(); }) ==
          "fatal error: sync: Unlock of unlocked RWMutex");
  }
}

TEST_SUITE("core.rwmutex native") {
  TEST_CASE("a writer excludes readers and writers on threads" * doctest::timeout(60)) {
    int violations = -1;
    native::Result r = native::Run([&] { violations = Hammer(4, 2, 2000); }, {});
    CHECK(r.outcome.status == rt::Status::kOk);
    CHECK(violations == 0);
  }

  TEST_CASE("std::shared_lock and std::lock_guard work on plain threads" * doctest::timeout(60)) {
    RWMutex rw;
    int value = 0;
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; i++) {
      threads.emplace_back([&, i] {
        for (int j = 0; j < 5000; j++) {
          if (i == 0) {
            std::lock_guard l(rw);
            value++;
            value++;
          } else {
            std::shared_lock l(rw);
            if (value % 2 != 0) bad++;  // a writer is never seen half done
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(value == 10000);
    CHECK(bad == 0);
  }

  // The inline fast path of plain threads: RLock's add finds the count
  // negative while a writer holds the lock and the reader sleeps.
  TEST_CASE("on a plain thread RLock waits for the writer and RUnlock wakes a pending writer" * doctest::timeout(30)) {
    RWMutex rw;
    std::atomic<bool> read{false}, wrote{false};
    rw.Lock();
    std::thread reader([&] {
      rw.RLock();
      read = true;
      std::this_thread::sleep_for(20ms);  // hold it: the writer below must wait
      rw.RUnlock();
    });
    std::this_thread::sleep_for(20ms);
    CHECK_FALSE(read.load());  // behind the writer
    rw.Unlock();
    while (!read.load()) std::this_thread::yield();
    std::thread writer([&] {
      rw.Lock();  // pending until the reader's RUnlock (rUnlockSlow) wakes it
      wrote = true;
      rw.Unlock();
    });
    reader.join();
    writer.join();
    CHECK(wrote.load());
    CHECK(rw.reader_count() == 0);
    CHECK(rw.reader_wait() == 0);
  }

  TEST_CASE("misuse on a plain thread is Go's fatal error") {
    ThrowOnFatal guard;
    RWMutex rw;
    CHECK_THROWS_WITH(rw.RUnlock(), "sync: RUnlock of unlocked RWMutex");
    RWMutex other;
    CHECK_THROWS_WITH(other.Unlock(), "sync: Unlock of unlocked RWMutex");
  }
}
