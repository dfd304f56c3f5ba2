// runtime.h: the seam between primitives and the runtime that runs them.
//
// Primitives never block, spin, read the clock or touch shared words except
// through this header, so the same algorithm runs on two runtimes:
//
//   native  goroutines are OS threads, parking is a futex, time is real.
//           A thread outside any runtime ("plain") behaves as native, untraced.
//   sim     goroutines are fibers on one thread; every Step, Park, Ready,
//           spin and clock read is a scheduling point (see sim.h).
//
// The current thread's runtime is found through one thread-local pointer,
// detail::tls_ctx; it is null on plain threads, which is what keeps the
// uncontended Mutex path to one load and one branch beyond the CAS.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "synclab/trace/event.h"

#ifndef SYNCLAB_TRACE
#define SYNCLAB_TRACE 1
#endif

namespace synclab::rt {

using trace::EventKind;
using trace::ObjectKind;
using trace::WaitReason;

inline constexpr bool kTraceCompiled = SYNCLAB_TRACE != 0;

// How a run's raw event times map to nanoseconds since its start:
// ns = (raw - raw0) * ns_per_tick. Sim times are nanoseconds already; native
// runs stamp events with the CPU's time-stamp counter (a few ns to read,
// against ~25 for steady_clock) and calibrate it over the run.
struct TraceClock {
  std::int64_t raw0 = 0;
  double ns_per_tick = 1.0;
  std::int64_t ToNs(std::int64_t raw) const {
    return ns_per_tick == 1.0 ? raw - raw0 : std::int64_t(double(raw - raw0) * ns_per_tick + 0.5);
  }
};

// Receives every event of the runtime it is attached to (the recorder).
// OnEvent assigns seq; it must be cheap and must not block on primitives.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void OnEvent(const trace::Event& e) noexcept = 0;
  virtual void OnGoroutine(GoroutineId id, GoroutineId parent, std::string_view name,
                           Site site) noexcept = 0;
  virtual void OnObject(ObjectId id, ObjectKind kind, std::string_view name,
                        ObjectId parent, Site site) noexcept = 0;
  // The run has ended (its outcome is known): drop the events of teardown,
  // and read event times through `clock`.
  virtual void OnRunEnd(const TraceClock& clock) noexcept { (void)clock; }
};


class Runtime;
class SemaTable;
struct GcState;
struct Timer;

// A goroutine as the runtime sees it. Runtimes derive from it.
struct G {
  GoroutineId id = 0;
  Runtime* runtime = nullptr;
  // Runtime locks (sema roots) it holds: Go's m.locks. The sim never
  // preempts a goroutine while this is > 0, as Go never preempts an M that
  // holds a runtime lock.
  int locks = 0;
  // Its select object (chan.h): registered on its first traced select, so a
  // select is one object per goroutine, not one per execution.
  ObjectId select_obj = 0;
};

// What Park releases once the goroutine is parked: Go's gopark(unlockf). A
// waker that needs that lock to find the goroutine cannot reach it before it
// is parked, so no trace shows a wake before the park it ends.
struct ParkUnlock {
  void (*fn)(void* arg) = nullptr;
  void* arg = nullptr;
  void operator()() const {
    if (fn != nullptr) fn(arg);
  }
};

// Virtual-clock costs of scheduling points (sim only; see docs/sim-runtime.md).
inline constexpr std::int64_t kStepNs = 10;     // an atomic access or clock read
inline constexpr std::int64_t kSpinNs = 100;    // one spin round: 30 PAUSE instructions
inline constexpr std::int64_t kSwitchNs = 100;  // park, ready, go, gosched

