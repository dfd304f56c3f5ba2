// collect.h: a sink that keeps every event, for core tests that look at what
// a primitive did without depending on instrument/.
#pragma once

#include <algorithm>
#include <array>
#include <mutex>
#include <string>
#include <vector>

#include "synclab/rt/runtime.h"
#include "synclab/sim.h"

namespace synclab::testing {

struct Collected {
  trace::Event e;
  std::array<std::string, trace::kMaxStrFields> strs;  // e.str's bytes, kept
  std::string_view name() const { return trace::Name(e.kind); }
  std::int64_t field(std::string_view f) const {
    int i = trace::FieldIndex(e.kind, f);
    return i < 0 ? -1 : e.f[std::size_t(i)];
  }
  // A str field's value.
  std::string str(std::string_view f) const {
    int i = trace::FieldIndex(e.kind, f);
    return i < 0 ? "?" : strs[std::size_t(e.f[std::size_t(i)]) % trace::kMaxStrFields];
  }
};

class Collect final : public rt::Sink {
 public:
  void OnEvent(const trace::Event& e) noexcept override {
    std::lock_guard l(mu_);
    Collected c{e, {}};
    c.e.seq = events.size();
    for (std::size_t k = 0; k < trace::kMaxStrFields; k++) {
      c.strs[k] = std::string(e.str[k]);
      c.e.str[k] = {};  // the views die with the call
    }
    events.push_back(std::move(c));
  }
  void OnGoroutine(GoroutineId, GoroutineId, std::string_view, Site) noexcept override {}
  void OnObject(ObjectId, trace::ObjectKind, std::string_view, ObjectId, Site) noexcept override {}

  // Events named `name` (optionally of goroutine g), in order.
  std::vector<Collected> Named(std::string_view name, GoroutineId g = 0) const {
    std::vector<Collected> out;
    for (const Collected& c : events)
      if (c.name() == name && (g == 0 || c.e.g == g)) out.push_back(c);
    return out;
  }
  std::size_t Index(const Collected& c) const { return std::size_t(c.e.seq); }

  std::vector<Collected> events;

 private:
  std::mutex mu_;
};

// A sim run on one P recorded into sink: with one P the interleaving follows
// from the program alone (goroutines switch only where they block).
inline sim::Options OneP(Collect& sink) {
  sim::Options o;
  o.procs = 1;
  o.sink = &sink;
  return o;
}

}  // namespace synclab::testing
