// mutex/recursive-reentry: the fixed twin of mutex/recursive-owner. Each
// goroutine locks the course's RecursiveMutex, reenters it from a helper,
// and unlocks both where it locked.
//
// Deposit locks mu and is also called from Transfer, which holds mu
// already. With sync.Mutex this deadlocks (mutex/not-reentrant); the
// RecursiveMutex sees that the caller is its owner and only counts one
// level deeper. The inner Mutex is released by the owner's last Unlock.
#include "synclab/recursive_mutex.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Account {
  RecursiveMutex mu{"mu"};
  int balance = 100;  // guarded by mu

  void Deposit(int n) {
    mu.Lock();  // reenters when called from Transfer
    balance += n;
    mu.Unlock();
  }
  void Transfer(int n) {
    mu.Lock();
    balance -= n;
    Deposit(n / 2);  // half comes back as a fee refund: a nested Lock
    mu.Unlock();
  }
};

void Main(const Config&) {
  Account a;
  WaitGroup wg{"wg"};
  wg.Add(2);
  for (int i = 0; i < 2; i++) {
    go([&] {
      for (int k = 0; k < 3; k++) a.Transfer(10);
      wg.Done();
    }, "transfer");
  }
  wg.Wait();
  check(a.balance == 100 - 2 * 3 * 5, "lost an update");
}

}  // namespace

extern const Scenario kMutexRecursiveReentry{
    "mutex/recursive-reentry",
    "A RecursiveMutex lets its owner lock it again from a helper, and only the owner unlocks",
    "Each Transfer takes the inner Mutex (rmutex.lock.acquire: owner=the transfer "
    "goroutine, recursion=1). Its Deposit finds itself the owner and only counts "
    "(rmutex.lock.reenter, recursion=2); Deposit's Unlock goes back to 1 "
    "(rmutex.unlock.partial) and Transfer's releases it (rmutex.unlock.release, owner "
    "cleared, then mutex.unlock on mu.mu). The other transfer goroutine waits on mu.mu "
    "meanwhile, never on the owner check: a non-owner always queues on the inner Mutex.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
