// explore.cpp: the schedule search (see explore.h for the strategies).
#include "synclab/instrument/explore.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <set>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "synclab/instrument/recorder.h"
#include "synclab/rt/splitmix.h"

namespace synclab::instrument {
namespace {

using Clock = std::chrono::steady_clock;

using Rng = rt::SplitMix64;  // the sim runtime's own

// The index of g among the candidates, or their count when it is not one.
std::size_t IndexOf(std::span<const GoroutineId> candidates, GoroutineId g) {
  return std::size_t(std::find(candidates.begin(), candidates.end(), g) - candidates.begin());
}

// One point of the current schedule that had a choice.
struct Node {
  std::vector<GoroutineId> candidates;
  GoroutineId last = 0;       // who took the step before
  std::size_t chosen = 0;     // the choice this schedule makes here
  std::vector<bool> tried;    // choices whose subtrees are done or under way
  int preemptions_before = 0; // in the schedule's prefix up to here

  // Choosing candidate i preempts `last` when last could have gone on.
  bool Preempts(std::size_t i) const {
    return IndexOf(candidates, last) < candidates.size() && candidates[i] != last;
  }
  int PreemptionsAfter() const { return preemptions_before + (Preempts(chosen) ? 1 : 0); }
};

// DFS: replays the stack's choices, then extends it without preempting.
// Invariant: stack[0..depth) are the choices this run has made so far.
class DfsChooser final : public sim::Chooser {
 public:
  explicit DfsChooser(std::vector<Node>& stack) : stack_(stack) {}

  std::size_t Choose(std::span<const GoroutineId> candidates, GoroutineId last) override {
    if (depth_ < stack_.size()) {
      const Node& n = stack_[depth_++];
      // Same prefix, same program: the same candidates, or it is not
      // deterministic. (Throwing here would unwind a goroutine instead.)
      if (!std::equal(n.candidates.begin(), n.candidates.end(), candidates.begin(),
                      candidates.end()) ||
          n.last != last) {
        diverged_ = true;
      }
      return std::min(n.chosen, candidates.size() - 1);
    }
    Node n;
    n.candidates.assign(candidates.begin(), candidates.end());
    n.last = last;
    n.preemptions_before = stack_.empty() ? 0 : stack_.back().PreemptionsAfter();
    const std::size_t stay = IndexOf(candidates, last);
    n.chosen = stay < candidates.size() ? stay : 0;
    n.tried.assign(candidates.size(), false);
    n.tried[n.chosen] = true;
    stack_.push_back(std::move(n));
    depth_++;
    return stack_.back().chosen;
  }
  // A deterministic program makes every choice of the prefix again.
  bool diverged() const { return diverged_ || depth_ < stack_.size(); }

 private:
  std::vector<Node>& stack_;
  std::size_t depth_ = 0;
  bool diverged_ = false;
};

// Moves the stack to the next schedule in DFS order: the deepest point with
// an untried choice within the preemption bound takes it. False when none is
// left: the bounded space is exhausted.
bool Backtrack(std::vector<Node>& stack, int bound) {
  while (!stack.empty()) {
    Node& n = stack.back();
    for (std::size_t i = 0; i < n.candidates.size(); i++) {
      if (n.tried[i]) continue;
      if (bound >= 0 && n.preemptions_before + (n.Preempts(i) ? 1 : 0) > bound) continue;
      n.tried[i] = true;
      n.chosen = i;
      return true;
    }
    stack.pop_back();
  }
  return false;
}

class RandomChooser final : public sim::Chooser {
 public:
  explicit RandomChooser(std::uint64_t seed) : rng_(seed) {}
  std::size_t Choose(std::span<const GoroutineId> candidates, GoroutineId) override {
    return rng_.Below(candidates.size());
  }

