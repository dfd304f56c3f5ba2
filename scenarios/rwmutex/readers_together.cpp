// rwmutex/readers-together: readers hold an RWMutex at the same time; a
// writer waits until the last of them has left.
//
// Three readers take the read lock and, to prove they are all inside at
// once, wait for each other while holding it (with a Mutex this would
// deadlock). Then the writer arrives: Lock announces it by subtracting 2^30
// from readerCount, counts the three readers still inside into readerWait
// and sleeps. Each reader that leaves takes one off readerWait; the last one
// wakes the writer.
#include <chrono>

#include "synclab/rwmutex.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Prices {
  RWMutex mu{"mu"};
  int version = 1;  // guarded by mu
};

void Main(const Config&) {
  Prices prices;
  WaitGroup inside{"inside"}, done{"done"};
  const int readers = 3;
  inside.Add(readers);
  done.Add(readers + 1);
  for (int i = 0; i < readers; i++) {
    go([&, i] {
      prices.mu.RLock();
      inside.Done();
      inside.Wait();  // every reader holds the read lock now
      sleep(std::chrono::microseconds(200 + 100 * i));  // render a page from the prices
      prices.mu.RUnlock();
      done.Done();
    }, "reader");
  }
  inside.Wait();
  go([&] {
    prices.mu.Lock();  // waits for the three readers
    prices.version++;
    prices.mu.Unlock();
    done.Done();
  }, "writer");
  done.Wait();
  prices.mu.RLock();
  check(prices.version == 2, "the writer's update is lost");
  prices.mu.RUnlock();
}

}  // namespace

extern const Scenario kRWMutexReadersTogether{
    "rwmutex/readers-together",
    "Readers hold an RWMutex at once; a writer waits for readerWait to reach 0",
    "Each RLock adds one to readerCount (rw.rlock.fast): with no writer it stays "
    "positive and the three readers are inside together. The writer's Lock first "
    "takes w, then subtracts 2^30 from readerCount (rw.lock.announce, readers=3): "
    "the count turns negative, the mark of a pending writer. It adds the three to "
    "readerWait and sleeps on writerSem (rw.lock.wait_readers). Each reader leaving "
    "sees the negative count and takes one off readerWait (rw.runlock.slow); the "
    "last one (rw.runlock.last_departing, readerWait=0) wakes the writer.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
