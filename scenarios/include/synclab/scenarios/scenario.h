// scenario.h: what a built-in scenario is, and how to run one.
//
// A scenario is a small Go-style program (its main runs as goroutine 1) with
// a name, a one-line description, a teaching note and its own source text,
// which the viewer shows beside the trace. The registry (All/Find) is the one
// list the CLI and the viewer read.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "synclab/go.h"
#include "synclab/instrument/trace.h"
#include "synclab/mutex.h"
#include "synclab/sim.h"
#include "synclab/var.h"
#include "synclab/wait_group.h"

namespace synclab::scenarios {

// What a scenario may adapt to: natively it can afford far more iterations.
struct Config {
  bool native = false;
};

struct Scenario {
  std::string_view name;         // "mutex/starvation"
  std::string_view description;  // one line, for `synclab list`
  std::string_view teaching_note;  // what to look at, for the viewer and `run`
  std::string_view source_file;  // as in trace sites, e.g. "scenarios/mutex/starvation.cpp"
  int default_procs = 2;         // sim processors unless the user picks
  void (*main)(const Config&) = nullptr;
};

// Every built-in scenario, in the order `synclab list` shows them.
std::span<const Scenario* const> All();
// nullptr if there is none of that name.
const Scenario* Find(std::string_view name);
// The scenario's source file as it was built ("" if unknown).
std::string_view Source(const Scenario& s);
// Any embedded source by path ("" if unknown): the viewer's source panel.
std::string_view EmbeddedSource(std::string_view path);

enum class Runtime : std::uint8_t { kSim, kNative };

struct RunOptions {
  Runtime runtime = Runtime::kSim;
  std::uint64_t seed = 1;
  sim::Strategy strategy = sim::Strategy::kRandom;
  int procs = 0;                     // 0: the scenario's default (sim) / the CPUs (native)
  std::vector<instrument::Id> replay;  // sim: decisions to replay first
  std::uint64_t max_steps = 50'000'000;
  std::int64_t gc_every_ns = 0;      // sim: a GC every this many ns of virtual time (0: none)
};

// Runs the scenario with a recorder attached and returns its trace.
// Throws sim::ReplayError when a replayed schedule does not fit the program.
instrument::Trace Run(const Scenario& s, const RunOptions& options);

}  // namespace synclab::scenarios
