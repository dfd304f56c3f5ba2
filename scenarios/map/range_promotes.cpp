// map/range-promotes: Range promotes an amended Map at once, then walks a
// snapshot of read.m while others write.
//
// Range must see every key present when it starts; keys only dirty has are
// missing from read.m. Range is O(n) anyway, so it promotes dirty at once
// instead of counting misses, and iterates the read.m it got, without the
// lock: writers go on meanwhile, and what they add after it started is not
// in its snapshot.
#include <set>
#include <string>

#include "synclab/map.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  Map<std::string, int> scores{"scores"};
  scores.Store("ann", 3);
  scores.Store("bob", 5);
  while (scores.dirty_len() >= 0) scores.Load("ann");  // ann, bob in read.m
  scores.Store("cy", 8);  // cy, dee in dirty only: read.m is amended
  scores.Store("dee", 1);

  WaitGroup wg{"wg"};
  wg.Add(1);
  go([&] {
    sleep(5us);              // while the Range walks
    scores.Store("eve", 2);  // a new key after Range's promotion: not in its snapshot
    scores.Delete("bob");    // may or may not be seen as deleted
    wg.Done();
  }, "writer");
  std::multiset<std::string> seen;
  scores.Range([&](const std::string& name, int) {
    seen.insert(name);
    sleep(2us);  // a slow callback: Range holds no lock, the writer gets in
    return true;
  });
  wg.Wait();
  for (const char* name : {"ann", "cy", "dee"}) {
    check(seen.count(name) == 1, std::string(name) + " visited " + std::to_string(seen.count(name)) + " times, want 1");
  }
  check(seen.count("eve") == 0, "eve was stored after Range began, but it was visited");
  check(seen.count("bob") <= 1, "bob visited twice");
}

}  // namespace

extern const Scenario kMapRangePromotes{
    "map/range-promotes",
    "Range promotes an amended Map at once and walks its read.m snapshot while a writer adds and deletes",
    "read.m has ann and bob; cy and dee are only in dirty (amended). Range locks once: "
    "map.range.promote makes dirty read.m without waiting for misses, and map.range.begin "
    "says its snapshot has 4 keys. It walks them without the lock (map.range.entry, one "
    "step per entry), so the writer's Store(eve) runs meanwhile: a new dirty is copied "
    "from read.m (map.dirty.init, map.dirty.copy) and eve goes into it, outside Range's "
    "snapshot. Delete(bob) sets bob's entry to nil: Range reports it visited=false if it "
    "gets there after. No key is visited twice.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
