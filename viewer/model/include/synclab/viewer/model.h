// model.h: the viewer's replay model: a trace folded once, ready to step.
//
// Build() folds the whole trace (rejecting it if its events contradict each
// other) and keeps what the panels need, so drawing never replays:
//   - keyframes: a copy of the fold every kKeyframeInterval events (further
//     apart where the fold is large, so that keyframes cost at most a few
//     times the events' own memory), so the state at any step is one
//     keyframe plus a bounded number of events;
//   - per goroutine, the spans of its status (running, blocked on what, ...)
//     and of the Mutexes it held, with running totals so a zoomed-out lane
//     draws one block per pixel, not one per event (level of detail);
//   - the events of each goroutine, object and event kind, for "next event
//     of G3" and breakpoints;
//   - which fields each event changed, for the inspectors' highlights;
//   - the source text of the files the trace's sites name.
// No ImGui here: the panels read a Model, the app owns one.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synclab/instrument/state.h"
#include "synclab/instrument/trace.h"

namespace synclab::scenarios {
struct Scenario;
}

namespace synclab::viewer {

using instrument::GStatus;
using instrument::Id;
using instrument::Trace;
using instrument::TraceEvent;

inline constexpr std::size_t kKeyframeInterval = 256;
inline constexpr std::size_t kStatusCount = std::size_t(GStatus::kCount);

// The run after a prefix of its events: instrument's fold (every kind's
// state is in it, kinds.h).
struct Snapshot {
  explicit Snapshot(const Trace& trace) : state(trace) {}
  // Folds e in; returns "" or why e contradicts what came before.
  std::string Apply(const TraceEvent& e) { return state.Apply(e); }

  instrument::State state;
};

// A stretch of steps during which a goroutine's status did not change.
struct Span {
  std::uint32_t begin = 0;  // the event that started it
  std::uint32_t end = 0;    // the event that ended it; events.size() if none did
  GStatus status = GStatus::kNotStarted;
  trace::WaitReason reason = trace::WaitReason::kNone;  // when blocked
  Id obj = 0;                                           // when blocked: waits on this
};

// A stretch during which a goroutine held an object (a Mutex from Lock to
// Unlock, an RWMutex for reading or writing): whatever its kind's fold says
// it holds (instrument::HoldersOf).
struct Hold {
  std::uint32_t begin = 0;
  std::uint32_t end = 0;  // events.size() if still held at the end
  bool shared = false;    // held for reading, alongside others
};

// The two ways to lay a trace out horizontally: one slot per event, or the
// run's clock (where a spin of a few nanoseconds is invisible).
enum class Axis : std::uint8_t { kSteps, kTime };

// One rectangle of a lane at some zoom. `merged` blocks stand for several
// spans too narrow to draw apart; they take the status those spans spent
// most of the block in.
struct LaneBlock {
  double from = 0, to = 0;
  GStatus status = GStatus::kNotStarted;
  const Span* span = nullptr;  // nullptr when merged
};

struct HoldBlock {
  double from = 0, to = 0;
  Id obj = 0;
  bool merged = false;
  bool shared = false;  // (a merged block: the first of its holds)
};

// An object's lane: its kind's summary (instrument::SummaryOf) from the
// event `seq` on, until the next change.
struct ObjectChange {
  std::uint32_t seq = 0;
  instrument::kinds::Summary summary;
};

// One rectangle of an object's lane at some zoom. A merged block stands for
// several changes too narrow to draw apart: it shows the highest mode,
// count and other numbers among them (the ones to notice).
struct ObjectBlock {
  double from = 0, to = 0;
  instrument::kinds::Summary summary;
  std::uint32_t seq = 0;  // the change it starts with
  bool merged = false;
};

// Where the cursor stops while playing or continuing. An object breakpoint
// covers the object's parts too (a Mutex's sema).
struct Breakpoints {
  std::vector<trace::EventKind> kinds;
  std::vector<Id> goroutines;
  std::vector<Id> objects;
  bool empty() const { return kinds.empty() && goroutines.empty() && objects.empty(); }
  friend bool operator==(const Breakpoints&, const Breakpoints&) = default;
};

// What "next/previous event of ..." walks through.
enum class Scope : std::uint8_t { kGoroutine, kObject };

struct SourceFile {
  std::string path;  // as in the trace's sites
  std::vector<std::string> lines;
};

class Model {
 public:
  Model(Model&&) = default;
  Model& operator=(Model&&) = default;

  const Trace& trace() const { return *trace_; }
  // Every event of one kind, in order (the timeline's wake arrows).
  const std::vector<std::uint32_t>& EventsOfKind(trace::EventKind k) const { return kind_events_[std::size_t(k)]; }
  std::size_t size() const { return trace_->events.size(); }  // steps are 0 .. size()-1
  // The scenario the trace is a run of, if it is a built-in one.
  const scenarios::Scenario* scenario() const { return scenario_; }

  // The run after events 0..step (the step's own event included). Cached:
  // the reference stays valid until the next call with another step, and a
  // Model is not for concurrent use.
  const Snapshot& At(std::uint64_t step) const;

  // Fields of the event at seq whose value differs from the object's value
  // before it (or that it carries for the first time): bit i is field i.
  std::uint8_t Changed(std::uint64_t seq) const { return changed_[seq]; }

