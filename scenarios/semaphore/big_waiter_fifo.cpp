// semaphore/big-waiter-fifo: a writer asking for every token is served in
// its turn, although readers keep asking for one token each.
//
// A Weighted of 3 used as a read-write lock: readers take 1, the writer
// takes 3. Three readers loop; there is always a token coming free that a
// reader could use. If notifyWaiters skipped a head that does not fit to
// serve smaller requests behind it, the writer would wait for as long as
// the readers keep reading. x/sync's does not: a head that does not fit
// holds back everyone behind it, so the writer waits only for the readers
// that already hold tokens.
#include <chrono>
#include <string>

#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/semaphore.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

void Main(const Config&) {
  semaphore::Weighted sem(3, "sem");
  ctx::Context c = ctx::background();
  WaitGroup wg{"wg"};
  for (int r = 0; r < 3; r++) {
    wg.Add(1);
    go([&, r] {
      sleep(std::chrono::microseconds(300 * r));  // staggered: a token frees every 300 us
      for (int k = 0; k < 6; k++) {
        (void)sem.Acquire(c, 1);  // Background is never done: it cannot fail
        work(1ms);  // read
        sem.Release(1);
      }
      wg.Done();
    }, "reader");
  }
  wg.Add(1);
  go([&] {
    sleep(1500us);  // the readers are well under way
    const auto asked = now();
    (void)sem.Acquire(c, 3);
    const auto waited = now() - asked;
    work(500us);  // write
    sem.Release(3);
    // It waits for the readers holding tokens when it asked (up to 1 ms
    // each, overlapping), never for readers that asked after it.
    check(waited < 1500us, "the writer waited " + std::to_string(waited.count() / 1000) +
                               " us: readers overtook it");
    wg.Done();
  }, "writer");
  wg.Wait();
}

}  // namespace

extern const Scenario kSemaphoreBigWaiterFifo{
    "semaphore/big-waiter-fifo",
    "A writer asking for all 3 tokens is not starved by readers asking for 1",
    "Three readers loop on Acquire(1) / Release(1). The writer's Acquire(3) finds tokens "
    "held and queues (wsem.acquire.enqueue, queue \"3\"). From then on every reader that "
    "comes back for a token queues behind it (queue \"3 1\", \"3 1 1\"), even though a "
    "token is free: the fast path needs an empty queue. Each Release runs notifyWaiters, "
    "which looks only at the head: 3 does not fit, so it stops "
    "(wsem.notify.blocked) without looking at the readers behind. When the last reader "
    "holding a token releases it, cur is 0 and the writer is granted "
    "(wsem.notify.grant n 3, cur 3); its Release(3) then grants the readers that queued "
    "behind it, one after another in the same notifyWaiters.",
    std::source_location::current().file_name(),
    4,
    &Main,
};

}  // namespace synclab::scenarios
