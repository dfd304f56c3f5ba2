// rwmutex/unlock-unlocked: releasing a read lock with Unlock is a fatal error.
//
// Lookup takes the read lock, and its early return releases it with Unlock
// instead of RUnlock. Unlock adds 2^30 back to a readerCount that no writer
// took it from, and finds no writer to release: Go stops the program.
#include "synclab/rwmutex.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Cache {
  RWMutex mu{"mu"};

  bool Lookup(int key) {
    mu.RLock();
    if (key < 0) {
      mu.Unlock();  // the bug: RLock paired with Unlock
      return false;
    }
    mu.RUnlock();
    return true;
  }
};

void Main(const Config&) {
  Cache c;
  c.Lookup(1);
  c.Lookup(-1);  // fatal error: sync: Unlock of unlocked RWMutex
}

}  // namespace

extern const Scenario kRWMutexUnlockUnlocked{
    "rwmutex/unlock-unlocked",
    "Unlock of an RWMutex that is only read-locked: Go's fatal error \"sync: Unlock of unlocked RWMutex\"",
    "The first Lookup is correct: RLock and RUnlock take readerCount to 1 and back "
    "to 0. In the second, Unlock adds 2^30 to readerCount (rw.unlock) and finds "
    "2^30 + 1: at least 2^30 means no writer had subtracted it, so the RWMutex was "
    "not locked for writing. As with Mutex this is fatal, not a panic: recover "
    "cannot catch it. RUnlock without RLock is the same mistake the other way "
    "round (\"sync: RUnlock of unlocked RWMutex\").",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
