// explore_bench.cpp: how fast the explorer searches (issue 10's targets:
// the 3-goroutine Mutex proof in under 1 s; at least 1 M scheduling points
// per second including re-execution).
//   synclab/explore/rate/<scenario>   dfs, preemption bound 2, 200 schedules
//                                     per iteration: schedules/s and points/s
//   synclab/explore/proof/<name>      one whole proof/* search to exhaustion
//                                     (dfs, bound 2): its time, and schedules
#include <benchmark/benchmark.h>

#include <string>

#include "synclab/instrument/explore.h"
#include "synclab/scenarios/scenario.h"

namespace {

using namespace synclab;

instrument::ExploreReport Search(const scenarios::Scenario& s, std::uint64_t max_schedules) {
  instrument::ExploreOptions o;
  o.strategy = instrument::SearchStrategy::kDfs;
  o.preemption_bound = 2;
  o.max_schedules = max_schedules;
  o.procs = s.default_procs;
  o.all = true;  // a failure must not end the measured search early
  const scenarios::Config config{};
  return instrument::Explore([&] { s.main(config); }, o);
}

void Rate(benchmark::State& state, const char* name) {
  const scenarios::Scenario* s = scenarios::Find(name);
  std::uint64_t schedules = 0, points = 0;
  for (auto _ : state) {
    const instrument::ExploreReport r = Search(*s, 200);
    schedules += r.schedules;
    points += r.steps;
  }
  state.counters["schedules/s"] = benchmark::Counter(double(schedules), benchmark::Counter::kIsRate);
  state.counters["points/s"] = benchmark::Counter(double(points), benchmark::Counter::kIsRate);
  state.counters["points/schedule"] = double(points) / double(schedules);
}

void Proof(benchmark::State& state, const char* name) {
  const scenarios::Scenario* s = scenarios::Find(name);
  instrument::ExploreReport r;
  for (auto _ : state) r = Search(*s, 0);
  state.counters["schedules"] = double(r.schedules);
  state.counters["points/s"] =
      benchmark::Counter(double(r.steps) * double(state.iterations()), benchmark::Counter::kIsRate);
  if (!r.exhausted || !r.failures.empty()) state.SkipWithError("the proof did not hold");
}

}  // namespace

BENCHMARK_CAPTURE(Rate, counter/lost-update, "counter/lost-update")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Rate, mutex/counter, "mutex/counter")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Rate, proof/mutex, "proof/mutex")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Proof, proof/mutex, "proof/mutex")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Proof, proof/rwmutex, "proof/rwmutex")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Proof, proof/waitgroup, "proof/waitgroup")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Proof, proof/cond, "proof/cond")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Proof, proof/once, "proof/once")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(Proof, proof/chan, "proof/chan")->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
