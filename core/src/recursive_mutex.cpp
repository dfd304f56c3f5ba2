// recursive_mutex.cpp: the course's RecursiveMutex and TokenRecursiveMutex,
// line for line, plus the fatal misuse.
#include "synclab/recursive_mutex.h"

#include <string>

namespace synclab {

using trace::EventKind;

namespace {

[[noreturn]] void WrongOwner(std::string_view type, std::string_view who, std::int64_t owner,
                             std::int64_t caller) {
  std::string msg = "wrong the owner(" + std::to_string(owner) + "): " + std::to_string(caller) + "! (" +
                    std::string(type) + ".Unlock by " + std::string(who) + " " + std::to_string(caller) +
                    ", which does not hold it)";
  rt::Fatal(msg);
}

}  // namespace

RecursiveMutex::RecursiveMutex(std::string_view name, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kRecursiveMutex, name, 0, site)), mu_(id_, "mu", site) {}

void RecursiveMutex::Lock(Site site) {
  const auto gid = std::int64_t(rt::CurrentId());
  {
    // If the goroutine holding the lock is this one, this is a reentry.
    rt::Step step(id_);
    if (owner_.load() == gid) {
      const std::int32_t r = recursion_.load(std::memory_order_relaxed) + 1;
      recursion_.store(r, std::memory_order_relaxed);
      rt::Emit(EventKind::kRMutexLockReenter, id_, site, gid, r);
      return;
    }
  }
  mu_.Lock(site);
  // The first Lock of this goroutine: remember it, depth 1.
  rt::Step step(id_);
  owner_.store(gid);
  recursion_.store(1, std::memory_order_relaxed);
  rt::Emit(EventKind::kRMutexLockAcquire, id_, site, gid, 1);
}

void RecursiveMutex::Unlock(Site site) {
  const auto gid = std::int64_t(rt::CurrentId());
  std::int32_t r;
  {
    rt::Step step(id_);
    const std::int64_t owner = owner_.load();
    if (owner != gid) {
      // A goroutine that does not hold the lock tries to release it.
      rt::Emit(EventKind::kRMutexUnlockNotOwner, id_, site, owner > 0,
               recursion_.load(std::memory_order_relaxed), gid);
      WrongOwner("RecursiveMutex", "goroutine", owner, gid);
    }
    r = recursion_.load(std::memory_order_relaxed) - 1;
    recursion_.store(r, std::memory_order_relaxed);
    if (r != 0) {  // this goroutine has not released every Lock yet
      rt::Emit(EventKind::kRMutexUnlockPartial, id_, site, gid, r);
      return;
    }
    // Its last Unlock: release the lock.
    owner_.store(-1);
    rt::Emit(EventKind::kRMutexUnlockRelease, id_, site, 0, gid);
  }
  mu_.Unlock(site);
}

TokenRecursiveMutex::TokenRecursiveMutex(std::string_view name, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kRecursiveMutex, name, 0, site)), mu_(id_, "mu", site) {}

void TokenRecursiveMutex::Lock(std::int64_t token, Site site) {
  {
    // The token that holds the lock asks again: a reentry.
    rt::Step step(id_);
    if (token_.load() == token) {
      const std::int32_t r = recursion_.load(std::memory_order_relaxed) + 1;
      recursion_.store(r, std::memory_order_relaxed);
      rt::Emit(EventKind::kTMutexLockReenter, id_, site, token, r);
      return;
    }
  }
  mu_.Lock(site);  // another token (or none) holds it: not a reentry
  rt::Step step(id_);
  token_.store(token);
  recursion_.store(1, std::memory_order_relaxed);
  rt::Emit(EventKind::kTMutexLockAcquire, id_, site, token, 1);
}

void TokenRecursiveMutex::Unlock(std::int64_t token, Site site) {
  {
    rt::Step step(id_);
    const std::int64_t holder = token_.load();
    if (holder != token) {  // releasing the lock another token holds
      rt::Emit(EventKind::kTMutexUnlockNotOwner, id_, site, holder,
               recursion_.load(std::memory_order_relaxed), token);
      WrongOwner("TokenRecursiveMutex", "token", holder, token);
    }
    const std::int32_t r = recursion_.load(std::memory_order_relaxed) - 1;
    recursion_.store(r, std::memory_order_relaxed);
    if (r != 0) {  // not back at the outermost Lock yet
      rt::Emit(EventKind::kTMutexUnlockPartial, id_, site, token, r);
      return;
    }
    token_.store(0);  // no reentry left: release the lock
    rt::Emit(EventKind::kTMutexUnlockRelease, id_, site, 0, 0);
  }
  mu_.Unlock(site);
}

}  // namespace synclab
