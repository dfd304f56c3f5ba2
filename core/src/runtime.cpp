// runtime.cpp: what both runtimes share: ids, object registration, trace
// stripes, fatal errors, spinning and the go.h entry points.
#include <chrono>
#include <cstdio>
#include <thread>

#include "internal.h"
#include "synclab/go.h"
#include "synclab/rt/lock.h"
#include "synclab/rt/runtime.h"
#include "synclab/rt/timer.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace synclab::rt {
namespace {

std::atomic<ObjectId> g_next_object{1};
std::atomic<GoroutineId> g_next_goroutine{1};

[[noreturn]] void DefaultFatalHandler(std::string_view message) {
  std::fprintf(stderr, "fatal error: %.*s\n", int(message.size()), message.data());
  std::fflush(stderr);
  std::_Exit(2);  // Go's exit status for fatal errors
}
std::atomic<FatalHandler> g_fatal_handler{&DefaultFatalHandler};

}  // namespace

ObjectId NewObjectId() noexcept { return g_next_object.fetch_add(1, std::memory_order_relaxed); }
GoroutineId NewGoroutineId() noexcept {
  return g_next_goroutine.fetch_add(1, std::memory_order_relaxed);
}

ObjectId RegisterObject(ObjectKind kind, std::string_view name, ObjectId parent,
                        const Site& site) {
  ObjectId id = NewObjectId();
  if (Tracing()) detail::tls_ctx->sink->OnObject(id, kind, name, parent, site);
  return id;
}

namespace detail {

void TraceLock::lock() noexcept {
  while (held_.exchange(true, std::memory_order_acquire)) {
    while (held_.load(std::memory_order_relaxed)) std::this_thread::yield();
  }
}

TraceLock& TraceStripe(ObjectId key) noexcept {
  struct alignas(64) Padded : TraceLock {};
  static Padded stripes[64];
  return stripes[key % 64];
}

}  // namespace detail

void RuntimeLock::Lock() {
  if (InSim()) {
    Point();
    while (sim_held_) Point();  // the holder is running on another P
    sim_held_ = true;
    CurrentG()->locks++;  // not preempted until Unlock
  } else {
    mu_.lock();
  }
}

bool RuntimeLock::TryLock() {
  if (InSim()) {
    if (sim_held_) return false;
    sim_held_ = true;
    // The runtime's own callbacks may run with no goroutine current.
    if (G* g = CurrentG()) g->locks++;
    return true;
  }
  return mu_.try_lock();
}

void RuntimeLock::Unlock() {
  if (InSim()) {
    sim_held_ = false;
    if (G* g = CurrentG()) g->locks--;
  } else {
    mu_.unlock();
  }
}

// Native and plain threads: wyrand on a per-thread state, seeded from the
// thread's address and the clock so threads draw different streams.
std::uint32_t Runtime::Cheaprand() {
  static thread_local std::uint64_t state =
      std::uint64_t(reinterpret_cast<std::uintptr_t>(&state)) ^
      std::uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
  state += 0xa0761d6478bd642full;
  const __uint128_t m = __uint128_t(state) * (state ^ 0xe7037ed1a0b428dbull);
  return std::uint32_t(std::uint64_t(m >> 64) ^ std::uint64_t(m));
}

void StartTimer(Timer& t) { Current().AddTimer(&t); }

bool StopTimer(Timer& t) {
  Runtime* owner = t.owner.load(std::memory_order_acquire);
  return owner != nullptr && owner->DelTimer(&t);
}

// A timer armed on another runtime (a plain thread's timer reset inside a
// run) moves to the current one, as Go's modtimer moves it to the current P.
bool ResetTimer(Timer& t, std::int64_t when, std::int64_t period) {
  Runtime& here = Current();
  Runtime* owner = t.owner.load(std::memory_order_acquire);
  if (owner != nullptr && owner != &here) {
    bool pending = owner->DelTimer(&t);
    here.ModTimer(&t, when, period);
    return pending;
  }
  return here.ModTimer(&t, when, period);
}

void Procyield() {
  if (InSim()) {
    Point(kSpinNs);
    return;
  }
  for (int i = 0; i < 30; i++) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_pause();
#else
    std::this_thread::yield();
#endif
  }
}

void Fatal(std::string_view message) {
  Current().Fatal(message);
  std::abort();  // unreachable: Runtime::Fatal does not return
}

FatalHandler SetFatalHandler(FatalHandler handler) noexcept {
  return g_fatal_handler.exchange(handler != nullptr ? handler : &DefaultFatalHandler);
}

void ThrowingFatalHandler(std::string_view message) { throw FatalError(std::string(message)); }

namespace detail {
// Runs the installed handler; it must not return, and if it does we stop.
[[noreturn]] void RunFatalHandler(std::string_view message) {
  g_fatal_handler.load()(message);
  std::abort();
}
}  // namespace detail

}  // namespace synclab::rt

namespace synclab {

void go(std::function<void()> fn, std::string_view name, Site site) {
  rt::Current().Go(std::move(fn), name, site);
}
void sleep(Duration d, Site site) { rt::Current().Sleep(d.count(), site); }
Duration now(Site) { return Duration(rt::Nanotime()); }
void gosched(Site site) { rt::Current().Gosched(site); }
void gc(Site site) { rt::Current().GC(site); }
void work(Duration d, Site site) { rt::Current().Work(d.count(), site); }
void check(bool ok, std::string_view message, Site site) {
  if (!ok) rt::Current().CheckFailed(message, site);
}

}  // namespace synclab
