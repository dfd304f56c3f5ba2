// queue/mutex-slice: the course's thread-safe queue, a slice behind a Mutex.
//
// SliceQueue keeps its items in a std::vector (Go: a slice) and takes its
// Mutex around every Enqueue and Dequeue, so producers and consumers never
// see the vector half-changed. Dequeue on an empty queue returns nothing at
// once (Go: nil); the consumers try again later. The Mutex makes the queue
// correct, not fast: every operation, however short, queues on one lock.
#include <atomic>
#include <optional>
#include <vector>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

template <typename T>
class SliceQueue {
 public:
  explicit SliceQueue(std::size_t n) { data_.reserve(n); }  // Go: make([]T, 0, n)

  // Appends v at the tail.
  void Enqueue(T v) {
    mu_.Lock();
    data_.push_back(std::move(v));
    mu_.Unlock();
  }
  // Removes and returns the head; nothing if the queue is empty.
  std::optional<T> Dequeue() {
    mu_.Lock();
    if (data_.empty()) {
      mu_.Unlock();
      return std::nullopt;
    }
    T v = std::move(data_.front());
    data_.erase(data_.begin());  // Go: q.data = q.data[1:]
    mu_.Unlock();
    return v;
  }

 private:
  Mutex mu_{"queue.mu"};
  std::vector<T> data_;  // guarded by mu_
};

constexpr int kPerProducer = 6;

void Main(const Config&) {
  SliceQueue<int> q(4);
  std::vector<int> got[2];  // per consumer, in the order it dequeued
  WaitGroup producers{"producers"}, consumers{"consumers"};
  producers.Add(2);
  for (int p = 0; p < 2; p++) {
    go([&, p] {
      for (int i = 0; i < kPerProducer; i++) {
        q.Enqueue(p * 100 + i);
        work(std::chrono::microseconds(5));
      }
      producers.Done();
    }, "producer");
  }
  std::atomic<int> taken{0};  // items dequeued so far, by either consumer
  consumers.Add(2);
  for (int c = 0; c < 2; c++) {
    go([&, c] {
      while (taken < 2 * kPerProducer) {
        if (std::optional<int> v = q.Dequeue()) {
          got[c].push_back(*v);
          taken++;
        } else {
          gosched();  // empty: try again later
        }
      }
      consumers.Done();
    }, "consumer");
  }
  producers.Wait();
  consumers.Wait();
  // Every item once, and each producer's items in the order it enqueued them.
  std::size_t n = 0;
  for (auto& list : got) n += list.size();
  check(n == std::size_t(2 * kPerProducer), "an item was lost or taken twice");
  for (auto& list : got) {
    std::vector<int> seen(2, -1);
    for (int v : list) {
      check(v % 100 > seen[std::size_t(v / 100)], "a consumer saw a producer's items out of order");
      seen[std::size_t(v / 100)] = v % 100;
    }
  }
}

}  // namespace

extern const Scenario kQueueMutexSlice{
    "queue/mutex-slice",
    "A thread-safe FIFO queue: a slice (std::vector) guarded by one Mutex",
    "Every Enqueue and Dequeue is one critical section on queue.mu: mutex.lock.fast when "
    "nobody holds it, mutex.lock.slow and mutex.lock.slow.park when a producer and a "
    "consumer collide. A consumer that finds the slice empty unlocks and yields "
    "(go.yield) instead of waiting for an item: a Mutex alone cannot wait for a "
    "condition (see cond/queue for that). Each item leaves the queue once, in the "
    "order it came.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
