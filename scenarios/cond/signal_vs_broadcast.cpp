// cond/signal-vs-broadcast: Signal wakes one waiter, the oldest; Broadcast
// wakes them all.
//
// Three runners wait for the start. The starter sets `started` and calls
// Signal: one runner (the one that waited first) goes; the other two stay
// asleep although the condition they wait for is true. Broadcast then wakes
// the rest.
#include <chrono>
#include <string>

#include "synclab/cond.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  Mutex mu{"mu"};
  Cond start{mu, "start"};
  bool started = false;  // guarded by mu
  int running = 0;       // guarded by mu
  const int runners = 3;
  WaitGroup ready{"ready"}, done{"done"};
  ready.Add(runners);
  done.Add(runners);
  for (int i = 0; i < runners; i++) {
    go([&] {
      mu.Lock();
      ready.Done();
      while (!started) start.Wait();
      running++;
      mu.Unlock();
      done.Done();
    }, "runner");
  }
  ready.Wait();
  mu.Lock();  // the last runner held mu until it was inside Wait
  started = true;
  start.Signal();  // wakes one runner: the oldest ticket
  mu.Unlock();
  sleep(100us);
  mu.Lock();
  const int after_signal = running;
  start.Broadcast();  // wakes every runner still waiting
  mu.Unlock();
  done.Wait();
  check(after_signal == 1 && running == runners,
        "after Signal " + std::to_string(after_signal) + " running, after Broadcast " + std::to_string(running));
}

}  // namespace

extern const Scenario kCondSignalVsBroadcast{
    "cond/signal-vs-broadcast",
    "Signal wakes the one waiter that waited longest; Broadcast wakes every waiter",
    "Each Wait takes a ticket from the notify list while it still holds mu "
    "(cond.wait.ticket, tickets 0, 1, 2) and sleeps (cond.wait.park). Signal "
    "notifies the oldest outstanding ticket, 0, and wakes only its runner "
    "(cond.signal.wake): the other two sleep on although started is true. "
    "Broadcast sets notify to wait (every ticket notified) and wakes the rest "
    "together (cond.broadcast, woken=2). A woken runner still has to lock mu again "
    "before Wait returns, so they leave one at a time.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
