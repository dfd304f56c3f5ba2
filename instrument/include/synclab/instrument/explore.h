// explore.h: search the sim runtime's schedules for one that fails.
//
// A program is run again and again on the sim runtime, each time with a
// different choice at the points that have one (sim::Chooser). Only the
// schedules the sim can produce are searched: those `synclab run --seed`
// could have hit, so every counterexample replays with `run --replay`.
//
// Strategies:
//  - dfs: every schedule with at most `preemption_bound` preemptions, in
//    depth-first order (stateless, as CHESS does: each schedule re-runs the
//    program from the start with a forced prefix of choices). A preemption is
//    a choice of another goroutine while the one that took the last step
//    could go on; where it cannot (it blocked or ended), every choice is
//    free. Without further bounds the search ends, and then the bounded
//    space was exhausted.
//  - random: each schedule picks uniformly at every choice, from its own seed.
//  - pct: Burckhardt et al.'s probabilistic concurrency testing with depth d:
//    random goroutine priorities, the highest-priority candidate runs, and at
//    d-1 random points the running goroutine drops below all others. It finds
//    a bug of depth d with probability at least 1/(n k^(d-1)).
//
// The select poll order and everything else random in a run come from
// `seed`, the same in every schedule: only the scheduling choices vary.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "synclab/rt/outcome.h"
#include "synclab/sim.h"

namespace synclab::instrument {

enum class SearchStrategy : std::uint8_t { kDfs, kRandom, kPct, kCount };
inline constexpr std::string_view kSearchStrategyNames[] = {"dfs", "random", "pct"};
static_assert(std::size(kSearchStrategyNames) == std::size_t(SearchStrategy::kCount));
constexpr std::string_view Name(SearchStrategy s) { return kSearchStrategyNames[std::size_t(s)]; }
std::optional<SearchStrategy> SearchStrategyByName(std::string_view name);

struct ExploreOptions {
  SearchStrategy strategy = SearchStrategy::kDfs;
  int preemption_bound = 2;  // dfs; < 0: unbounded
  int pct_depth = 3;         // pct: d
  std::uint64_t max_schedules = 0;  // 0: dfs until exhausted, random/pct 1000
  double time_limit_s = 0;          // 0: none
  std::uint64_t seed = 1;           // the runs' seed; random and pct also draw from it
  int procs = 2;
  std::uint64_t max_steps = 1'000'000;  // per schedule (--depth): then it ends as limit
  bool all = false;  // go on after the first failure and collect the distinct ones
  // --shard K/N: this search covers the K-th (0-based) of N disjoint parts
  // of the space; the N parts together cover it all (MergeReports). dfs
  // splits by the first kShardDepth choices of a schedule, random and pct by
  // schedule number (max_schedules counts all parts' schedules).
  int shard = 0;
  int shards = 1;
  // Decisions forced before the strategy takes over (as sim::Options::replay):
  // the search covers the schedules that start so. Preemptions are counted
  // after it.
  std::vector<GoroutineId> prefix;
  // Called after every schedule with its decisions, preemptions and outcome;
  // returning false stops the search there.
  std::function<bool(const struct ScheduleRun&)> on_schedule;
  // Called about every `progress_every` schedules with the report so far.
  std::function<void(const struct ExploreReport&)> progress;
  std::uint64_t progress_every = 256;
};

struct ScheduleRun {
  const std::vector<GoroutineId>& schedule;  // the prefix's decisions too
  int preemptions;
  std::uint64_t steps;
  const rt::Outcome& outcome;
};

// A failing schedule: the outcome, and the decisions that lead to it.
struct FoundFailure {
  rt::Outcome outcome;
  std::vector<GoroutineId> schedule;  // sim::Options::replay re-runs it
  std::uint64_t index = 0;  // which schedule (0-based) of the search found it
  int preemptions = 0;
  std::uint64_t steps = 0;  // scheduling points
  std::string key;  // what makes two failures the same (DedupKey)
};

inline constexpr std::size_t kShardDepth = 6;

struct ExploreReport {
  std::uint64_t schedules = 0;  // programs run
  std::uint64_t steps = 0;      // scheduling points over all of them
  bool exhausted = false;       // dfs: every schedule within the bounds was run
  bool hit_limit = false;       // some schedule ended at max_steps
  std::map<std::string, std::uint64_t> outcomes;  // status name -> schedules
  std::vector<FoundFailure> failures;              // distinct, in the order found
  double seconds = 0;
};

// Combines the reports of the parts of one search (--shard K/N): schedules,
// steps and outcomes add up, it is exhausted when every part is, failures are
// kept once each (by key) in part order.
ExploreReport MergeReports(const std::vector<ExploreReport>& parts);

// A part's report as a file (`explore --shard K/N --report FILE`), for
// `explore --merge`: the search that made it and what it found.
struct SearchSpec {
  std::string scenario;
  SearchStrategy strategy = SearchStrategy::kDfs;
  int preemption_bound = 2;
  int pct_depth = 3;
  std::uint64_t seed = 1;
  int procs = 2;
  std::uint64_t max_steps = 0;
  std::uint64_t max_schedules = 0;
  int shard = 0;
  int shards = 1;
  friend bool operator==(const SearchSpec&, const SearchSpec&) = default;
};
struct PartReport {
  SearchSpec spec;
  ExploreReport report;
};
std::string ReportJson(const PartReport& part);
// Throws std::runtime_error saying which field is wrong.
PartReport ParseReportJson(std::string_view text);

// Two failures are the same when their status, the site of the failed
// check (or, for other failures, their message) and the sites where
// goroutines were left blocked are: the kind and sites of the bug.
std::string DedupKey(const rt::Outcome& o);

// Whether the outcome is a bug the search looks for. (ok is not; limit is
// not either: a schedule cut at max_steps is counted in hit_limit.)
bool IsFailure(rt::Status s);

// --minimize: the failing schedule with the fewest preemptions (then the
// fewest steps) that fails the same way (same DedupKey), by dfs with bounds
// 0, 1, ... up to f's own. Never longer than f: f itself when nothing
// shorter fails so. Each bound's search stops after `options.max_schedules`
// (default 20000) schedules.
FoundFailure Minimize(const std::function<void()>& program, const ExploreOptions& options,
                      const FoundFailure& f);

// --why: the point of no return of a failing schedule. `decision` is the
// earliest point of f.schedule after whose first `decision` choices every
// schedule (dfs within options.preemption_bound further preemptions) fails
// the same way; 0 when the failure was certain from the start. When it is
// not 0, `escape` is a schedule that makes another choice at decision - 1
// and does not fail so (`escape_outcome` says how it ends). A subtree not
// searched to the end within max_schedules is not counted as inevitable.
struct NoReturn {
  std::size_t decision = 0;
  std::vector<GoroutineId> escape;
  rt::Outcome escape_outcome;
  std::uint64_t schedules = 0;  // run to find it
};
NoReturn PointOfNoReturn(const std::function<void()>& program, const ExploreOptions& options,
                         const FoundFailure& f);

// The trace event (seq) each decision of `schedule` comes before: where a
// viewer shows decision i. Runs the program once with a recorder.
std::vector<std::uint64_t> DecisionEvents(const std::function<void()>& program,
                                          const ExploreOptions& options,
                                          const std::vector<GoroutineId>& schedule);

// Runs the search. Throws std::runtime_error when the program is not
// deterministic (a forced prefix met other candidates than it did before).
ExploreReport Explore(const std::function<void()>& program, const ExploreOptions& options);

}  // namespace synclab::instrument