 private:
  Rng rng_;
};

// PCT: priorities d, d+1, ... in a random order for goroutines as they
// appear (ties cannot happen: each new one draws a fresh rank); at change
// point j (1 <= j < d) the goroutine about to run drops to priority j.
class PctChooser final : public sim::Chooser {
 public:
  PctChooser(std::uint64_t seed, int depth, std::uint64_t expected_points)
      : rng_(seed), depth_(std::max(depth, 1)) {
    for (int j = 1; j < depth_; j++) change_at_[rng_.Below(std::max<std::uint64_t>(expected_points, 1))] = j;
  }
  std::size_t Choose(std::span<const GoroutineId> candidates, GoroutineId) override {
    std::size_t best = Highest(candidates);
    if (auto it = change_at_.find(point_++); it != change_at_.end()) {
      priority_[candidates[best]] = it->second;
      best = Highest(candidates);
    }
    return best;
  }
  std::uint64_t points() const { return point_; }

 private:
  std::size_t Highest(std::span<const GoroutineId> candidates) {
    std::size_t best = 0;
    for (std::size_t i = 0; i < candidates.size(); i++) {
      if (Priority(candidates[i]) > Priority(candidates[best])) best = i;
    }
    return best;
  }
  std::uint64_t Priority(GoroutineId g) {
    auto [it, fresh] = priority_.try_emplace(g, 0);
    // A random rank above every change-point priority, unique by g.
    if (fresh) it->second = std::uint64_t(depth_) + ((rng_.Next() >> 20) << 20 | g);
    return it->second;
  }

  Rng rng_;
  int depth_;
  std::map<std::uint64_t, int> change_at_;  // point index -> j
  std::map<GoroutineId, std::uint64_t> priority_;
  std::uint64_t point_ = 0;
};

// Which part of a sharded dfs a schedule is in: a hash of its first
// kShardDepth choices (all of them if it has fewer), so that a whole subtree
// below that depth is in one part.
int ShardOf(const std::vector<Node>& stack, int shards) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (std::size_t i = 0; i < std::min(stack.size(), kShardDepth); i++) {
    h = (h ^ stack[i].chosen) * 1099511628211ull;
  }
  return int(h % std::uint64_t(shards));
}

// Counts the preemptions of whatever strategy it wraps.
class CountingChooser final : public sim::Chooser {
 public:
  explicit CountingChooser(sim::Chooser& inner) : inner_(inner) {}
  std::size_t Choose(std::span<const GoroutineId> candidates, GoroutineId last) override {
    const std::size_t i = inner_.Choose(candidates, last);
    if (IndexOf(candidates, last) < candidates.size() && candidates[i] != last) preemptions_++;
    return i;
  }
  int preemptions() const { return preemptions_; }

 private:
  sim::Chooser& inner_;
  int preemptions_ = 0;
};

}  // namespace

std::optional<SearchStrategy> SearchStrategyByName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kSearchStrategyNames); i++)
    if (kSearchStrategyNames[i] == name) return SearchStrategy(i);
  return std::nullopt;
}

ExploreReport MergeReports(const std::vector<ExploreReport>& parts) {
  ExploreReport all;
  all.exhausted = !parts.empty();
  std::set<std::string> seen;
  for (const ExploreReport& p : parts) {
    all.schedules += p.schedules;
    all.steps += p.steps;
    all.exhausted = all.exhausted && p.exhausted;
    all.hit_limit = all.hit_limit || p.hit_limit;
    all.seconds = std::max(all.seconds, p.seconds);
    for (const auto& [status, n] : p.outcomes) all.outcomes[status] += n;
    for (const FoundFailure& f : p.failures)
      if (seen.insert(f.key).second) all.failures.push_back(f);
  }
  return all;
}

namespace {
constexpr std::string_view kReportFormat = "synclab-explore-report";
}  // namespace