  // Where seq lies on the axis: its index, or its time.
  double Position(Axis axis, std::uint64_t seq) const;
  double Extent(Axis axis) const { return Position(axis, size()); }

  const std::vector<Span>& Spans(Id g) const { return lanes_[g - 1].spans; }
  // The spans of goroutine g that meet [from, to), merging runs of spans
  // narrower than min_width: at most about 2 * (to - from) / min_width blocks
  // plus one per wide span, however long the trace.
  void Blocks(Id g, Axis axis, double from, double to, double min_width,
              std::vector<LaneBlock>& out) const;
  void HoldBlocks(Id g, Axis axis, double from, double to, double min_width,
                  std::vector<HoldBlock>& out) const;
  // The hold of obj by g that covers step, if any.
  std::optional<Hold> HoldAt(Id g, Id obj, std::uint64_t step) const;

  // Object lanes. Changes(obj) is empty for kinds without a lane.
  const std::vector<ObjectChange>& Changes(Id obj) const { return changes_[obj - 1]; }
  bool HasLane(Id obj) const { return lane_kind_[obj - 1]; }
  void ObjectBlocks(Id obj, Axis axis, double from, double to, double min_width,
                    std::vector<ObjectBlock>& out) const;
  // The next (dir > 0) or previous (dir < 0) step after `step` at which
  // obj's mode changes (a Mutex enters or leaves starvation ...).
  std::optional<std::uint64_t> NextModeChange(Id obj, std::uint64_t step, int dir) const;
  // The lanes to show at first: the primitives (not their parts) whose kind
  // has a lane, at most kDefaultObjectLanes.
  std::vector<Id> DefaultObjectLanes() const;
  static constexpr std::size_t kDefaultObjectLanes = 3;

  // The events goroutine g performed, or that concern object obj.
  const std::vector<std::uint32_t>& EventsOf(Scope scope, Id id) const;
  // The objects that are parts of obj (a Mutex's sema).
  const std::vector<Id>& Parts(Id obj) const { return parts_[obj - 1]; }
  // The first part of obj of that kind (a Mutex's sema), or 0.
  Id Part(Id obj, trace::ObjectKind kind) const;
  // The event of the goroutine or object (with its parts) after (dir > 0) or
  // before (dir < 0) step.
  std::optional<std::uint64_t> Neighbour(Scope scope, Id id, std::uint64_t step, int dir) const;
  // The event on obj itself before seq (not on its parts).
  std::optional<std::uint64_t> PreviousOn(Id obj, std::uint64_t seq) const;

  bool Hits(const Breakpoints& b, std::uint64_t seq) const;
  // The first event after (dir > 0) or before (dir < 0) step that hits b.
  std::optional<std::uint64_t> NextHit(const Breakpoints& b, std::uint64_t step, int dir) const;

  const std::vector<SourceFile>& sources() const { return sources_; }
  // The source to show first: the scenario's own file, else the one most
  // events point into; -1 if no source is available.
  int main_source() const { return main_source_; }
  // The index in sources() of the file of site, or -1.
  int SourceOf(Id site) const { return site == 0 ? -1 : site_source_[site - 1]; }

 private:
  struct Lane {
    std::vector<Span> spans;
    // totals[k][s]: the extent spans [0, k) spent in status s, per axis.
    std::vector<std::array<std::int64_t, kStatusCount>> step_totals, time_totals;
    std::vector<std::pair<Id, std::vector<Hold>>> holds;  // per object it ever held
    std::vector<std::uint32_t> events;
  };

  explicit Model(Trace trace);
  friend Model Build(Trace trace);

  std::unique_ptr<const Trace> trace_;  // on the heap: snapshots point to it
  const scenarios::Scenario* scenario_ = nullptr;
  std::vector<Snapshot> keyframes_;          // keyframes_[k]: events [0, keyframe_at_[k]) folded
  std::vector<std::uint32_t> keyframe_at_;   // ascending, keyframe_at_[0] == 0
  std::vector<Lane> lanes_;
  std::vector<std::vector<std::uint32_t>> object_events_;
  std::vector<std::vector<std::uint32_t>> kind_events_;
  std::vector<std::vector<Id>> parts_;
  std::vector<std::vector<ObjectChange>> changes_;
  std::vector<bool> lane_kind_;  // per object: its kind has a lane
  std::vector<std::uint8_t> changed_;
  std::vector<SourceFile> sources_;
  std::vector<int> site_source_;
  int main_source_ = -1;

  struct Cache {
    std::uint64_t step = 0;
    std::optional<Snapshot> snapshot;
  };
  mutable std::unique_ptr<Cache> cache_ = std::make_unique<Cache>();
};

// The type of an object kind's field, as the event catalogue declares it.
trace::FieldType FieldTypeOf(trace::ObjectKind kind, std::string_view field);

// Folds the trace into a Model. Throws instrument::TraceFormatError with the
// first problem ("events[12]: G3 acts (...) while blocked on mu.sema") if the
// trace is malformed or its events contradict each other: a trace is shown
// right or not at all.
Model Build(Trace trace);

}  // namespace synclab::viewer
