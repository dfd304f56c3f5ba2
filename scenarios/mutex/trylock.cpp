// mutex/trylock: TryLock never waits: it takes a free lock or gives up.
//
// A reporter wants a consistent snapshot of stats but must not hold up the
// workers: it uses TryLock and skips a round when the lock is busy.
#include <chrono>
#include <string>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  Mutex mu{"stats"};
  long updates = 0;  // guarded by mu
  int skipped = 0, reported = 0;
  WaitGroup wg{"wg"};
  wg.Add(2);
  go([&] {
    for (int i = 0; i < 5; i++) {
      mu.Lock();
      updates++;
      work(30us);
      mu.Unlock();
      sleep(20us);
    }
    wg.Done();
  }, "worker");
  go([&] {
    for (int i = 0; i < 6; i++) {
      if (mu.TryLock()) {  // free: take it without waiting
        reported++;
        mu.Unlock();
      } else {  // busy: skip this round rather than wait
        skipped++;
      }
      sleep(25us);
    }
    wg.Done();
  }, "reporter");
  wg.Wait();
  check(reported + skipped == 6, "rounds = " + std::to_string(reported + skipped) + ", want 6");
  check(updates == 5, "updates = " + std::to_string(updates) + ", want 5");
}

}  // namespace

extern const Scenario kMutexTryLock{
    "mutex/trylock",
    "A reporter uses TryLock to skip a round instead of waiting for busy workers",
    "mutex.trylock ok=false never parks the reporter: it fails when the locked (or "
    "starving) bit is set. ok=true is one CAS that sets the locked bit, even if "
    "goroutines are waiting: TryLock barges like Lock's fast path.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
