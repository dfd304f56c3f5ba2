// explore.cpp: the schedule search (see explore.h for the strategies).
#include "synclab/instrument/explore.h"

#include <algorithm>
#include <chrono>
#include <limits>
#include <set>
#include <stdexcept>

namespace synclab::instrument {
namespace {

using Clock = std::chrono::steady_clock;

// splitmix64, as the sim runtime uses: the same stream on every platform.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t Below(std::size_t n) { return std::size_t(Next() % n); }

 private:
  std::uint64_t s_;
};

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

bool IsFailure(rt::Status s) { return s != rt::Status::kOk && s != rt::Status::kLimit; }

std::string DedupKey(const rt::Outcome& o) {
  std::set<std::string> sites;
  for (const rt::Blocked& b : o.blocked) {
    sites.insert(std::string(b.site.file_name()) + ":" + std::to_string(b.site.line()) + " " +
                 std::string(trace::Name(b.reason)));
  }
  std::string key = std::string(rt::Name(o.status)) + "|" + o.message;
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

  for (;;) {
    sim::Options so;
    so.seed = options.seed;
    so.procs = options.procs;
    so.max_steps = options.max_steps;
    DfsChooser dfs(stack);
    RandomChooser random(seeds.Next());
    PctChooser pct(seeds.Next(), options.pct_depth, expected_points);
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
    if (options.on_schedule) options.on_schedule(ScheduleRun{r.schedule, counting.preemptions(), r.outcome});
    report.schedules++;
    report.steps += r.steps;
    report.outcomes[std::string(rt::Name(r.outcome.status))]++;
    report.hit_limit = report.hit_limit || r.outcome.status == rt::Status::kLimit;
    if (IsFailure(r.outcome.status)) {
      std::string key = DedupKey(r.outcome);
      if (seen.insert(key).second) {
        report.failures.push_back(FoundFailure{r.outcome, std::move(r.schedule),
                                               report.schedules - 1, counting.preemptions(),
                                               std::move(key)});
      }
      if (!options.all) break;
    }
    if (options.strategy == SearchStrategy::kDfs && !Backtrack(stack, options.preemption_bound)) {
      report.exhausted = true;
      break;
    }
    if (report.schedules >= max_schedules) break;
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (options.time_limit_s > 0 && report.seconds >= options.time_limit_s) break;
    if (options.progress && report.schedules % std::max<std::uint64_t>(options.progress_every, 1) == 0) {
      options.progress(report);
    }
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace synclab::instrument
