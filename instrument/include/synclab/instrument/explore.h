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
  // Called after every schedule with its decisions, preemptions and outcome.
  std::function<void(const struct ScheduleRun&)> on_schedule;
  // Called about every `progress_every` schedules with the report so far.
  std::function<void(const struct ExploreReport&)> progress;
  std::uint64_t progress_every = 256;
};

struct ScheduleRun {
  const std::vector<GoroutineId>& schedule;
  int preemptions;
  const rt::Outcome& outcome;
};

// A failing schedule: the outcome, and the decisions that lead to it.
struct FoundFailure {
  rt::Outcome outcome;
  std::vector<GoroutineId> schedule;  // sim::Options::replay re-runs it
  std::uint64_t index = 0;            // which schedule (0-based) found it
  int preemptions = 0;
  std::string key;  // what makes two failures the same (DedupKey)
};

struct ExploreReport {
  std::uint64_t schedules = 0;  // programs run
  std::uint64_t steps = 0;      // scheduling points over all of them
  bool exhausted = false;       // dfs: every schedule within the bounds was run
  bool hit_limit = false;       // some schedule ended at max_steps
  std::map<std::string, std::uint64_t> outcomes;  // status name -> schedules
  std::vector<FoundFailure> failures;              // distinct, in the order found
  double seconds = 0;
};

// Two failures are the same when their status, message and the sites where
// goroutines were left blocked are: the kind and sites of the bug.
std::string DedupKey(const rt::Outcome& o);

// Whether the outcome is a bug the search looks for. (ok is not; limit is
// not either: a schedule cut at max_steps is counted in hit_limit.)
bool IsFailure(rt::Status s);

// Runs the search. Throws std::runtime_error when the program is not
// deterministic (a forced prefix met other candidates than it did before).
ExploreReport Explore(const std::function<void()>& program, const ExploreOptions& options);

}  // namespace synclab::instrument