class Runtime {
 public:
  virtual ~Runtime() = default;
  // A scheduling point costing `cost_ns` of virtual time (sim); no-op natively.
  virtual void Point(std::int64_t cost_ns) = 0;
  // Blocks the current goroutine until Ready(it). `obj` and `reason` say
  // what it waits for (the trace's go.park and the deadlock report).
  // `unlock` runs once the goroutine counts as parked, before anything else
  // can run.
  virtual void Park(WaitReason reason, ObjectId obj, Site site, ParkUnlock unlock) = 0;
  // Makes `g` runnable again. A Ready that comes before the Park is kept:
  // the next Park returns at once.
  virtual void Ready(G* g, ObjectId obj, Site site) = 0;
  // The clock (ns): virtual in sim, steady_clock natively.
  virtual std::int64_t Nanotime() = 0;
  // The clock for event timestamps: never a scheduling point.
  virtual std::int64_t TraceTime() = 0;
  // Go's canSpin(iter) for the current goroutine.
  virtual bool CanSpin(int iter) = 0;
  // Go's goyield: let a just-readied goroutine run now (sema handoff).
  virtual void Goyield() = 0;
  // Reports a Go fatal error from the current goroutine. Does not return.
  [[noreturn]] virtual void Fatal(std::string_view message) = 0;
  // The semaphore table of this runtime (sema.h).
  virtual SemaTable& Semtable() = 0;
  // Go's cheaprand: a random 32-bit number (select's poll order). Sim draws
  // it from a stream seeded by the run's seed (apart from the scheduler's,
  // so a select does not change which goroutine runs next); natively and on
  // plain threads it is a per-thread generator.
  virtual std::uint32_t Cheaprand();

  // Go's procPin: keeps the current goroutine on its P until ProcUnpin and
  // returns the P's id, 0 <= id < Procs(). Pins do not nest, and a pinned
  // goroutine must not block. Sim: the goroutine is not preempted (m.locks++,
  // as in Go) and so stays on its P. Native: the thread holds the P's slot,
  // which no other thread can pin meanwhile (see gc.h).
  virtual int ProcPin() = 0;
  virtual void ProcUnpin() = 0;
  // GOMAXPROCS: the number of Ps (sim: Options::procs; native: one per CPU).
  virtual int Procs() = 0;
  // The P the current goroutine runs on (sim), or, natively, the one the
  // thread holds while pinned, else the one it would try first.
  virtual int CurrentP() = 0;
  // Go's runtime.GC as far as synclab has one: stops the world (waits until
  // no goroutine is pinned) and runs sync's poolCleanup (gc.h).
  virtual void GC(const Site& site) = 0;
  // This runtime's world: its GC cycles and its Pools (gc.h). A sim run has
  // one of its own; native runs and plain threads share the process's.
  virtual GcState& Gc() = 0;

  // Runtime timers (timer.h), on this runtime's queue. AddTimer arms an idle
  // timer; DelTimer disarms one this runtime owns, true iff it was pending;
  // ModTimer re-arms (pending or idle) at when/period, true iff it was
  // pending. Natively Del and Mod first wait for a callback of t that is
  // running on the timer thread.
  virtual void AddTimer(Timer* t) = 0;
  virtual bool DelTimer(Timer* t) = 0;
  virtual bool ModTimer(Timer* t, std::int64_t when, std::int64_t period) = 0;

  // The operations behind go.h, for the current goroutine.
  virtual void Go(std::function<void()> fn, std::string_view name, const Site& site) = 0;
  virtual void Sleep(std::int64_t ns, const Site& site) = 0;
  virtual void Gosched(const Site& site) = 0;
  virtual void Work(std::int64_t ns, const Site& site) = 0;
  virtual void CheckFailed(std::string_view message, const Site& site) = 0;
};

// Per-thread view of the runtime. Null on plain threads.
struct ThreadCtx {
  Runtime* runtime = nullptr;
  Sink* sink = nullptr;  // this run's recorder, or null
  G* g = nullptr;        // the goroutine running on this thread now
  bool sim = false;
};

