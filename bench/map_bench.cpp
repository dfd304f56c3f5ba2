// map_bench.cpp: synclab::Map against a lock around std::unordered_map on
// Go's LoadMostlyHits workload (map_bench_test.go; the peers in
// ../shared/bench-peers: Go's BenchmarkMap/LoadMostlyHits and C++
// BM_MapLoadMostlyHits): 1023 keys, loads of i % 1024 (1023 hits, 1 miss),
// 2 threads, Map promoted first so every hit is served from read.m.
//   synclab/map/LoadMostlyHits/<impl>/G=n   n threads; "wall-ns/op" is the
//   span from the first thread's start to the last one's end over all loads
//   (Go's ns/op), as the peers report it.
// Tracing is compiled in (SYNCLAB_TRACE=ON); the threads are plain, so no
// recorder is attached.
#include <benchmark/benchmark.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "synclab/map.h"
#include "wall.h"

namespace {

constexpr int kHits = 1023, kMisses = 1;

synclab::bench::WallSpan g_wall;

synclab::Map<int, int>& PromotedMap() {
  static synclab::Map<int, int>* m = [] {
    auto* mm = new synclab::Map<int, int>();
    for (int i = 0; i < kHits; i++) mm->LoadOrStore(i, i);
    for (int i = 0; i < kHits * 2; i++) mm->Load(i % kHits);  // promote to read.m
    return mm;
  }();
  return *m;
}

void BM_SynclabMap(benchmark::State& st) {
  synclab::Map<int, int>& m = PromotedMap();
  int i = 0;
  std::int64_t found = 0;
  g_wall.Begin(st);
  for (auto _ : st) {
    found += m.Load(i % (kHits + kMisses)).has_value();
    i++;
  }
  benchmark::DoNotOptimize(found);
  g_wall.End(st);
}

template <class Lock, bool kShared>
void BM_LockedMap(benchmark::State& st) {
  static Lock mu;
  static std::unordered_map<int, int>* m = [] {
    auto* mm = new std::unordered_map<int, int>();
    for (int i = 0; i < kHits; i++) (*mm)[i] = i;
    return mm;
  }();
  int i = 0;
  std::int64_t found = 0;
  g_wall.Begin(st);
  for (auto _ : st) {
    if constexpr (kShared) mu.lock_shared(); else mu.lock();
    auto it = m->find(i % (kHits + kMisses));
    found += it != m->end();
    if constexpr (kShared) mu.unlock_shared(); else mu.unlock();
    i++;
  }
  benchmark::DoNotOptimize(found);
  g_wall.End(st);
}

const bool kRegistered = [] {
  for (int threads : {1, 2}) {
    const std::string g = "/G=" + std::to_string(threads);
    benchmark::RegisterBenchmark(("synclab/map/LoadMostlyHits/synclab::Map" + g).c_str(), BM_SynclabMap)
        ->Threads(threads)->UseRealTime();
    benchmark::RegisterBenchmark(("synclab/map/LoadMostlyHits/shared_mutex+umap" + g).c_str(),
                                 BM_LockedMap<std::shared_mutex, true>)
        ->Threads(threads)->UseRealTime();
    benchmark::RegisterBenchmark(("synclab/map/LoadMostlyHits/mutex+umap" + g).c_str(),
                                 BM_LockedMap<std::mutex, false>)
        ->Threads(threads)->UseRealTime();
  }
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
