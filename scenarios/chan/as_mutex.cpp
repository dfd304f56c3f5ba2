// chan/as-mutex: a channel of capacity 1 used as a lock.
//
//   sem := make(chan struct{}, 1)
//   sem <- struct{}{}   // lock: take the only slot
//   counter++
//   <-sem               // unlock: free it
#include <string>

#include "synclab/chan.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  auto sem = make_chan<Unit>(1, "sem");
  Var<int> counter{0, "counter"};
  WaitGroup wg{"wg"};
  for (int g = 0; g < 3; g++) {
    wg.Add(1);
    go([&, sem] {
      for (int i = 0; i < 3; i++) {
        sem.Send(Unit{});  // lock
        counter.Store(counter.Load() + 1);
        sem.Recv();  // unlock
      }
      wg.Done();
    }, "adder");
  }
  wg.Wait();
  check(counter.Load() == 9, "counter = " + std::to_string(counter.Load()) + ", want 9");
}

}  // namespace

extern const Scenario kChanAsMutex{
    "chan/as-mutex",
    "A capacity-1 channel as a lock: send to lock, receive to unlock",
    "The one slot of the ring is the lock: a send that fills it (chan.send.buffer, "
    "qcount=1) is Lock, the receive that empties it is Unlock. A second adder's send "
    "finds the ring full and parks on sendq (chan.send.park); the holder's receive takes "
    "the slot's token and moves the waiter's token in at once (chan.recv.rotate), so the "
    "lock passes to the head of sendq in FIFO order, like a Mutex in starvation mode. Go's "
    "memory model makes it sound: the k-th receive happens before the (k+1)-th send "
    "completes on a capacity-1 channel. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
