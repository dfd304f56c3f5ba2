// atomic.h: synclab::atomic::Int32, Int64, Uint32, Uint64, Uintptr, Bool and
// Pointer<T> (Go: sync/atomic's typed values; atomic.Value is in
// atomic_value.h).
//
// Each operation is one indivisible step, sequentially consistent as Go's
// atomics are. In sim every operation is a scheduling point and an event, so
// a check-then-act built from two atomics (Load, then Store) can be seen
// losing a race step by step, while Add or CompareAndSwap cannot.
//
//   atomic::Int64 n{0, "n"};
//   n.Add(1);                       // Go: n.Add(1)
//   if (n.CompareAndSwap(1, 2)) ... // Go: n.CompareAndSwap(1, 2)
//   atomic::Pointer<Config> cfg{nullptr, "cfg"};
//   cfg.Store(&next);               // Go: cfg.Store(&next)
//
// Pointer<T> holds a T* and owns nothing: Go's garbage collector keeps what a
// reader loaded alive, C++ does not, so whatever a Pointer ever pointed at
// must outlive every goroutine that may still use it (atomic::Value shares
// ownership instead).
//
// Trace: atomic.* events (atomic.pointer.* for Pointer) on id(), `value`
// after the operation plus the operation's operands; the goroutine that did
// it is the event's g. A pointer is traced as its identity (ptr fields:
// p1, p2, ... in order of first appearance, nil), never as an address.
#pragma once

#include <atomic>
#include <concepts>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "synclab/rt/runtime.h"

namespace synclab::atomic {

namespace detail {

// The object kind and events of an atomic T.
template <typename T>
struct Events {
  static constexpr trace::ObjectKind kKind = trace::ObjectKind::kAtomic;
  static constexpr trace::EventKind kLoad = trace::EventKind::kAtomicLoad, kStore = trace::EventKind::kAtomicStore,
                                    kSwap = trace::EventKind::kAtomicSwap, kCas = trace::EventKind::kAtomicCas;
};
template <typename T>
struct Events<T*> {
  static constexpr trace::ObjectKind kKind = trace::ObjectKind::kAtomicPointer;
  static constexpr trace::EventKind kLoad = trace::EventKind::kAtomicPointerLoad,
                                    kStore = trace::EventKind::kAtomicPointerStore,
                                    kSwap = trace::EventKind::kAtomicPointerSwap,
                                    kCas = trace::EventKind::kAtomicPointerCas;
};

// A traced field: integers as int64, pointers as an identity (const void*,
// so that a char* is not taken for a string).
template <typename T>
auto Field(T v) {
  if constexpr (std::is_pointer_v<T>) {
    return static_cast<const void*>(v);
  } else {
    return std::int64_t(v);
  }
}

// The typed value: T is an integer type, bool, or a pointer.
template <typename T>
class Typed {
 public:
  explicit Typed(T initial = T{}, std::string_view name = {}, Site site = Site::current())
      : value_(initial), id_(rt::RegisterObject(Events<T>::kKind, name, 0, site)) {}
  Typed(const Typed&) = delete;
  Typed& operator=(const Typed&) = delete;

  T Load(Site site = Site::current()) const {
    rt::Step step(id_);
    T v = value_.load();
    Trace(Events<T>::kLoad, site, v);
    return v;
  }
  void Store(T v, Site site = Site::current()) {
    rt::Step step(id_);
    value_.store(v);
    Trace(Events<T>::kStore, site, v);
  }
  // Stores v and returns the old value.
  T Swap(T v, Site site = Site::current()) {
    rt::Step step(id_);
    T old = value_.exchange(v);
    Trace(Events<T>::kSwap, site, v, old);
    return old;
  }
  // Stores desired if the value is expected; reports whether it did.
  bool CompareAndSwap(T expected, T desired, Site site = Site::current()) {
    rt::Step step(id_);
    T seen = expected;
    bool ok = value_.compare_exchange_strong(seen, desired);
    Trace(Events<T>::kCas, site, ok ? desired : seen, expected, desired, ok);
    return ok;
  }

  ObjectId id() const { return id_; }

 protected:
  template <typename... F>
  void Trace(trace::EventKind kind, const Site& site, T value, F... operands) const {
    rt::Emit(kind, id_, site, Field(value), Field(operands)...);
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
    // Wraps, as Go's does (and fetch_add does): add in the unsigned type.
    using U = std::make_unsigned_t<T>;
    const T v = T(U(this->value_.fetch_add(delta)) + U(delta));
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
// Go's atomic.Pointer[T]: Load, Store, Swap, CompareAndSwap of a T*.
template <typename T>
using Pointer = detail::Typed<T*>;

}  // namespace synclab::atomic