std::string ReportJson(const PartReport& part) {
  const SearchSpec& s = part.spec;
  const ExploreReport& r = part.report;
  nlohmann::ordered_json j;
  j["format"] = kReportFormat;
  j["version"] = 1;
  j["search"] = {{"scenario", s.scenario},         {"strategy", Name(s.strategy)},
                 {"preemption_bound", s.preemption_bound}, {"pct_depth", s.pct_depth},
                 {"seed", std::to_string(s.seed)}, {"procs", s.procs},
                 {"max_steps", std::to_string(s.max_steps)},
                 {"max_schedules", std::to_string(s.max_schedules)},
                 {"shard", s.shard},               {"shards", s.shards}};
  j["schedules"] = std::to_string(r.schedules);
  j["steps"] = std::to_string(r.steps);
  j["exhausted"] = r.exhausted;
  j["hit_limit"] = r.hit_limit;
  j["seconds"] = r.seconds;
  j["outcomes"] = nlohmann::ordered_json::object();
  for (const auto& [status, n] : r.outcomes) j["outcomes"][status] = std::to_string(n);
  j["failures"] = nlohmann::ordered_json::array();
  for (const FoundFailure& f : r.failures) {
    j["failures"].push_back({{"status", rt::Name(f.outcome.status)}, {"message", f.outcome.message},
                             {"key", f.key}, {"schedule", f.schedule}, {"index", std::to_string(f.index)},
                             {"preemptions", f.preemptions}, {"steps", std::to_string(f.steps)}});
  }
  return j.dump(1) + "\n";
}

