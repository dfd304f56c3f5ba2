// context/cancel-tree: cancelling a node cancels its whole subtree, and
// only it; a cancelled child leaves its parent.
//
//   root (WithCancel)
//   +-- request (WithCancel)
//   |   +-- user (WithValue) -- db (WithTimeout 1h)
//   |   +-- cache (WithCancel)
//   +-- metrics (WithCancel)
#include <chrono>
#include <string>
#include <vector>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

struct UserKey {
  friend bool operator==(UserKey, UserKey) { return true; }
};

void Main(const Config&) {
  auto [root, cancel_root] = ctx::with_cancel(ctx::background(), "root");
  auto [request, cancel_request] = ctx::with_cancel(root, "request");
  auto user = ctx::with_value(request, UserKey{}, "alice", "user");
  auto [db, cancel_db] = ctx::with_timeout(user, 1h, "db");
  auto [cache, cancel_cache] = ctx::with_cancel(request, "cache");
  auto [metrics, cancel_metrics] = ctx::with_cancel(root, "metrics");

  WaitGroup wg{"wg"};
  for (const auto& c : {db, cache, metrics}) {
    wg.Add(1);
    go([&wg, c] {
      c.Done().Recv();  // each waits for its own context
      wg.Done();
    }, "waiter");
  }
  sleep(1ms);
  cancel_request();  // db and cache are done; metrics goes on
  sleep(1ms);
  check(db.Err() == ctx::Canceled && cache.Err() == ctx::Canceled, "the request's subtree is cancelled");
  check(!metrics.Err() && !root.Err(), "a subtree's cancel leaves its parent and siblings running");
  cancel_root();
  wg.Wait();
  cancel_db();
  cancel_cache();
  cancel_metrics();
}

}  // namespace

extern const Scenario kContextCancelTree{
    "context/cancel-tree",
    "Cancelling a context cancels its subtree, not its parent or siblings",
    "Each WithCancel/WithTimeout child attaches itself to the nearest cancelCtx "
    "above it (ctx.propagate.attach): db's is request, through the value node "
    "user. cancel_request() sets request's err, closes its done channel (waking "
    "whoever waits on it) and cancels its children with the same err and cause "
    "(ctx.cancel, by=request), then leaves root's children (ctx.child.remove). "
    "metrics and root stay live until cancel_root(). Later cancels change nothing "
    "(ctx.cancel.again): the first cancel wins.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
