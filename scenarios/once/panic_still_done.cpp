// once/panic-still-done: if f panics, the Once counts as done all the same.
//
// The first Get runs f before the configuration file exists: f panics, and
// the caller recovers, planning to try again later. The file appears; the
// next Get calls Do, which returns at once without calling f: the Once is
// done. The configuration is never loaded.
#include "synclab/once.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Settings {
  bool loaded = false;
  int timeout_ms = 0;
};

class Loader {
 public:
  const Settings& Get() {
    once_.Do([this] {
      if (!file_exists) throw Panic("open settings.json: no such file or directory");
      settings_.timeout_ms = 300;
      settings_.loaded = true;
    });
    return settings_;
  }

  bool file_exists = false;

 private:
  Once once_{"once"};
  Settings settings_;
};

void Main(const Config&) {
  Loader loader;
  try {
    loader.Get();
  } catch (const Panic&) {
    // recover(): log it and try again once the file is there
  }
  loader.file_exists = true;
  const Settings& s = loader.Get();  // f is not called again
  check(s.loaded, "settings never loaded: the Once counted the panicking f as done");
}

}  // namespace

extern const Scenario kOncePanicStillDone{
    "once/panic-still-done",
    "f panics, the caller recovers and calls Do again: f never runs again",
    "The first Do runs f (once.run.begin), which panics. On the way out, Go's "
    "deferred done.Store(1) runs anyway (once.run.panic, done=1), then m is "
    "unlocked and the panic goes on to the caller, who recovers. The second Do "
    "sees done=1 on its fast path (once.fast) and returns without calling f, so the "
    "check fails. A Once cannot be retried: handle the error inside f, or use "
    "OnceValue/OnceFunc, which re-panic with f's panic on every call.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
