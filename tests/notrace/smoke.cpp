// notrace_smoke: the primitives with tracing compiled out (SYNCLAB_TRACE=OFF,
// .ci/run). Prints "ok" and exits 0 when a Mutex-guarded counter, a channel
// and a WaitGroup give the right answers under the sim and native runtimes.
#include <cstdio>
#include <string>

#include "all_headers.h"  // every public header of core (CMakeLists.txt)

static_assert(!synclab::rt::kTraceCompiled, "build this with -DSYNCLAB_TRACE=OFF");

namespace {

// Four goroutines add to a counter under a Mutex and send their share on a
// channel; main sums what it receives. Both must come to 4 * kAdds.
constexpr int kAdds = 1000;

bool CounterAndChannel() {
  synclab::Mutex mu;
  synclab::WaitGroup wg;
  auto shares = synclab::make_chan<int>(4);
  int counter = 0;
  wg.Add(4);
  for (int i = 0; i < 4; i++) {
    synclab::go([&] {
      for (int k = 0; k < kAdds; k++) {
        mu.Lock();
        counter++;
        mu.Unlock();
      }
      shares.Send(kAdds);
      wg.Done();
    });
  }
  wg.Wait();
  int sum = 0;
  for (int i = 0; i < 4; i++) sum += shares.Recv();
  return counter == 4 * kAdds && sum == 4 * kAdds;
}

}  // namespace

int main() {
  bool ok = true;
  const auto sim = synclab::sim::Run([&] { ok = CounterAndChannel() && ok; }, {});
  ok = ok && sim.outcome.status == synclab::rt::Status::kOk;
  const auto native = synclab::native::Run([&] { ok = CounterAndChannel() && ok; }, {});
  ok = ok && native.outcome.status == synclab::rt::Status::kOk;
  ok = ok && CounterAndChannel();  // plain threads
  std::puts(ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