PartReport ParseReportJson(std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) throw std::runtime_error("not JSON");
  auto field = [](const nlohmann::json& o, const char* name, const std::string& where) -> const nlohmann::json& {
    if (!o.is_object() || !o.contains(name)) throw std::runtime_error(where + name + ": missing");
    return o.at(name);
  };
  auto number = [&](const nlohmann::json& o, const char* name, const std::string& where, std::uint64_t hi) {
    const nlohmann::json& v = field(o, name, where);
    std::uint64_t n = 0;
    if (v.is_number_unsigned()) {
      n = v.get<std::uint64_t>();
    } else if (v.is_string() && !v.get<std::string>().empty() &&
               v.get<std::string>().find_first_not_of("0123456789") == std::string::npos &&
               v.get<std::string>().size() <= 20) {
      n = std::stoull(v.get<std::string>());
    } else {
      throw std::runtime_error(where + name + ": not a number");
    }
    if (n > hi) throw std::runtime_error(where + name + ": " + std::to_string(n) + " is out of range");
    return n;
  };
  auto boolean = [&](const nlohmann::json& o, const char* name, const std::string& where) {
    const nlohmann::json& v = field(o, name, where);
    if (!v.is_boolean()) throw std::runtime_error(where + name + ": not true or false");
    return v.get<bool>();
  };
  auto string = [&](const nlohmann::json& o, const char* name, const std::string& where) {
    const nlohmann::json& v = field(o, name, where);
    if (!v.is_string()) throw std::runtime_error(where + name + ": not a string");
    return v.get<std::string>();
  };
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  if (!j.is_object() || !j.contains("format") || j["format"] != kReportFormat) {
    throw std::runtime_error("not a synclab explore report (format is not \"synclab-explore-report\")");
  }
  if (number(j, "version", "", 1000) != 1) throw std::runtime_error("version: only 1 is known");
  PartReport p;
  const nlohmann::json& s = field(j, "search", "");
  const std::string in = "search.";
  p.spec.scenario = string(s, "scenario", in);
  const auto strategy = SearchStrategyByName(string(s, "strategy", in));
  if (!strategy) throw std::runtime_error("search.strategy: not dfs, random or pct");
  p.spec.strategy = *strategy;
  p.spec.preemption_bound = int(number(s, "preemption_bound", in, 1000));
  p.spec.pct_depth = int(number(s, "pct_depth", in, 100));
  p.spec.seed = number(s, "seed", in, kMax);
  p.spec.procs = int(number(s, "procs", in, 256));
  p.spec.max_steps = number(s, "max_steps", in, kMax);
  p.spec.max_schedules = number(s, "max_schedules", in, kMax);
  p.spec.shards = int(number(s, "shards", in, 1'000'000));
  p.spec.shard = int(number(s, "shard", in, 1'000'000));
  if (p.spec.procs < 1) throw std::runtime_error("search.procs: 0 is out of range");
  if (p.spec.shards < 1 || p.spec.shard >= p.spec.shards) {
    throw std::runtime_error("search.shard: " + std::to_string(p.spec.shard) + " is not below shards " +
                             std::to_string(p.spec.shards));
  }
  ExploreReport& r = p.report;
  r.schedules = number(j, "schedules", "", kMax);
  r.steps = number(j, "steps", "", kMax);
  r.exhausted = boolean(j, "exhausted", "");
  r.hit_limit = boolean(j, "hit_limit", "");
  const nlohmann::json& secs = field(j, "seconds", "");
  if (!secs.is_number() || secs.get<double>() < 0) throw std::runtime_error("seconds: not a number of seconds");
  r.seconds = secs.get<double>();
  const nlohmann::json& outcomes = field(j, "outcomes", "");
  if (!outcomes.is_object()) throw std::runtime_error("outcomes: not an object");
  for (const auto& [status, n] : outcomes.items()) {
    bool known = false;
    for (std::string_view name : rt::kStatusNames) known = known || name == status;
    if (!known) throw std::runtime_error("outcomes." + status + ": not an outcome");
    r.outcomes[status] = number(outcomes, status.c_str(), "outcomes.", kMax);
  }
  const nlohmann::json& failures = field(j, "failures", "");
  if (!failures.is_array()) throw std::runtime_error("failures: not an array");
  for (std::size_t i = 0; i < failures.size(); i++) {
    const std::string at = "failures[" + std::to_string(i) + "].";
    const nlohmann::json& f = failures[i];
    FoundFailure ff;
    const std::string status = string(f, "status", at);
    bool known = false;
    for (std::size_t k = 0; k < std::size(rt::kStatusNames); k++) {
      if (rt::kStatusNames[k] == status) ff.outcome.status = rt::Status(k), known = true;
    }
    if (!known || !IsFailure(ff.outcome.status)) throw std::runtime_error(at + "status: not a failure");
    ff.outcome.message = string(f, "message", at);
    ff.key = string(f, "key", at);
    const nlohmann::json& sched = field(f, "schedule", at);
    if (!sched.is_array()) throw std::runtime_error(at + "schedule: not an array");
    for (const nlohmann::json& g : sched) {
      if (!g.is_number_unsigned() || g.get<std::uint64_t>() == 0 || g.get<std::uint64_t>() > 0xffffffffull) {
        throw std::runtime_error(at + "schedule: not a list of goroutine ids");
      }
      ff.schedule.push_back(GoroutineId(g.get<std::uint64_t>()));
    }
    ff.index = number(f, "index", at, kMax);
    ff.preemptions = int(number(f, "preemptions", at, 1'000'000));
    ff.steps = number(f, "steps", at, kMax);
    r.failures.push_back(std::move(ff));
  }
  return p;
}

bool IsFailure(rt::Status s) { return s != rt::Status::kOk && s != rt::Status::kLimit; }

std::string DedupKey(const rt::Outcome& o) {
  std::set<std::string> sites;
  for (const rt::Blocked& b : o.blocked) {
    sites.insert(std::string(b.site.file_name()) + ":" + std::to_string(b.site.line()) + " " +
                 std::string(trace::Name(b.reason)));
  }
  // A failed check is its site: its message often carries the values that
  // went wrong (a lost update's count), which differ from run to run.
  std::string key = std::string(rt::Name(o.status)) + "|" +
                    (o.site.line() > 0 ? std::string(o.site.file_name()) + ":" + std::to_string(o.site.line())
                                       : o.message);
  for (const std::string& s : sites) key += "|" + s;
  return key;
}

