// barrier_bench.cpp: the course's extensions on plain threads (no runtime,
// no recorder: the primitives as a library).
//   synclab/barrier/<impl>/threads:n   one round per iteration: every thread
//                                      Awaits (CyclicBarrier: RWMutex + two
//                                      channels per round) / arrive_and_wait
//                                      (std::barrier)
//   synclab/recursive/<impl>/depth:d   d nested Lock, then d Unlock, one thread
//                                      (RecursiveMutex, TokenRecursiveMutex,
//                                      std::recursive_mutex, and synclab::Mutex
//                                      at depth 1 for the cost of the wrapper)
//   synclab/metrics/Count              one course metric: a load of the word
// Multi-threaded rows report "wall-ns/op" (wall.h), here per round.
#include <benchmark/benchmark.h>

#include <barrier>
#include <map>
#include <memory>
#include <mutex>

#include "synclab/barrier.h"
#include "synclab/context.h"
#include "synclab/mutex.h"
#include "synclab/mutex_metrics.h"
#include "synclab/recursive_mutex.h"
#include "wall.h"

namespace {

namespace cb = synclab::cyclicbarrier;

synclab::bench::WallSpan g_wall;

// One barrier per thread count, made before the threads start their loops
// (Google Benchmark runs every thread the same number of iterations).
template <class B>
B& BarrierFor(int threads, B* (*make)(int)) {
  static std::mutex mu;
  static std::map<int, std::unique_ptr<B>> all;
  std::lock_guard l(mu);
  auto& b = all[threads];
  if (!b) b.reset(make(threads));
  return *b;
}

void BM_CyclicBarrier(benchmark::State& st) {
  static const synclab::context::Context bg = synclab::context::background();
  cb::CyclicBarrier& b =
      BarrierFor<cb::CyclicBarrier>(st.threads(), [](int n) { return new cb::CyclicBarrier(cb::New(n)); });
  g_wall.Begin(st);
  for (auto _ : st) {
    if (b.Await(bg)) st.SkipWithError("Await failed");
  }
  g_wall.End(st);
}

void BM_StdBarrier(benchmark::State& st) {
  auto& b = BarrierFor<std::barrier<>>(st.threads(), [](int n) { return new std::barrier<>(n); });
  g_wall.Begin(st);
  for (auto _ : st) b.arrive_and_wait();
  g_wall.End(st);
}

template <class M>
void BM_Recursive(benchmark::State& st) {
  static M mu;
  const int depth = int(st.range(0));
  for (auto _ : st) {
    for (int i = 0; i < depth; i++) mu.lock();
    for (int i = 0; i < depth; i++) mu.unlock();
  }
}

void BM_TokenRecursive(benchmark::State& st) {
  static synclab::TokenRecursiveMutex mu;
  const int depth = int(st.range(0));
  for (auto _ : st) {
    for (int i = 0; i < depth; i++) mu.Lock(42);
    for (int i = 0; i < depth; i++) mu.Unlock(42);
  }
}

void BM_MetricsCount(benchmark::State& st) {
  static synclab::Mutex mu;
  for (auto _ : st) benchmark::DoNotOptimize(synclab::mutexmetrics::Count(mu));
}

}  // namespace

BENCHMARK(BM_CyclicBarrier)->Name("synclab/barrier/CyclicBarrier")->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(BM_StdBarrier)->Name("synclab/barrier/std::barrier")->Threads(2)->Threads(4)->UseRealTime();
BENCHMARK(BM_Recursive<synclab::RecursiveMutex>)->Name("synclab/recursive/RecursiveMutex")->Arg(1)->Arg(2)->Arg(4)->ArgName("depth");
BENCHMARK(BM_TokenRecursive)->Name("synclab/recursive/TokenRecursiveMutex")->Arg(1)->Arg(2)->Arg(4)->ArgName("depth");
BENCHMARK(BM_Recursive<std::recursive_mutex>)->Name("synclab/recursive/std::recursive_mutex")->Arg(1)->Arg(2)->Arg(4)->ArgName("depth");
BENCHMARK(BM_Recursive<synclab::Mutex>)->Name("synclab/recursive/Mutex")->Arg(1)->ArgName("depth");
BENCHMARK(BM_MetricsCount)->Name("synclab/metrics/Count");

BENCHMARK_MAIN();