namespace detail {
inline constinit thread_local ThreadCtx* tls_ctx = nullptr;

// Thrown from Park (and sim scheduling points) to unwind a goroutine when its
// run is torn down. Deliberately not a std::exception: user code that catches
// std::exception does not swallow it.
struct Abort {};

// The runtime of plain threads: native semantics, never traced.
Runtime& PlainRuntime();
G* PlainG();  // this plain thread's goroutine record

// Serialises one object's step with its event when a native run is traced,
// so per-object event order is the order the state really changed.
class TraceLock {
 public:
  void lock() noexcept;
  void unlock() noexcept { held_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> held_{false};
};
TraceLock& TraceStripe(ObjectId key) noexcept;
}  // namespace detail

inline ThreadCtx* Ctx() noexcept { return detail::tls_ctx; }
inline Runtime& Current() { return Ctx() ? *Ctx()->runtime : detail::PlainRuntime(); }
inline G* CurrentG() { return Ctx() ? Ctx()->g : detail::PlainG(); }
inline GoroutineId CurrentId() { return CurrentG()->id; }
inline bool InSim() noexcept { return Ctx() && Ctx()->sim; }

// Process-wide id counters (the recorder renumbers densely).
ObjectId NewObjectId() noexcept;
GoroutineId NewGoroutineId() noexcept;

namespace detail {
// A field of an event being emitted: an integer, an enum, a pointer (its
// identity, for ptr fields) or a string (for str fields).
template <typename T>
constexpr bool kIsStrField = std::is_convertible_v<const T&, std::string_view>;

template <typename T>
void PutField(trace::Event& e, std::size_t& i, std::size_t& s, const T& v) noexcept {
  if constexpr (kIsStrField<T>) {
    e.str[s] = std::string_view(v);
    e.f[i++] = std::int64_t(s++);
  } else if constexpr (std::is_pointer_v<T>) {
    e.f[i++] = std::int64_t(reinterpret_cast<std::uintptr_t>(v));
  } else {
    e.f[i++] = std::int64_t(v);
  }
}
}  // namespace detail

// Emits one event on behalf of goroutine g (0: the runtime itself) if this
// thread's runtime is traced. `fields` are the event's fields in catalogue
// order (events.def): integers, enums, pointers (ptr fields) or strings (str
// fields; the sink copies them).
template <typename... Fields>
inline void EmitAs(GoroutineId g, EventKind kind, ObjectId obj, const Site& site,
                   const Fields&... fields) noexcept {
  static_assert(sizeof...(Fields) <= trace::kMaxFields, "more fields than an event has");
  static_assert((std::size_t(detail::kIsStrField<Fields>) + ... + 0) <= trace::kMaxStrFields,
                "more string fields than an event has");
  if constexpr (kTraceCompiled) {
    ThreadCtx* c = detail::tls_ctx;
    if (c == nullptr || c->sink == nullptr) return;
    trace::Event e;  // f is written below, every element
    e.t_ns = c->runtime->TraceTime();
    e.g = g;
    e.obj = obj;
    e.kind = kind;
    e.site = site;
    std::size_t i = 0, s = 0;
    (detail::PutField(e, i, s, fields), ...);
    for (std::size_t k = sizeof...(Fields); k < trace::kMaxFields; k++) e.f[k] = 0;
    c->sink->OnEvent(e);
  }
}

// Emits one event of the current goroutine if this thread's runtime is traced.
template <typename... Fields>
inline void Emit(EventKind kind, ObjectId obj, const Site& site, const Fields&... fields) noexcept {
  if constexpr (kTraceCompiled) {
    ThreadCtx* c = detail::tls_ctx;
    if (c == nullptr || c->sink == nullptr) return;
    EmitAs(c->g->id, kind, obj, site, fields...);
  }
}

inline bool Tracing() noexcept {
  if constexpr (kTraceCompiled) return detail::tls_ctx && detail::tls_ctx->sink;
  return false;
}

// Registers a primitive with the trace (its kind, label and creation site).
ObjectId RegisterObject(ObjectKind kind, std::string_view name, ObjectId parent,
                        const Site& site);

// One step on an object's shared state: construct it right before the atomic
// operation, emit the event, let it go out of scope. In sim it is a
// scheduling point; in a traced native run it holds the object's trace stripe
// (`key`: the object, or the primitive that owns it) until destroyed.
class Step {
 public:
  explicit Step(ObjectId key, std::int64_t cost_ns = kStepNs) {
    ThreadCtx* c = detail::tls_ctx;
    if (c == nullptr) return;
    if (c->sim) {
      c->runtime->Point(cost_ns);
    } else if (kTraceCompiled && c->sink != nullptr) {
      lock_ = &detail::TraceStripe(key);
      lock_->lock();
    }
  }
  ~Step() {
    if (lock_ != nullptr) lock_->unlock();
  }
  Step(const Step&) = delete;
  Step& operator=(const Step&) = delete;

