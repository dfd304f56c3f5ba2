// semaphore/worker-pool: a Weighted of 3 tokens bounds how many workers run
// at once (x/sync's Example_workerPool).
//
// main takes one token before starting each task's goroutine and the task
// gives it back when it is done, so at most 3 tasks run at a time however
// many there are. At the end main takes all 3 tokens: it gets them only
// once every task has given its token back, which is how it waits for them
// without a WaitGroup.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/semaphore.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

// Go's collatzSteps: how many steps n takes to reach 1.
int CollatzSteps(int n) {
  int steps = 0;
  for (; n > 1; steps++) n = n % 2 == 0 ? n / 2 : 3 * n + 1;
  return steps;
}

void Main(const Config&) {
  constexpr std::int64_t kMaxWorkers = 3;
  constexpr int kTasks = 8;
  // Shared, not on main's stack: the last worker's Release wakes main's final
  // Acquire before Release itself has returned (it still unlocks sem's
  // mutex). Go's garbage collector keeps sem alive for it; here the workers
  // share ownership.
  const auto sem = std::make_shared<semaphore::Weighted>(kMaxWorkers, "sem", Site::current());
  ctx::Context c = ctx::todo();
  std::vector<int> out(kTasks);
  std::atomic<int> running{0}, most{0};
  for (int i = 0; i < kTasks; i++) {
    // When kMaxWorkers goroutines are running, Acquire blocks until one of
    // them Releases.
    if (error err = sem->Acquire(c, 1)) {
      check(false, "Failed to acquire semaphore: " + err.Error());
      break;
    }
    go([&, sem, i] {
      const int now = running.fetch_add(1) + 1;
      for (int m = most.load(); now > m && !most.compare_exchange_weak(m, now);) {
      }
      work(1ms);  // the task's computation
      out[std::size_t(i)] = CollatzSteps(i + 1);
      running.fetch_sub(1);
      sem->Release(1);  // Go: defer sem.Release(1)
    }, "task");
  }
  // Acquire all of the tokens to wait for any remaining workers to finish.
  // (If you are already waiting for the workers by some other means, such as
  // an errgroup.Group, you can omit this final Acquire call.)
  if (error err = sem->Acquire(c, kMaxWorkers)) check(false, "Failed to acquire semaphore: " + err.Error());
  check(most.load() <= kMaxWorkers, "more than 3 tasks ran at once: " + std::to_string(most.load()));
  const std::vector<int> want{0, 1, 7, 2, 5, 8, 16, 3};
  check(out == want, "a task's result is missing");
}

}  // namespace

extern const Scenario kSemaphoreWorkerPool{
    "semaphore/worker-pool",
    "A Weighted of 3 tokens lets at most 3 of 8 tasks run at once",
    "main takes a token (Acquire(ctx, 1)) before it starts each task: the first three get "
    "one at once (wsem.acquire.fast, cur 1, 2, 3). The fourth finds cur == size and queues "
    "(wsem.acquire.enqueue: queue \"1\"), and main blocks in it. When a task finishes it "
    "Releases its token (wsem.release, cur 2) and notifyWaiters hands it straight to main "
    "(wsem.notify.grant, cur 3): the token never looks free, so nobody can slip past the "
    "queue. (When two tasks finish together, the second token is free when main comes "
    "back: wsem.acquire.fast again.) At the end main asks for all 3 tokens (n 3): it queues "
    "(queue \"3\"), notifyWaiters stops at it while tasks still run (wsem.notify.blocked), "
    "and it is granted when the last one releases: that is how it waits for them. Watch cur "
    "never exceed size.",
    std::source_location::current().file_name(),
    4,
    &Main,
};

}  // namespace synclab::scenarios
