// event.h: the trace event catalogue (from events.def) and the Event record.
//
// This header has no dependencies beyond the standard library: core emits
// Events, instrument/ records and serialises them, the viewer folds them.
// Everything that needs to know an event's name, object kind or field names
// reads kEventInfo; nothing else spells them out.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <source_location>
#include <string_view>

namespace synclab {

// Raw ids as the runtimes hand them out (process-wide counters). The recorder
// renumbers them densely in order of first appearance, so traces diff across
// runs. 0 means "none".
using GoroutineId = std::uint64_t;
using ObjectId = std::uint64_t;

// Where in the user's code an operation was called.
using Site = std::source_location;

}  // namespace synclab

namespace synclab::trace {

// The kind of object an event concerns (kinds.def).
enum class ObjectKind : std::uint8_t {
#define SYNCLAB_KIND(e, name) k##e,
#include "synclab/trace/kinds.def"
#undef SYNCLAB_KIND
  kCount
};
inline constexpr std::string_view kObjectKindNames[] = {
#define SYNCLAB_KIND(e, name) name,
#include "synclab/trace/kinds.def"
#undef SYNCLAB_KIND
};
static_assert(std::size(kObjectKindNames) == std::size_t(ObjectKind::kCount));

// Why a goroutine is parked: Go's waitReason strings (runtime/runtime2.go).
enum class WaitReason : std::uint8_t {
  kNone,
  kSemacquire,
  kSyncMutexLock,
  kSyncWaitGroupWait,
  kSleep,
  kSyncRWMutexRLock,
  kSyncRWMutexLock,
  kSyncCondWait,
  kChanReceiveNilChan,
  kChanSendNilChan,
  kSelectNoCases,
  kSelect,
  kChanReceive,
  kChanSend,
  kCount
};
inline constexpr std::string_view kWaitReasonNames[] = {
    "",      "semacquire",         "sync.Mutex.Lock",   "sync.WaitGroup.Wait",
    "sleep", "sync.RWMutex.RLock", "sync.RWMutex.Lock",   "sync.Cond.Wait",
    "chan receive (nil chan)", "chan send (nil chan)", "select (no cases)", "select",
    "chan receive", "chan send"};
static_assert(std::size(kWaitReasonNames) == std::size_t(WaitReason::kCount));
// The same, in the words of the call that waits, for the viewer's lanes:
// "RLock rw", "Cond.Wait c" ("" where the object says it: "blocked on select").
inline constexpr std::string_view kWaitReasonWords[] = {
    "", "semacquire", "Lock", "Wait", "sleep", "RLock", "Lock", "Cond.Wait",
    "Recv nil chan", "Send nil chan", "select {}", "", "Recv", "Send"};
static_assert(std::size(kWaitReasonWords) == std::size_t(WaitReason::kCount));

// How a field's integer is to be read.
enum class FieldType : std::uint8_t {
  kInt,     // a plain integer
  kBool,    // 0 or 1, written as false/true
  kG,       // a goroutine id (renumbered by the recorder)
  kObj,     // an object id (renumbered by the recorder)
  kNs,      // a duration in nanoseconds
  kTime,    // an instant on the run's clock, in nanoseconds
  kReason,  // a WaitReason, written as its Go string
  kStr,     // a string (a Map key, a channel element): an id into the trace's strings
  kPtr,     // a pointer's identity, renumbered densely by the recorder (0 = nil)
  kCount
};
inline constexpr std::string_view kFieldTypeNames[] = {"int",  "bool",   "g",   "obj", "ns",
                                                       "time", "reason", "str", "ptr"};
static_assert(std::size(kFieldTypeNames) == std::size_t(FieldType::kCount));

inline constexpr std::size_t kMaxFields = 8;
// At most this many of an event's fields are strings.
inline constexpr std::size_t kMaxStrFields = 2;

struct FieldInfo {
  std::string_view name;
  FieldType type = FieldType::kInt;
};

struct EventInfo {
  std::string_view name;  // wire name, e.g. "mutex.lock.fast"
  ObjectKind object;
  std::size_t field_count;
  std::array<FieldInfo, kMaxFields> fields;
  std::size_t str_count = 0;  // how many of the fields are str fields
};

namespace detail {

constexpr std::optional<FieldType> ParseFieldType(std::string_view s) {
  for (std::size_t i = 0; i < std::size(kFieldTypeNames); ++i)
    if (kFieldTypeNames[i] == s) return FieldType(i);
  return std::nullopt;
}

// Parses "state sema lifo:bool" at compile time; a malformed spec is a
// compile error (a throw in a constant expression).
constexpr EventInfo MakeEventInfo(std::string_view name, ObjectKind object,
                                  std::string_view spec) {
  EventInfo info{name, object, 0, {}};
  std::size_t i = 0;
  while (i < spec.size()) {
    if (spec[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t end = spec.find(' ', i);
    if (end == std::string_view::npos) end = spec.size();
    std::string_view word = spec.substr(i, end - i);
    if (info.field_count == kMaxFields) throw "events.def: more than kMaxFields fields";
    FieldInfo f{word, FieldType::kInt};
    if (std::size_t colon = word.find(':'); colon != std::string_view::npos) {
      f.name = word.substr(0, colon);
      auto type = ParseFieldType(word.substr(colon + 1));
      if (!type) throw "events.def: unknown field type";
      f.type = *type;
    }
    info.fields[info.field_count++] = f;
    i = end;
  }
  for (std::size_t k = 0; k < info.field_count; k++) info.str_count += info.fields[k].type == FieldType::kStr;
  if (info.str_count > kMaxStrFields) throw "events.def: more than kMaxStrFields str fields";
  return info;
}

}  // namespace detail

enum class EventKind : std::uint16_t {
#define SYNCLAB_EVENT(e, name, obj, fields) k##e,
#include "synclab/trace/events.def"
#undef SYNCLAB_EVENT
  kCount
};

inline constexpr EventInfo kEventInfo[] = {
#define SYNCLAB_EVENT(e, name, obj, fields) \
  detail::MakeEventInfo(name, ObjectKind::k##obj, fields),
#include "synclab/trace/events.def"
#undef SYNCLAB_EVENT
};
static_assert(std::size(kEventInfo) == std::size_t(EventKind::kCount));

constexpr const EventInfo& Info(EventKind k) { return kEventInfo[std::size_t(k)]; }

// Looks an event up by wire name (linear; the reader caches the result).
constexpr std::optional<EventKind> EventKindByName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kEventInfo); ++i)
    if (kEventInfo[i].name == name) return EventKind(i);
  return std::nullopt;
}

constexpr std::optional<ObjectKind> ObjectKindByName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kObjectKindNames); ++i)
    if (kObjectKindNames[i] == name) return ObjectKind(i);
  return std::nullopt;
}

