// mutex/starvation: a greedy goroutine starves a polite one, until the
// Mutex switches to starvation mode and hands the lock over.
//
// greedy holds mu for 400 us at a time and takes it again as soon as it lets
// go. polite, woken by each Unlock, has to win a race against greedy, which is
// already running and usually wins. Once polite has waited more than 1 ms it
// sets the starving bit: from then on Unlock hands mu straight to the head
// waiter, and newcomers (late) queue behind instead of grabbing it.
#include <chrono>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  Mutex mu{"mu"};
  WaitGroup wg{"wg"};
  wg.Add(3);
  go([&] {
    for (int i = 0; i < 8; i++) {
      mu.Lock();
      work(400us);  // a long critical section
      mu.Unlock();  // ...and straight back to Lock
    }
    wg.Done();
  }, "greedy");
  go([&] {
    sleep(100us);  // arrive while greedy holds the lock
    mu.Lock();
    work(10us);
    mu.Unlock();
    wg.Done();
  }, "polite");
  go([&] {
    sleep(1500us);  // arrive when polite is about to starve
    mu.Lock();
    mu.Unlock();
    wg.Done();
  }, "late");
  wg.Wait();
}

}  // namespace

extern const Scenario kMutexStarvation{
    "mutex/starvation",
    "A greedy goroutine starves a polite one until the Mutex enters starvation mode",
    "Follow polite (G3). Each Unlock by greedy wakes it (mutex.unlock.wake, woken bit), "
    "but greedy re-locks first and polite parks again at the head of the queue "
    "(lifo=true). After 1 ms of waiting it sets the starving bit "
    "(mutex.starving.enter). Then Unlock no longer releases the lock: it hands it "
    "to the head waiter (mutex.unlock.handoff, sema.release.handoff) and newcomers "
    "queue at the tail without spinning. The mode ends when a waiter that receives "
    "the lock waited under 1 ms or is the last one (mutex.starving.exit).",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
