// wall.h: what the benchmark programs share: a clock, and "wall-ns/op" for
// multi-threaded rows, the span from the first thread's start to the last
// one's end over all operations, as Go's ns/op. (Google Benchmark's real
// time is the mean per-thread time, which flatters unfair locks.)
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdint>

namespace synclab::bench {

inline std::int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

inline constexpr int kMaxThreads = 64;

// Each thread calls Begin before its loop and End after it; thread 0's End
// (past Google Benchmark's end barrier: every loop is done) reports.
class WallSpan {
 public:
  void Begin(const benchmark::State& st) { spans_[st.thread_index()].start = NowNs(); }
  void End(benchmark::State& st) {
    spans_[st.thread_index()].end = NowNs();
    if (st.thread_index() != 0) return;
    std::int64_t first = LLONG_MAX, last = LLONG_MIN;
    for (int t = 0; t < st.threads(); t++) {
      first = std::min(first, spans_[t].start);
      last = std::max(last, spans_[t].end);
    }
    st.counters["wall-ns/op"] = double(last - first) / double(st.iterations() * st.threads());
  }

 private:
  struct alignas(64) Span {
    std::int64_t start = 0, end = 0;
  };
  Span spans_[kMaxThreads];
};

}  // namespace synclab::bench
