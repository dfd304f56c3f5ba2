// mutex/metrics: the course's Count, IsLocked, IsWoken and IsStarving, read
// off a Mutex's state word at each stage of its life.
//
// main holds mu while two workers queue on it, then lets it go and barges
// straight back in, so the worker it woke loses the race after waiting more
// than 1 ms and switches mu to starvation mode. At each stage main reads
// the four metrics; each is one atomic load of the word (locked bit, woken
// bit, starving bit, waiters above them), a snapshot that the next step may
// already have changed. On one P the stages are exactly the ones below.
#include <chrono>

#include "synclab/mutex_metrics.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace mm = mutexmetrics;

void Expect(const Mutex& mu, int count, bool locked, bool woken, bool starving, std::string_view stage) {
  const bool ok = mm::Count(mu) == count && mm::IsLocked(mu) == locked && mm::IsWoken(mu) == woken &&
                  mm::IsStarving(mu) == starving;
  check(ok, stage);
}

void Main(const Config&) {
  Mutex mu{"mu"};
  WaitGroup wg{"wg"};
  Expect(mu, 0, false, false, false, "a free Mutex: count 0, no bit");
  mu.Lock();
  Expect(mu, 1, true, false, false, "held, nobody waiting: count 1 (the holder)");
  wg.Add(2);
  for (int i = 0; i < 2; i++) {
    go([&] {
      mu.Lock();
      work(10us);
      mu.Unlock();
      wg.Done();
    }, "worker");
  }
  sleep(2ms);  // both workers park on mu, and wait for more than 1 ms
  Expect(mu, 3, true, false, false, "held with two waiters: count 3");
  mu.Unlock();  // wakes the first worker: it competes, the woken bit says so
  Expect(mu, 1, false, true, false, "unlocked, one waiter woken, one still parked");
  mu.Lock();    // main barges in before the woken worker runs
  sleep(10us);  // the worker finds mu locked after > 1 ms: starvation mode
  Expect(mu, 3, true, false, true, "starving: held, two waiters again");
  mu.Unlock();  // hands mu straight to the starving worker
  wg.Wait();
  Expect(mu, 0, false, false, false, "free again, starvation mode left by the last waiter");
}

}  // namespace

extern const Scenario kMutexMetrics{
    "mutex/metrics",
    "The course's Mutex metrics (Count, IsLocked, IsWoken, IsStarving) at each stage of a Mutex",
    "Each metric is one mutex.metrics event: the state word it loaded and what it computed "
    "from it. Count is waiters + holder: (state >> 3) + (state & 1); the course's own code "
    "adds the low bit of the waiter count instead, and would say 2 where this says 3. "
    "Compare the reads with the events between them: mutex.lock.slow.park (waiters go up), "
    "mutex.unlock.wake (woken set, one waiter taken off), mutex.lock.slow.acquire (main "
    "barges), mutex.starving.enter (the worker waited over 1 ms) and mutex.unlock.handoff.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
