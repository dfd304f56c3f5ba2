// once/broken-cas-once: a Once made of one CompareAndSwap lets the losers
// use the resource before it is ready.
//
// The course's first attempt at Once: whoever swaps done from 0 to 1 runs f,
// everyone else returns. The winner has only begun f when the others return
// and read a configuration that is still empty. Go's once.go warns against
// exactly this version: the losers must wait for f to finish.
#include <chrono>
#include <string>

#include "synclab/atomic.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

class BrokenOnce {
 public:
  template <typename F>
  void Do(F f) {
    if (done_.CompareAndSwap(0, 1)) f();  // the losers return at once
  }

 private:
  atomic::Uint32 done_{0, "done"};
};

void Main(const Config&) {
  BrokenOnce once;
  Var<int> timeout_ms{0, "timeout_ms"};  // a Var: the loser's read races the winner's write, visibly
  WaitGroup wg{"wg"};
  int unready = 0;
  Mutex mu{"mu"};
  const int handlers = 3;
  wg.Add(handlers);
  for (int i = 0; i < handlers; i++) {
    go([&] {
      once.Do([&] {
        work(100us);  // read and parse the file
        timeout_ms.Store(300);
      });
      const int t = timeout_ms.Load();  // use the configuration
      mu.Lock();
      unready += t != 300;
      mu.Unlock();
      wg.Done();
    }, "handler");
  }
  wg.Wait();
  check(unready == 0, std::to_string(unready) + " handlers used the configuration before it was loaded");
}

}  // namespace

extern const Scenario kOnceBrokenCasOnce{
    "once/broken-cas-once",
    "A Once built from one CompareAndSwap: a goroutine uses the resource before it is ready",
    "The first handler's CAS on done succeeds (atomic.cas ok=true) and it starts "
    "loading (100 us of work). The other handlers' CAS fails (ok=false) and they "
    "return at once: their var.load of timeout_ms reads 0, long before the winner's "
    "var.store of 300. The check fails. sync.Once sets done only after f returns "
    "and makes the losers wait on its Mutex (once/lazy-init).",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
