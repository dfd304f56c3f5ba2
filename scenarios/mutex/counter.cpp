// mutex/counter: ten goroutines increment one counter under a Mutex.
//
// The classic: Counter guards n with mu, so no increment is lost however the
// goroutines interleave. Natively each does 100000 increments; in the
// simulator 100, which is plenty to see the lock change hands.
#include <string>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Counter {
  Mutex mu{"mu"};
  long n = 0;  // guarded by mu

  void Inc() {
    mu.Lock();
    n++;
    mu.Unlock();
  }
};

void Main(const Config& config) {
  const int goroutines = 10;
  const int increments = config.native ? 100000 : 100;
  Counter c;
  WaitGroup wg{"wg"};
  for (int i = 0; i < goroutines; i++) {
    wg.Add(1);
    go([&] {
      for (int j = 0; j < increments; j++) c.Inc();
      wg.Done();
    }, "incrementer");
  }
  wg.Wait();
  long want = long(goroutines) * increments;
  check(c.n == want, "n = " + std::to_string(c.n) + ", want " + std::to_string(want));
}

}  // namespace

extern const Scenario kMutexCounter{
    "mutex/counter",
    "10 goroutines increment one counter under a Mutex; the total is checked",
    "Most Locks take the fast path (mutex.lock.fast: one CAS from 0 to locked). "
    "When two goroutines collide, watch the loser spin (mutex.lock.slow.spin, at "
    "most 4 times, only while another P runs), then park on the sema and be woken "
    "by an Unlock that sets the woken bit. The final check passes for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
