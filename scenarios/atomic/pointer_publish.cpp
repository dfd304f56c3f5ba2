// atomic/pointer-publish: publish a fully built object through an
// atomic.Pointer; readers see the old one or the new one, never half of one.
//
// The reloader builds each new Routes table completely, then stores the
// pointer to it in one atomic step. A reader loads the pointer once and uses
// that table for the whole request, even if a newer one is published
// meanwhile. Go's garbage collector keeps an old table alive while a reader
// still uses it; C++ has none, so here every table lives until main returns.
#include <chrono>
#include <deque>
#include <string>

#include "synclab/atomic.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Routes {
  int version = 0;
  int backends = 0;  // set before the table is published
};

void Main(const Config&) {
  std::deque<Routes> tables;  // owns every table ever published (Go: the GC)
  atomic::Pointer<const Routes> current{nullptr, "current"};
  WaitGroup wg{"wg"};
  int torn = 0;
  Mutex mu{"mu"};
  wg.Add(2);
  for (int i = 0; i < 2; i++) {
    go([&] {
      for (int r = 0; r < 5; r++) {
        const Routes* routes = current.Load();  // one load per request
        work(10us);                             // route the request with this table
        mu.Lock();
        // Before the first table is published a router has none (nil).
        torn += routes != nullptr && routes->backends != routes->version * 2;
        mu.Unlock();
        sleep(30us);
      }
      wg.Done();
    }, "router");
  }
  for (int v = 1; v <= 3; v++) {
    Routes& next = tables.emplace_back();
    next.version = v;
    next.backends = v * 2;  // fully built...
    const Routes* old = current.Swap(&next);  // ...then published in one step
    check(old == nullptr || old->version == v - 1, "the reloader replaced a table it did not publish");
    sleep(50us);
  }
  // Roll back to version 2, but only if nobody published meanwhile.
  check(current.CompareAndSwap(&tables[2], &tables[1]), "another reloader published first");
  wg.Wait();
  check(torn == 0, std::to_string(torn) + " requests saw a table half built");
}

}  // namespace

extern const Scenario kAtomicPointerPublish{
    "atomic/pointer-publish",
    "Publishing a fully built table through atomic.Pointer: readers see the old one or the new one, whole",
    "Pointers appear as identities: p1 for the first table, p2, p3 for the next, nil for none. "
    "Each atomic.pointer.swap publishes a table built before it and returns the one it "
    "replaces; each router's atomic.pointer.load takes whichever is current and uses it "
    "for its whole request, even after a newer one is published. The final "
    "atomic.pointer.cas rolls back to p2 only because the pointer is still p3 (expected): "
    "CompareAndSwap compares pointers, not tables. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
