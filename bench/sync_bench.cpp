// sync_bench.cpp: synclab::RWMutex against std::shared_mutex, and
// synclab::WaitGroup against std::latch, on plain threads (no runtime, no
// recorder: the primitives as a library).
//
// The workloads are the peers' (../shared/bench-peers: go/peers_test.go,
// cpp/peers.cc), so scripts/run-bench can put our figures beside Go's from
// the same run:
//   synclab/uncontended/<lock>(R|W)        RLock+RUnlock / Lock+Unlock, one thread
//   synclab/contended/<lock>(W)/tiny/G=n   n threads, an increment under the write lock
//   synclab/map/LoadMostlyHits/<lock>      2 threads read a 1023-entry map under the
//                                          read lock (Go's map_bench_test.go)
//   synclab/wg/<wg>/Cycle/N=n              Add(n), n x Done, Wait on one thread
//   synclab/wg/<wg>/ForkJoinPool/N=n       n persistent workers released by a
//                                          generation counter, joined by the WaitGroup
// Multi-threaded rows report "wall-ns/op": the span from the first thread's
// start to the last one's end over all operations, like Go's ns/op.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <latch>
#include <shared_mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "synclab/rwmutex.h"
#include "synclab/wait_group.h"
#include "wall.h"

namespace {

using synclab::bench::NowNs;

// The read and write sides of a reader/writer lock, as the peers name them.
template <class RW>
struct Reader {
  RW mu;
  void lock() { mu.lock_shared(); }
  void unlock() { mu.unlock_shared(); }
};
template <class RW>
struct Writer {
  RW mu;
  void lock() { mu.lock(); }
  void unlock() { mu.unlock(); }
};

template <class Lock>
struct alignas(64) Guarded {
  Lock l;
  std::uint64_t n = 0;
};

template <class Lock>
void BM_Uncontended(benchmark::State& st) {
  static Guarded<Lock> g;
  for (auto _ : st) {
    g.l.lock();
    g.l.unlock();
  }
}

synclab::bench::WallSpan g_wall;

template <class Lock>
void BM_Contended(benchmark::State& st) {
  static Guarded<Lock> g;
  g_wall.Begin(st);
  for (auto _ : st) {
    g.l.lock();
    g.n++;
    g.l.unlock();
  }
  g_wall.End(st);
}

// Go's BenchmarkLoadMostlyHits on a map behind the read lock: 1023 hits
// and one miss in every 1024 loads.
template <class RW>
void BM_LoadMostlyHits(benchmark::State& st) {
  static RW mu;
  static const std::unordered_map<int, int>* const m = [] {
    auto* map = new std::unordered_map<int, int>();
    for (int i = 0; i < 1023; i++) (*map)[i] = i;
    return map;
  }();
  std::int64_t found = 0;
  int i = 0;
  g_wall.Begin(st);
  for (auto _ : st) {
    mu.lock_shared();
    found += m->find(i++ % 1024) != m->end();
    mu.unlock_shared();
  }
  benchmark::DoNotOptimize(found);
  g_wall.End(st);
}

// The join side of a fork-join: a WaitGroup counts n Dones per round, a
// latch is made anew for each round (it cannot be reset).
struct WaitGroupJoin {
  synclab::WaitGroup wg;
  void Start(int n) { wg.Add(n); }
  void Done() { wg.Done(); }
  void Wait() { wg.Wait(); }
};
struct LatchJoin {
  // Two latches in turn: when round r starts, every worker has finished
  // round r - 2, so its latch can be rebuilt.
  alignas(std::latch) unsigned char buf[2][sizeof(std::latch)];
  std::latch* slot[2] = {nullptr, nullptr};
  std::atomic<std::latch*> current{nullptr};
  std::uint64_t round = 0;
  void Start(int n) {
    std::latch*& l = slot[round++ & 1];
    if (l != nullptr) l->~latch();
    l = new (buf[(round - 1) & 1]) std::latch(n);
    current.store(l, std::memory_order_release);
  }
  void Done() { current.load(std::memory_order_acquire)->count_down(); }
  void Wait() { current.load(std::memory_order_relaxed)->wait(); }
  ~LatchJoin() {
    for (std::latch* l : slot)
      if (l != nullptr) l->~latch();
  }
};

template <class Join>
void BM_Cycle(benchmark::State& st, int n) {
  Join j;
  for (auto _ : st) {
    j.Start(n);
    for (int k = 0; k < n; k++) j.Done();
    j.Wait();
  }
}

template <class Join>
void BM_ForkJoinPool(benchmark::State& st, int n) {
  Join j;
  std::atomic<std::uint32_t> gen{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> workers;
  for (int k = 0; k < n; k++) {
    workers.emplace_back([&] {
      std::uint32_t seen = 0;
      for (;;) {
        gen.wait(seen, std::memory_order_acquire);
        seen = gen.load(std::memory_order_acquire);
        if (stop.load(std::memory_order_acquire)) return;
        j.Done();
      }
    });
  }
  for (auto _ : st) {
    j.Start(n);
    gen.fetch_add(1, std::memory_order_release);
    gen.notify_all();
    j.Wait();
  }
  stop.store(true, std::memory_order_release);
  gen.fetch_add(1, std::memory_order_release);
  gen.notify_all();
  for (auto& w : workers) w.join();
}

benchmark::internal::Benchmark* Reg(const std::string& name, void (*fn)(benchmark::State&)) {
  return benchmark::RegisterBenchmark(name.c_str(), fn);
}

template <class RW>
void RegisterRW(const std::string& name) {
  Reg("synclab/uncontended/" + name + "(R)", BM_Uncontended<Reader<RW>>);
  Reg("synclab/uncontended/" + name + "(W)", BM_Uncontended<Writer<RW>>);
  for (int threads : {2, 8, 64}) {
    Reg("synclab/contended/" + name + "(W)/tiny/G=" + std::to_string(threads), BM_Contended<Writer<RW>>)
        ->Threads(threads)
        ->UseRealTime();
  }
  Reg("synclab/map/LoadMostlyHits/" + name, BM_LoadMostlyHits<RW>)->Threads(2)->UseRealTime();
}

template <class Join>
void RegisterJoin(const std::string& name) {
  for (int n : {2, 8}) {
    const std::string s = "/N=" + std::to_string(n);
    // n is captured, not an Arg: an Arg would add "/n" to the name the peers use.
    benchmark::RegisterBenchmark(("synclab/wg/" + name + "/Cycle" + s).c_str(), BM_Cycle<Join>, n);
    benchmark::RegisterBenchmark(("synclab/wg/" + name + "/ForkJoinPool" + s).c_str(), BM_ForkJoinPool<Join>, n)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  RegisterRW<synclab::RWMutex>("synclab::RWMutex");
  RegisterRW<std::shared_mutex>("std::shared_mutex");
  RegisterJoin<WaitGroupJoin>("synclab::WaitGroup");
  RegisterJoin<LatchJoin>("std::latch");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
