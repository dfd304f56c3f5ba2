// mutex_bench.cpp: synclab::Mutex against std::mutex, the cost of recording,
// and the speed of the sim runtime.
//
// Names follow ../shared/bench-peers (cpp/<group>/<impl>/...), so that
// scripts/run-bench can put our figures beside Go's and absl's from the
// same run:
//   synclab/uncontended/<lock>            Lock+Unlock on one thread
//   synclab/contended/<lock>/tiny/G=n     n threads, an increment inside
//   synclab/tail/<lock>/work100/G=n       n threads, ~100 ns inside; wait
//                                         percentiles and the worst wait
//   synclab/record/native, record/sim     ns per recorded event (ints only)
//   synclab/record/native-str, sim-str    ns per recorded event with two
//                                         str fields (Map Load read hits)
//   synclab/sim/points                    scheduling points per second
// Tracing is compiled in (SYNCLAB_TRACE=ON) and no recorder is attached,
// except in record/*.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <mutex>
#include <string>

#include "synclab/go.h"
#include "synclab/map.h"
#include "synclab/instrument/recorder.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/var.h"
#include "synclab/wait_group.h"
#include "wall.h"

namespace {

using synclab::bench::NowNs;

// About 100 ns of dependent arithmetic (an LCG chain), as the peers do.
std::uint64_t Work100(std::uint64_t x) {
  for (int i = 0; i < 72; i++) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}

// Wait-time histogram: 8 linear sub-buckets per power of two, so each
// bucket is within 12.5% of its values. Per thread, merged at the end.
class Histogram {
 public:
  static constexpr int kBuckets = 8 * 64;
  void Add(std::uint64_t ns) {
    counts_[Bucket(ns)]++;
    max_ = std::max(max_, ns);
  }
  void Merge(const Histogram& o) {
    for (int i = 0; i < kBuckets; i++) counts_[std::size_t(i)] += o.counts_[std::size_t(i)];
    max_ = std::max(max_, o.max_);
  }
  std::uint64_t Quantile(double q) const {
    std::uint64_t total = 0;
    for (std::uint64_t c : counts_) total += c;
    std::uint64_t want = std::max<std::uint64_t>(1, std::uint64_t(q * double(total) + 0.5));
    std::uint64_t seen = 0;
    for (int i = 0; i < kBuckets; i++) {
      seen += counts_[std::size_t(i)];
      if (seen >= want) return Upper(i);
    }
    return max_;
  }
  std::uint64_t max() const { return max_; }
  void Clear() { *this = Histogram{}; }

