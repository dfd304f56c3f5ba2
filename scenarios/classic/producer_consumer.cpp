// classic/producer-consumer and classic/producer-consumer-lock-first: the
// bounded buffer of the textbooks, on two counting semaphores and a mutex.
//
// `slots` counts the free places of the ring and `items` the filled ones: a
// producer takes a slot before it puts and gives an item after; a consumer
// takes an item before it gets and gives a slot after. The mutex guards only
// the ring's indices, and is taken after the semaphore, never before: a
// goroutine that waits on a semaphore while holding the mutex keeps out the
// very goroutine that would end its wait. The -lock-first twin does exactly
// that, and deadlocks.
//
// A Weighted starts with all its tokens free, so `items` is made with all of
// them taken: the buffer starts empty. Main checks that every item was
// consumed once.
#include <array>
#include <string>
#include <vector>

#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/semaphore.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

constexpr int kCapacity = 3;
constexpr int kProducers = 2;
constexpr int kConsumers = 2;
constexpr int kItemsEach = 4;  // per producer; consumers share the total evenly

class BoundedBuffer {
 public:
  explicit BoundedBuffer(bool lock_first) : lock_first_(lock_first) {
    (void)items_.Acquire(ctx_, kCapacity);  // empty: no item to take yet
  }

  void Put(int v) {
    Enter(slots_);
    ring_[std::size_t(tail_)] = v;
    tail_ = (tail_ + 1) % kCapacity;
    mu_.Unlock();
    items_.Release(1);
  }

  int Get() {
    Enter(items_);
    const int v = ring_[std::size_t(head_)];
    head_ = (head_ + 1) % kCapacity;
    mu_.Unlock();
    slots_.Release(1);
    return v;
  }

 private:
  // Takes one token of `sema` and the mutex, in the right order or not.
  void Enter(semaphore::Weighted& sema) {
    if (lock_first_) mu_.Lock();  // the mistake: hold the mutex while waiting
    (void)sema.Acquire(ctx_, 1);
    if (!lock_first_) mu_.Lock();
  }

  const bool lock_first_;
  const context::Context ctx_ = context::background();
  semaphore::Weighted slots_{kCapacity, "slots"};
  semaphore::Weighted items_{kCapacity, "items"};
  Mutex mu_{"ring"};
  std::array<int, kCapacity> ring_{};
  int head_ = 0, tail_ = 0;  // guarded by mu_
};

void Run(bool lock_first) {
  BoundedBuffer buffer(lock_first);
  WaitGroup wg{"workers"};
  std::vector<int> seen(kProducers * kItemsEach, 0);  // seen[v]: how often v was consumed
  Mutex seen_mu{"seen"};
  wg.Add(kProducers + kConsumers);
  for (int p = 0; p < kProducers; p++) {
    go([&, p] {
      for (int i = 0; i < kItemsEach; i++) {
        work(20us);  // make an item
        buffer.Put(p * kItemsEach + i);
      }
      wg.Done();
    }, "producer");
  }
  for (int c = 0; c < kConsumers; c++) {
    go([&] {
      for (int i = 0; i < kProducers * kItemsEach / kConsumers; i++) {
        const int v = buffer.Get();
        work(30us);  // use it
        seen_mu.Lock();
        seen[std::size_t(v)]++;
        seen_mu.Unlock();
      }
      wg.Done();
    }, "consumer");
  }
  wg.Wait();
  for (std::size_t v = 0; v < seen.size(); v++) {
    check(seen[v] == 1, "item " + std::to_string(v) + " was consumed " + std::to_string(seen[v]) + " times");
  }
}

void SemaphoreFirst(const Config&) { Run(false); }
void LockFirst(const Config&) { Run(true); }

}  // namespace

extern const Scenario kClassicProducerConsumer{
    "classic/producer-consumer",
    "A bounded buffer on two counting semaphores (free slots, filled items) and a mutex taken after them",
    "Main takes all of items' tokens first (wsem.acquire.fast, n 3): the buffer starts "
    "empty. A consumer's items.Acquire queues (wsem.acquire.enqueue) until a producer, "
    "having taken a slot and put its item under the ring mutex, releases one item "
    "(wsem.release, wsem.notify.grant). When the producers run ahead, slots runs out "
    "(cur = size) and they queue on it until a consumer gives a slot back. Each waits "
    "on a semaphore holding nothing else, so someone can always end its wait. "
    "Compare classic/producer-consumer-lock-first. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &SemaphoreFirst,
};

extern const Scenario kClassicProducerConsumerLockFirst{
    "classic/producer-consumer-lock-first",
    "The bounded buffer with the mutex taken before the semaphore: a waiter holds the lock its waker needs",
    "A consumer locks the ring mutex and then waits on items (wsem.acquire.enqueue) "
    "while it holds the mutex. The producer that would give it an item parks on that "
    "mutex (mutex.lock.slow.park) before it can put one, and everyone else queues "
    "behind them: a cycle of two waits, and with main in wg.Wait() the run ends in "
    "\"all goroutines are asleep - deadlock!\". Fixed by taking the semaphore first "
    "(classic/producer-consumer). Ends in deadlock for the default seed.",
    std::source_location::current().file_name(),
    2,
    &LockFirst,
};

}  // namespace synclab::scenarios
