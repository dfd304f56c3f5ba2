// pool_bench.cpp: synclab::Pool against new/delete, the workloads of Go's
// BenchmarkPool in ../shared/bench-peers/go/peers_test.go:
//   synclab/pool/GetPut/<size>            Get, touch, Put on one thread
//   synclab/pool/NewDelete/<size>         new, touch, delete (Go: Alloc, new
//                                         with the GC freeing later)
//   synclab/pool/GetPutParallel/1KB       the same on 2 threads (Go's
//   synclab/pool/NewDeleteParallel/1KB    RunParallel with GOMAXPROCS=2)
//   synclab/pool/PinUnpin                 what each Get and Put pins
// 32B is Go's obj32 (four uint64s), 1KB its obj1k. Tracing is compiled in
// and no recorder is attached: the plain-thread fast path.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <memory>

#include "synclab/pool.h"
#include "wall.h"

namespace {

struct Obj32 {
  std::uint64_t a[4];
};
struct Obj1K {
  std::uint64_t a[128];
};

template <class T>
synclab::Pool<T>& PoolOf() {
  static synclab::Pool<T> pool([] { return std::make_unique<T>(); }, "bench");
  return pool;
}

using synclab::bench::NowNs;

// On several threads, "wall-ns/op" is Go's ns/op for RunParallel: the span
// from the first thread's start to the end, over every thread's operations.
// (Google Benchmark's real time is per thread.)
struct Wall {
  std::atomic<std::int64_t> start{LLONG_MAX};
  void Begin() {
    const std::int64_t now = NowNs();
    std::int64_t seen = start.load();
    while (now < seen && !start.compare_exchange_weak(seen, now)) {
    }
  }
  // Thread 0, past the loop's end barrier: every thread is done.
  void End(benchmark::State& st) {
    if (st.thread_index() != 0) return;
    const double ops = double(st.iterations()) * double(st.threads());
    st.counters["wall-ns/op"] = double(NowNs() - start.exchange(LLONG_MAX)) / ops;
  }
};

template <class T>
void BM_GetPut(benchmark::State& st) {
  static Wall wall;
  synclab::Pool<T>& pool = PoolOf<T>();
  wall.Begin();
  for (auto _ : st) {
    std::unique_ptr<T> x = pool.Get();
    x->a[0]++;
    pool.Put(std::move(x));
  }
  wall.End(st);
}

// What a Pool operation pins: one P's slot, natively (rt::ProcPin).
void BM_PinUnpin(benchmark::State& st) {
  for (auto _ : st) {
    synclab::rt::ProcPin();
    synclab::rt::ProcUnpin();
  }
}

template <class T>
void BM_NewDelete(benchmark::State& st) {
  static Wall wall;
  wall.Begin();
  for (auto _ : st) {
    T* x = new T{};
    x->a[0]++;
    benchmark::DoNotOptimize(x);  // as Go's sink: the allocation happens
    delete x;
  }
  wall.End(st);
}

}  // namespace

BENCHMARK(BM_GetPut<Obj32>)->Name("synclab/pool/GetPut/32B");
BENCHMARK(BM_NewDelete<Obj32>)->Name("synclab/pool/NewDelete/32B");
BENCHMARK(BM_GetPut<Obj1K>)->Name("synclab/pool/GetPut/1KB");
BENCHMARK(BM_NewDelete<Obj1K>)->Name("synclab/pool/NewDelete/1KB");
BENCHMARK(BM_GetPut<Obj1K>)->Name("synclab/pool/GetPutParallel/1KB")->Threads(2)->UseRealTime();
BENCHMARK(BM_NewDelete<Obj1K>)->Name("synclab/pool/NewDeleteParallel/1KB")->Threads(2)->UseRealTime();
BENCHMARK(BM_PinUnpin)->Name("synclab/pool/PinUnpin");

BENCHMARK_MAIN();
