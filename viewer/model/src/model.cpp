// model.cpp: building the replay model and answering the panels' questions.
#include "synclab/viewer/model.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "synclab/instrument/holds.h"
#include "synclab/instrument/json.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::viewer {
namespace {

using instrument::TraceFormatError;
using trace::EventKind;

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    lines.emplace_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

// The text of a site's file: embedded for the built-in scenarios, else read
// from disk if it is there (a trace of the user's own program).
std::optional<std::string> LoadSource(const std::string& path) {
  if (std::string_view text = scenarios::EmbeddedSource(path); !text.empty()) {
    return std::string(text);
  }
  constexpr std::uintmax_t kMaxBytes = 4 << 20;  // a source file, not anything else
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec) ||
      std::filesystem::file_size(path, ec) > kMaxBytes || ec) {
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in) return std::nullopt;
  return text.str();
}

// The first of the sorted seqs after (dir > 0) or before (dir < 0) step.
std::optional<std::uint64_t> Adjacent(const std::vector<std::uint32_t>& seqs, std::uint64_t step,
                                      int dir) {
  if (dir > 0) {
    auto it = std::upper_bound(seqs.begin(), seqs.end(), step);
    if (it == seqs.end()) return std::nullopt;
    return *it;
  }
  auto it = std::lower_bound(seqs.begin(), seqs.end(), step);
  if (it == seqs.begin()) return std::nullopt;
  return *(it - 1);
}

// The nearer of two candidates in direction dir.
std::optional<std::uint64_t> Nearer(std::optional<std::uint64_t> a, std::optional<std::uint64_t> b,
                                    int dir) {
  if (!a) return b;
  if (!b) return a;
  return dir > 0 ? std::min(*a, *b) : std::max(*a, *b);
}

bool Contains(const std::vector<Id>& v, Id id) {
  return std::find(v.begin(), v.end(), id) != v.end();
}

}  // namespace

trace::FieldType FieldTypeOf(trace::ObjectKind kind, std::string_view field) {
  for (const trace::EventInfo& info : trace::kEventInfo) {
    if (info.object != kind) continue;
    for (std::size_t i = 0; i < info.field_count; ++i)
      if (info.fields[i].name == field) return info.fields[i].type;
  }
  return trace::FieldType::kInt;
}

Model::Model(Trace trace)
    : trace_(std::make_unique<const Trace>(std::move(trace))),
      lanes_(trace_->goroutines.size()),
      object_events_(trace_->objects.size()),
      kind_events_(std::size_t(EventKind::kCount)),
      parts_(trace_->objects.size()),
      changes_(trace_->objects.size()),
      lane_kind_(trace_->objects.size()) {}

