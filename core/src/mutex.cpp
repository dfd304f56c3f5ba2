// mutex.cpp: the slow paths of Go's sync.Mutex (spec section 2).
#include "synclab/mutex.h"

namespace synclab {

using trace::EventKind;

Mutex::Mutex(std::string_view name, Site site) : Mutex(0, name, site) {}

Mutex::Mutex(ObjectId parent, std::string_view part, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kMutex, part, parent, site)) {
  rt::RegisterSema(sema_, id_, site);
}

// Lock's fast path under a runtime: one step, one event. (The plain-thread
// copy in the header is the same CAS without the step and the event.)
bool Mutex::LockFast(const Site& site) {
  rt::Step step(id_);
  std::int32_t unlocked = 0;
  if (!state_.compare_exchange_strong(unlocked, kLocked, std::memory_order_acquire,
                                      std::memory_order_relaxed)) {
    return false;
  }
  Trace(EventKind::kMutexLockFast, site);
  return true;
}

void Mutex::UnlockTraced(const Site& site) {
  std::int32_t after;
  {
    rt::Step step(id_);
    after = state_.fetch_sub(kLocked, std::memory_order_release) - kLocked;
    Trace(after == 0 ? EventKind::kMutexUnlockFast : EventKind::kMutexUnlockSlow, site);
  }
  if (after != 0) UnlockSlow(after, site);
}

void Mutex::LockSlow(const Site& site) {
  std::int64_t wait_start = 0;
  std::int64_t waited = 0;  // as of the last wakeup
  bool starving = false;
  bool awoke = false;
  int iter = 0;
  std::int32_t old;
  {
    rt::Step step(id_);
    old = state_.load();
    Trace(EventKind::kMutexLockSlow, site);
  }
  for (;;) {
    // Don't spin in starvation mode: ownership is handed to waiters, so we
    // could not acquire the mutex anyway.
    if ((old & (kLocked | kStarving)) == kLocked && rt::CanSpin(iter)) {
      // Active spinning makes sense. Try to set the woken flag to tell Unlock
      // not to wake other blocked goroutines.
      if (!awoke && (old & kWoken) == 0 && (old >> kWaiterShift) != 0) {
        rt::Step step(id_);
        std::int32_t expected = old;
        if (state_.compare_exchange_strong(expected, old | kWoken)) {
          awoke = true;
          Trace(EventKind::kMutexMarkWoken, site);
        }
      }
      rt::Procyield();
      {
        rt::TraceSection section(id_);
        Trace(EventKind::kMutexSpin, site, iter);
      }
      iter++;
      old = Load();
      continue;
    }
    std::int32_t desired = old;
    // Don't try to acquire a starving mutex: new goroutines must queue.
    if ((old & kStarving) == 0) desired |= kLocked;
    if ((old & (kLocked | kStarving)) != 0) desired += 1 << kWaiterShift;
    // Switch to starvation mode, but only if the mutex is locked: Unlock
    // expects a starving mutex to have waiters.
    if (starving && (old & kLocked) != 0) desired |= kStarving;
    if (awoke) {
      // The goroutine has been woken from sleep, so the flag must be reset.
      if ((desired & kWoken) == 0) rt::Fatal("sync: inconsistent mutex state");
      desired &= ~kWoken;
    }
    bool swapped;
    {
      rt::Step step(id_);
      std::int32_t expected = old;
      swapped = state_.compare_exchange_strong(expected, desired);
      if (swapped) {
        if ((old & (kLocked | kStarving)) == 0) {
          Trace(EventKind::kMutexLockAcquire, site);
        } else {
          Trace(EventKind::kMutexPark, site, wait_start != 0);
          if ((desired & kStarving) != 0 && (old & kStarving) == 0) {
            Trace(EventKind::kMutexStarvingEnter, site, waited);
          }
        }
      }
    }
    if (!swapped) {
      old = Load();
      continue;
    }
    if ((old & (kLocked | kStarving)) == 0) break;  // locked the mutex with CAS

    // If we were already waiting before, queue at the front of the queue.
    bool queue_lifo = wait_start != 0;
    if (wait_start == 0) wait_start = rt::Nanotime();
    rt::Semacquire(sema_, queue_lifo, trace::WaitReason::kSyncMutexLock, site);
    waited = rt::Nanotime() - wait_start;
    starving = starving || waited > kStarvationThresholdNs;
    {
      rt::Step step(id_);
      old = state_.load();
      Trace(EventKind::kMutexWake, site, waited, starving);
    }
    if ((old & kStarving) != 0) {
      // The mutex was handed to us: locked and woken are clear and we are
      // still counted as a waiter. Fix that up.
      if ((old & (kLocked | kWoken)) != 0 || (old >> kWaiterShift) == 0) {
        rt::Fatal("sync: inconsistent mutex state");
      }
      std::int32_t delta = kLocked - (1 << kWaiterShift);
      bool exit_starvation = !starving || (old >> kWaiterShift) == 1;
      // Exit starvation mode here, considering the wait time: it is
      // inefficient, two goroutines could proceed in lock-step forever.
      if (exit_starvation) delta -= kStarving;
      rt::Step step(id_);
      state_.fetch_add(delta);
      Trace(EventKind::kMutexHandoff, site, waited);
      if (exit_starvation) Trace(EventKind::kMutexStarvingExit, site, waited);
      break;
    }
    awoke = true;
    iter = 0;
  }
}

bool Mutex::TryLock(Site site) {
  std::int32_t old;
  {
    rt::Step step(id_);
    old = state_.load();
    if ((old & (kLocked | kStarving)) != 0) {
      Trace(EventKind::kMutexTryLock, site, false);
      return false;
    }
  }
  // There may be a goroutine waiting for the mutex; we are racing it
  // opportunistically, as Lock's fast path does.
  rt::Step step(id_);
  bool ok = state_.compare_exchange_strong(old, old | kLocked);
  Trace(EventKind::kMutexTryLock, site, ok);
  return ok;
}

void Mutex::UnlockSlow(std::int32_t after, const Site& site) {
  if (((after + kLocked) & kLocked) == 0) rt::Fatal("sync: unlock of unlocked mutex");
  if ((after & kStarving) == 0) {
    std::int32_t old = after;
    for (;;) {
      // If there are no waiters, or a goroutine has already been woken or
      // grabbed the lock, there is no need to wake anyone. In starvation mode
      // ownership goes straight to the next waiter, so it is not our turn.
      if ((old >> kWaiterShift) == 0 || (old & (kLocked | kWoken | kStarving)) != 0) {
        rt::TraceSection section(id_);
        Trace(EventKind::kMutexUnlockNoWake, site);
        return;
      }
      // Grab the right to wake someone.
      std::int32_t desired = (old - (1 << kWaiterShift)) | kWoken;
      {
        rt::Step step(id_);
        if (!state_.compare_exchange_strong(old, desired)) continue;  // old reloaded
        Trace(EventKind::kMutexUnlockWake, site);
      }
      rt::Semrelease(sema_, false, site);
      return;
    }
  }
  // Starving: hand ownership to the next waiter and yield our time slice so
  // that it runs at once. The locked bit stays clear; the starving bit keeps
  // newcomers out, and the waiter fixes the word when it wakes.
  {
    rt::TraceSection section(id_);
    Trace(EventKind::kMutexUnlockHandoff, site);
  }
  rt::Semrelease(sema_, true, site);
}

}  // namespace synclab
