// trace.cpp: the invariants of a Trace (see trace.h).
#include <algorithm>
#include <string>

#include "synclab/instrument/trace.h"

namespace synclab::instrument {
namespace {

using std::to_string;

std::string At(std::string_view table, std::size_t i, std::string_view field) {
  return std::string(table) + "[" + to_string(i) + "]." + std::string(field);
}

// "sema, mutex, waitgroup or var": the kinds an object can be.
static_assert(trace::ObjectKind::kGoroutine == trace::ObjectKind(0), "ObjectKinds skips it");
std::string ObjectKinds() {
  std::string s;
  for (std::size_t k = 1; k < std::size_t(trace::ObjectKind::kCount); k++)
    s.append(k == 1 ? "" : k + 1 == std::size_t(trace::ObjectKind::kCount) ? " or " : ", ").append(trace::kObjectKindNames[k]);
  return s;
}

// Who may make an event with g 0: only the runtime's timers act on their
// own, and all they do is ready a goroutine whose sleep is over.
// The events goroutine 0, the runtime itself, makes: a timer firing in the
// scheduler (rt/timer.h) readies goroutines, starts AfterFunc's goroutine,
// and sends on its channel without blocking.
constexpr bool RuntimeMakes(trace::EventKind k) {
  using trace::EventKind;
  switch (k) {
    case EventKind::kGoReady:
    case EventKind::kGoCreate:
    case EventKind::kTimerSend:
    case EventKind::kTimerFunc:
    case EventKind::kChanSendDirect:
    case EventKind::kChanSendBuffer:
    case EventKind::kChanSendFull:
    // A timer's send finds a select's record whose select another case has
    // claimed, and takes it off the queue (seen natively under TSan in
    // errgroup/first-error-cancels).
    case EventKind::kChanDequeueSkip: return true;
    default: return false;
  }
}

}  // namespace

std::string Validate(const Trace& t) {
  const std::size_t ng = t.goroutines.size(), no = t.objects.size(), ns = t.sites.size();
  for (std::size_t i = 0; i < ng; i++) {
    const GoroutineInfo& g = t.goroutines[i];
    if (g.id != i + 1) return At("goroutines", i, "id") + ": expected " + to_string(i + 1) + " (ids are 1, 2, ... in order), got " + to_string(g.id);
    if (g.parent > ng) return At("goroutines", i, "parent") + ": no goroutine " + to_string(g.parent);
    if (g.site > ns) return At("goroutines", i, "site") + ": no site " + to_string(g.site);
  }
  for (std::size_t i = 0; i < no; i++) {
    const ObjectInfo& o = t.objects[i];
    if (o.id != i + 1) return At("objects", i, "id") + ": expected " + to_string(i + 1) + " (ids are 1, 2, ... in order), got " + to_string(o.id);
    if (o.kind == trace::ObjectKind::kGoroutine || o.kind >= trace::ObjectKind::kCount) {
      const std::string kind = o.kind < trace::ObjectKind::kCount ? std::string(trace::Name(o.kind)) : to_string(int(o.kind));
      return At("objects", i, "kind") + ": " + kind + " is not an object kind (" + ObjectKinds() + ")";
    }
    if (o.parent > no) return At("objects", i, "parent") + ": no object " + to_string(o.parent);
    if (o.site > ns) return At("objects", i, "site") + ": no site " + to_string(o.site);
  }
  std::int64_t last_t = 0;
  for (std::size_t i = 0; i < t.events.size(); i++) {
    const TraceEvent& e = t.events[i];
    if (e.seq != i) return At("events", i, "seq") + ": expected " + to_string(i) + ", got " + to_string(e.seq);
    if (e.t < last_t) return At("events", i, "t") + ": time goes back from " + to_string(last_t) + " to " + to_string(e.t);
    last_t = e.t;
    if (e.kind >= trace::EventKind::kCount) return At("events", i, "ev") + ": " + to_string(int(e.kind)) + " is not an event";
    const trace::EventInfo& info = trace::Info(e.kind);
    if (e.g > ng) return At("events", i, "g") + ": no goroutine " + to_string(e.g);
    if (e.g == 0 && !RuntimeMakes(e.kind))
      return At("events", i, "g") + ": 0 (the runtime) cannot make a " + std::string(info.name);
    if (e.obj > no) return At("events", i, "obj") + ": no object " + to_string(e.obj);
    if (e.site > ns) return At("events", i, "site") + ": no site " + to_string(e.site);
    if (info.object != trace::ObjectKind::kGoroutine) {
      if (e.obj == 0) return At("events", i, "obj") + ": " + std::string(info.name) + " needs a " + std::string(trace::Name(info.object));
      const ObjectInfo& o = t.objects[e.obj - 1];
      if (o.kind != info.object)
        return At("events", i, "obj") + ": " + std::string(info.name) + " needs a " + std::string(trace::Name(info.object)) + ", object " + to_string(e.obj) + " is a " + std::string(trace::Name(o.kind));
    }
    for (std::size_t k = 0; k < info.field_count; k++) {
      std::int64_t v = e.f[k];
      auto where = [&] { return At("events", i, info.fields[k].name); };  // only on error
      switch (info.fields[k].type) {
        case trace::FieldType::kG:
          if (v <= 0 || std::uint64_t(v) > ng) return where() + ": no goroutine " + to_string(v);
          break;
        case trace::FieldType::kObj:
          if (v < 0 || std::uint64_t(v) > no) return where() + ": no object " + to_string(v);
          break;
        case trace::FieldType::kBool:
          if (v != 0 && v != 1) return where() + ": " + to_string(v) + " is not a bool";
          break;
        case trace::FieldType::kReason:
          if (v < 0 || v >= std::int64_t(trace::WaitReason::kCount)) return where() + ": " + to_string(v) + " is not a wait reason";
          break;
        case trace::FieldType::kStr:
          if (v <= 0 || std::uint64_t(v) > t.strings.size()) return where() + ": no string " + to_string(v);
          break;
        case trace::FieldType::kPtr:
          if (v < 0) return where() + ": " + to_string(v) + " is not a pointer's number";
          break;
        default: break;
      }
    }
    for (std::size_t k = info.field_count; k < trace::kMaxFields; k++)
      if (e.f[k] != 0) return At("events", i, "f") + ": value in an unused field";
  }
  if (t.meta.runtime == "native" && !t.schedule.empty())
    return "schedule: a native trace has no schedule, got " + to_string(t.schedule.size()) + " decisions";
  for (std::size_t i = 0; i < t.schedule.size(); i++) {
    if (t.schedule[i] == 0 || t.schedule[i] > ng) return "schedule[" + to_string(i) + "]: no goroutine " + to_string(t.schedule[i]);
  }
  const Outcome& out = t.outcome;
  if (out.status >= rt::Status::kCount) return "outcome.status: " + to_string(int(out.status)) + " is not a status";
  if (out.g > ng) return "outcome.g: no goroutine " + to_string(out.g);
  if (out.seq && *out.seq >= t.events.size()) return "outcome.seq: no event " + to_string(*out.seq);
  for (std::size_t i = 0; i < out.blocked.size(); i++) {
    const BlockedInfo& b = out.blocked[i];
    std::string where = "outcome.blocked[" + to_string(i) + "]";
    if (b.g == 0 || b.g > ng) return where + ".g: no goroutine " + to_string(b.g);
    if (b.obj > no) return where + ".obj: no object " + to_string(b.obj);
    if (b.reason >= trace::WaitReason::kCount) return where + ".reason: " + to_string(int(b.reason)) + " is not a wait reason";
    if (b.site > ns) return where + ".site: no site " + to_string(b.site);
  }
  return "";
}

namespace {

// "table[i]" for the first entry that differs or that only one table has.
template <class T>
std::string FirstIn(std::string_view table, const std::vector<T>& a, const std::vector<T>& b) {
  const auto [x, y] = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
  if (x == a.end() && y == b.end()) return "";
  return std::string(table) + "[" + to_string(x - a.begin()) + "]";
}

}  // namespace

std::string FirstDifference(const Trace& a, const Trace& b) {
  const Meta &ma = a.meta, &mb = b.meta;
  if (ma.scenario != mb.scenario) return "meta.scenario";
  if (ma.runtime != mb.runtime) return "meta.runtime";
  if (ma.seed != mb.seed) return "meta.seed";
  if (ma.strategy != mb.strategy) return "meta.strategy";
  if (ma.procs != mb.procs) return "meta.procs";
  if (ma.gc_every_ns != mb.gc_every_ns) return "meta.gc_every_ns";
  for (std::string where : {FirstIn("sites", a.sites, b.sites), FirstIn("goroutines", a.goroutines, b.goroutines),
                            FirstIn("objects", a.objects, b.objects), FirstIn("events", a.events, b.events),
                            FirstIn("schedule", a.schedule, b.schedule)}) {
    if (!where.empty()) return where;
  }
  const Outcome &oa = a.outcome, &ob = b.outcome;
  if (oa.status != ob.status) return "outcome.status";
  if (oa.message != ob.message) return "outcome.message";
  if (oa.g != ob.g) return "outcome.g";
  if (oa.seq != ob.seq) return "outcome.seq";
  return FirstIn("outcome.blocked", oa.blocked, ob.blocked);
}

}  // namespace synclab::instrument
