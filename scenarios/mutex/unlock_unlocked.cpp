// mutex/unlock-unlocked: unlocking twice is a fatal error, not a panic.
//
// Save unlocks on its error path and then again at the end: the second
// Unlock finds the locked bit clear. Go cannot recover from this.
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Store {
  Mutex mu{"mu"};
  int saved = 0;  // guarded by mu

  void Save(bool disk_full) {
    mu.Lock();
    if (disk_full) {
      mu.Unlock();  // release on the error path...
    } else {
      saved++;
    }
    mu.Unlock();  // ...and again here: the bug
  }
};

void Main(const Config&) {
  Store s;
  s.Save(false);
  s.Save(true);  // fatal error: sync: unlock of unlocked mutex
}

}  // namespace

extern const Scenario kMutexUnlockUnlocked{
    "mutex/unlock-unlocked",
    "Unlocking a Mutex twice: Go's fatal error \"sync: unlock of unlocked mutex\"",
    "The second Unlock subtracts the locked bit from a word that does not have it "
    "(mutex.unlock.slow shows the damaged word) and the run stops with a fatal "
    "error, which recover cannot catch.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
