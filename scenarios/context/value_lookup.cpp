// context/value-lookup: Value walks up the chain; the nearest equal key
// wins, keys of another type never match, and cancel nodes pass it on.
#include <string>

#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

namespace ctx = synclab::context;

// Go's advice: an unexported key type per package, so keys cannot collide.
struct UserKey {
  friend bool operator==(UserKey, UserKey) { return true; }
};
struct RequestIdKey {
  friend bool operator==(RequestIdKey, RequestIdKey) { return true; }
};
struct OtherPackageKey {
  friend bool operator==(OtherPackageKey, OtherPackageKey) { return true; }
};

void Main(const Config&) {
  auto base = ctx::with_value(ctx::background(), UserKey{}, "alice", "user");
  auto req = ctx::with_value(base, RequestIdKey{}, 17, "request-id");
  auto [c, cancel] = ctx::with_cancel(req, "handler");
  auto admin = ctx::with_value(c, UserKey{}, "root", "sudo");  // shadows user

  check(admin.Value<std::string>(UserKey{}) == "root", "the nearest UserKey wins");
  check(c.Value<std::string>(UserKey{}) == "alice", "below the shadowing node, alice");
  check(admin.Value<int>(RequestIdKey{}) == 17, "a cancel node passes lookups up");
  check(!admin.Value(OtherPackageKey{}).has_value(), "a key of another type never matches");
  cancel();
}

}  // namespace

extern const Scenario kContextValueLookup{
    "context/value-lookup",
    "Value finds the nearest equal key up the chain",
    "Each WithValue node holds one key and value. Value(key) asks the node, which "
    "compares its key (same type and ==) and otherwise asks its parent, through "
    "cancel nodes, up to Background (ctx.value, at: the node that answered). The "
    "sudo node shadows user for everything below it; a key of another type is "
    "never equal, which is why Go wants a key type of your own per package.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
