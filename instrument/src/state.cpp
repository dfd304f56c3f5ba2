// state.cpp: the fold of events into goroutine and object state, its
// consistency checks, and the labels and descriptions built on it.
#include "synclab/instrument/state.h"

#include <algorithm>
#include <cstdio>
#include <type_traits>
#include <variant>


namespace synclab::instrument {
namespace {

using trace::EventKind;
using trace::FieldType;
using trace::ObjectKind;

// "G7". (Not "G" + std::to_string(g): GCC 12 warns falsely, -Wrestrict.)
std::string GName(std::int64_t g) {
  std::string out = "G";
  out += std::to_string(g);
  return out;
}

std::string Basename(const std::string& path) {
  std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

const std::int64_t* ObjectState::Field(std::string_view name) const {
  for (const auto& [n, v] : fields)
    if (n == name) return &v;
  return nullptr;
}

State::State(const Trace& trace)
    : trace_(&trace), goroutines_(trace.goroutines.size()), objects_(trace.objects.size()) {
  for (std::size_t i = 0; i < objects_.size(); i++) objects_[i].kind = InitialState(trace.objects[i].kind);
}

std::string State::Apply(const TraceEvent& e) {
  const Trace& t = *trace_;
  std::string where = "events[" + std::to_string(e.seq) + "]: ";
  if (e.seq != applied_) return where + "out of order (expected seq " + std::to_string(applied_) + ")";
  applied_++;
  time_ = e.t;
  const trace::EventInfo& info = trace::Info(e.kind);
  auto g_label = [&](Id g) { return GoroutineLabel(t, g); };

  if (e.g != 0) {
    GoroutineState& g = goroutines_[e.g - 1];
    switch (g.status) {
      case GStatus::kBlocked:
        return where + g_label(e.g) + " acts (" + std::string(info.name) +
               ") while blocked on " + ObjectLabel(t, g.wait_obj);
      case GStatus::kDone:
        return where + g_label(e.g) + " acts (" + std::string(info.name) + ") after it ended";
      case GStatus::kNotStarted:
      case GStatus::kRunnable:
        if (e.kind != EventKind::kGoStart && e.kind != EventKind::kGoRun) {
          g.status = GStatus::kRunning;  // natively nobody reports "got a CPU"
          g.since = e.t;
        }
        break;
      case GStatus::kSpinning:  // until its next event (a kind may say it spins again)
        g.status = GStatus::kRunning;
        g.since = e.t;
        break;
      default: break;
    }
    g.last_seq = std::int64_t(e.seq);
    if (e.site != 0) g.site = e.site;
  }
  auto set_status = [&](Id id, GStatus s) {
    goroutines_[id - 1].status = s;
    goroutines_[id - 1].since = e.t;
  };

  switch (e.kind) {
    case EventKind::kGoCreate: {
      Id child = Id(e.f[0]);
      if (goroutines_[child - 1].last_seq >= 0) {
        return where + "go.create of " + g_label(child) + ", which already exists";
      }
      break;
    }
    case EventKind::kGoStart:
    case EventKind::kGoRun: {
      GStatus s = goroutines_[e.g - 1].status;
      if (s != GStatus::kNotStarted && s != GStatus::kRunnable) {
        return where + g_label(e.g) + " gets a processor while " + std::string(Name(s));
      }
      set_status(e.g, GStatus::kRunning);
      break;
    }
    case EventKind::kGoPreempt:
    case EventKind::kGoYield: set_status(e.g, GStatus::kRunnable); break;
    case EventKind::kGoPark: {
      set_status(e.g, GStatus::kBlocked);
      goroutines_[e.g - 1].wait_obj = e.obj;
      goroutines_[e.g - 1].reason = trace::WaitReason(e.f[0]);
      break;
    }
    case EventKind::kGoReady: {
      Id target = Id(e.f[0]);
      if (goroutines_[target - 1].status != GStatus::kBlocked) {
        return where + "go.ready of " + g_label(target) + ", which is not blocked";
      }
      set_status(target, GStatus::kRunnable);
      goroutines_[target - 1].wait_obj = 0;
      goroutines_[target - 1].reason = trace::WaitReason::kNone;
      break;
    }
    case EventKind::kGoEnd: set_status(e.g, GStatus::kDone); break;
    default: break;
  }

  if (e.obj == 0 || info.object == ObjectKind::kGoroutine) return "";
  ObjectState& o = objects_[e.obj - 1];
  o.last_seq = std::int64_t(e.seq);
  for (std::size_t i = 0; i < info.field_count; i++) {
    std::string_view name = info.fields[i].name;
    auto it = std::find_if(o.fields.begin(), o.fields.end(),
                           [&](const auto& f) { return f.first == name; });
    if (it == o.fields.end()) {
      o.fields.emplace_back(name, e.f[i]);
    } else {
      it->second = e.f[i];
    }
  }
  // Validate has checked that the object is of the event's kind.
  kinds::FoldContext ctx{t, e, *this, o};
  return std::visit([&](auto& k) -> std::string {
    if constexpr (std::is_same_v<std::decay_t<decltype(k)>, kinds::EndOfList>) {
      return "";
    } else {
      return k.Apply(ctx);
    }
  }, o.kind);
}

std::size_t State::Weight() const {
  std::size_t w = goroutines_.size() + objects_.size();
  for (const ObjectState& o : objects_) {
    std::visit([&](const auto& k) {
      if constexpr (requires { k.Weight(); }) w += k.Weight();
    }, o.kind);
  }
  return w;
}

std::string CheckConsistency(const Trace& trace) {
  if (std::string err = Validate(trace); !err.empty()) return err;
  State s(trace);
  for (const TraceEvent& e : trace.events) {
    std::string err = s.Apply(e);
    if (!err.empty()) return err;
  }
  return "";
}

std::string GoroutineLabel(const Trace& trace, Id g) {
  if (g == 0) return "runtime";
  std::string label = GName(g);
  if (const GoroutineInfo* info = trace.goroutine(g); info != nullptr && !info->name.empty()) {
    label += " " + info->name;
  }
  return label;
}

std::string ObjectLabel(const Trace& trace, Id obj) {
  const ObjectInfo* info = trace.object(obj);
  if (info == nullptr) return "-";
  if (!info->name.empty()) return info->name;
  return std::string(trace::Name(info->kind)) + "#" + std::to_string(obj);
}

std::string SiteLabel(const Trace& trace, Id site) {
  const SiteInfo* s = trace.site(site);
  if (s == nullptr) return "";
  return Basename(s->file) + ":" + std::to_string(s->line);
}

std::string DescribeObject(const Trace& trace, Id obj, const ObjectState& s) {
  if (trace.object(obj) == nullptr) return "";
  kinds::ObjectView view{trace, obj, s};
  return std::visit([&](const auto& k) -> std::string {
    if constexpr (std::is_same_v<std::decay_t<decltype(k)>, kinds::EndOfList>) {
      return "";
    } else {
      return k.Describe(view);
    }
  }, s.kind);
}

std::string FormatField(const Trace& t, FieldType type, std::int64_t v) {
  switch (type) {
    case FieldType::kBool: return v ? "true" : "false";
    case FieldType::kG: return v == 0 ? "-" : GName(v);
    case FieldType::kObj: return v == 0 ? "-" : ObjectLabel(t, Id(v));
    case FieldType::kNs: return FormatDuration(v);
    case FieldType::kTime: return "t=" + FormatDuration(v);
    case FieldType::kReason: return std::string(trace::Name(trace::WaitReason(v)));
    case FieldType::kStr: return std::string(t.str(v));
    case FieldType::kPtr: return v == 0 ? "nil" : "p" + std::to_string(v);
    default: return std::to_string(v);
  }
}

namespace {
// Whether `field` is part of the state of objects of `kind` (not an operand).
bool IsStateField(ObjectKind kind, std::string_view field) {
  KindState probe = InitialState(kind);
  return std::visit([&](const auto& k) {
    using K = std::decay_t<decltype(k)>;
    if constexpr (std::is_same_v<K, kinds::EndOfList>) {
      return false;
    } else {
      for (std::string_view f : K::kStateFields)
        if (f == field) return true;
      return false;
    }
  }, probe);
}
}  // namespace

std::string DescribeFields(const Trace& trace, const TraceEvent& e) {
  const trace::EventInfo& info = trace::Info(e.kind);
  std::string out;
  for (std::size_t i = 0; i < info.field_count; i++) {
    const trace::FieldInfo& f = info.fields[i];
    if (IsStateField(info.object, f.name)) continue;  // shown decoded in the object's line
    if (!out.empty()) out += ' ';
    out += std::string(f.name) + "=" + FormatField(trace, f.type, e.f[i]);
  }
  return out;
}

std::string FormatDuration(std::int64_t ns) {
  char buf[32];
  const std::uint64_t a = ns < 0 ? 0 - std::uint64_t(ns) : std::uint64_t(ns);  // INT64_MIN too
  if (a < 1000) {
    std::snprintf(buf, sizeof buf, "%lld ns", static_cast<long long>(ns));
  } else if (a < 1000000) {
    std::snprintf(buf, sizeof buf, "%.3g us", double(ns) / 1e3);
  } else if (a < 1000000000) {
    std::snprintf(buf, sizeof buf, "%.4g ms", double(ns) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g s", double(ns) / 1e9);
  }
  return buf;
}

}  // namespace synclab::instrument
