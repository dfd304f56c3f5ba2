// cond/wait-without-loop: a waiter that checks its condition with `if`
// wakes to a condition that is false again.
//
// Two consumers wait for a job with `if (jobs.empty()) ready.Wait();`. The
// producer adds one job and tells everyone (Broadcast). Both wake; the first
// to lock mu again takes the job; the second returns from Wait to an empty
// queue and, never looking again, takes a job that is not there.
#include <chrono>
#include <deque>

#include "synclab/cond.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Jobs {
  Mutex mu{"mu"};
  Cond ready{mu, "ready"};
  std::deque<int> queue;  // guarded by mu

  void Consume() {
    mu.Lock();
    if (queue.empty()) ready.Wait();  // the bug: `if`, not `while`
    check(!queue.empty(), "woke to an empty queue: another consumer took the job first");
    if (!queue.empty()) queue.pop_front();  // (Go: a panic, index out of range)
    mu.Unlock();
  }
};

void Main(const Config&) {
  Jobs jobs;
  WaitGroup done{"done"};
  done.Add(2);
  for (int i = 0; i < 2; i++) {
    go([&] {
      jobs.Consume();
      done.Done();
    }, "consumer");
  }
  sleep(100us);  // both consumers wait
  jobs.mu.Lock();
  jobs.queue.push_back(1);
  jobs.ready.Broadcast();  // "the queue changed"
  jobs.mu.Unlock();
  done.Wait();
}

}  // namespace

extern const Scenario kCondWaitWithoutLoop{
    "cond/wait-without-loop",
    "Wait in an `if` instead of a loop: a woken consumer finds the condition false again",
    "Both consumers take a ticket and sleep (cond.wait.park). Broadcast wakes both "
    "(cond.broadcast, woken=2), but Wait must lock mu again before it returns, so "
    "they return one after the other: the first takes the job and unlocks; the "
    "second returns to an empty queue. A Cond says only that something changed, "
    "never that the condition still holds when Wait returns: another goroutine can "
    "get the lock first (with Signal too: one that did not wait can barge in). Wait "
    "in a loop that re-checks the condition, as cond/queue does. The check fails.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
