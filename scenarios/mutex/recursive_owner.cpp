// mutex/recursive-owner: a RecursiveMutex belongs to the goroutine that
// locked it; another goroutine's Unlock is a fatal error.
//
// With sync.Mutex, locking in one goroutine and unlocking in another is
// allowed (a locked Mutex is not associated with a goroutine), and this
// program would be fine. Here the job locks the course's RecursiveMutex and
// leaves the Unlock to the goroutine that finishes the job. That goroutine
// is not the owner: the course's Unlock refuses ("wrong the owner"), and
// synclab makes it fatal, as Go makes an unlock of an unlocked Mutex.
// The fixed twin, mutex/recursive-reentry, unlocks where it locked.
#include <chrono>

#include "synclab/recursive_mutex.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  RecursiveMutex mu{"mu"};
  WaitGroup wg{"wg"};
  mu.Lock();
  wg.Add(1);
  go([&] {
    work(std::chrono::microseconds(10));  // finish the job...
    mu.Unlock();  // ...and release the lock, as a sync.Mutex would allow:  // fatal error: wrong the owner(1): 2! ...
    wg.Done();
  }, "finisher");
  wg.Wait();
}

}  // namespace

extern const Scenario kMutexRecursiveOwner{
    "mutex/recursive-owner",
    "Unlocking a RecursiveMutex from a goroutine that does not own it is a fatal error",
    "main's Lock takes the inner Mutex (mutex.lock.fast on mu.mu) and records itself as "
    "the owner (rmutex.lock.acquire, owner=G1, recursion=1). The finisher's Unlock "
    "compares the owner with its own goroutine id and they differ "
    "(rmutex.unlock.not_owner, caller=G2): the run stops with the course's \"wrong the "
    "owner\" message. The inner Mutex stays locked; a reentrant lock needs an owner, so "
    "it cannot be handed over as a plain Mutex can.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
