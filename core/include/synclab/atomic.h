// atomic.h: synclab::atomic::Int32, Int64, Uint32, Uint64, Uintptr, Bool
// (Go: sync/atomic's typed values).
//
// Each operation is one indivisible step, sequentially consistent as Go's
// atomics are. In sim every operation is a scheduling point and an event, so
// a check-then-act built from two atomics (Load, then Store) can be seen
// losing a race step by step, while Add or CompareAndSwap cannot.
//
//   atomic::Int64 n{0, "n"};
//   n.Add(1);                       // Go: n.Add(1)
//   if (n.CompareAndSwap(1, 2)) ... // Go: n.CompareAndSwap(1, 2)
//
// Trace: atomic.* events on id(), `value` after the operation plus the
// operation's operands; the goroutine that did it is the event's g.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <string_view>

#include "synclab/rt/runtime.h"

namespace synclab::atomic {

namespace detail {

// The typed value: T is an integer type, or bool.
template <typename T>
class Typed {
 public:
  explicit Typed(T initial = T{}, std::string_view name = {}, Site site = Site::current())
      : value_(initial), id_(rt::RegisterObject(trace::ObjectKind::kAtomic, name, 0, site)) {}
  Typed(const Typed&) = delete;
  Typed& operator=(const Typed&) = delete;

  T Load(Site site = Site::current()) const {
    rt::Step step(id_);
    T v = value_.load();
    Trace(trace::EventKind::kAtomicLoad, site, v);
    return v;
  }
  void Store(T v, Site site = Site::current()) {
    rt::Step step(id_);
    value_.store(v);
    Trace(trace::EventKind::kAtomicStore, site, v);
  }
  // Stores v and returns the old value.
  T Swap(T v, Site site = Site::current()) {
    rt::Step step(id_);
    T old = value_.exchange(v);
    Trace(trace::EventKind::kAtomicSwap, site, v, old);
    return old;
  }
  // Stores desired if the value is expected; reports whether it did.
  bool CompareAndSwap(T expected, T desired, Site site = Site::current()) {
    rt::Step step(id_);
    T seen = expected;
    bool ok = value_.compare_exchange_strong(seen, desired);
    Trace(trace::EventKind::kAtomicCas, site, ok ? desired : seen, expected, desired, ok);
    return ok;
  }

  ObjectId id() const { return id_; }

 protected:
  template <typename... F>
  void Trace(trace::EventKind kind, const Site& site, T value, F... operands) const {
    rt::Emit(kind, id_, site, std::int64_t(value), std::int64_t(operands)...);
  }

  std::atomic<T> value_;
  ObjectId id_;
};

// The integer types add Add, And and Or (Go 1.23), each returning what Go's
// returns: Add the new value, And and Or the old one.
template <std::integral T>
class Integer : public Typed<T> {
 public:
  using Typed<T>::Typed;

  T Add(T delta, Site site = Site::current()) {
    rt::Step step(this->id_);
    T v = this->value_.fetch_add(delta) + delta;
    this->Trace(trace::EventKind::kAtomicAdd, site, v, delta);
    return v;
  }
  T And(T mask, Site site = Site::current()) {
    rt::Step step(this->id_);
    T old = this->value_.fetch_and(mask);
    this->Trace(trace::EventKind::kAtomicAnd, site, T(old & mask), mask, old);
    return old;
  }
  T Or(T mask, Site site = Site::current()) {
    rt::Step step(this->id_);
    T old = this->value_.fetch_or(mask);
    this->Trace(trace::EventKind::kAtomicOr, site, T(old | mask), mask, old);
    return old;
  }
};

}  // namespace detail

using Int32 = detail::Integer<std::int32_t>;
using Int64 = detail::Integer<std::int64_t>;
using Uint32 = detail::Integer<std::uint32_t>;
using Uint64 = detail::Integer<std::uint64_t>;
using Uintptr = detail::Integer<std::uintptr_t>;
using Bool = detail::Typed<bool>;

}  // namespace synclab::atomic