ExploreReport Explore(const std::function<void()>& program, const ExploreOptions& options) {
  const Clock::time_point start = Clock::now();
  const std::uint64_t max_schedules =
      options.max_schedules > 0 ? options.max_schedules
      : options.strategy == SearchStrategy::kDfs ? std::numeric_limits<std::uint64_t>::max()
                                                 : 1000;
  ExploreReport report;
  std::set<std::string> seen;
  std::vector<Node> stack;             // dfs
  std::uint64_t expected_points = 64;  // pct: the most points a schedule had so far
  Rng seeds(options.seed);
  const int shards = std::max(options.shards, 1);
  std::uint64_t number = 0;  // random/pct: schedules of every part so far

  for (;;) {
    const std::uint64_t random_seed = seeds.Next(), pct_seed = seeds.Next();
    if (options.strategy != SearchStrategy::kDfs && shards > 1 &&
        number++ % std::uint64_t(shards) != std::uint64_t(options.shard)) {
      if (number >= max_schedules) break;
      continue;  // another part's schedule
    }
    sim::Options so;
    so.seed = options.seed;
    so.procs = options.procs;
    so.max_steps = options.max_steps;
    so.replay = options.prefix;
    DfsChooser dfs(stack);
    RandomChooser random(random_seed);
    PctChooser pct(pct_seed, options.pct_depth, expected_points);
    sim::Chooser* inner = &pct;
    if (options.strategy == SearchStrategy::kDfs) inner = &dfs;
    if (options.strategy == SearchStrategy::kRandom) inner = &random;
    CountingChooser counting(*inner);
    so.chooser = &counting;
    sim::Result r = sim::Run(program, so);
    if (dfs.diverged()) {
      throw std::runtime_error("the program is not deterministic: schedule " +
                               std::to_string(report.schedules) +
                               " met other choices than the same prefix did before");
    }
    expected_points = std::max(expected_points, pct.points());
    if (options.strategy == SearchStrategy::kDfs && shards > 1 && ShardOf(stack, shards) != options.shard) {
      // Another part's subtree: not counted here, and skipped below its root.
      if (stack.size() > kShardDepth) stack.resize(kShardDepth);
      if (!Backtrack(stack, options.preemption_bound)) {
        report.exhausted = true;
        break;
      }
      continue;
    }
    const bool go_on = !options.on_schedule ||
                       options.on_schedule(ScheduleRun{r.schedule, counting.preemptions(), r.steps, r.outcome});
    report.schedules++;
    report.steps += r.steps;
    report.outcomes[std::string(rt::Name(r.outcome.status))]++;
    report.hit_limit = report.hit_limit || r.outcome.status == rt::Status::kLimit;
    if (IsFailure(r.outcome.status)) {
      std::string key = DedupKey(r.outcome);
      if (seen.insert(key).second) {
        report.failures.push_back(FoundFailure{r.outcome, std::move(r.schedule),
                                               report.schedules - 1, counting.preemptions(),
                                               r.steps, std::move(key)});
      }
      if (!options.all) break;
    }
    if (!go_on) break;
    if (options.strategy == SearchStrategy::kDfs && !Backtrack(stack, options.preemption_bound)) {
      report.exhausted = true;
      break;
    }
    if ((shards > 1 && options.strategy != SearchStrategy::kDfs ? number : report.schedules) >= max_schedules) break;
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (options.time_limit_s > 0 && report.seconds >= options.time_limit_s) break;
    if (options.progress && report.schedules % std::max<std::uint64_t>(options.progress_every, 1) == 0) {
      options.progress(report);
    }
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

namespace {

// A search that only watches: no failure stops it, on_schedule decides.
ExploreOptions Watching(const ExploreOptions& options) {
  ExploreOptions o = options;
  o.strategy = SearchStrategy::kDfs;
  o.all = true;
  o.progress = nullptr;
  if (o.max_schedules == 0) o.max_schedules = 20'000;
  return o;
}

// Replays a schedule by goroutine id and notes where each decision falls.
class MarkingChooser final : public sim::Chooser {
 public:
  MarkingChooser(const std::vector<GoroutineId>& schedule, const Recorder& recorder)
      : schedule_(schedule), recorder_(recorder) {}
  std::size_t Choose(std::span<const GoroutineId> candidates, GoroutineId) override {
    marks_.push_back(recorder_.event_count());
    const GoroutineId want = next_ < schedule_.size() ? schedule_[next_++] : candidates[0];
    const std::size_t i = IndexOf(candidates, want);
    return i < candidates.size() ? i : 0;
  }
  std::vector<std::uint64_t> marks_;

 private:
  const std::vector<GoroutineId>& schedule_;
  const Recorder& recorder_;
  std::size_t next_ = 0;
};

}  // namespace

FoundFailure Minimize(const std::function<void()>& program, const ExploreOptions& options,
                      const FoundFailure& f) {
  FoundFailure best = f;
  for (int bound = 0; bound < f.preemptions; bound++) {
    ExploreOptions o = Watching(options);
    o.preemption_bound = bound;
    bool found = false;
    o.on_schedule = [&](const ScheduleRun& s) {
      if (!IsFailure(s.outcome.status) || DedupKey(s.outcome) != f.key) return true;
      if (!found || s.steps < best.steps) {
        best = FoundFailure{s.outcome, s.schedule, f.index, s.preemptions, s.steps, f.key};
      }
      found = true;
      return true;
    };
    Explore(program, o);
    if (found) return best;
  }
  // Same preemptions: only a shorter schedule at f's own bound beats f.
  ExploreOptions o = Watching(options);
  o.preemption_bound = f.preemptions;
  o.on_schedule = [&](const ScheduleRun& s) {
    if (IsFailure(s.outcome.status) && DedupKey(s.outcome) == f.key && s.steps < best.steps &&
        s.preemptions <= best.preemptions) {
      best = FoundFailure{s.outcome, s.schedule, f.index, s.preemptions, s.steps, f.key};
    }
    return true;
  };
  Explore(program, o);
  return best;
}

NoReturn PointOfNoReturn(const std::function<void()>& program, const ExploreOptions& options,
                         const FoundFailure& f) {
  NoReturn result;
  // Inevitable(i): every schedule that starts with f's first i choices fails
  // as f does. It holds for i = |schedule| (only f starts so) and, if it holds
  // for i, for every larger i: the subtrees nest. So binary search.
  auto inevitable = [&](std::size_t i, NoReturn* escape) {
    ExploreOptions o = Watching(options);
    o.prefix.assign(f.schedule.begin(), f.schedule.begin() + std::ptrdiff_t(i));
    bool all_fail = true;
    o.on_schedule = [&](const ScheduleRun& s) {
      if (IsFailure(s.outcome.status) && DedupKey(s.outcome) == f.key) return true;
      all_fail = false;
      if (escape != nullptr) {
        escape->escape = s.schedule;
        escape->escape_outcome = s.outcome;
      }
      return false;
    };
    const ExploreReport r = Explore(program, o);
    result.schedules += r.schedules;
    return all_fail && r.exhausted;
  };
  std::size_t lo = 0, hi = f.schedule.size();  // inevitable(hi); find the least such
  if (inevitable(0, nullptr)) return result;
  while (hi - lo > 1) {  // invariant: !inevitable(lo), inevitable(hi)
    const std::size_t mid = lo + (hi - lo) / 2;
    (inevitable(mid, nullptr) ? hi : lo) = mid;
  }
  result.decision = hi;
  inevitable(hi - 1, &result);  // the way out one choice earlier
  return result;
}

std::vector<std::uint64_t> DecisionEvents(const std::function<void()>& program,
                                          const ExploreOptions& options,
                                          const std::vector<GoroutineId>& schedule) {
  Recorder recorder;
  MarkingChooser marking(schedule, recorder);
  sim::Options so;
  so.seed = options.seed;
  so.procs = options.procs;
  so.max_steps = options.max_steps;
  so.sink = &recorder;
  so.chooser = &marking;
  const sim::Result r = sim::Run(program, so);
  recorder.Finish({}, r.outcome, r.schedule);
  return std::move(marking.marks_);
}

}  // namespace synclab::instrument
