// semaphore/channel-vs-weighted: the same limit of 2 tokens, made once of a
// buffered channel and once of a Weighted, and where the channel falls short.
//
// A buffered channel of capacity 2 is a semaphore of 2: a send takes a
// token (it blocks while the buffer is full), a receive gives one back (and
// lets a blocked sender in, first come first served). For jobs that each
// need one token it does exactly what Weighted does. A job that needs two
// tokens would have to send twice, and two such jobs can each get one and
// wait forever for the other's (semaphore/channel-hold-and-wait). Weighted
// takes both in one Acquire(ctx, 2), or none: the fix.
#include <atomic>
#include <chrono>
#include <string>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/semaphore.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;
namespace ctx = synclab::context;

// A semaphore of n tokens made of a buffered channel.
class ChanSemaphore {
 public:
  explicit ChanSemaphore(std::int64_t n) : tokens_(make_chan<Unit>(n, "tokens")) {}
  void Acquire() { tokens_.Send({}); }  // blocks while all n are taken
  void Release() { tokens_.Recv(); }

 private:
  Chan<Unit> tokens_;
};

// Counts the jobs inside at once and remembers the most.
struct Inside {
  std::atomic<std::int64_t> now{0}, most{0};
  void Enter(std::int64_t n) {
    const std::int64_t v = now.fetch_add(n) + n;
    for (std::int64_t m = most.load(); v > m && !most.compare_exchange_weak(m, v);) {
    }
  }
  void Leave(std::int64_t n) { now.fetch_sub(n); }
};

void Main(const Config&) {
  {
    // One token per job: the channel is a semaphore of 2.
    ChanSemaphore sem(2);
    Inside inside;
    WaitGroup wg{"chan jobs"};
    for (int i = 0; i < 4; i++) {
      wg.Add(1);
      go([&] {
        sem.Acquire();
        inside.Enter(1);
        sleep(1ms);  // the job waits on I/O, so every job gets to ask for its token
        inside.Leave(1);
        sem.Release();
        wg.Done();
      }, "chan job");
    }
    wg.Wait();
    check(inside.most.load() <= 2, "the channel let " + std::to_string(inside.most.load()) + " jobs in");
  }
  {
    // Jobs of weight 1 and 2 against one Weighted of 2: a big job takes
    // both tokens at once or waits, holding none.
    semaphore::Weighted sem(2, "sem");
    ctx::Context c = ctx::background();
    Inside inside;
    WaitGroup wg{"weighted jobs"};
    for (std::int64_t n : {2, 1, 2, 1}) {
      wg.Add(1);
      go([&, n] {
        (void)sem.Acquire(c, n);  // Background is never done: it cannot fail
        inside.Enter(n);
        sleep(1ms);
        inside.Leave(n);
        sem.Release(n);
        wg.Done();
      }, n == 2 ? "big job" : "small job");
    }
    wg.Wait();
    check(inside.most.load() <= 2, "Weighted let " + std::to_string(inside.most.load()) + " tokens out");
  }
}

}  // namespace

extern const Scenario kSemaphoreChannelVsWeighted{
    "semaphore/channel-vs-weighted",
    "A buffered channel as a semaphore of 2, then a Weighted of 2 with jobs of weight 2",
    "First a channel of capacity 2 (\"tokens\"): each job's Acquire is a send. The first "
    "two fill the buffer (chan.send.buffer, qcount 1, 2); the next two find it full and "
    "park (chan.send.park, sendq 1, 2): the sendq is the semaphore's FIFO of waiters. "
    "A Release is a receive: it takes a token and moves the first parked sender's into "
    "the buffer in the same step (chan.recv.rotate), so the token goes to the waiter, "
    "as wsem.notify.grant does. Then the Weighted: a big job's Acquire(2) takes both "
    "tokens at once (wsem.acquire.fast n 2) or queues holding none "
    "(wsem.acquire.enqueue, queue \"2 1\"). A channel has no weight: a job needing two "
    "tokens would send twice, and two of them can deadlock "
    "(semaphore/channel-hold-and-wait, this scenario's broken twin).",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