constexpr std::optional<WaitReason> WaitReasonByName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kWaitReasonNames); ++i)
    if (kWaitReasonNames[i] == name) return WaitReason(i);
  return std::nullopt;
}

constexpr std::string_view Name(ObjectKind k) { return kObjectKindNames[std::size_t(k)]; }
constexpr std::string_view Name(WaitReason r) { return kWaitReasonNames[std::size_t(r)]; }
constexpr std::string_view Words(WaitReason r) { return kWaitReasonWords[std::size_t(r)]; }
constexpr std::string_view Name(EventKind k) { return Info(k).name; }

// Index of a field of event kind k by name, or -1.
constexpr int FieldIndex(EventKind k, std::string_view field) {
  const EventInfo& info = Info(k);
  for (std::size_t i = 0; i < info.field_count; ++i)
    if (info.fields[i].name == field) return int(i);
  return -1;
}

// One event as core emits it. Ids are raw runtime ids; seq is assigned by the
// sink. f holds the fields named by kEventInfo[kind], unused ones are 0; a
// str field's f[i] is an index into str, whose views are valid only during
// Sink::OnEvent (a sink that keeps them copies them).
struct Event {
  std::uint64_t seq = 0;
  std::int64_t t_ns = 0;
  GoroutineId g = 0;
  ObjectId obj = 0;
  EventKind kind{};
  Site site{};
  // Aggregate initialization zeroes the fields it is not given; EmitAs
  // default-initializes an Event and writes each field itself (zeroing all
  // 8 first cost more than the rest of recording in sim).
  std::array<std::int64_t, kMaxFields> f;
  std::array<std::string_view, kMaxStrFields> str{};

  std::string_view Str(std::size_t field) const { return str[std::size_t(f[field]) % kMaxStrFields]; }
};

}  // namespace synclab::trace