Model Build(Trace trace) {
  if (std::string err = instrument::Validate(trace); !err.empty()) throw TraceFormatError(err);
  if (trace.events.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw TraceFormatError("events: more than 4294967294 events");
  }
  Model m(std::move(trace));
  const Trace& t = *m.trace_;
  const std::uint32_t n = std::uint32_t(t.events.size());
  m.scenario_ = scenarios::Find(t.meta.scenario);
  for (const instrument::ObjectInfo& o : t.objects) {
    if (o.parent != 0) m.parts_[o.parent - 1].push_back(o.id);
    m.lane_kind_[o.id - 1] = instrument::SummaryOf({{}, -1, instrument::InitialState(o.kind)}).has_value();
  }

  // One fold over the events builds everything else.
  Snapshot s(t);
  m.keyframes_.reserve(n / kKeyframeInterval + 1);
  // A keyframe every kKeyframeInterval events, or every weight / 4 events
  // where the fold holds more than that (a Map's entries, a Pool's items):
  // keyframes then hold at most about four units of state per event.
  std::uint32_t next_keyframe = 0;
  auto keyframe = [&](std::uint32_t seq) {
    m.keyframes_.push_back(s);
    m.keyframe_at_.push_back(seq);
    next_keyframe = seq + std::uint32_t(std::max<std::size_t>(kKeyframeInterval, s.state.Weight() / 4));
  };
  m.changed_.resize(n);
  // Holds still open, per object: who holds it since when.
  struct Open {
    instrument::kinds::Holder holder;
    std::uint32_t begin;
  };
  std::vector<std::vector<Open>> open_holds(t.objects.size());
  auto add_hold = [&](Id obj, const Open& h, std::uint32_t end) {
    auto& lists = m.lanes_[h.holder.g - 1].holds;
    auto it = std::find_if(lists.begin(), lists.end(), [&](const auto& l) { return l.first == obj; });
    if (it == lists.end()) it = lists.insert(lists.end(), {obj, {}});
    it->second.push_back({h.begin, end, h.holder.mode == instrument::kinds::HoldMode::kShared});
  };
  // Closes the holds of obj that ended at seq and opens those that began.
  auto update_holds = [&](Id obj, std::uint32_t seq) {
    instrument::kinds::HolderList now = instrument::HoldersOf(s.state.object(obj));
    std::vector<Open>& open = open_holds[obj - 1];
    instrument::UpdateHolds(
        now, open, [&](const Open& o) { add_hold(obj, o, seq); },
        [&](const instrument::kinds::Holder& h) { open.push_back({h, seq}); });
  };
  auto open_span = [&](Id g, std::uint32_t seq) {
    const instrument::GoroutineState& gs = s.state.goroutine(g);
    std::vector<Span>& spans = m.lanes_[g - 1].spans;
    if (spans.empty() && gs.status == GStatus::kNotStarted) return;
    if (!spans.empty()) {
      const Span& last = spans.back();
      if (last.status == gs.status && last.obj == gs.wait_obj && last.reason == gs.reason) return;
      spans.back().end = seq;
    }
    spans.push_back({seq, n, gs.status, gs.reason, gs.wait_obj});
  };
  for (std::uint32_t seq = 0; seq < n; ++seq) {
    const TraceEvent& e = t.events[seq];
    if (seq == next_keyframe) keyframe(seq);

    const trace::EventInfo& info = trace::Info(e.kind);
    if (e.obj != 0 && info.object != trace::ObjectKind::kGoroutine) {
      const instrument::ObjectState& before = s.state.object(e.obj);
      std::uint8_t mask = 0;
      for (std::size_t i = 0; i < info.field_count; ++i) {
        const std::int64_t* old = before.Field(info.fields[i].name);
        if (old == nullptr || *old != e.f[i]) mask |= std::uint8_t(1u << i);
      }
      m.changed_[seq] = mask;
    }
    if (std::string err = s.Apply(e); !err.empty()) throw TraceFormatError(err);

    if (e.g != 0) {
      open_span(e.g, seq);
      m.lanes_[e.g - 1].events.push_back(seq);
    }
    if (e.kind == EventKind::kGoReady) open_span(Id(e.f[0]), seq);
    if (e.obj != 0) m.object_events_[e.obj - 1].push_back(seq);
    m.kind_events_[std::size_t(e.kind)].push_back(seq);

    if (e.obj != 0 && info.object != trace::ObjectKind::kGoroutine) {
      update_holds(e.obj, seq);
      if (std::optional<instrument::kinds::Summary> now = instrument::SummaryOf(s.state.object(e.obj))) {
        std::vector<ObjectChange>& changes = m.changes_[e.obj - 1];
        if (changes.empty() || !(changes.back().summary == *now)) changes.push_back({seq, *now});
      }
    }
  }
  if (n == next_keyframe) keyframe(n);  // At() may start from any applied <= n
  // Objects still held at the end.
  for (Id obj = 1; obj <= t.objects.size(); ++obj) {
    for (const Open& h : open_holds[obj - 1]) add_hold(obj, h, n);
  }

  for (Model::Lane& lane : m.lanes_) {
    lane.step_totals.assign(lane.spans.size() + 1, {});
    lane.time_totals.assign(lane.spans.size() + 1, {});
    for (std::size_t k = 0; k < lane.spans.size(); ++k) {
      const Span& sp = lane.spans[k];
      lane.step_totals[k + 1] = lane.step_totals[k];
      lane.time_totals[k + 1] = lane.time_totals[k];
      lane.step_totals[k + 1][std::size_t(sp.status)] += sp.end - sp.begin;
      lane.time_totals[k + 1][std::size_t(sp.status)] +=
          std::int64_t(m.Position(Axis::kTime, sp.end) - m.Position(Axis::kTime, sp.begin));
    }
  }

  // Sources: every file a site names that we can find, in order of first use.
  std::map<std::string, int> source_index;
  m.site_source_.assign(t.sites.size(), -1);
  for (std::size_t i = 0; i < t.sites.size(); ++i) {
    const std::string& path = t.sites[i].file;
    auto [it, fresh] = source_index.emplace(path, -1);
    if (fresh) {
      if (std::optional<std::string> text = LoadSource(path)) {
        it->second = int(m.sources_.size());
        m.sources_.push_back({path, SplitLines(*text)});
      }
    }
    m.site_source_[i] = it->second;
  }
  if (m.scenario_ != nullptr) {
    if (auto it = source_index.find(std::string(m.scenario_->source_file)); it != source_index.end()) {
      m.main_source_ = it->second;
    }
  }
  if (m.main_source_ < 0 && !m.sources_.empty()) {
    std::vector<std::size_t> uses(m.sources_.size());
    for (const TraceEvent& e : t.events) {
      if (int src = m.SourceOf(e.site); src >= 0) uses[std::size_t(src)]++;
    }
    m.main_source_ = int(std::max_element(uses.begin(), uses.end()) - uses.begin());
  }
  return m;
}

