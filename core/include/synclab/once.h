// once.h: synclab::Once, OnceFunc, OnceValue, OnceValues (Go: sync.Once and
// Go 1.21's sync.OnceFunc/OnceValue/OnceValues).
//
// Once.Do(f) calls f the first time Do is called on this Once, and only
// then, however many goroutines call it at once; every Do returns after f
// has returned (the others wait on the Once's Mutex). If f throws (panics),
// Do propagates it and the Once still counts as done: f is never retried.
// Do inside f on the same Once deadlocks (it waits for itself on m).
//
// Guarantees: f's return happens before every Do returns.
//
// State:
//   done  0 until f has returned or panicked, then 1 (read without m on the
//         fast path)
//   m     a Mutex ("<name>.m") that serialises the slow path
// INV1 done goes 0 -> 1 once, under m, after f ends.
//
// Incorrect version (once.go's own warning): a CAS of done 0 -> 1 before
// calling f. The winner runs f, but the losers return at once, before f has
// finished, and use what f has not set up yet. The slow path with m makes
// the losers wait.
//
// Trace: once.* events on id() with done after the step; m's mutex.* events.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include "synclab/mutex.h"
#include "synclab/rt/runtime.h"

namespace synclab {

class Once {
 public:
  explicit Once(std::string_view name = {}, Site site = Site::current());
  // A Once inside another primitive (`parent`), named "<parent>.<part>".
  Once(ObjectId parent, std::string_view part, Site site);
  Once(const Once&) = delete;
  Once& operator=(const Once&) = delete;

  template <typename F>
  void Do(F&& f, Site site = Site::current()) {
    if (Done(site)) return;
    DoSlow([](void* fn) { (*static_cast<std::remove_reference_t<F>*>(fn))(); },
           const_cast<void*>(static_cast<const void*>(&f)), site);
  }

  bool done() const { return done_.load(std::memory_order_acquire) != 0; }
  ObjectId id() const { return id_; }

 private:
  bool Done(const Site& site);  // the fast path: done reads 1
  void DoSlow(void (*call)(void*), void* f, const Site& site);
  void Trace(trace::EventKind kind, const Site& site) const;

  std::atomic<std::uint32_t> done_{0};
  ObjectId id_;
  Mutex m_;
};

// Returns a function that calls f only the first time it is called. If f
// throws, every call (the first and all later ones) rethrows that same
// exception.
template <typename F>
std::function<void()> OnceFunc(F f, Site site = Site::current()) {
  struct State {
    explicit State(F fn, Site s) : f(std::move(fn)), once({}, s) {}
    F f;
    Once once;
    bool valid = false;  // f returned
    std::exception_ptr panic;
  };
  auto s = std::make_shared<State>(std::move(f), site);
  return [s] {
    s->once.Do([&] {
      try {
        s->f();
        s->valid = true;
      } catch (...) {
        s->panic = std::current_exception();
        throw;
      }
    });
    if (!s->valid && s->panic) std::rethrow_exception(s->panic);
  };
}

// Returns a function that calls f only the first time and returns its value
// every time (or rethrows what f threw, every time).
template <typename F, typename T = std::invoke_result_t<F&>>
std::function<T()> OnceValue(F f, Site site = Site::current()) {
  struct State {
    explicit State(F fn, Site s) : f(std::move(fn)), once({}, s) {}
    F f;
    Once once;
    std::optional<T> value;
    std::exception_ptr panic;
  };
  auto s = std::make_shared<State>(std::move(f), site);
  return [s]() -> T {
    s->once.Do([&] {
      try {
        s->value.emplace(s->f());
      } catch (...) {
        s->panic = std::current_exception();
        throw;
      }
    });
    if (!s->value && s->panic) std::rethrow_exception(s->panic);
    return *s->value;
  };
}

// Go's OnceValues: f returns two values, here a std::pair.
template <typename F, typename P = std::invoke_result_t<F&>>
std::function<P()> OnceValues(F f, Site site = Site::current()) {
  static_assert(std::tuple_size_v<P> == 2, "OnceValues: f returns a std::pair (Go's two results)");
  return OnceValue(std::move(f), site);
}

}  // namespace synclab
