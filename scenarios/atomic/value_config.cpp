// atomic/value-config: a configuration swapped through atomic.Value, and
// Value's two panics.
//
// Handlers Load the current Settings for each request without a lock; a
// reloader Stores a new Settings now and then. Two mistakes follow. A reload
// written against a newer parser stores a pointer, Settings*, into a Value
// that holds Settings: inconsistently typed, it panics; the reloader
// recovers and records the error in another Value. Then an admin command
// "clears" the configuration by storing nil: that panics too, unrecovered.
#include <fmt/format.h>

#include <chrono>
#include <string>

#include "synclab/atomic_value.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Settings {
  int version = 0;
  int timeout_ms = 0;
  friend bool operator==(const Settings&, const Settings&) = default;
};

}  // namespace
}  // namespace synclab::scenarios

// How a Settings looks in the trace: {v2 timeout=300ms}.
template <>
struct fmt::formatter<synclab::scenarios::Settings> : fmt::formatter<std::string_view> {
  auto format(const synclab::scenarios::Settings& s, fmt::format_context& ctx) const {
    return fmt::format_to(ctx.out(), "{{v{} timeout={}ms}}", s.version, s.timeout_ms);
  }
};

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  atomic::Value settings{"settings"};
  atomic::Value last_error{"last_error"};
  settings.Store(Settings{1, 100});
  WaitGroup wg{"wg"};
  int served = 0;
  Mutex mu{"mu"};
  wg.Add(2);
  for (int i = 0; i < 2; i++) {
    go([&] {
      for (int r = 0; r < 4; r++) {
        sleep(60us);  // wait for a request
        const atomic::Any a = settings.Load();  // no lock: a whole Settings, old or new
        const Settings* s = a.get<Settings>();
        work(20us);  // serve it with s->timeout_ms
        mu.Lock();
        served += s != nullptr;
        mu.Unlock();
      }
      wg.Done();
    }, "handler");
  }
  sleep(100us);
  settings.Store(Settings{2, 50});  // a reload
  sleep(100us);
  static Settings parsed{3, 20};
  try {
    settings.Store(&parsed);  // the newer parser returns a Settings*: panics
  } catch (const Panic& p) {
    last_error.Store(std::string(p.what()));  // the reloader recovers and reports
  }
  wg.Wait();
  check(served == 8, "a handler found no settings");
  settings.Store(nullptr);  // "clear the configuration": panic: sync/atomic: store of nil value into Value
}

}  // namespace

extern const Scenario kAtomicValueConfig{
    "atomic/value-config",
    "Settings swapped through an atomic.Value, and its two panics: a value of another type, and nil",
    "The first Store makes three steps: the type word goes from nil to "
    "firstStoreInProgress (atomic.value.first_store.begin), the data is written, and "
    "the type word becomes Settings for good (first_store.end). Handlers Load without "
    "a lock and get a whole Settings, old or new. The reload Stores a Settings: one "
    "step (atomic.value.store). Storing a Settings* panics, inconsistently typed, "
    "and the reloader records the message in last_error (watch its first store). "
    "Finally Store(nil) panics: \"sync/atomic: store of nil value into Value\", and "
    "nothing recovers it. The panics change nothing: settings still holds v2.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
