// mutex/abba-deadlock: two goroutines take two mutexes in opposite orders.
//
// transfer-ab locks a then b; transfer-ba locks b then a. If each gets its
// first lock before the other's second, both wait forever.
#include <chrono>

#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  Mutex a{"a"}, b{"b"};
  WaitGroup wg{"wg"};
  wg.Add(2);
  go([&] {
    a.Lock();
    work(5us);  // some work while holding a
    b.Lock();
    b.Unlock();
    a.Unlock();
    wg.Done();
  }, "transfer-ab");
  go([&] {
    b.Lock();
    work(5us);  // some work while holding b
    a.Lock();
    a.Unlock();
    b.Unlock();
    wg.Done();
  }, "transfer-ba");
  wg.Wait();
}

}  // namespace

extern const Scenario kMutexAbbaDeadlock{
    "mutex/abba-deadlock",
    "Two goroutines lock two mutexes in opposite orders and deadlock",
    "Each goroutine holds one mutex and parks on the other's sema; main waits on "
    "the WaitGroup. The outcome lists who waits on what: a cycle a -> b -> a. The "
    "fix is one global lock order. Run it with --procs 1: the two goroutines no "
    "longer overlap and it finishes, yet the bug is still there.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
