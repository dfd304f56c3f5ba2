// waitgroup/fan-out: start a goroutine per job, wait for all of them.
//
// The idiom: Add before go, Done when the job is finished, Wait once every
// goroutine has been started. Each job writes only its own slot of results,
// and Wait's guarantee (every Done happens before Wait returns) makes the
// slots safe to read afterwards without a lock.
#include <chrono>
#include <string>
#include <vector>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  const std::vector<int> sizes = {3, 1, 4, 1, 5};
  std::vector<int> results(sizes.size(), 0);
  WaitGroup wg{"wg"};
  for (std::size_t i = 0; i < sizes.size(); i++) {
    wg.Add(1);  // before go: Wait cannot miss this job
    go([&, i] {
      work(std::chrono::microseconds(20 * sizes[i]));  // fetch a page
      results[i] = sizes[i] * 10;
      wg.Done();
    }, "fetch");
  }
  wg.Wait();
  int total = 0;
  for (int r : results) total += r;
  check(total == 140, "total = " + std::to_string(total) + ", want 140");
}

}  // namespace

extern const Scenario kWaitGroupFanOut{
    "waitgroup/fan-out",
    "Fan out five jobs with Add before go and Done in each, then Wait for all",
    "The counter is the high 32 bits of the state word, the waiters the low 32. Each "
    "Add(1) raises the counter before its goroutine starts (wg.add delta=1), so when "
    "main reaches Wait the counter is 5 minus the jobs already done and Wait counts "
    "itself as a waiter (wg.wait.park, waiters=1). The last Done takes the counter "
    "to 0 with a waiter present: it resets the word and releases the waiter "
    "(wg.release_waiters). Compare waitgroup/add-inside-goroutine, where Add moved "
    "into the goroutine. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
