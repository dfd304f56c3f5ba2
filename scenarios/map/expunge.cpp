// map/expunge: a deleted key left in read.m is expunged when dirty is
// rebuilt, and storing it again must first put it back into dirty.
//
// Delete only sets an entry of read.m to nil (read.m is never changed). The
// next new key makes a fresh dirty from read.m and leaves the deleted entry
// out, marking it expunged so that nobody revives it without the lock: a
// Store that found it nil could CAS a value in, and dirty, which lacks the
// key, would lose it at the next promotion.
#include <string>

#include "synclab/map.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  Map<std::string, int> stock{"stock"};
  stock.Store("apples", 5);
  stock.Store("pears", 2);
  stock.Store("plums", 7);
  while (stock.dirty_len() >= 0) stock.Load("apples");  // misses until dirty is promoted

  stock.Delete("pears");   // pears: nil in read.m, no lock
  stock.Store("figs", 1);  // a new key: dirty is rebuilt and pears expunged

  WaitGroup wg{"wg"};
  wg.Add(2);
  go([&] {
    sleep(1500ns);            // the customer looks first
    stock.Store("pears", 4);  // expunged: not without the lock
    wg.Done();
  }, "restocker");
  go([&] {
    for (int i = 0; i < 3; i++) {
      stock.Load("pears");  // read.m has the entry: expunged, then a value
      sleep(1us);
    }
    wg.Done();
  }, "customer");
  wg.Wait();
  while (stock.dirty_len() >= 0) stock.Load("figs");  // promote: pears must survive it
  check(stock.Load("pears") == 4, "pears = " + std::to_string(stock.Load("pears").value_or(-1)) + ", want 4");
  check(stock.read_len() == 4, "read.m has " + std::to_string(stock.read_len()) + " keys, want 4");
}

}  // namespace

extern const Scenario kMapExpunge{
    "map/expunge",
    "A deleted key is expunged when dirty is rebuilt; storing it again unexpunges it under the lock",
    "After the promotion, Delete(pears) is map.delete: the entry stays in read.m, nil. "
    "Store(figs) is the first new key: map.dirty.init, then map.dirty.copy for apples and "
    "plums and map.expunge for pears (nil CASed to expunged, left out of dirty), "
    "map.amend, map.insert. The restocker's Store(pears) finds the entry in read.m but "
    "expunged: no map.swap.fast; it locks, map.unexpunge puts the entry back into dirty, "
    "map.swap.read stores 4. The customer's Loads read the same entry from read.m: "
    "found=false while it is expunged or nil, then 4. The last promotion keeps pears "
    "because dirty has it again.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
