// proof/once: f runs once, and every Do returns after it, on every schedule
// the explorer runs.
#include "synclab/once.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  Once once{"once"};
  Var<int> runs{0, "runs"};  // written by f only
  WaitGroup wg{"wg"};
  for (int g = 0; g < 3; g++) {
    wg.Add(1);
    go([&] {
      once.Do([&] { runs.Store(runs.Load() + 1); });
      check(runs.Load() == 1, "Do returned before f had run, or f ran twice");
      wg.Done();
    }, "caller");
  }
  wg.Wait();
}

}  // namespace

extern const Scenario kProofOnce{
    "proof/once",
    "A proof by exhaustive search: Once runs f once and Do returns after it (3 callers)",
    "Each caller checks, after Do returns, that f ran exactly once. The fast path "
    "(done already 1) and the slow path (the Mutex, then done stored after f) are "
    "both interleaved; compare once/broken-cas-once, which the explorer breaks. "
    "`synclab explore proof/once --strategy dfs` says the space was exhausted.",
    std::source_location::current().file_name(),
    3,
    &Main,
};

}  // namespace synclab::scenarios
