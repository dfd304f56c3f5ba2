// once.cpp: Go's sync.Once (spec section 6).
#include "synclab/once.h"

namespace synclab {

using trace::EventKind;

Once::Once(std::string_view name, Site site) : Once(0, name, site) {}

Once::Once(ObjectId parent, std::string_view part, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kOnce, part, parent, site)), m_(id_, "m", site) {}

void Once::Trace(EventKind kind, const Site& site) const {
  rt::Emit(kind, id_, site, done_.load(std::memory_order_relaxed));
}

// Go: Once.Do, its fast path (done.Load() == 1).
bool Once::Done(const Site& site) {
  rt::Step step(id_);
  if (done_.load(std::memory_order_acquire) == 0) return false;
  Trace(EventKind::kOnceFast, site);
  return true;
}

// Go: Once.doSlow.
void Once::DoSlow(void (*call)(void*), void* f, const Site& site) {
  m_.Lock(site);
  bool run;
  {
    rt::Step step(id_);
    run = done_.load(std::memory_order_relaxed) == 0;
    Trace(EventKind::kOnceSlow, site);
  }
  if (run) {
    {
      rt::TraceSection section(id_);
      Trace(EventKind::kOnceRunBegin, site);
    }
    // Go: defer o.done.Store(1), whether f returns or panics.
    auto finish = [&](EventKind kind) {
      rt::Step step(id_);
      done_.store(1, std::memory_order_release);
      Trace(kind, site);
    };
    try {
      call(f);
    } catch (const rt::detail::Abort&) {
      throw;  // the run is being torn down: nothing more happens in it
    } catch (...) {
      finish(EventKind::kOnceRunPanic);
      m_.Unlock(site);
      throw;
    }
    finish(EventKind::kOnceRunEnd);
  }
  m_.Unlock(site);
}

}  // namespace synclab
