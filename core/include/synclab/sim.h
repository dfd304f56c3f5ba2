// sim.h: the deterministic simulation runtime.
//
// Goroutines are Boost.Context fibers on the calling thread. Every atomic
// step, park, ready, spin and clock read is a scheduling point where the
// strategy picks which running goroutine takes the next step. Given the same
// program, seed, strategy and procs a run is exactly the same, and every
// choice it made is returned so that it can be replayed (or forked).
//
// Processors: `procs` Ps (GOMAXPROCS). A goroutine runs only while it holds a
// P; readied goroutines go to the waker's P (runnext), timers ready into the
// runnext of their own P, idle Ps take work from the global queue or steal
// it. A P's goroutines get 10 ms slices (shared by goroutines that hand the P
// over through runnext); when a slice ends while others wait, its goroutine
// is preempted (Go's sysmon), unless it holds a runtime lock. With procs = 1
// goroutines only interleave where they block, yield or are preempted, as in
// Go. docs/sim-runtime.md lists the rules.
//
// Virtual clock: every goroutine on a P has its own clock, the time of its
// next step. A scheduling point costs rt::kStepNs, a spin round rt::kSpinNs, a
// park/ready/go/gosched rt::kSwitchNs, work(d) costs d. The goroutine whose
// next step is earliest goes next; those within 100 ns of it are
// simultaneous and the strategy picks among them. So goroutines on different
// Ps progress in parallel. When none can step the clock jumps to the next
// timer; with no timer either the run ends in Go's deadlock error. See
// docs/sim-runtime.md.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "synclab/rt/outcome.h"
#include "synclab/rt/runtime.h"

namespace synclab::sim {

enum class Strategy : std::uint8_t {
  kRandom,      // uniform among the running goroutines, from a seeded PRNG
  kRoundRobin,  // the next running goroutine in P order at every point
  kCount
};
inline constexpr std::string_view kStrategyNames[] = {"random", "rr"};
static_assert(std::size(kStrategyNames) == std::size_t(Strategy::kCount));
constexpr std::string_view Name(Strategy s) { return kStrategyNames[std::size_t(s)]; }
constexpr std::optional<Strategy> StrategyByName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kStrategyNames); i++)
    if (kStrategyNames[i] == name) return Strategy(i);
  return std::nullopt;
}

// Decides the points that have a choice, for a search over schedules (the
// explorer): it sees the candidates (goroutine ids in P order, at least two)
// and the goroutine that took the last step (0 before the first step), and
// returns the index of the one to run. Replayed decisions come first; the
// chooser, when set, takes the place of `strategy` after them.
class Chooser {
 public:
  virtual ~Chooser() = default;
  virtual std::size_t Choose(std::span<const GoroutineId> candidates, GoroutineId last) = 0;
};

struct Options {
  std::uint64_t seed = 1;
  Strategy strategy = Strategy::kRandom;
  int procs = 2;
  // Decisions to replay first (goroutine ids, one per point that had a
  // choice); afterwards `strategy` decides.
  std::vector<GoroutineId> replay;
  std::uint64_t max_steps = 50'000'000;
  // A garbage collection (rt/gc.h) every this many ns of virtual time: at
  // the first scheduling point at or after each multiple of it, once no
  // goroutine is pinned or holds a runtime lock, run by the goroutine that
  // steps there (Go's GC is started by an allocating goroutine). 0: never
  // (gc() still runs one when called).
  std::int64_t gc_every_ns = 0;
  rt::Sink* sink = nullptr;
  Chooser* chooser = nullptr;
};

struct Result {
  rt::Outcome outcome;
  std::vector<GoroutineId> schedule;  // every decision made, in order
  std::uint64_t steps = 0;            // scheduling points
  std::int64_t clock_ns = 0;          // virtual time at the end
};

// A replayed decision named a goroutine that could not run there.
class ReplayError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs main as goroutine 1 and returns when it returns or the run fails.
// Goroutine ids are 1, 2, ... in creation order. Not reentrant: a goroutine
// must not call Run.
Result Run(const std::function<void()>& main, const Options& options);

}  // namespace synclab::sim
