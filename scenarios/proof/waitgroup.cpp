// proof/waitgroup: Wait returns only after every Done, on every schedule
// the explorer runs.
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  WaitGroup wg{"wg"};
  Var<int> finished{0, "finished"};  // bumped under mu by each worker
  Mutex mu{"mu"};
  wg.Add(2);
  for (int w = 0; w < 2; w++) {
    go([&] {
      mu.Lock();
      finished.Store(finished.Load() + 1);
      mu.Unlock();
      wg.Done();
    }, "worker");
  }
  wg.Wait();
  mu.Lock();
  check(finished.Load() == 2, "Wait returned before every worker was done");
  mu.Unlock();
}

}  // namespace

extern const Scenario kProofWaitGroup{
    "proof/waitgroup",
    "A proof by exhaustive search: WaitGroup.Wait returns after every Done",
    "Two workers each count themselves finished and call Done; main checks the count "
    "after Wait. `synclab explore proof/waitgroup --strategy dfs` runs every schedule "
    "within the bound (Done racing Wait's counter check and its semaphore) and says "
    "the space was exhausted.",
    std::source_location::current().file_name(),
    3,
    &Main,
};

}  // namespace synclab::scenarios