const Snapshot& Model::At(std::uint64_t step) const {
  Cache& c = *cache_;
  if (c.snapshot && c.step == step) return *c.snapshot;
  const std::uint64_t applied = std::min<std::uint64_t>(step + 1, size());  // events to fold
  // Continue from the cached snapshot when it is on the way, else from the
  // nearest keyframe before.
  const std::size_t k = std::size_t(std::upper_bound(keyframe_at_.begin(), keyframe_at_.end(), applied) -
                                    keyframe_at_.begin()) - 1;
  const std::uint64_t key = keyframe_at_[k];
  if (!c.snapshot || c.snapshot->state.applied() > applied || c.snapshot->state.applied() < key) {
    c.snapshot = keyframes_[k];
  }
  for (std::uint64_t seq = c.snapshot->state.applied(); seq < applied; ++seq) {
    c.snapshot->Apply(trace_->events[seq]);  // consistent: Build folded it already
  }
  c.step = step;
  return *c.snapshot;
}

double Model::Position(Axis axis, std::uint64_t seq) const {
  if (axis == Axis::kSteps) return double(seq);
  const auto& events = trace_->events;
  if (events.empty()) return 0;
  return double(events[std::min<std::uint64_t>(seq, events.size() - 1)].t);
}

void Model::Blocks(Id g, Axis axis, double from, double to, double min_width,
                   std::vector<LaneBlock>& out) const {
  out.clear();
  const Lane& lane = lanes_[g - 1];
  const std::vector<Span>& spans = lane.spans;
  const auto& totals = axis == Axis::kSteps ? lane.step_totals : lane.time_totals;
  auto begin = [&](std::size_t k) { return Position(axis, spans[k].begin); };
  auto end = [&](std::size_t k) { return Position(axis, spans[k].end); };
  // Span ends grow with k on both axes, so the first visible one is found by
  // bisection, and so is the end of a run of narrow spans.
  std::size_t k = std::size_t(
      std::partition_point(spans.begin(), spans.end(),
                           [&](const Span& sp) { return Position(axis, sp.end) <= from; }) -
      spans.begin());
  while (k < spans.size() && begin(k) < to) {
    const double b = begin(k);
    if (end(k) - b >= min_width) {
      out.push_back({b, end(k), spans[k].status, &spans[k]});
      ++k;
      continue;
    }
    // Spans that start within the next min_width go into one block, except a
    // last one that reaches past it: that one is wide and drawn on its own.
    std::size_t j = std::size_t(
        std::partition_point(spans.begin() + std::ptrdiff_t(k), spans.end(),
                             [&](const Span& sp) { return Position(axis, sp.begin) < b + min_width; }) -
        spans.begin());
    j = std::max(j, k + 1);  // span k at least: b + min_width == b where times outgrow a double
    if (j - 1 > k && end(j - 1) > b + min_width) --j;
    std::size_t best = 0;
    for (std::size_t s = 1; s < kStatusCount; ++s) {
      if (totals[j][s] - totals[k][s] > totals[j][best] - totals[k][best]) best = s;
    }
    const double to_merged = std::max(end(j - 1), b + min_width);
    if (!out.empty() && out.back().span == nullptr && out.back().status == GStatus(best) &&
        out.back().to >= b) {
      out.back().to = to_merged;  // one block for a run of pixels alike
    } else {
      out.push_back({b, to_merged, GStatus(best), nullptr});
    }
    k = j;
  }
}

