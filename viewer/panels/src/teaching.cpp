// teaching.cpp: the explanations behind the tooltips.
#include "teaching.h"

#include <iterator>

namespace synclab::viewer {
namespace {

using trace::EventKind;
using trace::ObjectKind;

struct Explained {
  std::string_view name;
  const char* text;
};

// By wire name, so that the order of events.def does not matter; the
// static_assert below names a new event that is missing here.
constexpr Explained kEvents[] = {
    {"go.create", "go f(): a new goroutine is created. It is runnable, not yet running."},
    {"go.start", "The new goroutine gets a processor (a P) and starts running."},
    {"go.run", "A runnable goroutine gets a processor and runs again."},
    {"go.preempt", "The scheduler takes the processor away: the goroutine is runnable again."},
    {"go.yield", "runtime.Gosched(): the goroutine gives up its processor and stays runnable."},
    {"go.park", "The goroutine blocks (gopark): it will not run until another goroutine or a "
                "timer readies it."},
    {"go.ready", "goready: a blocked goroutine becomes runnable. It runs once it gets a processor."},
    {"go.sleep", "time.Sleep: the goroutine parks until a timer fires."},
    {"go.work", "The goroutine computes for a while without touching shared state."},
    {"go.end", "The goroutine's function returned."},
    {"sema.acquire.fast", "semacquire found the count above zero and took one without waiting."},
    {"sema.acquire.recheck", "semacquire counted itself as a waiter and checks the count once "
                             "more before sleeping."},
    {"sema.acquire.enqueue", "semacquire queues the goroutine on the semaphore: at the tail, or "
                             "at the head (lifo) if it has waited before."},
    {"sema.acquire.handoff", "The releaser handed its count straight to this waiter: it owns it "
                             "as soon as it runs."},
    {"sema.acquire.wake", "The waiter woke up and took the count."},
    {"sema.acquire.retry", "Woken, but the count was taken by someone else: it queues again."},
    {"sema.release", "semrelease adds one to the count."},
    {"sema.release.wake", "semrelease takes the head waiter off the queue and readies it."},
    {"sema.release.handoff", "semrelease hands the count directly to the head waiter, so no "
                             "newcomer can take it first."},
    {"sema.release.yield", "After a handoff the releaser yields its processor so that the "
                           "waiter runs at once."},
    {"mutex.lock.fast", "Lock's fast path: one CAS from 0 (unlocked, no waiters, no flags) to "
                        "locked."},
    {"mutex.lock.slow", "The fast path failed: lockSlow starts (spin a little, then queue)."},
    {"mutex.lock.slow.mark_woken", "A spinning goroutine sets the woken bit, so Unlock does not "
                                   "wake another waiter while it competes."},
    {"mutex.lock.slow.spin", "Active spinning: the lock is held, but its holder is running and "
                             "may release it soon. Go spins at most 4 rounds, only on a "
                             "multicore machine and never in starvation mode."},
    {"mutex.lock.slow.acquire", "lockSlow's CAS set the locked bit: this goroutine holds the "
                                "Mutex."},
    {"mutex.lock.slow.park", "The lock is not free: the goroutine counts itself as a waiter and "
                             "sleeps on the semaphore."},
    {"mutex.lock.slow.wake", "A waiter woke from the semaphore and measures how long it has "
                             "waited: over 1 ms, it wants starvation mode."},
    {"mutex.starving.enter", "A waiter that waited more than 1 ms sets the starving bit: from "
                             "now on Unlock hands the lock directly to the head waiter."},
    {"mutex.lock.handoff", "Starvation mode: the woken waiter owns the lock at once. It sets "
                           "locked and leaves the waiter count in one step."},
    {"mutex.starving.exit", "The waiter that got the lock waited under 1 ms, or was the last "
                            "one: back to normal mode."},
    {"mutex.trylock", "TryLock: one attempt that never waits; ok says whether it got the lock."},
    {"mutex.unlock.fast", "Unlock's fast path: the word drops to 0, nobody to wake."},
    {"mutex.unlock.slow", "Unlock cleared the locked bit, but there are waiters or flags: "
                          "unlockSlow decides whom to wake."},
    {"mutex.unlock.no_wake", "Nobody to wake: no waiters, or a goroutine is already awake, "
                             "holds the lock, or the Mutex is starving."},
    {"mutex.unlock.wake", "Normal mode: Unlock sets woken, takes one waiter off the count and "
                          "wakes the head. The woken waiter still has to compete for the lock."},
    {"mutex.unlock.handoff", "Starvation mode: Unlock hands the lock straight to the head "
                             "waiter through the semaphore."},
    {"wg.add", "Add(delta) changes the counter by delta (Done is Add(-1))."},
    {"wg.release_waiters", "The counter reached zero with waiters: the state is reset and every "
                           "waiter is released."},
    {"wg.wait.fast", "Wait with the counter at zero returns at once."},
    {"wg.wait.park", "Wait counts itself as a waiter and parks on the semaphore."},
    {"wg.wait.wake", "The waiter was released: the counter reached zero."},
    {"rw.rlock.fast", "RLock added one to readerCount and found it positive: no writer is "
                      "pending, the reader is in."},
    {"rw.rlock.slow", "RLock added one to readerCount and found it negative: a writer is pending "
                      "or holds the lock, so the reader waits on readerSem."},
    {"rw.rlock.wake", "The writer's Unlock released readerSem for this reader: it is in."},
    {"rw.tryrlock", "TryRLock: one attempt that fails if a writer is pending (readerCount < 0)."},
    {"rw.runlock.fast", "RUnlock took one off readerCount: no writer is waiting."},
    {"rw.runlock.slow", "RUnlock with a writer pending: the reader also takes one off readerWait."},
    {"rw.runlock.last_departing", "The last reader the pending writer waited for has left: "
                                  "readerWait is 0 and the writer is woken on writerSem."},
    {"rw.lock.announce", "The writer holds w and subtracts 2^30 from readerCount: new readers "
                         "now see a negative count and queue. readers: those still inside."},
    {"rw.lock.wait_readers", "The writer adds the readers still inside to readerWait and sleeps "
                             "on writerSem until the last of them leaves."},
    {"rw.lock.acquire", "The writer holds the RWMutex: no reader is inside."},
    {"rw.trylock", "TryLock: fails if another writer holds w or any reader is inside."},
    {"rw.unlock", "Unlock adds 2^30 back to readerCount; readers: those that queued meanwhile, "
                  "each released on readerSem. Then w is unlocked."},
    {"cond.wait.ticket", "Wait takes the next ticket from the notify list while it still holds "
                         "L: a Signal after its Unlock is meant for this ticket or an earlier one."},
    {"cond.wait.early", "The ticket was notified between Unlock and sleeping (a Signal ran "
                        "ahead): Wait does not sleep."},
    {"cond.wait.park", "Wait puts its ticket at the tail of the notify list and sleeps."},
    {"cond.wait.wake", "A Signal or Broadcast woke this waiter; it now locks L again."},
    {"cond.signal.none", "Every ticket handed out has been notified: nobody to wake."},
    {"cond.signal.wake", "Signal notifies the oldest outstanding ticket and wakes its waiter."},
    {"cond.signal.ahead", "Signal notified a ticket whose waiter has not gone to sleep yet: it "
                          "will see itself notified and not sleep."},
    {"cond.broadcast.none", "Every ticket handed out has been notified: nobody to wake."},
    {"cond.broadcast", "Broadcast notifies every ticket handed out so far and wakes every "
                       "sleeping waiter."},
    {"once.fast", "done is 1: f has run, Do returns at once without the lock."},
    {"once.slow", "done was 0: Do takes m and looks at done again (another goroutine may have "
                  "run f meanwhile)."},
    {"once.run.begin", "This goroutine runs f, holding m: every other Do waits on m."},
    {"once.run.end", "f returned: done is 1, m is unlocked and the waiting Do calls return."},
    {"once.run.panic", "f panicked: the Once still counts as done and the panic goes on to "
                       "Do's caller. f is never called again."},
    {"atomic.load", "An atomic read: it sees the last write, and nothing is torn."},
    {"atomic.store", "An atomic write. A Load then a Store is two steps: another goroutine can "
                     "act in between."},
    {"atomic.swap", "Stores a new value and returns the old one, in one step."},
    {"atomic.cas", "CompareAndSwap: stores desired only if the value is still expected; ok "
                   "says whether it did, in one step."},
    {"atomic.add", "Adds delta in one step: no update is lost."},
    {"atomic.and", "ANDs a mask in, in one step, returning the old value."},
    {"atomic.or", "ORs a mask in, in one step, returning the old value."},
    {"var.load", "A plain read of a shared variable: no synchronisation."},
    {"var.store", "A plain write of a shared variable: without a lock, concurrent "
                  "read-modify-writes lose updates."},
};

constexpr const char* Find(std::string_view name) {
  for (const Explained& e : kEvents)
    if (e.name == name) return e.text;
  return nullptr;
}

constexpr bool EveryEventExplained() {
  for (const trace::EventInfo& info : trace::kEventInfo)
    if (Find(info.name) == nullptr) return false;
  return std::size(kEvents) == std::size(trace::kEventInfo);
}
static_assert(EveryEventExplained(), "teaching.cpp: explain the new event in kEvents");

struct FieldExplained {
  ObjectKind kind;
  std::string_view field;
  const char* text;
};
constexpr FieldExplained kFields[] = {
    {ObjectKind::kMutex, "state", "The 32-bit state word: the locked, woken and starving bits "
                                  "and the waiter count."},
    {ObjectKind::kMutex, "sema", "The count of the Mutex's semaphore: wake-ups released and not "
                                 "yet taken."},
    {ObjectKind::kMutex, "iter", "Which spin round this is (Go spins at most 4)."},
    {ObjectKind::kMutex, "lifo", "Whether the waiter queues at the head: it has waited before."},
    {ObjectKind::kMutex, "waited", "How long the waiter has waited since it first parked."},
    {ObjectKind::kMutex, "starving", "Whether the waiter asks for starvation mode (waited over "
                                     "1 ms)."},
    {ObjectKind::kMutex, "ok", "Whether TryLock got the lock."},
    {ObjectKind::kSema, "value", "The semaphore's count: how many semacquires can return "
                                 "without sleeping."},
    {ObjectKind::kSema, "waiters", "Goroutines queued on this semaphore, or about to queue."},
    {ObjectKind::kSema, "lifo", "Queued at the head because it had waited before (else at the "
                                "tail)."},
    {ObjectKind::kSema, "waiter", "The goroutine woken or handed the count."},
    {ObjectKind::kWaitGroup, "counter", "Tasks added and not yet Done. Wait returns when it is "
                                        "zero."},
    {ObjectKind::kWaitGroup, "waiters", "Goroutines blocked in Wait."},
    {ObjectKind::kWaitGroup, "delta", "The last Add's delta (Done adds -1)."},
    {ObjectKind::kWaitGroup, "released", "How many waiters the counter reaching zero woke."},
    {ObjectKind::kWaitGroup, "sema", "The count of the WaitGroup's semaphore."},
    {ObjectKind::kVar, "value", "The variable's value after the access."},
};

}  // namespace

const char* StatusHelp(instrument::GStatus s) {
  switch (s) {
    case instrument::GStatus::kNotStarted: return "Created by go, has not run yet.";
    case instrument::GStatus::kRunnable:
      return "Ready to run, waiting for a processor (P): at most GOMAXPROCS goroutines run at "
             "once.";
    case instrument::GStatus::kRunning: return "On a processor, executing.";
    case instrument::GStatus::kSpinning:
      return "Running in Lock's spin loop: busy-waiting briefly, because the holder is running "
             "and may release the lock soon.";
    case instrument::GStatus::kBlocked:
      return "Parked: it will not run until another goroutine (or a timer) readies it. The "
             "object it waits on and why are shown.";
    case instrument::GStatus::kDone: return "Its function returned.";
    default: return "";
  }
}

const char* EventHelp(EventKind k) { return Find(trace::Name(k)); }

const char* FieldHelp(ObjectKind kind, std::string_view field) {
  for (const FieldExplained& f : kFields)
    if (f.kind == kind && f.field == field) return f.text;
  return "";
}

}  // namespace synclab::viewer
