// mutex/forgotten-unlock: a return that skips Unlock leaves the Mutex locked
// for good, and every goroutine that locks it after that waits forever.
//
// Get returns early on a cache hit while it still holds mu. The next reader
// blocks in Lock; main returns and leaves it behind.
#include <chrono>
#include <map>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Cache {
  Mutex mu{"mu"};
  std::map<int, int> values;  // guarded by mu

  int Get(int key) {
    mu.Lock();
    if (auto it = values.find(key); it != values.end()) {
      return it->second;  // the bug: returns with mu still locked
    }
    mu.Unlock();
    return -1;
  }
};

void Main(const Config&) {
  Cache cache;
  cache.values[1] = 10;
  cache.Get(1);  // a hit: mu stays locked
  go([&] { cache.Get(2); }, "reader");
  sleep(1ms);  // the reader is blocked in Lock by now, and stays there
}

}  // namespace

extern const Scenario kMutexForgottenUnlock{
    "mutex/forgotten-unlock",
    "A return that skips Unlock: the next Lock waits forever and the goroutine leaks",
    "After the cache hit the word stays locked=1 (holder=G1, which never unlocks). "
    "The reader sets waiters=1, parks on mu.sema and is still there when main "
    "returns. Go would just exit (and a server would keep the goroutine forever); "
    "synclab reports it left behind, as goleak does in Go's tests.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
