// mutex/token-recursive: the course's TokenRecursiveMutex, whose owner is a
// token the caller passes, not a goroutine.
//
// Go hides goroutine ids, so the course's second reentrant lock asks the
// caller for a token. Here each request carries its id as the token through
// Handle, Audit and Log, which all lock the same mutex: the inner calls
// reenter. Requests with different tokens exclude each other. The token is
// only as good as its uniqueness: two requests that share one would both
// "reenter" at once, and token 0 means "free" (never pass it).
#include <cstdint>

#include "synclab/recursive_mutex.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

struct Ledger {
  TokenRecursiveMutex mu{"mu"};
  int entries = 0;  // guarded by mu
  int audits = 0;   // guarded by mu

  void Log(std::int64_t token) {
    mu.Lock(token);
    entries++;
    mu.Unlock(token);
  }
  void Audit(std::int64_t token) {
    mu.Lock(token);
    audits++;
    Log(token);
    mu.Unlock(token);
  }
  void Handle(std::int64_t token) {
    mu.Lock(token);
    const int before = entries;
    work(5us);
    Audit(token);
    check(entries == before + 1, "another request got in while this one held the ledger");
    mu.Unlock(token);
  }
};

void Main(const Config&) {
  Ledger l;
  WaitGroup wg{"wg"};
  wg.Add(3);
  for (std::int64_t request = 1; request <= 3; request++) {
    go([&, request] {
      l.Handle(request);  // the request id is the token
      wg.Done();
    }, "request");
  }
  wg.Wait();
  check(l.entries == 3 && l.audits == 3, "lost an update");
}

}  // namespace

extern const Scenario kMutexTokenRecursive{
    "mutex/token-recursive",
    "A TokenRecursiveMutex reentered through nested calls that pass the caller's token",
    "Each request's Handle takes the inner Mutex with its token (tmutex.lock.acquire, "
    "token=the request id). Audit and Log pass the same token and only go deeper "
    "(tmutex.lock.reenter, recursion 2 and 3), then come back up (tmutex.unlock.partial) "
    "until Handle's Unlock releases it (tmutex.unlock.release, token 0). Requests with "
    "another token queue on mu.mu (mutex.lock.slow.park) until then. The mutex trusts the "
    "token alone: it cannot tell two goroutines that pass the same one.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
