// cond/queue: a bounded queue on a Mutex and two Conds.
//
// Put waits while the queue is full (notFull), Get while it is empty
// (notEmpty); each signals the other side after changing the queue. Both wait
// in a loop, so a goroutine that wakes to a condition false again (another
// got there first) simply waits again.
#include <algorithm>
#include <chrono>
#include <deque>
#include <string>

#include "synclab/cond.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

class Queue {
 public:
  void Put(int v) {
    mu_.Lock();
    while (items_.size() == kCapacity) not_full_.Wait();
    items_.push_back(v);
    most_ = std::max(most_, items_.size());
    not_empty_.Signal();
    mu_.Unlock();
  }
  int Get() {
    mu_.Lock();
    while (items_.empty()) not_empty_.Wait();
    int v = items_.front();
    items_.pop_front();
    not_full_.Signal();
    mu_.Unlock();
    return v;
  }
  std::size_t most() {
    mu_.Lock();
    std::size_t n = most_;
    mu_.Unlock();
    return n;
  }

  static constexpr std::size_t kCapacity = 2;

 private:
  Mutex mu_{"mu"};
  Cond not_empty_{mu_, "notEmpty"};
  Cond not_full_{mu_, "notFull"};
  std::deque<int> items_;  // guarded by mu_
  std::size_t most_ = 0;   // guarded by mu_
};

void Main(const Config&) {
  Queue q;
  WaitGroup wg{"wg"};
  const int per_producer = 4;
  long sum = 0;
  Mutex sum_mu{"sum_mu"};
  wg.Add(4);
  for (int p = 0; p < 2; p++) {
    go([&, p] {
      for (int i = 1; i <= per_producer; i++) q.Put(p * 100 + i);
      wg.Done();
    }, "producer");
  }
  for (int c = 0; c < 2; c++) {
    go([&] {
      for (int i = 0; i < per_producer; i++) {
        const int v = q.Get();
        work(20us);  // handle the item
        sum_mu.Lock();
        sum += v;
        sum_mu.Unlock();
      }
      wg.Done();
    }, "consumer");
  }
  wg.Wait();
  check(sum == 420 && q.most() <= Queue::kCapacity,
        "sum " + std::to_string(sum) + " (want 420), most queued " + std::to_string(q.most()));
}

}  // namespace

extern const Scenario kCondQueue{
    "cond/queue",
    "A bounded queue (capacity 2) on a Mutex and two Conds, notFull and notEmpty",
    "Producers outrun the consumers: the queue fills and a producer sleeps in "
    "notFull.Wait (cond.wait.park). Each Get signals notFull; its ticket is the "
    "oldest, so the producer that waited first goes on (cond.signal.wake). A Signal "
    "with nobody waiting costs one load (cond.signal.none). A woken goroutine can "
    "lose the race for mu (run with --seed 21 and follow G5): when it finally holds "
    "mu the queue is empty again, and its loop makes it wait again instead of "
    "taking an item that is not there: compare cond/wait-without-loop. Ends ok for "
    "every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