 private:
  detail::TraceLock* lock_ = nullptr;
};

// Holds an object's trace stripe in a traced native run, without being a
// scheduling point: for events that report state without changing it.
class TraceSection {
 public:
  explicit TraceSection(ObjectId key) {
    if (kTraceCompiled && Tracing() && !detail::tls_ctx->sim) {
      lock_ = &detail::TraceStripe(key);
      lock_->lock();
    }
  }
  ~TraceSection() {
    if (lock_ != nullptr) lock_->unlock();
  }
  TraceSection(const TraceSection&) = delete;
  TraceSection& operator=(const TraceSection&) = delete;

 private:
  detail::TraceLock* lock_ = nullptr;
};

// A scheduling point that touches no object (clock reads, spins).
inline void Point(std::int64_t cost_ns = kStepNs) {
  if (ThreadCtx* c = detail::tls_ctx; c != nullptr && c->sim) c->runtime->Point(cost_ns);
}

inline void Park(WaitReason reason, ObjectId obj, const Site& site, ParkUnlock unlock = {}) {
  Current().Park(reason, obj, site, unlock);
}
inline void Ready(G* g, ObjectId obj, const Site& site) { Current().Ready(g, obj, site); }
inline std::int64_t Nanotime() { return Current().Nanotime(); }
// Go's cheaprandn: uniform in [0, n), n > 0 (Lemire's multiply-shift, as Go).
inline std::uint32_t Cheaprandn(std::uint32_t n) {
  return std::uint32_t((std::uint64_t(Current().Cheaprand()) * n) >> 32);
}

namespace detail {
// A P of the native runtime (native.cpp): a thread pins by taking `held`.
struct alignas(128) NativeP {  // a cache line pair of its own
  std::atomic<std::uint32_t> held{0};
};
// The P this thread holds while pinned, or pinned last (null: never yet),
// and its id. A thread tries it first: one exchange when nobody took it.
inline constinit thread_local NativeP* tls_native_p = nullptr;
inline constinit thread_local int tls_native_pid = -1;
int NativeProcPinSlow() noexcept;  // the first pin, or the P is taken
}  // namespace detail
inline int ProcPin() {
  if (ThreadCtx* c = detail::tls_ctx; c != nullptr) return c->runtime->ProcPin();
  if (detail::NativeP* p = detail::tls_native_p;
      p != nullptr && p->held.exchange(1, std::memory_order_acquire) == 0) {
    return detail::tls_native_pid;
  }
  return detail::NativeProcPinSlow();
}
inline void ProcUnpin() {
  if (ThreadCtx* c = detail::tls_ctx; c != nullptr) return c->runtime->ProcUnpin();
  detail::tls_native_p->held.store(0, std::memory_order_release);
}
inline int Procs() { return Current().Procs(); }
inline int CurrentP() { return Current().CurrentP(); }
inline bool CanSpin(int iter) { return Current().CanSpin(iter); }
inline void Goyield() { Current().Goyield(); }

// Go's procyield(30): one spin round. A scheduling point in sim.
void Procyield();

// A Go fatal error ("fatal error: <message>"). Inside a runtime the run ends
// with outcome `fatal`; on a plain thread the fatal handler runs (default:
// print Go's line to stderr and exit with status 2, as Go does).
[[noreturn]] void Fatal(std::string_view message);

using FatalHandler = void (*)(std::string_view message);
// Installs the handler for plain threads; returns the previous one.
FatalHandler SetFatalHandler(FatalHandler handler) noexcept;
// A handler that throws FatalError (for tests: CHECK_THROWS_WITH works).
[[noreturn]] void ThrowingFatalHandler(std::string_view message);

}  // namespace synclab::rt

namespace synclab {

// Thrown to unwind the goroutine that hit a Go fatal error. Not recoverable in
// Go; here it unwinds the goroutine so its destructors run, and the runtime
// ends the run. what() is Go's text without "fatal error: ".
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A Go panic. what() is Go's text without "panic: ". Catching it is recover().
class Panic : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace synclab
