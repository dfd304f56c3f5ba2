// semaphore/cancel-wakes-next: a waiter at the front of the queue gives up
// (its context's deadline passes), and the smaller waiter behind it, which
// the free token already fitted, is let through at once.
//
// A Weighted of 3; a long job holds 2. "big" asks for 2 with a 2 ms
// timeout: only 1 is free, so it queues. "small" asks for 1: that fits, but
// big is ahead of it, so it queues too. At 2 ms big's context is done: it
// leaves the queue, and because it was the head and tokens are free it
// runs notifyWaiters itself. Without that, small would wait until the long
// job's Release at 10 ms for a token that was free all along.
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
  WaitGroup wg{"wg"};
  (void)sem.Acquire(ctx::background(), 2);  // Background is never done: it cannot fail
  wg.Add(3);
  go([&] {
    sleep(10ms);  // the long job, holding 2 (waiting on the network: it leaves the CPU to others)
    sem.Release(2);
    wg.Done();
  }, "long job");
  go([&] {
    auto [c, cancel] = ctx::with_timeout(ctx::background(), 2ms, "big.ctx");
    const error err = sem.Acquire(c, 2);
    check(err == ctx::DeadlineExceeded, "big: " + err.Error());
    cancel();
    wg.Done();
  }, "big");
  go([&] {
    sleep(100us);  // big is queued first
    const auto asked = now();
    (void)sem.Acquire(ctx::background(), 1);
    const auto waited = now() - asked;
    check(waited < 5ms, "small waited " + std::to_string(waited.count() / 1000) +
                            " us for a token that was free");
    sem.Release(1);
    wg.Done();
  }, "small");
  wg.Wait();
}

}  // namespace

extern const Scenario kSemaphoreCancelWakesNext{
    "semaphore/cancel-wakes-next",
    "The head of the queue times out, and the waiter behind it gets the free token at once",
    "The long job holds 2 of 3 tokens. big's Acquire(2) queues (wsem.acquire.enqueue, "
    "queue \"2\"), then small's Acquire(1) queues behind it (queue \"2 1\") although 1 "
    "token is free: FIFO. At 2 ms big's timer fires and cancels big.ctx (ctx.cancel): "
    "big's select wakes on Done, it locks mu and leaves the queue (wsem.acquire.cancel "
    "front=true notify=true). It was the head and size > cur, so it runs notifyWaiters: "
    "small's 1 fits and is granted (wsem.notify.grant, ready channel closed). big "
    "returns \"context deadline exceeded\"; small runs at 2 ms, not at 10 ms when the "
    "long job releases.",
    std::source_location::current().file_name(),
    4,
    &Main,
};

}  // namespace synclab::scenarios
