// lock.h: Go's runtime mutex (runtime.lock/unlock), for the runtime's own
// structures: sema roots, the Cond's notify list.
//
// Held for a few steps only and never across a park: a goroutine that parks
// hands it to Park (ParkUnlocker) and Park releases it once the goroutine is
// parked. In sim a holder is never preempted (Go: m.locks > 0) and a
// goroutine that finds it held spins on it, one scheduling point per try;
// natively it is a std::mutex.
#pragma once

#include <mutex>

#include "synclab/rt/runtime.h"

namespace synclab::rt {

class RuntimeLock {
 public:
  void Lock();
  void Unlock();
  // Takes the lock only if nobody holds it; never spins or blocks (for the
  // runtime's own callbacks, e.g. a timer sending on its channel). Sim: fails
  // while another goroutine holds it. Native: std::mutex::try_lock.
  bool TryLock();
  // For Park: releases this lock once the goroutine is parked.
  ParkUnlock ParkUnlocker() {
    return {[](void* l) { static_cast<RuntimeLock*>(l)->Unlock(); }, this};
  }

 private:
  std::mutex mu_;
  bool sim_held_ = false;
};

}  // namespace synclab::rt
