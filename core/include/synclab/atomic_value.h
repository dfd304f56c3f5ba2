// atomic_value.h: synclab::atomic::Value and atomic::Any (Go: sync/atomic's
// Value and the `any` it holds), Go's algorithm step for step.
//
// A Value holds one value of a consistent dynamic type. Load returns what the
// latest Store, Swap or CompareAndSwap put there, or nil before the first;
// every store must be of the first one's type.
//
//   atomic::Value config{"config"};
//   config.Store(Config{...});                 // Go: config.Store(Config{...})
//   atomic::Any a = config.Load();             // Go: a := config.Load()
//   if (const Config* c = a.get<Config>()) ... // Go: if c, ok := a.(Config); ok ...
//
// nil is nullptr or an empty Any. A null pointer of some type (a Config*) is
// a value, as a typed nil is in Go. Types are C++ types, compared exactly:
// after Store(std::string("a")), Store("b") stores a const char* and panics.
//
// Guarantees: a Store happens before every Load that returns its value.
// Misuse (panic, Go wording, thrown as synclab::Panic):
//   "sync/atomic: store of nil value into Value"
//   "sync/atomic: store of inconsistently typed value into Value"
//   "sync/atomic: swap of nil value into Value"
//   "sync/atomic: swap of inconsistently typed value into Value"
//   "sync/atomic: compare and swap of nil value into Value"
//   "sync/atomic: compare and swap of inconsistently typed values"
//   "sync/atomic: compare and swap of inconsistently typed value into Value"
// and, as Go's runtime panics when == meets a type that has none,
//   "runtime error: comparing uncomparable type <T>" (CompareAndSwap).
// Not copyable (Go: must not be copied after first use).
//
// State: Go's two words (efaceWords).
//   typ   nil (never stored), kFirstStoreInProgress, or the first store's type
//   data  the value
// INV1 typ changes at most twice, nil -> kFirstStoreInProgress -> T, both by
//      the goroutine whose CAS won; it is not preempted in between (Go's
//      procPin), so a store that finds the sentinel spins only briefly.
// INV2 Load returns nil while typ is not a type, even once data is set.
// INV3 after the first store, data always holds a value of type typ.
//
// First store: CAS typ nil -> kFirstStoreInProgress, store data, store typ:
// three atomic steps, each visible in sim. Other stores: load typ, check it,
// store (swap, compare and CAS) data.
//
// Keeping values alive: in Go the garbage collector keeps a value alive while
// a reader holds it. Here data is a std::atomic<std::shared_ptr> to an
// immutable box and an Any shares it, so a reader never sees a freed value.
// The shared_ptr is behind a spin lock (detail::LockedBoxPtr): fine
// for what a Value is for (configuration read now and then, swapped rarely),
// not a read-mostly hot path; atomic::Pointer<T> is the lock-free one.
//
// Trace: atomic.value.* events on id() with typ and data as text after the
// step (typ "nil", "firstStoreInProgress" or the type's name; data formatted
// by TraceText, so give your own types an fmt::formatter to see them).
#pragma once

#include <atomic>
#include <concepts>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "synclab/format.h"
#include "synclab/rt/runtime.h"

namespace synclab::atomic {

class Any;

namespace detail {

// "Config", "std::string": a type's name as traces show it (demangled, with
// the standard library's inline namespaces and anonymous namespaces cut).
std::string ReadableTypeName(const char* mangled);

struct Box;

// What a Value needs to know of a dynamic type.
struct TypeOps {
  const std::type_info* type;
  const std::string& (*name)();
  // nullptr when the type has no ==.
  bool (*equal)(const Box& a, const Box& b);
  TraceText (*text)(const Box& b);
};

// An immutable value of some type, shared by the Value and every Any that
// loaded it.
struct Box {
  const TypeOps* ops;
};

template <typename T>
struct TypedBox : Box {
  template <typename U>
  TypedBox(const TypeOps* o, U&& v) : Box{o}, value(std::forward<U>(v)) {}
  T value;
};

template <typename T>
const T& ValueOf(const Box& b) {
  return static_cast<const TypedBox<T>&>(b).value;
}

template <typename T>
const std::string& NameOf() {
  static const std::string name = ReadableTypeName(typeid(T).name());
  return name;
}

template <typename T>
inline constexpr TypeOps kOps{
    &typeid(T), &NameOf<T>,
    [] {
      if constexpr (std::equality_comparable<T>) {
        return +[](const Box& a, const Box& b) { return bool(ValueOf<T>(a) == ValueOf<T>(b)); };
      } else {
        return static_cast<bool (*)(const Box&, const Box&)>(nullptr);
      }
    }(),
    [](const Box& b) { return TraceText(ValueOf<T>(b)); }};

using BoxPtr = std::shared_ptr<const Box>;

// A BoxPtr behind a spin lock, with std::atomic<shared_ptr>'s operations.
// libstdc++ 12's std::atomic<shared_ptr> is a spin lock too, but its load
// unlocks with memory_order_relaxed, so a later store's write of the pointer
// is not ordered after the load's read: a data race, which ThreadSanitizer
// reports. Here every unlock releases. A replaced box is let go outside the
// lock (its value's destructor is the user's code).
class LockedBoxPtr {
 public:
  BoxPtr load() const {
    const Hold h(*this);
    return p_;
  }
  void store(BoxPtr v) { exchange(std::move(v)); }  // the old box dies here, unlocked
  BoxPtr exchange(BoxPtr v) {
    const Hold h(*this);
    return std::exchange(p_, std::move(v));
  }
  // As std::atomic<shared_ptr>: equal means the same box (each box has its
  // own control block). On failure expected becomes the current box.
  bool compare_exchange_strong(BoxPtr& expected, BoxPtr desired) {
    const Hold h(*this);
    if (p_ != expected) {
      expected = p_;
      return false;
    }
    std::swap(p_, desired);  // desired now holds the old box, freed after unlocking
    return true;
  }

