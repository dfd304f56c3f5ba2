// mutex/not-reentrant: a Go Mutex is not reentrant; locking it again deadlocks.
//
// Transfer holds mu and calls Deposit, which locks mu again. The goroutine
// waits for itself, forever.
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Account {
  Mutex mu{"mu"};
  int balance = 100;  // guarded by mu

  void Deposit(int n) {
    mu.Lock();
    balance += n;
    mu.Unlock();
  }
  void Transfer(Account& to, int n) {
    mu.Lock();
    balance -= n;
    Deposit(0);  // "harmless" helper: locks mu again
    mu.Unlock();
    to.Deposit(n);
  }
};

void Main(const Config&) {
  Account a, b;
  a.Transfer(b, 10);  // fatal error: all goroutines are asleep - deadlock!
}

}  // namespace

extern const Scenario kMutexNotReentrant{
    "mutex/not-reentrant",
    "Locking a Mutex the goroutine already holds deadlocks (Go's Mutex is not reentrant)",
    "The second Lock sees the locked bit, registers as a waiter (waiters=1) and "
    "parks on the sema. Nothing will ever Unlock: main is the only goroutine, so "
    "the runtime reports that all goroutines are asleep.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
