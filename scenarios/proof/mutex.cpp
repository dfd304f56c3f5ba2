// proof/mutex: synclab's Mutex excludes and does not deadlock, on every
// schedule the explorer runs.
//
// Three goroutines take the lock twice each. Inside, each reads a plain
// variable that says who is in the critical section: it must be empty. Run
// it with `synclab explore proof/mutex --strategy dfs --preemption-bound 2`:
// every schedule with at most two preemptions ends ok and the explorer says
// the space was exhausted, a proof within that bound.
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  Mutex mu{"mu"};
  Var<int> inside{0, "inside"};  // guarded by mu: who holds it, 0 for nobody
  WaitGroup wg{"wg"};
  for (int g = 1; g <= 3; g++) {
    wg.Add(1);
    go([&, g] {
      for (int i = 0; i < 2; i++) {
        mu.Lock();
        check(inside.Load() == 0, "two goroutines in the critical section");
        inside.Store(g);
        inside.Store(0);
        mu.Unlock();
      }
      wg.Done();
    }, "worker");
  }
  wg.Wait();
}

}  // namespace

extern const Scenario kProofMutex{
    "proof/mutex",
    "A proof by exhaustive search: Mutex excludes and never deadlocks (3 goroutines x 2)",
    "Each worker checks that nobody else is inside before it writes its number into "
    "`inside`. Any one run ends ok; what the scenario is for is `synclab explore "
    "proof/mutex --strategy dfs --preemption-bound 2`, which runs every schedule with "
    "up to two preemptions (the lock's fast path, spinning, the semaphore and "
    "handoff all interleaved) and says the bounded space was exhausted.",
    std::source_location::current().file_name(),
    3,
    &Main,
};

}  // namespace synclab::scenarios
