// chrome.cpp: the Chrome Trace Event Format export (chrome.h).
//
// One pass of the instrument fold (State) over the events: after each
// event, the statuses of the goroutines it touched and the holders of the
// object it changed are compared with what was open, as the viewer's model
// does, and the spans that ended are written. Each record is a compact JSON
// line kept with its time; the lines are then ordered by time.
#include "synclab/instrument/chrome.h"

#include <algorithm>
#include <optional>
#include <ostream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "synclab/instrument/holds.h"
#include "synclab/instrument/json.h"
#include "synclab/instrument/state.h"

namespace synclab::instrument {
namespace {

// ordered_json keeps keys in the order written: name and ph first, as people
// read them.
using Json = nlohmann::ordered_json;

constexpr int kPid = 1;

// The format's microseconds; fractional, so no nanosecond is lost.
double Us(std::int64_t ns) { return double(ns) / 1000.0; }

// A trace's text (names, strings) may hold invalid UTF-8; it is written
// with U+FFFD in its place, as the trace writer does.
std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Enum names, or the number when a value has none (the writer of a trace
// never rejects one either).
template <typename E, std::size_t N>
Json EnumName(E v, const std::string_view (&names)[N]) {
  const std::size_t i = std::size_t(v);
  if (i < N) return std::string(names[i]);
  return i;
}

std::string SpanName(GStatus s) { return s == GStatus::kBlocked ? "waiting" : std::string(Name(s)); }

// "scenarios/mutex/starvation.cpp:30": the whole path, which the viewer's
// source panel and an editor find (SiteLabel keeps only the basename).
std::string SiteText(const Trace& t, Id site) {
  const SiteInfo* s = t.site(site);
  return s == nullptr ? "" : s->file + ":" + std::to_string(s->line);
}

Json FieldValue(const Trace& t, trace::FieldType type, std::int64_t v) {
  switch (type) {
    case trace::FieldType::kBool: return v != 0;
    case trace::FieldType::kG: return GoroutineLabel(t, Id(v));
    case trace::FieldType::kObj: return v == 0 ? std::string("-") : ObjectLabel(t, Id(v));
    case trace::FieldType::kReason: return EnumName(trace::WaitReason(v), trace::kWaitReasonNames);
    case trace::FieldType::kStr: return std::string(t.str(v));
    default: return v;  // int, ns, time, ptr: the number itself
  }
}

class Exporter {
 public:
  explicit Exporter(const Trace& t) : t_(t), state_(t), lanes_(t.goroutines.size()), holds_(t.objects.size()) {}

  std::string Run() {
    for (const TraceEvent& e : t_.events) Step(e);
    const std::int64_t end = t_.events.empty() ? 0 : t_.events.back().t;
    for (Id g = 1; g <= lanes_.size(); ++g) CloseSpan(g, end);
    for (Id obj = 1; obj <= holds_.size(); ++obj) {
      for (const OpenHold& h : holds_[obj - 1]) EndHold(obj, h, end);
    }
    return Finish();
  }

 private:
  struct Lane {
    bool open = false;  // a status span is open
    GStatus status = GStatus::kNotStarted;
    trace::WaitReason reason = trace::WaitReason::kNone;
    Id wait_obj = 0;
    std::int64_t begin = 0;
    // The go.ready that woke it, until its next running span: the flow's
    // start (readier, time), written only once the end is known.
    std::optional<std::pair<Id, std::int64_t>> woken_by;
  };
  struct OpenHold {
    kinds::Holder holder;
    std::uint64_t id;
  };
  struct Line {
    std::int64_t t;
    std::string json;
  };

  void Emit(std::int64_t t, const Json& j) { lines_.push_back({t, Dump(j)}); }

  Json Record(std::string_view name, std::string_view cat, std::string_view ph, std::int64_t t, Id tid) {
    return Json{{"name", std::string(name)}, {"cat", std::string(cat)}, {"ph", std::string(ph)},
                {"ts", Us(t)}, {"pid", kPid}, {"tid", tid}};
  }

  void Step(const TraceEvent& e) {
    // Nothing is written before the whole trace has folded without a
    // contradiction: a trace is shown right or not at all.
    if (std::string err = state_.Apply(e); !err.empty()) throw TraceFormatError(err);
    if (e.g == 0) runtime_used_ = true;
    Instant(e);
    if (e.g != 0) Status(e.g, e.t);
    if (e.kind == trace::EventKind::kGoReady) {
      const Id target = Id(e.f[0]);
      lanes_[target - 1].woken_by = std::pair{e.g, e.t};
      Status(target, e.t);
    }
    if (e.obj != 0 && trace::Info(e.kind).object != trace::ObjectKind::kGoroutine) Holds(e.obj, e.t);
  }

  void Instant(const TraceEvent& e) {
    const trace::EventInfo& info = trace::Info(e.kind);
    Json args = Json::object();
    for (std::size_t i = 0; i < info.field_count; ++i) {
      args[std::string(info.fields[i].name)] = FieldValue(t_, info.fields[i].type, e.f[i]);
    }
    // No catalogue field has these names (a test checks it).
    if (e.obj != 0) args["object"] = ObjectLabel(t_, e.obj);
    if (e.site != 0) args["site"] = SiteText(t_, e.site);
    args["seq"] = e.seq;
    Json j = Record(info.name, "event", "i", e.t, e.g);
    j["s"] = "t";
    j["args"] = std::move(args);
    Emit(e.t, j);
  }

  void CloseSpan(Id g, std::int64_t t) {
    Lane& l = lanes_[g - 1];
    if (!l.open) return;
    l.open = false;
    Json j = Record(SpanName(l.status), "status", "X", l.begin, g);
    j["dur"] = Us(t - l.begin);
    if (l.status == GStatus::kBlocked) {
      Json args{{"reason", EnumName(l.reason, trace::kWaitReasonNames)}};
      if (l.wait_obj != 0) args["object"] = ObjectLabel(t_, l.wait_obj);  // a sleep waits on none
      j["args"] = std::move(args);
    }
    Emit(l.begin, j);
  }

  // Ends g's status span and opens the next if the fold's status of g changed.
  void Status(Id g, std::int64_t t) {
    const GoroutineState& gs = state_.goroutine(g);
    Lane& l = lanes_[g - 1];
    if (l.open && l.status == gs.status && l.reason == gs.reason && l.wait_obj == gs.wait_obj) return;
    CloseSpan(g, t);
    // Nothing to draw before it starts or after it ends.
    if (gs.status == GStatus::kNotStarted || gs.status == GStatus::kDone) return;
    l = {true, gs.status, gs.reason, gs.wait_obj, t, l.woken_by};
    if (gs.status == GStatus::kRunning && l.woken_by) {
      // The arrow ends in the span that encloses the "f" ("bp":"e"): this one.
      const std::uint64_t id = ++flows_;
      Json s = Record("ready", "flow", "s", l.woken_by->second, l.woken_by->first);
      s["id"] = id;
      Emit(l.woken_by->second, s);
      Json f = Record("ready", "flow", "f", t, g);
      f["bp"] = "e";
      f["id"] = id;
      Emit(t, f);
      l.woken_by.reset();
    }
  }

  std::string HoldName(Id obj, const kinds::Holder& h) const {
    return "holds " + ObjectLabel(t_, obj) + (h.mode == kinds::HoldMode::kShared ? " (read)" : "");
  }

  Json HoldRecord(Id obj, const OpenHold& h, std::string_view ph, std::int64_t t) const {
    return Json{{"name", HoldName(obj, h.holder)}, {"cat", "lock"}, {"ph", std::string(ph)},
                {"ts", Us(t)}, {"pid", kPid}, {"tid", h.holder.g}, {"id", h.id}};
  }

  void EndHold(Id obj, const OpenHold& h, std::int64_t t) { Emit(t, HoldRecord(obj, h, "e", t)); }

  // Ends the holds of obj that its fold no longer has and begins the new ones.
  void Holds(Id obj, std::int64_t t) {
    const kinds::HolderList now = HoldersOf(state_.object(obj));
    std::vector<OpenHold>& open = holds_[obj - 1];
    UpdateHolds(
        now, open, [&](const OpenHold& h) { EndHold(obj, h, t); },
        [&](const kinds::Holder& h) {
          open.push_back({h, ++hold_ids_});
          Json b = HoldRecord(obj, open.back(), "b", t);
          b["args"] = Json{{"object", ObjectLabel(t_, obj)}};
          Emit(t, b);
        });
  }

  std::string Finish() {
    std::vector<std::string> meta;
    auto name = [&](std::string_view what, Id tid, const std::string& label) {
      meta.push_back(Dump(Json{{"name", std::string(what)}, {"ph", "M"}, {"pid", kPid}, {"tid", tid},
                               {"args", Json{{"name", label}}}}));
    };
    name("process_name", 0, t_.meta.scenario.empty() ? "synclab" : t_.meta.scenario);
    if (runtime_used_) name("thread_name", 0, GoroutineLabel(t_, 0));
    for (const GoroutineInfo& g : t_.goroutines) name("thread_name", g.id, GoroutineLabel(t_, g.id));

    // Stable: equal times keep the trace's order (a flow's start before its end).
    std::stable_sort(lines_.begin(), lines_.end(), [](const Line& a, const Line& b) { return a.t < b.t; });

    Json other{{"scenario", t_.meta.scenario}, {"runtime", t_.meta.runtime}};
    if (t_.meta.runtime == "sim") {
      other["seed"] = t_.meta.seed;
      other["strategy"] = t_.meta.strategy;
    }
    other["procs"] = t_.meta.procs;
    other["events"] = t_.events.size();
    other["outcome"] = EnumName(t_.outcome.status, rt::kStatusNames);
    other["message"] = t_.outcome.message;

    std::string out = "{\"traceEvents\":[\n";
    bool first = true;
    auto add = [&](const std::string& line) {
      if (!first) out += ",\n";
      first = false;
      out += line;
    };
    for (const std::string& m : meta) add(m);
    for (const Line& l : lines_) add(l.json);
    out += "\n],\n\"displayTimeUnit\":\"ns\",\n\"otherData\":" + Dump(other) + "}\n";
    return out;
  }

  const Trace& t_;
  State state_;
  std::vector<Lane> lanes_;                  // per goroutine
  std::vector<std::vector<OpenHold>> holds_;  // per object: who holds it now
  std::vector<Line> lines_;
  std::uint64_t flows_ = 0, hold_ids_ = 0;
  bool runtime_used_ = false;  // some event has g 0: the runtime gets a track
};

}  // namespace

std::string ToChrome(const Trace& trace) {
  // The fold indexes by the trace's ids: Validate first (state.h).
  if (std::string err = Validate(trace); !err.empty()) throw TraceFormatError(err);
  return Exporter(trace).Run();
}

void WriteChrome(const Trace& trace, std::ostream& out) {
  const std::string text = ToChrome(trace);
  out.write(text.data(), std::streamsize(text.size()));
}

}  // namespace synclab::instrument