 private:
  struct Hold {
    explicit Hold(const LockedBoxPtr& s) : s(s) {
      while (s.locked_.exchange(true, std::memory_order_acquire)) {
        while (s.locked_.load(std::memory_order_relaxed)) std::this_thread::yield();
      }
    }
    ~Hold() { s.locked_.store(false, std::memory_order_release); }
    const LockedBoxPtr& s;
  };
  mutable std::atomic<bool> locked_{false};
  BoxPtr p_;
};

template <typename T>
BoxPtr MakeBox(T&& v) {
  using D = std::decay_t<T>;
  return std::make_shared<const TypedBox<D>>(&kOps<D>, std::forward<T>(v));
}

// What a Value's operations take: nil (nullptr, an empty Any), an Any, or a
// value of any other type.
template <typename T>
BoxPtr BoxOf(T&& v);

}  // namespace detail

// Go's `any` as a Value holds it: empty (nil) or a value of some type. Cheap
// to copy (it shares the value), immutable.
class Any {
 public:
  Any() = default;  // nil
  Any(std::nullptr_t) {}  // NOLINT: nil converts, as in Go
  template <typename T>
  static Any Of(T&& value) {
    return Any(detail::MakeBox(std::forward<T>(value)));
  }

  bool has_value() const { return box_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  // typeid of the value, typeid(void) when nil (as std::any::type()).
  const std::type_info& type() const { return box_ ? *box_->ops->type : typeid(void); }
  // The value if it is a T (Go: a.(T) with ok), else nullptr.
  template <typename T>
  const T* get() const {
    if (!box_ || *box_->ops->type != typeid(T)) return nullptr;
    return &detail::ValueOf<T>(*box_);
  }
  friend bool operator==(const Any& a, std::nullptr_t) { return !a.box_; }

 private:
  friend class Value;
  template <typename T>
  friend detail::BoxPtr detail::BoxOf(T&& v);
  explicit Any(detail::BoxPtr box) : box_(std::move(box)) {}
  detail::BoxPtr box_;
};

template <typename T>
detail::BoxPtr detail::BoxOf(T&& v) {
  using D = std::decay_t<T>;
  if constexpr (std::is_same_v<D, std::nullptr_t>) {
    return nullptr;
  } else if constexpr (std::is_same_v<D, Any>) {
    return v.box_;
  } else {
    return MakeBox(std::forward<T>(v));
  }
}

class Value {
 public:
  explicit Value(std::string_view name = {}, Site site = Site::current());
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;

  // The latest value stored, or nil if there has been no store yet.
  Any Load(Site site = Site::current()) const;
  // Stores v. Panics if v is nil or not of the first store's type.
  template <typename T>
  void Store(T&& v, Site site = Site::current()) {
    StoreBox(detail::BoxOf(std::forward<T>(v)), site);
  }
  // Stores v and returns the previous value (nil on the first store).
  template <typename T>
  Any Swap(T&& v, Site site = Site::current()) {
    return SwapBox(detail::BoxOf(std::forward<T>(v)), site);
  }
  // Stores desired if the value == expected (nil expected: only into an
  // empty Value); reports whether it did.
  template <typename T, typename U>
  bool CompareAndSwap(T&& expected, U&& desired, Site site = Site::current()) {
    return CompareAndSwapBox(detail::BoxOf(std::forward<T>(expected)),
                             detail::BoxOf(std::forward<U>(desired)), site);
  }

  ObjectId id() const { return id_; }

 private:
  void StoreBox(detail::BoxPtr v, const Site& site);
  Any SwapBox(detail::BoxPtr v, const Site& site);
  bool CompareAndSwapBox(detail::BoxPtr old, detail::BoxPtr v, const Site& site);
  // The loop every store begins with: loads typ until it is a type and
  // returns it; while it is nil, makes the first store of v instead (and
  // returns nullptr with `stored` set), unless `may_store_first` is false
  // (CompareAndSwap with a non-nil expected value: returns nullptr).
  const detail::TypeOps* TypeForStore(const detail::BoxPtr& v, bool may_store_first, bool& stored,
                                      const Site& site);
  void Trace(trace::EventKind kind, const Site& site, bool ok = false) const;

  ObjectId id_;
  std::atomic<const detail::TypeOps*> typ_{nullptr};
  detail::LockedBoxPtr data_;
};

}  // namespace synclab::atomic
