// state.h: folding a trace's events back into the state of the run.
//
// State is what every goroutine and object looks like after a prefix of the
// events. The terminal replay prints it line by line; the viewer keeps
// copies of it (keyframes) to seek. Apply() also checks that the events are
// consistent with each other (a goroutine cannot act while it is blocked, a
// mutex cannot be locked fast unless it was free, a woken waiter must have
// been queued) so that a corrupt trace is rejected, not shown wrongly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "synclab/instrument/kinds.h"
#include "synclab/instrument/trace.h"

namespace synclab::instrument {

enum class GStatus : std::uint8_t {
  kNotStarted,  // created, has not run yet
  kRunnable,    // ready to run, waiting for a processor
  kRunning,
  kSpinning,    // running, in a Mutex spin loop
  kBlocked,     // parked: on wait_obj, because of reason
  kDone,
  kCount
};
inline constexpr std::string_view kGStatusNames[] = {"not started", "runnable", "running",
                                                     "spinning",    "blocked",  "done"};
static_assert(std::size(kGStatusNames) == std::size_t(GStatus::kCount));
constexpr std::string_view Name(GStatus s) { return kGStatusNames[std::size_t(s)]; }

struct GoroutineState {
  GStatus status = GStatus::kNotStarted;
  Id wait_obj = 0;  // while blocked
  trace::WaitReason reason = trace::WaitReason::kNone;
  Id site = 0;                    // the site of its latest event: "the line it is on"
  std::int64_t since = 0;         // when it entered its current status
  std::int64_t last_seq = -1;     // its latest event
};

struct ObjectState {
  // Every field any of its events carried, latest value, in first-seen order.
  // Names point into the event catalogue.
  std::vector<std::pair<std::string_view, std::int64_t>> fields;
  std::int64_t last_seq = -1;  // the latest event on it
  KindState kind;              // what its kind's fold keeps (kinds.h)

  const std::int64_t* Field(std::string_view name) const;
  // The kind's state, if the object is of kind K's kind (else nullptr).
  template <typename K>
  const K* As() const {
    return std::get_if<K>(&kind);
  }
};

// The fold indexes its tables by the trace's ids, so it takes only a trace
// that passed Validate (trace.h): every reader's trace, every recorded one.
class State {
 public:
  explicit State(const Trace& trace);

  // Folds events[seq] in. Events must come in order (seq == applied()).
  // Returns "" or why the event contradicts what came before, e.g.
  // "events[12]: G3 acts while blocked on mu.sema".
  std::string Apply(const TraceEvent& e);

  std::uint64_t applied() const { return applied_; }  // events folded so far
  // How much the fold holds, in small units (a goroutine, an object, a Map
  // entry, a Pool item): what a copy of it costs.
  std::size_t Weight() const;
  std::int64_t time() const { return time_; }
  const GoroutineState& goroutine(Id id) const { return goroutines_[id - 1]; }
  const ObjectState& object(Id id) const { return objects_[id - 1]; }
  const std::vector<GoroutineState>& goroutines() const { return goroutines_; }
  const std::vector<ObjectState>& objects() const { return objects_; }

 private:
  friend struct kinds::FoldContext;
  const Trace* trace_;
  std::uint64_t applied_ = 0;
  std::int64_t time_ = 0;
  std::vector<GoroutineState> goroutines_;
  std::vector<ObjectState> objects_;
};

// Validates a trace and folds it; returns the first problem or contradiction, or "".
std::string CheckConsistency(const Trace& trace);

// "G3" or "G3 worker".
std::string GoroutineLabel(const Trace& trace, Id g);
// "mu", or "mutex#4" when it has no name.
std::string ObjectLabel(const Trace& trace, Id obj);
// "file.cpp:31" (basename and line), or "" for no site.
std::string SiteLabel(const Trace& trace, Id site);
// An object's state for humans, as its kind's fold describes it: a Mutex's
// word decoded ("locked=1 woken=0 starving=1 waiters=2 sema=0"), a sema's
// queue, etc.
std::string DescribeObject(const Trace& trace, Id obj, const ObjectState& s);
// One field's value for humans, by its type: "true", "G3", "mu", "1.2 ms".
std::string FormatField(const Trace& trace, trace::FieldType type, std::int64_t v);
// An event's own fields, those that are not its object's state (which the
// object's description shows): "lifo=true waited=1.2 ms".
std::string DescribeFields(const Trace& trace, const TraceEvent& e);
// Nanoseconds as "1.234 ms", "12.5 us", "40 ns".
std::string FormatDuration(std::int64_t ns);

}  // namespace synclab::instrument

namespace synclab::instrument::kinds {
template <typename K>
K* FoldContext::Other(Id obj) const {
  if (obj == 0 || obj > state.objects_.size()) return nullptr;
  return std::get_if<K>(&state.objects_[obj - 1].kind);
}
}  // namespace synclab::instrument::kinds
