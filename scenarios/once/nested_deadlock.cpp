// once/nested-deadlock: Do called from inside its own f deadlocks.
//
// Loading the settings needs the defaults, and the defaults helper calls
// Get() "to be safe", which calls once.Do again. The inner Do finds done=0
// (f has not returned) and waits for the Once's Mutex, which the outer Do
// holds until f returns: the goroutine waits for itself.
#include "synclab/once.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Settings {
  int timeout_ms = 0;
  int retries = 0;
};

class Loader {
 public:
  const Settings& Get() {
    once_.Do([this] {
      settings_.timeout_ms = 300;
      settings_.retries = DefaultRetries();
    });
    return settings_;
  }

 private:
  int DefaultRetries() {
    return Get().timeout_ms > 1000 ? 1 : 3;  // the bug: Get inside the Once's f
  }

  Once once_{"once"};
  Settings settings_;
};

void Main(const Config&) {
  Loader loader;
  loader.Get();  // fatal error: all goroutines are asleep - deadlock!
}

}  // namespace

extern const Scenario kOnceNestedDeadlock{
    "once/nested-deadlock",
    "Calling Do on a Once from inside its own f deadlocks",
    "The outer Do takes the slow path: it locks once.m and runs f "
    "(once.run.begin). f calls Get, whose Do finds done still 0, because done "
    "becomes 1 only when f returns, and takes the slow path too: it locks once.m, "
    "which this same goroutine holds (mutex.lock.slow.park). A Mutex is not "
    "reentrant, so main waits for itself and Go reports the deadlock.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
