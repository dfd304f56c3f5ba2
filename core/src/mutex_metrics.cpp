// mutex_metrics.cpp: the course's Mutex metrics (mutex_metrics.h).
#include "synclab/mutex_metrics.h"

namespace synclab::mutexmetrics {

Snapshot Read(const Mutex& mu, Site site) {
  rt::Step step(mu.id());  // a step on the Mutex: the word is shared
  // One atomic load (Go: atomic.LoadInt32 of the word). Relaxed: a metric
  // orders nothing; it only reports what the word held at one instant.
  const std::int32_t state = mu.state();
  const Mutex::State d = Mutex::Decode(state);
  Snapshot s{state, int(d.waiters) + (d.locked ? 1 : 0), d.locked, d.woken, d.starving};
  rt::Emit(trace::EventKind::kMutexMetrics, mu.id(), site, state, mu.sema(), s.count, s.locked, s.woken,
           s.starving);
  return s;
}

}  // namespace synclab::mutexmetrics