 private:
  static int Bucket(std::uint64_t v) {
    if (v < 8) return int(v);
    int e = 63 - __builtin_clzll(v);  // v in [2^e, 2^(e+1))
    return (e - 2) * 8 + int((v >> (e - 3)) & 7);
  }
  static std::uint64_t Upper(int i) {
    if (i < 8) return std::uint64_t(i);
    int e = i / 8 + 2;
    return ((std::uint64_t(8 + i % 8) + 1) << (e - 3)) - 1;
  }
  std::array<std::uint64_t, kBuckets> counts_{};
  std::uint64_t max_ = 0;
};

using synclab::bench::kMaxThreads;
struct alignas(64) PerThread {
  Histogram waits;
  std::int64_t start = 0, end = 0;
};
PerThread g_threads[kMaxThreads];

template <class Lock>
struct alignas(64) Guarded {
  Lock mu;
  std::uint64_t n = 0;
};

template <class Lock>
void BM_Uncontended(benchmark::State& st) {
  static Guarded<Lock> g;
  for (auto _ : st) {
    g.mu.lock();
    g.mu.unlock();
  }
}

// Every thread runs the same number of iterations. Google Benchmark's real
// time is the mean per-thread time, which flatters unfair locks (a thread
// that hogs the lock finishes early); "wall-ns/op" is the span from the first
// thread's start to the last one's end over all operations, like Go's ns/op.
template <class Lock, bool kWork, bool kTail>
void BM_Contended(benchmark::State& st) {
  static Guarded<Lock> g;
  PerThread& me = g_threads[st.thread_index()];
  me.waits.Clear();
  me.start = NowNs();
  for (auto _ : st) {
    std::int64_t t0 = kTail ? NowNs() : 0;
    g.mu.lock();
    if (kTail) me.waits.Add(std::uint64_t(NowNs() - t0));
    g.n = kWork ? Work100(g.n) : g.n + 1;
    g.mu.unlock();
  }
  me.end = NowNs();
  if (st.thread_index() != 0) return;
  // Thread 0 is past Google Benchmark's end barrier: all loops are done.
  std::int64_t first = LLONG_MAX, last = LLONG_MIN;
  Histogram all;
  for (int t = 0; t < st.threads(); t++) {
    first = std::min(first, g_threads[t].start);
    last = std::max(last, g_threads[t].end);
    all.Merge(g_threads[t].waits);
  }
  st.counters["wall-ns/op"] = double(last - first) / double(st.iterations() * st.threads());
  if (kTail) {
    st.counters["p50-wait-ns"] = double(all.Quantile(0.5));
    st.counters["p99-wait-ns"] = double(all.Quantile(0.99));
    st.counters["p9999-wait-ns"] = double(all.Quantile(0.9999));
    st.counters["max-wait-ns"] = double(all.max());
  }
}

// ns per recorded event in a native run: the same Lock/Unlock loop with and
// without a recorder, inside native::Run so that the goroutine is traced.
void BM_RecordNative(benchmark::State& st) {
  constexpr int kOps = 20000;  // each op emits 2 events (lock.fast, unlock.fast)
  double net_ns = 0, with_ns = 0;
  std::int64_t runs = 0;
  for (auto _ : st) {
    std::int64_t loop[2] = {0, 0};
    for (int traced = 0; traced < 2; traced++) {
      synclab::instrument::Recorder rec;
      synclab::native::Options o;
      o.sink = traced ? &rec : nullptr;
      synclab::native::Run([&] {
        synclab::Mutex mu;
        std::int64_t t0 = NowNs();
        for (int i = 0; i < kOps; i++) {
          mu.Lock();
          mu.Unlock();
        }
        loop[traced] = NowNs() - t0;
      }, o);
    }
    st.SetIterationTime(double(loop[1]) / 1e9);
    with_ns += double(loop[1]) / (2.0 * kOps);
    net_ns += double(loop[1] - loop[0]) / (2.0 * kOps);
    runs++;
  }
  st.counters["ns/event"] = net_ns / double(runs);
  st.counters["traced-ns/event"] = with_ns / double(runs);
}

// A sim program of n goroutines each doing `loads` Var loads: every load is
// one scheduling point (and one event when recorded).
synclab::sim::Result SimLoads(int goroutines, int loads, synclab::rt::Sink* sink) {
  synclab::sim::Options o;
  o.procs = 2;
  o.sink = sink;
  return synclab::sim::Run([&] {
    synclab::Var<int> v{0};
    synclab::WaitGroup wg;
    wg.Add(goroutines);
    for (int g = 0; g < goroutines; g++) {
      synclab::go([&] {
        for (int i = 0; i < loads; i++) benchmark::DoNotOptimize(v.Load());
        wg.Done();
      });
    }
    wg.Wait();
  }, o);
}

void BM_SimPoints(benchmark::State& st) {
  std::uint64_t points = 0;
  for (auto _ : st) points += SimLoads(2, 100000, nullptr).steps;
  st.counters["points/s"] = benchmark::Counter(double(points), benchmark::Counter::kIsRate);
}

void BM_RecordSim(benchmark::State& st) {
  double net_ns = 0;
  std::int64_t runs = 0;
  for (auto _ : st) {
    std::int64_t t0 = NowNs();
    SimLoads(2, 50000, nullptr);
    std::int64_t plain = NowNs() - t0;
    synclab::instrument::Recorder rec;
    t0 = NowNs();
    SimLoads(2, 50000, &rec);
    std::int64_t traced = NowNs() - t0;
    st.SetIterationTime(double(traced) / 1e9);
    net_ns += double(traced - plain) / double(rec.event_count());
    runs++;
  }
  st.counters["ns/event"] = net_ns / double(runs);
}

// The Recorder alone: OnEvent of a two-field event on one thread (what the
// record/* figures add on top is building the event in the runtime).
void BM_RecordAppend(benchmark::State& st) {
  constexpr int kEvents = 100000;
  const synclab::trace::Event e{0, 1, 1, 1, synclab::trace::EventKind::kMutexLockFast, {}, {1, 2}, {}};
  std::int64_t events = 0;
  for (auto _ : st) {
    synclab::instrument::Recorder rec;
    for (int i = 0; i < kEvents; i++) rec.OnEvent(e);
    events += kEvents;
  }
  st.counters["ns/event"] = benchmark::Counter(double(events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Events with string fields: a Map<string, string> Load that hits read.m
// emits map.load.read_hit with the key and value as str fields (interned by
// the recorder at Finish). The same loop with and without a recorder, as
// BM_RecordNative; in sim every Load is also a scheduling point, which the
// untraced run pays as well.
template <bool kSim>
void BM_RecordStr(benchmark::State& st) {
  constexpr int kOps = 20000;
  double net_ns = 0;
  std::int64_t runs = 0, events = 0;
  for (auto _ : st) {
    std::int64_t loop[2] = {0, 0};
    for (int traced = 0; traced < 2; traced++) {
      synclab::instrument::Recorder rec;
      auto body = [&] {
        synclab::Map<std::string, std::string> m;
        const std::string keys[4] = {"alpha", "beta", "gamma", "delta"};
        for (const std::string& k : keys) m.Store(k, "value of " + k);
        for (const std::string& k : keys) m.Load(k);  // misses until read.m is promoted
        for (const std::string& k : keys) m.Load(k);
        std::int64_t t0 = NowNs();
        for (int i = 0; i < kOps; i++) benchmark::DoNotOptimize(m.Load(keys[i & 3]));
        loop[traced] = NowNs() - t0;
      };
      if constexpr (kSim) {
        synclab::sim::Options o;
        o.sink = traced ? &rec : nullptr;
        synclab::sim::Run(body, o);
      } else {
        synclab::native::Options o;
        o.sink = traced ? &rec : nullptr;
        synclab::native::Run(body, o);
      }
      if (traced) events = std::int64_t(rec.event_count());
    }
    st.SetIterationTime(double(loop[1]) / 1e9);
    net_ns += double(loop[1] - loop[0]) / double(kOps);
    runs++;
  }
  st.counters["ns/event"] = net_ns / double(runs);
  st.counters["events"] = double(events);
}

benchmark::internal::Benchmark* Reg(const std::string& name, void (*fn)(benchmark::State&)) {
  return benchmark::RegisterBenchmark(name.c_str(), fn);
}

template <class Lock>
void RegisterLock(const std::string& name) {
  Reg("synclab/uncontended/" + name, BM_Uncontended<Lock>);
  for (int threads : {2, 8, 64}) {
    std::string g = "/G=" + std::to_string(threads);
    Reg("synclab/contended/" + name + "/tiny" + g, BM_Contended<Lock, false, false>)
        ->Threads(threads)->UseRealTime();
    Reg("synclab/tail/" + name + "/work100" + g, BM_Contended<Lock, true, true>)
        ->Threads(threads)->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  RegisterLock<synclab::Mutex>("synclab::Mutex");
  RegisterLock<std::mutex>("std::mutex");
  Reg("synclab/record/native", BM_RecordNative)->UseManualTime()->Unit(benchmark::kMillisecond);
  Reg("synclab/record/sim", BM_RecordSim)->UseManualTime()->Unit(benchmark::kMillisecond);
  Reg("synclab/record/append", BM_RecordAppend);
  Reg("synclab/record/native-str", BM_RecordStr<false>)->UseManualTime()->Unit(benchmark::kMillisecond);
  Reg("synclab/record/sim-str", BM_RecordStr<true>)->UseManualTime()->Unit(benchmark::kMillisecond);
  Reg("synclab/sim/points", BM_SimPoints)->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
