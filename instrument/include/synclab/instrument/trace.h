// trace.h: a recorded run in memory, exactly what a trace file holds.
//
// Ids in a Trace are dense and 1-based: goroutines[i].id == i + 1, and the
// same for objects and sites; 0 means "none". Events are in seq order and
// seq == index. docs/trace-format.md describes the file; json.h reads and
// writes it; the Recorder (recorder.h) builds a Trace from a live run.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "synclab/rt/outcome.h"
#include "synclab/trace/event.h"

namespace synclab::instrument {

inline constexpr int kTraceVersion = 2;  // 2: the strings table, str and ptr fields
inline constexpr std::string_view kTraceFormat = "synclab-trace";

// How a run can be made: what the command line accepts, and what a reader
// accepts in a trace's meta. (The sim's strategies are sim::kStrategyNames.)
inline constexpr int kMinProcs = 1;
inline constexpr int kMaxProcs = 256;
inline constexpr std::string_view kRuntimeNames[] = {"sim", "native"};
// sim: a garbage collection every so many ms of virtual time (0: none).
inline constexpr std::int64_t kMaxGcEveryMs = 1'000'000;
inline constexpr std::int64_t kMaxGcEveryNs = kMaxGcEveryMs * 1'000'000;

using Id = std::uint32_t;  // a dense trace id; 0 = none

struct SiteInfo {
  std::string file;  // relative to the repository for synclab's own sources
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string function;
  friend bool operator==(const SiteInfo&, const SiteInfo&) = default;
};

struct GoroutineInfo {
  Id id = 0;
  Id parent = 0;  // the goroutine that started it; 0 for main
  std::string name;
  Id site = 0;  // where go() was called
  friend bool operator==(const GoroutineInfo&, const GoroutineInfo&) = default;
};

struct ObjectInfo {
  Id id = 0;
  trace::ObjectKind kind = trace::ObjectKind::kMutex;
  std::string name;  // the user's label; a sema is named after its owner
  Id parent = 0;     // the primitive a sema belongs to
  Id site = 0;       // where it was constructed
  friend bool operator==(const ObjectInfo&, const ObjectInfo&) = default;
};

struct TraceEvent {
  std::uint64_t seq = 0;
  std::int64_t t = 0;  // ns on the run's clock (virtual in sim)
  Id g = 0;            // 0: the runtime itself (a timer firing)
  Id obj = 0;
  trace::EventKind kind{};
  Id site = 0;
  std::array<std::int64_t, trace::kMaxFields> f{};  // g/obj fields hold trace ids
  friend bool operator==(const TraceEvent&, const TraceEvent&) = default;
};

struct Meta {
  std::string scenario;
  std::string runtime;  // "sim" or "native"
  std::uint64_t seed = 0;  // sim only
  std::string strategy;    // sim only: "random", "rr"
  int procs = 0;
  std::int64_t gc_every_ns = 0;  // sim only: sim::Options::gc_every_ns (0: none)
  friend bool operator==(const Meta&, const Meta&) = default;
};

struct BlockedInfo {
  Id g = 0;
  Id obj = 0;
  trace::WaitReason reason = trace::WaitReason::kNone;
  Id site = 0;
  friend bool operator==(const BlockedInfo&, const BlockedInfo&) = default;
};

struct Outcome {
  rt::Status status = rt::Status::kOk;
  std::string message;  // Go's line, e.g. "fatal error: sync: unlock of unlocked mutex"
  Id g = 0;             // the goroutine that failed
  std::optional<std::uint64_t> seq;  // the event that caused it (for "jump to")
  std::vector<BlockedInfo> blocked;  // deadlock: who waits on what; leak: who was left
  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// A string field's bytes are cut to this length when recorded.
inline constexpr std::size_t kMaxTraceString = 200;

struct Trace {
  Meta meta;
  std::vector<SiteInfo> sites;
  std::vector<std::string> strings;  // what str fields name: strings[id - 1]
  std::vector<GoroutineInfo> goroutines;
  std::vector<ObjectInfo> objects;
  std::vector<TraceEvent> events;
  std::vector<Id> schedule;  // sim: the goroutine chosen at each decision
  Outcome outcome;
  friend bool operator==(const Trace&, const Trace&) = default;

  const SiteInfo* site(Id id) const { return id > 0 && id <= sites.size() ? &sites[id - 1] : nullptr; }
  const GoroutineInfo* goroutine(Id id) const {
    return id > 0 && id <= goroutines.size() ? &goroutines[id - 1] : nullptr;
  }
  const ObjectInfo* object(Id id) const {
    return id > 0 && id <= objects.size() ? &objects[id - 1] : nullptr;
  }
  std::string_view str(std::int64_t id) const {
    return id > 0 && std::uint64_t(id) <= strings.size() ? std::string_view(strings[std::size_t(id - 1)])
                                                         : std::string_view();
  }
};

// Checks the invariants a reader relies on beyond the JSON shape: ids in
// range, seq == index, time never going back, fields of known events, a
// goroutine for every event but the runtime's go.ready and in every
// goroutine field. Returns the first problem as "events[12].g: no goroutine 9",
// or "".
std::string Validate(const Trace& trace);

// Where two traces first differ, in file order: "meta.seed", "sites[2]",
// "events[12]" (also the first event only one of them has), "outcome.message";
// "" if they are equal.
std::string FirstDifference(const Trace& a, const Trace& b);

}  // namespace synclab::instrument
