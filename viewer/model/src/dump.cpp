// dump.cpp: DumpState, the one place the viewer model meets nlohmann/json.
#include "synclab/viewer/dump.h"

#include <nlohmann/json.hpp>

#include "synclab/mutex.h"

namespace synclab::viewer {

std::string DumpState(const Model& m, const Cursor& c, const std::vector<PaneDump>& layout) {
  using nlohmann::json;
  const Trace& t = m.trace();
  const Snapshot& s = m.At(c.step);

  json out;
  out["trace"] = {{"scenario", t.meta.scenario}, {"events", t.events.size()}};
  out["cursor"] = {{"step", c.step},           {"playing", c.playing},
                   {"speed", c.speed},         {"goroutine", c.goroutine},
                   {"object", c.object},
                   {"notice", c.notice == Notice::kNoLaterHit     ? "no later hit"
                              : c.notice == Notice::kNoEarlierHit ? "no earlier hit"
                                                                  : ""},
                   {"breakpoints", {{"kinds", json::array()},
                                                                {"goroutines", c.breakpoints.goroutines},
                                                                {"objects", c.breakpoints.objects}}}};
  for (trace::EventKind k : c.breakpoints.kinds) {
    out["cursor"]["breakpoints"]["kinds"].push_back(trace::Name(k));
  }
  out["time"] = s.state.time();
  out["event"] = nullptr;
  if (c.step < t.events.size()) {
    const TraceEvent& e = t.events[c.step];
    out["event"] = {{"seq", e.seq}, {"t", e.t},   {"g", e.g},
                    {"obj", e.obj}, {"ev", trace::Name(e.kind)}, {"site", e.site}};
  }

  json& gs = out["goroutines"] = json::array();
  for (Id g = 1; g <= t.goroutines.size(); ++g) {
    const instrument::GoroutineState& st = s.state.goroutine(g);
    json j = {{"id", g},
              {"name", t.goroutine(g)->name},
              {"status", instrument::Name(st.status)},
              {"wait_obj", st.wait_obj},
              {"reason", trace::Name(st.reason)},
              {"site", st.site},
              {"file", nullptr},
              {"line", nullptr}};
    if (const instrument::SiteInfo* site = t.site(st.site)) {
      j["file"] = site->file;
      j["line"] = site->line;
    }
    gs.push_back(std::move(j));
  }

  json& os = out["objects"] = json::array();
  for (Id id = 1; id <= t.objects.size(); ++id) {
    const instrument::ObjectInfo& info = *t.object(id);
    const instrument::ObjectState& st = s.state.object(id);
    json fields = json::object();
    for (const auto& [name, value] : st.fields) fields[std::string(name)] = value;
    json j = {{"id", id},
              {"kind", trace::Name(info.kind)},
              {"name", info.name},
              {"parent", info.parent},
              {"fields", fields},
              {"last_seq", st.last_seq}};
    if (const auto* sema = st.As<instrument::kinds::SemaState>()) j["queue"] = sema->queue;
    if (const auto* mutex = st.As<instrument::kinds::MutexState>()) {
      const std::int64_t* word = st.Field("state");
      const Mutex::State d = Mutex::Decode(word ? std::int32_t(*word) : 0);
      json waiting = json::array();
      for (const instrument::kinds::MutexWaiter& w : mutex->waiters) {
        waiting.push_back({{"g", w.g}, {"since", w.since}, {"waited_ns", s.state.time() - w.since}});
      }
      Id sema = m.Part(id, trace::ObjectKind::kSema);
      const auto* queue = sema != 0 ? s.state.object(sema).As<instrument::kinds::SemaState>() : nullptr;
      j["mutex"] = {{"state", word ? *word : 0},
                    {"locked", d.locked},
                    {"woken", d.woken},
                    {"starving", d.starving},
                    {"waiters", d.waiters},
                    {"holder", mutex->holder},
                    {"queue", queue != nullptr ? queue->queue : std::vector<Id>{}},
                    {"waiting", waiting}};
    }
    os.push_back(std::move(j));
  }
  if (!layout.empty()) {
    json& panes = out["layout"] = json::array();
    for (const PaneDump& p : layout) {
      panes.push_back({{"name", p.name}, {"x", p.x}, {"y", p.y}, {"w", p.w}, {"h", p.h},
                       {"needs", {{"w", p.need_w}, {"h", p.need_h}}}});
    }
  }
  return out.dump(2) + "\n";
}

}  // namespace synclab::viewer
