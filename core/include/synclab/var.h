// var.h: synclab::Var<T>, a plain shared variable made visible.
//
// In Go, `counter++` on a shared int is a load and a store; without a lock
// two goroutines can interleave between them and an increment is lost. A Var
// makes each Load and Store one step (a scheduling point in sim, an event in
// the trace), so the lost update can be seen and replayed.
//
// It is not a synchronisation tool: it orders nothing. (Natively it uses
// relaxed atomics so the program has no C++ data race, only the logical one
// the scenario wants to show.)
#pragma once

#include <atomic>
#include <concepts>
#include <string_view>

#include "synclab/rt/runtime.h"

namespace synclab {

template <std::integral T>
class Var {
 public:
  explicit Var(T initial = 0, std::string_view name = {}, Site site = Site::current())
      : value_(initial), id_(rt::RegisterObject(trace::ObjectKind::kVar, name, 0, site)) {}
  Var(const Var&) = delete;
  Var& operator=(const Var&) = delete;

  T Load(Site site = Site::current()) {
    rt::Step step(id_);
    T v = value_.load(std::memory_order_relaxed);
    rt::Emit(trace::EventKind::kVarLoad, id_, site, std::int64_t(v));
    return v;
  }
  void Store(T v, Site site = Site::current()) {
    rt::Step step(id_);
    value_.store(v, std::memory_order_relaxed);
    rt::Emit(trace::EventKind::kVarStore, id_, site, std::int64_t(v));
  }

  ObjectId id() const { return id_; }

 private:
  std::atomic<T> value_;
  ObjectId id_;
};

}  // namespace synclab
