// once/lazy-init: load a configuration the first time it is needed, once,
// however many goroutines need it at once.
//
// Every request handler calls Settings(). The first to arrive runs load
// while holding the Once's Mutex; the others wait on that Mutex and return
// only after load has finished, so nobody sees a half-loaded configuration.
#include <chrono>
#include <string>

#include "synclab/once.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Settings {
  int timeout_ms = 0;
  int retries = 0;
};

class Loader {
 public:
  const Settings& Get() {
    once_.Do([this] {
      work(100us);  // read and parse the file
      settings_.timeout_ms = 300;
      settings_.retries = 3;
    });
    return settings_;
  }

 private:
  Once once_{"once"};
  Settings settings_;  // written once, inside once_.Do
};

void Main(const Config&) {
  Loader loader;
  WaitGroup wg{"wg"};
  int ready = 0;
  Mutex mu{"mu"};
  const int handlers = 4;
  wg.Add(handlers);
  for (int i = 0; i < handlers; i++) {
    go([&] {
      const Settings& s = loader.Get();
      mu.Lock();
      ready += s.timeout_ms == 300 && s.retries == 3;
      mu.Unlock();
      wg.Done();
    }, "handler");
  }
  wg.Wait();
  check(ready == handlers, std::to_string(handlers - ready) + " handlers saw the settings before they were loaded");
}

}  // namespace

extern const Scenario kOnceLazyInit{
    "once/lazy-init",
    "Lazy initialisation with Once: f runs once and every caller waits until it has finished",
    "The first handler finds done=0 and takes the slow path: it locks the Once's "
    "Mutex once.m, checks done again (once.slow) and runs f (once.run.begin). The "
    "others, arriving while f runs, also find done=0 and queue on once.m "
    "(mutex.lock.slow.park). f returns, done becomes 1 (once.run.end), m is "
    "unlocked, and each waiter, holding m at last, sees done=1 and leaves without "
    "calling f. Later calls take the fast path (once.fast): one load of done. "
    "Compare once/broken-cas-once. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
