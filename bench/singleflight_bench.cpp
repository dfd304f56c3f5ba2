// singleflight_bench.cpp: synclab::singleflight::Group::Do on plain threads
// (no runtime, no recorder), the workloads of go/singleflight_test.go:
//   synclab/sf/Do/Alone        one thread: every Do leads a call of its own
//                              (mu, a call with its WaitGroup, the map insert
//                              and erase, fn)
//   synclab/sf/Do/HotKey/G=n   n threads Do one key; fn computes for about a
//                              microsecond, so calls overlap and callers join
//                              one in flight (wall-ns/op, as Go's ns/op;
//                              calls/op: the fraction of Do calls that ran fn)
// Run go/singleflight_test.go for Go's figures on the same machine.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>

#include "synclab/singleflight.h"
#include "wall.h"

namespace {

namespace sf = synclab::singleflight;
using synclab::error;

// fn's work: a dependent chain the compiler cannot fold (n is not a
// constant to it), the same loop as the Go peer's spin.
int g_spin = 1000;
std::int64_t Spin(int n) {
  std::int64_t x = 0;
  for (int i = 0; i < n; i++) x += std::int64_t(i) ^ x;
  benchmark::DoNotOptimize(x);
  return x;
}

void BM_DoAlone(benchmark::State& st) {
  sf::Group<int> g;
  std::int64_t sum = 0;
  for (auto _ : st) {
    auto [v, err, shared] = g.Do("hot", [] { return std::pair{1, error()}; });
    sum += v;
  }
  benchmark::DoNotOptimize(sum);
}

synclab::bench::WallSpan g_wall;
sf::Group<std::int64_t>* g_group = nullptr;
std::atomic<std::int64_t> g_calls{0};

void BM_DoHotKey(benchmark::State& st) {
  if (st.thread_index() == 0) {
    g_group = new sf::Group<std::int64_t>();
    g_calls = 0;
  }
  // Google Benchmark starts the threads' loops together (a barrier), after
  // thread 0's setup above.
  g_wall.Begin(st);
  for (auto _ : st) {
    g_group->Do("hot", [] {
      g_calls.fetch_add(1, std::memory_order_relaxed);
      return std::pair{Spin(g_spin), error()};
    });
  }
  g_wall.End(st);
  if (st.thread_index() == 0) {
    st.counters["calls/op"] = double(g_calls.load()) / double(st.iterations() * st.threads());
    delete g_group;  // every thread's loop is done (End is past the end barrier)
    g_group = nullptr;
  }
}

}  // namespace

BENCHMARK(BM_DoAlone)->Name("synclab/sf/Do/Alone");
BENCHMARK(BM_DoHotKey)->Name("synclab/sf/Do/HotKey/G=2")->Threads(2)->UseRealTime();
BENCHMARK(BM_DoHotKey)->Name("synclab/sf/Do/HotKey/G=8")->Threads(8)->UseRealTime();

BENCHMARK_MAIN();
