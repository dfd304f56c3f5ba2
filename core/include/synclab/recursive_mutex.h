// recursive_mutex.h: the course's reentrant locks built on synclab::Mutex
// (Go: RecursiveMutex and TokenRecursiveMutex of the Go concurrency course,
// which wrap a sync.Mutex; Go's own Mutex is not reentrant).
//
//   RecursiveMutex mu{"mu"};
//   void Outer() { mu.Lock(); Inner(); mu.Unlock(); }
//   void Inner() { mu.Lock(); ...; mu.Unlock(); }     // reenters: no deadlock
//
//   TokenRecursiveMutex tm{"tm"};
//   void Handle(std::int64_t req) { tm.Lock(req); Helper(req); tm.Unlock(req); }
//
// RecursiveMutex: the goroutine that locked it owns it and may lock it again;
// each Lock needs its Unlock, and the last one releases the inner Mutex.
// TokenRecursiveMutex: the same with a token the caller passes instead of
// the goroutine's id (Go hides goroutine ids): one token = one owner, across
// goroutines if the caller wants.
//
// Misuse (fatal here; the course panics): Unlock by a goroutine (a token)
// that does not hold the mutex:
//   "wrong the owner(<owner>): <caller>! (RecursiveMutex.Unlock by goroutine
//    <caller>, which does not hold it)"
// the course's text, then what it means. Unlike the course's panic, the
// misuse is not recoverable: like Go's "unlock of unlocked mutex", code that
// unlocks what it does not hold has lost track of its locking.
//
// State:
//   mu         the inner Mutex ("<name>.mu")
//   owner      the holder's goroutine id; 0 before the first Lock, -1 after
//              a release (the course's values), never a goroutine's id then
//   token      (TokenRecursiveMutex) the holder's token; 0 when free
//   recursion  the holder's depth: Locks minus Unlocks
// INV1 owner (token) names a holder iff mu is locked by that holder's first
//      Lock, and then recursion >= 1.
// INV2 only the holder writes recursion (a non-owner's Lock fails the owner
//      check and waits on mu), so it needs no lock; it is atomic only
//      because a failing Unlock reads it for the trace.
//
// Token 0 is the course's "no holder": Lock(0) on a free TokenRecursiveMutex
// sees token == 0, counts as a reentry and does not lock mu at all. Never use
// 0 as a token (the course's code has the same hole; tests show it).
//
// Trace: rmutex.* (RecursiveMutex) and tmutex.* (TokenRecursiveMutex) events
// on id() with owner or token and recursion after the step; mu's mutex.*.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "synclab/mutex.h"
#include "synclab/rt/runtime.h"

namespace synclab {

class RecursiveMutex {
 public:
  explicit RecursiveMutex(std::string_view name = {}, Site site = Site::current());
  RecursiveMutex(const RecursiveMutex&) = delete;
  RecursiveMutex& operator=(const RecursiveMutex&) = delete;

  // Locks, or reenters if the calling goroutine holds it already.
  void Lock(Site site = Site::current());
  // Undoes one Lock; the last releases the mutex. Fatal from a non-owner.
  void Unlock(Site site = Site::current());
  void lock() { Lock(); }
  void unlock() { Unlock(); }

  ObjectId id() const { return id_; }
  std::int64_t owner() const { return owner_.load(); }
  std::int32_t recursion() const { return recursion_.load(std::memory_order_relaxed); }
  const Mutex& mutex() const { return mu_; }

 private:
  ObjectId id_;
  Mutex mu_;
  std::atomic<std::int64_t> owner_{0};
  std::atomic<std::int32_t> recursion_{0};
};

class TokenRecursiveMutex {
 public:
  explicit TokenRecursiveMutex(std::string_view name = {}, Site site = Site::current());
  TokenRecursiveMutex(const TokenRecursiveMutex&) = delete;
  TokenRecursiveMutex& operator=(const TokenRecursiveMutex&) = delete;

  // Locks for `token`, or reenters if `token` holds it already.
  void Lock(std::int64_t token, Site site = Site::current());
  // Undoes one Lock of `token`; the last releases the mutex. Fatal if
  // `token` does not hold it.
  void Unlock(std::int64_t token, Site site = Site::current());

  ObjectId id() const { return id_; }
  std::int64_t token() const { return token_.load(); }
  std::int32_t recursion() const { return recursion_.load(std::memory_order_relaxed); }
  const Mutex& mutex() const { return mu_; }

 private:
  ObjectId id_;
  Mutex mu_;
  std::atomic<std::int64_t> token_{0};
  std::atomic<std::int32_t> recursion_{0};
};

}  // namespace synclab
