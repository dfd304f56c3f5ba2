// state.cpp: the fold of events into goroutine and object state, its
// consistency checks, and the labels and descriptions built on it.
#include "synclab/instrument/state.h"

#include <algorithm>
#include <cstdio>

#include "synclab/mutex.h"

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
    : trace_(&trace), goroutines_(trace.goroutines.size()), objects_(trace.objects.size()) {}

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
      case GStatus::kSpinning:
        if (e.kind != EventKind::kMutexSpin) {
          g.status = GStatus::kRunning;
          g.since = e.t;
        }
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
    case EventKind::kMutexSpin: goroutines_[e.g - 1].status = GStatus::kSpinning; break;
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

  auto take = [&]() -> std::string {
    if (o.holder != 0) {
      return where + g_label(e.g) + " locks " + ObjectLabel(t, e.obj) + " held by " +
             g_label(o.holder);
    }
    o.holder = e.g;
    return "";
  };
  switch (e.kind) {
    case EventKind::kMutexLockFast:
    case EventKind::kMutexLockAcquire:
    case EventKind::kMutexHandoff: return take();
    case EventKind::kMutexTryLock:
      if (e.f[2] != 0) return take();
      break;
    case EventKind::kMutexUnlockFast:
    case EventKind::kMutexUnlockSlow: o.holder = 0; break;
    case EventKind::kSemaEnqueue: {
      if (std::find(o.queue.begin(), o.queue.end(), e.g) != o.queue.end()) {
        return where + g_label(e.g) + " queues on " + ObjectLabel(t, e.obj) + " twice";
      }
      if (e.f[2] != 0) {
        o.queue.insert(o.queue.begin(), e.g);
      } else {
        o.queue.push_back(e.g);
      }
      break;
    }
    case EventKind::kSemaReleaseWake: {
      Id waiter = Id(e.f[2]);
      auto it = std::find(o.queue.begin(), o.queue.end(), waiter);
      if (it == o.queue.end()) {
        return where + "wakes " + g_label(waiter) + ", which is not queued on " +
               ObjectLabel(t, e.obj);
      }
      o.queue.erase(it);
      break;
    }
    default: break;
  }
  return "";
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
  const ObjectInfo* info = trace.object(obj);
  if (info == nullptr) return "";
  auto field = [&](std::string_view name) -> std::string {
    const std::int64_t* v = s.Field(name);
    return v == nullptr ? "?" : std::to_string(*v);
  };
  switch (info->kind) {
    case ObjectKind::kMutex: {
      const std::int64_t* word = s.Field("state");
      if (word == nullptr) return "";
      Mutex::State m = Mutex::Decode(std::int32_t(*word));
      std::string out = "locked=" + std::to_string(m.locked) + " woken=" + std::to_string(m.woken) +
                        " starving=" + std::to_string(m.starving) +
                        " waiters=" + std::to_string(m.waiters) + " sema=" + field("sema");
      if (s.holder != 0) out += " holder=" + GName(s.holder);
      return out;
    }
    case ObjectKind::kSema: {
      std::string out = "value=" + field("value") + " queue=[";
      for (std::size_t i = 0; i < s.queue.size(); i++) {
        if (i != 0) out += ' ';
        out += GName(s.queue[i]);
      }
      return out + "]";
    }
    case ObjectKind::kWaitGroup:
      return "counter=" + field("counter") + " waiters=" + field("waiters") + " sema=" + field("sema");
    case ObjectKind::kVar: return "value=" + field("value");
    default: {
      std::string out;
      for (const auto& [n, v] : s.fields) {
        if (!out.empty()) out += ' ';
        out.append(n).append("=").append(std::to_string(v));
      }
      return out;
    }
  }
}

std::string FormatField(const Trace& t, FieldType type, std::int64_t v) {
  switch (type) {
    case FieldType::kBool: return v ? "true" : "false";
    case FieldType::kG: return v == 0 ? "-" : GName(v);
    case FieldType::kObj: return v == 0 ? "-" : ObjectLabel(t, Id(v));
    case FieldType::kNs: return FormatDuration(v);
    case FieldType::kTime: return "t=" + FormatDuration(v);
    case FieldType::kReason: return std::string(trace::Name(trace::WaitReason(v)));
    default: return std::to_string(v);
  }
}

std::string DescribeFields(const Trace& trace, const TraceEvent& e) {
  const trace::EventInfo& info = trace::Info(e.kind);
  std::string out;
  for (std::size_t i = 0; i < info.field_count; i++) {
    const trace::FieldInfo& f = info.fields[i];
    // state and sema are shown decoded in the object column.
    if (info.object == ObjectKind::kMutex && (f.name == "state" || f.name == "sema")) continue;
    if (info.object == ObjectKind::kSema && (f.name == "value" || f.name == "waiters")) continue;
    if (info.object == ObjectKind::kWaitGroup &&
        (f.name == "counter" || f.name == "waiters" || f.name == "sema")) continue;
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
