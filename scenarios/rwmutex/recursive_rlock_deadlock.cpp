// rwmutex/recursive-rlock-deadlock: an RLock nested in an RLock deadlocks
// once a writer is pending between them.
//
// Summary read-locks the stats and calls Mean, which read-locks them again
// ("reads can share the lock"). A writer arrives in between: it waits for
// Summary's read lock to go, and the nested RLock waits for the writer (a
// pending writer keeps new readers out). Neither can go on.
#include <chrono>

#include "synclab/rwmutex.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Stats {
  RWMutex mu{"mu"};
  long sum = 0, count = 0;  // guarded by mu

  long Mean() {
    mu.RLock();  // nested: Summary holds the read lock already
    long mean = count == 0 ? 0 : sum / count;
    mu.RUnlock();
    return mean;
  }
  long Summary() {
    mu.RLock();
    sleep(200us);  // format the report
    long mean = Mean();
    mu.RUnlock();
    return mean;
  }
  void Record(long v) {
    mu.Lock();
    sum += v;
    count++;
    mu.Unlock();
  }
};

void Main(const Config&) {
  Stats stats;
  WaitGroup wg{"wg"};
  wg.Add(2);
  go([&] {
    stats.Summary();
    wg.Done();
  }, "summary");
  go([&] {
    sleep(100us);  // arrives while Summary holds the read lock
    stats.Record(42);
    wg.Done();
  }, "recorder");
  wg.Wait();  // fatal error: all goroutines are asleep - deadlock!
}

}  // namespace

extern const Scenario kRWMutexRecursiveRLockDeadlock{
    "rwmutex/recursive-rlock-deadlock",
    "An RLock nested in an RLock deadlocks behind a pending writer",
    "Summary's first RLock succeeds (readerCount 1). The recorder's Lock announces a "
    "writer (readerCount 1 - 2^30, readerWait 1) and sleeps until that reader "
    "leaves. Summary's nested RLock in Mean then finds the count negative and "
    "sleeps on readerSem behind the writer (rw.rlock.slow). The writer waits for "
    "the reader, the reader for the writer, main for both: deadlock. Go's docs "
    "forbid recursive read locking for this reason; take the lock once, in the "
    "outer function, and let helpers assume it is held.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