void Model::HoldBlocks(Id g, Axis axis, double from, double to, double min_width,
                       std::vector<HoldBlock>& out) const {
  out.clear();
  // The holds of one object by one goroutine never overlap, so each list is
  // sorted by both ends and the same bisection as Blocks applies.
  for (const auto& [obj, holds] : lanes_[g - 1].holds) {
    auto begin = [&](std::size_t k) { return Position(axis, holds[k].begin); };
    auto end = [&](std::size_t k) { return Position(axis, holds[k].end); };
    std::size_t k = std::size_t(
        std::partition_point(holds.begin(), holds.end(),
                             [&](const Hold& h) { return Position(axis, h.end) <= from; }) -
        holds.begin());
    while (k < holds.size() && begin(k) < to) {
      const double b = begin(k);
      if (end(k) - b >= min_width) {
        out.push_back({b, end(k), obj, false, holds[k].shared});
        ++k;
        continue;
      }
      std::size_t j = std::size_t(
          std::partition_point(holds.begin() + std::ptrdiff_t(k), holds.end(),
                               [&](const Hold& h) { return Position(axis, h.begin) < b + min_width; }) -
          holds.begin());
      j = std::max(j, k + 1);  // as in Blocks
      if (j - 1 > k && end(j - 1) > b + min_width) --j;
      const double to_merged = std::max(end(j - 1), b + min_width);
      if (!out.empty() && out.back().merged && out.back().obj == obj && out.back().to >= b) {
        out.back().to = to_merged;
      } else {
        out.push_back({b, to_merged, obj, true, holds[k].shared});
      }
      k = j;
    }
  }
}

std::optional<Hold> Model::HoldAt(Id g, Id obj, std::uint64_t step) const {
  for (const auto& [held, holds] : lanes_[g - 1].holds) {
    if (held != obj) continue;
    auto it = std::partition_point(holds.begin(), holds.end(),
                                   [&](const Hold& h) { return h.end <= step; });
    if (it != holds.end() && it->begin <= step) return *it;
  }
  return std::nullopt;
}

void Model::ObjectBlocks(Id obj, Axis axis, double from, double to, double min_width,
                         std::vector<ObjectBlock>& out) const {
  out.clear();
  const std::vector<ObjectChange>& changes = changes_[obj - 1];
  auto begin = [&](std::size_t k) { return Position(axis, changes[k].seq); };
  auto end = [&](std::size_t k) { return Position(axis, k + 1 < changes.size() ? changes[k + 1].seq : size()); };
  std::size_t k = std::size_t(std::partition_point(changes.begin(), changes.end(),
                                                   [&](const ObjectChange& ch) {
                                                     const std::size_t i = std::size_t(&ch - changes.data());
                                                     return end(i) <= from;
                                                   }) -
                              changes.begin());
  while (k < changes.size() && begin(k) < to) {
    const double b = begin(k);
    if (end(k) - b >= min_width) {
      out.push_back({b, end(k), changes[k].summary, changes[k].seq, false});
      ++k;
      continue;
    }
    // Changes that start within min_width merge: the block shows the highest
    // mode and count among them.
    ObjectBlock merged{b, b + min_width, changes[k].summary, changes[k].seq, true};
    std::size_t j = k;
    while (j < changes.size() && begin(j) < b + min_width) {
      merged.summary.mode = std::max(merged.summary.mode, changes[j].summary.mode);
      merged.summary.count = std::max(merged.summary.count, changes[j].summary.count);
      for (std::size_t a = 0; a < merged.summary.also.size(); ++a) {
        merged.summary.also[a] = std::max(merged.summary.also[a], changes[j].summary.also[a]);
      }
      merged.to = std::max(merged.to, std::min(end(j), b + min_width));
      ++j;
    }
    if (!out.empty() && out.back().merged && out.back().to >= b && out.back().summary.mode == merged.summary.mode) {
      out.back().to = merged.to;
      out.back().summary.count = std::max(out.back().summary.count, merged.summary.count);
      for (std::size_t a = 0; a < merged.summary.also.size(); ++a) {
        out.back().summary.also[a] = std::max(out.back().summary.also[a], merged.summary.also[a]);
      }
    } else {
      out.push_back(merged);
    }
    k = j;
  }
}

