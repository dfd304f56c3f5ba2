// locker.h: synclab::Locker (Go: sync.Locker), what a Cond waits with.
//
// A non-owning reference to anything with Lock(Site) and Unlock(Site): a
// Mutex, an RWMutex (its write lock), an RWMutex's RLocker(). The object it
// refers to must outlive it.
#pragma once

#include <type_traits>

#include "synclab/rt/runtime.h"
#include "synclab/rwmutex.h"

namespace synclab {

template <typename L>
concept GoLockable = requires(L& l, const Site& s) {
  l.Lock(s);
  l.Unlock(s);
};

class Locker {
 public:
  template <GoLockable L>
    requires(!std::is_same_v<std::remove_cv_t<L>, Locker>)
  Locker(L& lockable)  // NOLINT: implicit, as any Go type with Lock/Unlock is a Locker
      : obj_(&lockable),
        lock_([](void* o, const Site& s) { static_cast<L*>(o)->Lock(s); }),
        unlock_([](void* o, const Site& s) { static_cast<L*>(o)->Unlock(s); }) {}
  // RWMutex::RLocker() returns a small value; keep the RWMutex, not it.
  Locker(RWMutex::ReadLocker r)  // NOLINT
      : obj_(&r.rw()),
        lock_([](void* o, const Site& s) { static_cast<RWMutex*>(o)->RLock(s); }),
        unlock_([](void* o, const Site& s) { static_cast<RWMutex*>(o)->RUnlock(s); }) {}

  void Lock(Site site = Site::current()) const { lock_(obj_, site); }
  void Unlock(Site site = Site::current()) const { unlock_(obj_, site); }

 private:
  void* obj_;
  void (*lock_)(void*, const Site&);
  void (*unlock_)(void*, const Site&);
};

}  // namespace synclab
