// mutex_metrics.h: the course's Mutex metrics, read off synclab::Mutex's
// state word (Go: the course's Count/IsLocked/IsWoken/IsStarving, which load
// sync.Mutex's first word through unsafe.Pointer).
//
//   mutexmetrics::Count(mu)       // waiters + the holder (0 or 1)
//   mutexmetrics::IsLocked(mu)    // the locked bit
//   mutexmetrics::IsWoken(mu)     // the woken bit: a waiter is awake and competing
//   mutexmetrics::IsStarving(mu)  // the starving bit
//
// Free functions, not methods, because they are a probe from outside the
// Mutex, as the course's are (an embedding type reading another package's
// private word); they change nothing. Each reads the word with one atomic
// load, so each is a snapshot that may be stale when it returns: use them
// for monitoring and teaching, never to decide whether to lock.
//
// The state word (mutex.h): bit 0 locked, bit 1 woken, bit 2 starving,
// bits 3.. waiters. Count = (state >> 3) + (state & 1).
// Incorrect version (the course's own code):
//   v = v >> mutexWaiterShift   // v: waiters
//   v = v + (v & mutexLocked)   // the low bit of *waiters*, not the locked bit
// gives 2 for a locked Mutex with two waiters (not 3) and 0 for a locked
// Mutex with none (not 1). Count here tests the locked bit of the word.
//
// Trace: each call is a step on the Mutex and emits mutex.metrics with the
// word it read and what it computed (count, locked, woken, starving).
#pragma once

#include <cstdint>

#include "synclab/mutex.h"

namespace synclab::mutexmetrics {

// What one load of the word says; the functions below return one field.
struct Snapshot {
  std::int32_t state = 0;
  int count = 0;  // waiters + holder
  bool locked = false;
  bool woken = false;
  bool starving = false;
};

// One atomic load of mu's state word, decoded (and traced).
Snapshot Read(const Mutex& mu, Site site = Site::current());

inline int Count(const Mutex& mu, Site site = Site::current()) { return Read(mu, site).count; }
inline bool IsLocked(const Mutex& mu, Site site = Site::current()) { return Read(mu, site).locked; }
inline bool IsWoken(const Mutex& mu, Site site = Site::current()) { return Read(mu, site).woken; }
inline bool IsStarving(const Mutex& mu, Site site = Site::current()) { return Read(mu, site).starving; }

}  // namespace synclab::mutexmetrics
