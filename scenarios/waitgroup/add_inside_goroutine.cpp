// waitgroup/add-inside-goroutine: Add inside the goroutine lets Wait return
// before the work has started.
//
// The same fan-out as waitgroup/fan-out, but each goroutine calls Add itself.
// main reaches Wait before the goroutines have run at all: the counter is
// still 0, so Wait returns at once and main reads results nobody has written.
#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  const std::vector<int> sizes = {3, 1, 4, 1, 5};
  std::deque<Var<int>> results;  // Vars: the reads race the writes, visibly
  for (std::size_t i = 0; i < sizes.size(); i++) results.emplace_back(0, "result" + std::to_string(i));
  WaitGroup wg{"wg"};
  for (std::size_t i = 0; i < sizes.size(); i++) {
    go([&, i] {
      wg.Add(1);  // the bug: too late, main may be in Wait already
      work(std::chrono::microseconds(20 * sizes[i]));
      results[i].Store(sizes[i] * 10);
      wg.Done();
    }, "fetch");
  }
  wg.Wait();
  int total = 0, missing = 0;
  for (Var<int>& r : results) {
    const int v = r.Load();
    total += v;
    missing += v == 0;
  }
  check(missing == 0, std::to_string(missing) + " of 5 results missing (total " + std::to_string(total) +
                          ", want 140): Wait returned before their Add");
}

}  // namespace

extern const Scenario kWaitGroupAddInsideGoroutine{
    "waitgroup/add-inside-goroutine",
    "Add called inside the goroutine: Wait returns before the work has started",
    "go() only makes the goroutine runnable; main keeps running and reaches Wait "
    "while the counter is still 0 (wg.wait.fast): Wait returns at once and main "
    "reads results that are still 0: the check fails. No goroutine has even "
    "started; their Adds would come too late for anyone to wait for them. With more "
    "processors (--procs 2) a goroutine or two may Add in time, which makes the "
    "bug rarer, not absent. The rule: an Add that raises the counter from 0 must "
    "happen before Wait, so call it before go (waitgroup/fan-out).",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
