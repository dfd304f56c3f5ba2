// semaphore_bench.cpp: synclab::semaphore::Weighted against a semaphore made
// of a buffered synclab::Chan<Unit> (send to acquire, receive to release),
// on plain threads (no runtime, no recorder: the primitives as a library).
// go/semaphore/semaphore_test.go runs the same workloads on Go's x/sync
// Weighted and a chan struct{}, so compare.py can put them side by side:
//   synclab/semaphore/<sem>/Uncontended   Acquire(1)+Release(1), one thread
//   synclab/semaphore/<sem>/G=8/size=4    8 threads, each Acquire(1), a
//                                         tiny section, Release(1), on 4 tokens
// Multi-threaded rows report "wall-ns/op" (wall.h), like Go's ns/op.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/semaphore.h"
#include "wall.h"

namespace {

namespace ctx = synclab::context;

struct WeightedSem {
  explicit WeightedSem(std::int64_t n) : sem(n) {}
  void Acquire() { benchmark::DoNotOptimize(sem.Acquire(c, 1)); }
  void Release() { sem.Release(1); }
  ctx::Context c = ctx::background();  // made once: each background() call makes a node
  synclab::semaphore::Weighted sem;
};

struct ChanSem {
  explicit ChanSem(std::int64_t n) : tokens(synclab::make_chan<synclab::Unit>(n)) {}
  void Acquire() { tokens.Send({}); }
  void Release() { tokens.Recv(); }
  synclab::Chan<synclab::Unit> tokens;
};

template <class Sem>
void BM_Uncontended(benchmark::State& st) {
  Sem s(1);
  for (auto _ : st) {
    s.Acquire();
    s.Release();
  }
}

synclab::bench::WallSpan g_wall;

template <class Sem>
void BM_Contended(benchmark::State& st) {
  static Sem* s = nullptr;
  static std::atomic<std::uint64_t> work{0};  // the section: 4 threads may be inside at once
  if (st.thread_index() == 0) s = new Sem(4);
  // Google Benchmark's start barrier follows: every thread sees s.
  g_wall.Begin(st);
  for (auto _ : st) {
    s->Acquire();
    work.fetch_add(1, std::memory_order_relaxed);
    s->Release();
  }
  g_wall.End(st);
  if (st.thread_index() == 0) {  // past the end barrier: every thread is done with s
    delete s;
    s = nullptr;
  }
}

}  // namespace

BENCHMARK(BM_Uncontended<WeightedSem>)->Name("synclab/semaphore/Weighted/Uncontended");
BENCHMARK(BM_Uncontended<ChanSem>)->Name("synclab/semaphore/Chan/Uncontended");
BENCHMARK(BM_Contended<WeightedSem>)->Name("synclab/semaphore/Weighted/G=8/size=4")->Threads(8)->UseRealTime();
BENCHMARK(BM_Contended<ChanSem>)->Name("synclab/semaphore/Chan/G=8/size=4")->Threads(8)->UseRealTime();

BENCHMARK_MAIN();
