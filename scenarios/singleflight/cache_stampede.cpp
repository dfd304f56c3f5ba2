// singleflight/cache-stampede: six requests for one key miss the cache at
// once. Without singleflight each of them loads it from the backend: six
// loads of one value. With a singleflight.Group the misses for one key
// share one load: the first request leads the call, the others join it and
// get its result (shared). The scenario serves the burst both ways and
// counts the backend's loads of each.
#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "synclab/atomic.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/singleflight.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
constexpr int kRequests = 6;

// A cache in front of a slow backend; loads counts the backend's work.
class Service {
 public:
  Service(bool use_group, atomic::Int64& loads) : loads_(loads) {
    if (use_group) group_.reset(new singleflight::Group<std::string>("group"));  // its site: this line
  }

  std::string Get(const std::string& key) {
    mu_.Lock();
    auto it = cache_.find(key);
    const bool hit = it != cache_.end();
    std::string v = hit ? it->second : "";
    mu_.Unlock();
    if (hit) return v;
    if (!group_) return Load(key);  // every miss goes to the backend
    auto [val, err, shared] = group_->Do(key, [&] { return std::pair{Load(key), error()}; });
    return val;
  }

 private:
  std::string Load(const std::string& key) {
    loads_.Add(1);
    sleep(5ms);  // the backend's query
    std::string v = "profile of " + key;
    mu_.Lock();
    cache_[key] = v;
    mu_.Unlock();
    return v;
  }

  atomic::Int64& loads_;
  Mutex mu_{"cache.mu"};
  std::map<std::string, std::string> cache_;
  std::unique_ptr<singleflight::Group<std::string>> group_;  // null: no singleflight
};

// A burst of requests for one key, all before the first load returns.
void Burst(Service& s) {
  WaitGroup wg{"requests"};
  for (int i = 0; i < kRequests; i++) {
    wg.Add(1);
    go([&] {
      check(s.Get("user:42") == "profile of user:42", "a request got the wrong profile");
      wg.Done();
    }, "request");
  }
  wg.Wait();
}

void Main(const Config&) {
  atomic::Int64 without{0, "loads without group"};
  atomic::Int64 with{0, "loads with group"};
  {
    Service plain(false, without);
    Burst(plain);
  }
  {
    Service grouped(true, with);
    Burst(grouped);
  }
  check(without.Load() == kRequests, "without a group every miss loads");
  check(with.Load() == 1, "with a group the misses share one load");
}

}  // namespace

extern const Scenario kSingleFlightCacheStampede{
    "singleflight/cache-stampede",
    "N cache misses for one key: N backend loads without singleflight, 1 with it",
    "First burst, no group: six requests miss the cache (cache.mu) and each calls the "
    "backend: 'loads without group' climbs to 6 (atomic.add). Second burst, through "
    "group.Do: the first miss leads the call (sf.do.leader, calls=1) and runs the load; "
    "the five others find the key in the map and join it (sf.do.dup, dups 1..5), parking "
    "on the call's WaitGroup (wg.wait.park on group.user:42). When the load returns, "
    "sf.call.done (dups=5, removed) releases them all with the one result, shared=true: "
    "'loads with group' ends at 1.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
