// proof/rwmutex: a writer excludes the readers and the readers share, on
// every schedule the explorer runs.
//
// Two readers and one writer. A reader counts itself in with an atomic (two
// readers may be in at once); the writer checks that no reader is in and
// marks itself in a plain variable the readers check.
#include "synclab/rwmutex.h"
#include "synclab/atomic.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  RWMutex rw{"rw"};
  atomic::Int32 readers{0, "readers"};  // readers inside, any number
  Var<int> writing{0, "writing"};       // 1 while the writer is inside
  WaitGroup wg{"wg"};
  for (int r = 0; r < 2; r++) {
    wg.Add(1);
    go([&] {
      rw.RLock();
      readers.Add(1);
      check(writing.Load() == 0, "a reader is inside while the writer is");
      readers.Add(-1);
      rw.RUnlock();
      wg.Done();
    }, "reader");
  }
  wg.Add(1);
  go([&] {
    rw.Lock();
    writing.Store(1);
    check(readers.Load() == 0, "the writer is inside while a reader is");
    writing.Store(0);
    rw.Unlock();
    wg.Done();
  }, "writer");
  wg.Wait();
}

}  // namespace

extern const Scenario kProofRWMutex{
    "proof/rwmutex",
    "A proof by exhaustive search: RWMutex's writer excludes its readers (2 readers + 1 writer)",
    "Readers count themselves in with an atomic, the writer marks itself in `writing`; "
    "each checks the other is out. `synclab explore proof/rwmutex --strategy dfs` runs "
    "every schedule within the preemption bound (readerCount going negative, "
    "readerWait, the writer's semaphore) and says the space was exhausted.",
    std::source_location::current().file_name(),
    4,
    &Main,
};

}  // namespace synclab::scenarios