std::optional<std::uint64_t> Model::NextModeChange(Id obj, std::uint64_t step, int dir) const {
  const std::vector<ObjectChange>& changes = changes_[obj - 1];
  // The change in effect at step, then walk to one whose mode differs.
  auto it = std::partition_point(changes.begin(), changes.end(),
                                 [&](const ObjectChange& ch) { return ch.seq <= step; });
  if (it == changes.begin()) return dir > 0 && it != changes.end() ? std::optional<std::uint64_t>(it->seq) : std::nullopt;
  const std::uint8_t mode = (it - 1)->summary.mode;
  if (dir > 0) {
    for (; it != changes.end(); ++it)
      if (it->summary.mode != mode) return it->seq;
    return std::nullopt;
  }
  // Back: the start of the current mode's stretch, or of the one before it.
  auto cur = it - 1;
  while (cur != changes.begin() && (cur - 1)->summary.mode == mode) --cur;
  if (cur->seq < step) return cur->seq;
  if (cur == changes.begin()) return std::nullopt;
  const std::uint8_t prev_mode = (cur - 1)->summary.mode;
  auto p = cur - 1;
  while (p != changes.begin() && (p - 1)->summary.mode == prev_mode) --p;
  return p->seq;
}

std::vector<Id> Model::DefaultObjectLanes() const {
  std::vector<Id> lanes;
  for (const instrument::ObjectInfo& o : trace_->objects) {
    if (lanes.size() == kDefaultObjectLanes) break;
    if (o.parent == 0 && HasLane(o.id) && !changes_[o.id - 1].empty()) lanes.push_back(o.id);
  }
  return lanes;
}

const std::vector<std::uint32_t>& Model::EventsOf(Scope scope, Id id) const {
  return scope == Scope::kGoroutine ? lanes_[id - 1].events : object_events_[id - 1];
}

std::optional<std::uint64_t> Model::Neighbour(Scope scope, Id id, std::uint64_t step,
                                              int dir) const {
  if (scope == Scope::kGoroutine) return Adjacent(lanes_[id - 1].events, step, dir);
  std::optional<std::uint64_t> best = Adjacent(object_events_[id - 1], step, dir);
  for (Id part : parts_[id - 1]) best = Nearer(best, Adjacent(object_events_[part - 1], step, dir), dir);
  return best;
}

Id Model::Part(Id obj, trace::ObjectKind kind) const {
  for (Id part : parts_[obj - 1])
    if (trace_->object(part)->kind == kind) return part;
  return 0;
}

std::optional<std::uint64_t> Model::PreviousOn(Id obj, std::uint64_t seq) const {
  return Adjacent(object_events_[obj - 1], seq, -1);
}

bool Model::Hits(const Breakpoints& b, std::uint64_t seq) const {
  const TraceEvent& e = trace_->events[seq];
  if (std::find(b.kinds.begin(), b.kinds.end(), e.kind) != b.kinds.end()) return true;
  if (e.g != 0 && Contains(b.goroutines, e.g)) return true;
  if (e.obj == 0) return false;
  const instrument::ObjectInfo* o = trace_->object(e.obj);
  return Contains(b.objects, e.obj) || (o->parent != 0 && Contains(b.objects, o->parent));
}

std::optional<std::uint64_t> Model::NextHit(const Breakpoints& b, std::uint64_t step,
                                            int dir) const {
  std::optional<std::uint64_t> best;
  for (trace::EventKind k : b.kinds) best = Nearer(best, Adjacent(kind_events_[std::size_t(k)], step, dir), dir);
  for (Id g : b.goroutines) best = Nearer(best, Neighbour(Scope::kGoroutine, g, step, dir), dir);
  for (Id o : b.objects) best = Nearer(best, Neighbour(Scope::kObject, o, step, dir), dir);
  return best;
}

}  // namespace synclab::viewer
