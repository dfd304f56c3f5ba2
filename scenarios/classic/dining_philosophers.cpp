// classic/dining-philosophers and its three fixes.
//
// Five philosophers sit around a table with one fork between each pair of
// neighbours, and a philosopher eats only with both forks beside him. Taken
// naively (left fork, then right), the forks deadlock the table: every
// philosopher holds his left fork and waits for his right one, which his
// neighbour holds: a cycle of five waits. A deadlock needs four conditions at
// once (mutual exclusion, hold and wait, no preemption, a cycle of waits); each
// fix removes one of the last three:
//
//   -ordered  no cycle: forks are taken lowest number first, so philosopher 4
//             reaches for fork 0 before fork 4 and the circle is broken;
//   -waiter   fewer diners than forks: a Weighted(4) semaphore seats at most
//             four philosophers at once, so one of them always finds both of
//             his forks free;
//   -trylock  no hold and wait: take the left fork, TryLock the right one, and
//             when it is taken put the left fork back and wait a while (each
//             philosopher his own while, so that they do not retry in step).
//
// Every philosopher checks, as he starts to eat, that neither neighbour eats.
#include <chrono>
#include <deque>
#include <functional>
#include <string>

#include "synclab/context.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/semaphore.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

constexpr int kPhilosophers = 5;
constexpr int kMeals = 2;

int LeftFork(int p) { return p; }
int RightFork(int p) { return (p + 1) % kPhilosophers; }

struct Table {
  std::deque<Mutex> forks;  // fork i lies between philosophers i-1 and i
  // eating[p] is written by p while he holds forks p and p+1 and read by his
  // neighbours while each holds one of them: the forks order every access.
  bool eating[kPhilosophers] = {};

  Table() {
    for (int i = 0; i < kPhilosophers; i++) forks.emplace_back("fork " + std::to_string(i));
  }

  // p eats; he holds both of his forks.
  void Eat(int p) {
    const int left = (p + kPhilosophers - 1) % kPhilosophers;
    const int right = (p + 1) % kPhilosophers;
    check(!eating[left] && !eating[right],
          "philosopher " + std::to_string(p) + " eats while a neighbour eats");
    eating[p] = true;
    work(200us);
    eating[p] = false;
  }
};

// Every philosopher thinks for as long as the others, so they all get hungry
// at the same moment, and then dines as `dine` says, kMeals times.
void Dinner(const std::function<void(Table&, int)>& dine) {
  Table table;
  WaitGroup wg{"dinner"};
  wg.Add(kPhilosophers);
  for (int p = 0; p < kPhilosophers; p++) {
    go([&, p] {
      for (int meal = 0; meal < kMeals; meal++) {
        sleep(1ms);  // think
        dine(table, p);
      }
      wg.Done();
    }, "philosopher " + std::to_string(p));
  }
  wg.Wait();
}

// Left, then right: the pause between the two forks lets every neighbour
// take his left fork too.
void LeftThenRight(Table& t, int p) {
  t.forks[LeftFork(p)].Lock();
  sleep(100us);  // reach for the other fork
  t.forks[RightFork(p)].Lock();
  t.Eat(p);
  t.forks[RightFork(p)].Unlock();
  t.forks[LeftFork(p)].Unlock();
}

void Naive(const Config&) { Dinner(LeftThenRight); }

void Ordered(const Config&) {
  Dinner([](Table& t, int p) {
    const int first = std::min(LeftFork(p), RightFork(p));
    const int second = std::max(LeftFork(p), RightFork(p));
    t.forks[first].Lock();
    sleep(100us);
    t.forks[second].Lock();
    t.Eat(p);
    t.forks[second].Unlock();
    t.forks[first].Unlock();
  });
}

void Waiter(const Config&) {
  semaphore::Weighted seats(kPhilosophers - 1, "waiter");
  Dinner([&](Table& t, int p) {
    if (error err = seats.Acquire(context::background(), 1)) {
      check(false, "the waiter refused a seat: " + err.Error());
      return;
    }
    LeftThenRight(t, p);
    seats.Release(1);
  });
}

void TryLock(const Config&) {
  Dinner([](Table& t, int p) {
    Mutex& left = t.forks[LeftFork(p)];
    Mutex& right = t.forks[RightFork(p)];
    for (;;) {
      left.Lock();
      sleep(100us);
      if (right.TryLock()) break;
      left.Unlock();       // put it back rather than wait holding it
      sleep(50us * (p + 1));  // and back off
    }
    t.Eat(p);
    right.Unlock();
    left.Unlock();
  });
}

}  // namespace

extern const Scenario kClassicDiningPhilosophers{
    "classic/dining-philosophers",
    "Five philosophers take the left fork, then the right: every one holds one fork and the table deadlocks",
    "All five get hungry at once and lock their left fork (mutex.lock.fast on fork 0 to "
    "fork 4). Each then reaches for his right fork, which his neighbour holds, and parks "
    "on it (mutex.lock.slow.park): philosopher 0 waits for fork 1, held by philosopher 1, "
    "who waits for fork 2, ... and philosopher 4 waits for fork 0, held by philosopher 0. "
    "The waits form a cycle, no one can go on, and with main parked in wg.Wait() the "
    "runtime reports Go's \"all goroutines are asleep - deadlock!\". Compare the three "
    "fixes: -ordered, -waiter and -trylock. Ends in deadlock for every seed.",
    std::source_location::current().file_name(),
    2,
    &Naive,
};

extern const Scenario kClassicDiningPhilosophersOrdered{
    "classic/dining-philosophers-ordered",
    "The fix by order: each philosopher takes his lower-numbered fork first, so the waits cannot close a cycle",
    "Philosophers 0 to 3 take their left fork first, as before, but philosopher 4 takes "
    "fork 0 before fork 4. He and philosopher 0 now race for fork 0, and whoever loses "
    "parks holding nothing, so fork 4 stays free for philosopher 3, who eats, and the "
    "forks pass around the table. A total order on locks, all taken in that order, "
    "makes a cycle of waits impossible: the rule that also fixes mutex/abba-deadlock. "
    "Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Ordered,
};

extern const Scenario kClassicDiningPhilosophersWaiter{
    "classic/dining-philosophers-waiter",
    "The fix by a waiter: a Weighted(4) seats at most four of the five, so one always has both forks",
    "Each philosopher asks the waiter (a semaphore.Weighted of size 4) for a seat before "
    "he reaches for a fork. Four get one (wsem.acquire.fast, cur 1 to 4); the fifth "
    "queues (wsem.acquire.enqueue) and holds no fork. With four at a table of five "
    "forks, one of them finds both his forks free and eats; when he gives his seat back "
    "(wsem.release) the waiter seats the fifth (wsem.notify.grant). Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &Waiter,
};

extern const Scenario kClassicDiningPhilosophersTrylock{
    "classic/dining-philosophers-trylock",
    "The fix by backing off: TryLock the right fork and put the left one back when it is taken",
    "All five take their left fork, then TryLock the right one (mutex.trylock), which "
    "fails: each puts his left fork back (mutex.unlock.fast) instead of waiting while he "
    "holds it, and sleeps for a time of his own before he tries again. Philosopher 0 "
    "backs off least and is the first to find both forks free. Backing off in step "
    "would repeat the same failure for ever (a livelock): the different waits are what "
    "ends it. Ends ok for every seed.",
    std::source_location::current().file_name(),
    2,
    &TryLock,
};

}  // namespace synclab::scenarios
