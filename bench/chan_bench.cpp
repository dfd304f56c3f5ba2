// chan_bench.cpp: synclab::Chan on the peers' channel workloads
// (../shared/bench-peers: go/peers_test.go BenchmarkChan, cpp/peers.cc):
//   synclab/chan/PingPongUnbuffered        a round trip: ping <- i; <-pong, a
//                                          second thread echoing (plain threads)
//   synclab/chan/Buffered128               per item: one producer, one consumer
//                                          ranging over a cap-128 channel
//   synclab/chan/traced/...                the same inside native::Run with a
//                                          Recorder attached (every step an event)
//   synclab/chan/sim/...                   the same in the sim runtime: ops/s
//   synclab/chan/condvar/...               a std::mutex + std::condition_variable
//                                          queue on the same workloads
#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

#include "synclab/chan.h"
#include "synclab/go.h"
#include "synclab/instrument/recorder.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "wall.h"

namespace {

using synclab::bench::NowNs;

// A bounded queue the classic way (cap 0: a rendezvous is not possible
// with it, so the ping-pong uses cap 1 per direction).
class CondvarQueue {
 public:
  explicit CondvarQueue(std::size_t cap) : cap_(cap) {}
  void Send(int v) {
    std::unique_lock l(mu_);
    not_full_.wait(l, [&] { return q_.size() < cap_; });
    q_.push_back(v);
    not_empty_.notify_one();
  }
  int Recv() {
    std::unique_lock l(mu_);
    not_empty_.wait(l, [&] { return !q_.empty(); });
    int v = q_.front();
    q_.pop_front();
    not_full_.notify_one();
    return v;
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<int> q_;
  std::size_t cap_;
};

// One ping-pong of n round trips on channels; returns ns per round trip.
double ChanPingPong(std::int64_t n) {
  auto ping = synclab::make_chan<int>(), pong = synclab::make_chan<int>();
  synclab::go([ping, pong] {
    for (int v : ping) pong.Send(v);
    pong.Close();
  });
  const std::int64_t t0 = NowNs();
  for (std::int64_t i = 0; i < n; i++) {
    ping.Send(int(i));
    pong.Recv();
  }
  const std::int64_t t1 = NowNs();
  ping.Close();
  while (pong.Recv2().second) {
  }
  return double(t1 - t0) / double(n);
}

// n items through a cap-128 channel; returns ns per item.
double ChanBuffered(std::int64_t n) {
  auto ch = synclab::make_chan<int>(128);
  auto done = synclab::make_chan<std::uint64_t>();
  synclab::go([ch, done] {
    std::uint64_t s = 0;
    for (int v : ch) s += std::uint64_t(v);
    done.Send(s);
  });
  const std::int64_t t0 = NowNs();
  for (std::int64_t i = 0; i < n; i++) ch.Send(int(i));
  ch.Close();
  benchmark::DoNotOptimize(done.Recv());
  return double(NowNs() - t0) / double(n);
}

void BM_ChanPingPong(benchmark::State& st) {
  for (auto _ : st) st.SetIterationTime(ChanPingPong(st.range(0)) * double(st.range(0)) / 1e9);
  st.SetItemsProcessed(st.iterations() * st.range(0));
  st.counters["wall-ns/op"] = ChanPingPong(st.range(0));
}

void BM_ChanBuffered(benchmark::State& st) {
  for (auto _ : st) st.SetIterationTime(ChanBuffered(st.range(0)) * double(st.range(0)) / 1e9);
  st.counters["wall-ns/op"] = ChanBuffered(st.range(0));
}

// Inside native::Run, with a Recorder attached (traced) or not.
template <double (*Body)(std::int64_t)>
void BM_Native(benchmark::State& st) {
  const bool traced = st.range(1) != 0;
  double ns = 0;
  for (auto _ : st) {
    synclab::instrument::Recorder rec;
    synclab::native::Options o;
    o.sink = traced ? &rec : nullptr;
    synclab::native::Run([&] { ns = Body(st.range(0)); }, o);
    st.SetIterationTime(ns * double(st.range(0)) / 1e9);
  }
  st.counters["wall-ns/op"] = ns;
}

// In sim (2 Ps, untraced): operations per second of real time.
template <double (*Body)(std::int64_t)>
void BM_Sim(benchmark::State& st) {
  std::int64_t ops = 0;
  for (auto _ : st) {
    synclab::sim::Options o;
    synclab::sim::Run([&] { Body(st.range(0)); }, o);
    ops += st.range(0);
  }
  st.counters["ops/s"] = benchmark::Counter(double(ops), benchmark::Counter::kIsRate);
}

void BM_CondvarPingPong(benchmark::State& st) {
  const std::int64_t n = st.range(0);
  double ns = 0;
  for (auto _ : st) {
    CondvarQueue ping(1), pong(1);
    std::thread echo([&] {
      for (std::int64_t i = 0; i < n; i++) pong.Send(ping.Recv());
    });
    const std::int64_t t0 = NowNs();
    for (std::int64_t i = 0; i < n; i++) {
      ping.Send(int(i));
      pong.Recv();
    }
    ns = double(NowNs() - t0) / double(n);
    echo.join();
    st.SetIterationTime(ns * double(n) / 1e9);
  }
  st.counters["wall-ns/op"] = ns;
}

void BM_CondvarBuffered(benchmark::State& st) {
  const std::int64_t n = st.range(0);
  double ns = 0;
  for (auto _ : st) {
    CondvarQueue q(128);
    std::uint64_t sum = 0;
    std::thread consumer([&] {
      for (std::int64_t i = 0; i < n; i++) sum += std::uint64_t(q.Recv());
    });
    const std::int64_t t0 = NowNs();
    for (std::int64_t i = 0; i < n; i++) q.Send(int(i));
    consumer.join();
    ns = double(NowNs() - t0) / double(n);
    benchmark::DoNotOptimize(sum);
    st.SetIterationTime(ns * double(n) / 1e9);
  }
  st.counters["wall-ns/op"] = ns;
}

}  // namespace

BENCHMARK(BM_ChanPingPong)->Name("synclab/chan/PingPongUnbuffered")->Arg(20000)->UseManualTime();
BENCHMARK(BM_ChanBuffered)->Name("synclab/chan/Buffered128")->Arg(200000)->UseManualTime();
BENCHMARK(BM_Native<ChanPingPong>)->Name("synclab/chan/native/PingPongUnbuffered")->Args({20000, 0})->UseManualTime();
BENCHMARK(BM_Native<ChanPingPong>)->Name("synclab/chan/traced/PingPongUnbuffered")->Args({20000, 1})->UseManualTime();
BENCHMARK(BM_Native<ChanBuffered>)->Name("synclab/chan/native/Buffered128")->Args({200000, 0})->UseManualTime();
BENCHMARK(BM_Native<ChanBuffered>)->Name("synclab/chan/traced/Buffered128")->Args({200000, 1})->UseManualTime();
BENCHMARK(BM_Sim<ChanPingPong>)->Name("synclab/chan/sim/PingPongUnbuffered")->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Sim<ChanBuffered>)->Name("synclab/chan/sim/Buffered128")->Arg(20000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CondvarPingPong)->Name("synclab/chan/condvar/PingPong")->Arg(20000)->UseManualTime();
BENCHMARK(BM_CondvarBuffered)->Name("synclab/chan/condvar/Buffered128")->Arg(200000)->UseManualTime();

BENCHMARK_MAIN();
