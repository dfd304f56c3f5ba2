// native.cpp: the native runtime. Goroutines are OS threads that park on a
// per-thread futex word. Two flavours share the parking code:
//   PlainRuntime  threads outside any run: no tracking, no tracing.
//   NativeRun     native::Run: counts goroutines to detect deadlock, records
//                 the outcome, feeds the sink, tears down what is left.
#include "synclab/native.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif
#include <linux/futex.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"
#include "synclab/rt/gc.h"
#include "synclab/rt/sema.h"
#include "synclab/rt/timer.h"

namespace synclab::native {
namespace {

using rt::G;
using rt::Sink;
using rt::Status;
using rt::ThreadCtx;
using trace::EventKind;
using trace::WaitReason;

std::int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Event timestamps: the time-stamp counter where there is one (constant and
// synchronised across cores on the x86 machines we run on; the recorder
// clamps time to be non-decreasing anyway), else steady_clock.
std::int64_t TraceTicks() {
#if defined(__x86_64__) || defined(__i386__)
  return std::int64_t(__rdtsc());
#else
  return SteadyNs();
#endif
}

int HardwareProcs() { return int(std::max(1u, std::thread::hardware_concurrency())); }

// A binary semaphore on a futex word: an Unpark before the Park is kept.
// Raw futex calls rather than std::atomic::wait, whose libstdc++ version
// spins and calls sched_yield before sleeping: a thread that parks should
// leave the CPU at once (it is what Go's park does). The permit's
// acquire/release is what orders memory.
class Parker {
 public:
  void Park() {
    while (permit_.exchange(0, std::memory_order_acquire) == 0) {
      syscall(SYS_futex, &permit_, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    }
  }
  void Unpark() {
    permit_.store(1, std::memory_order_release);
    syscall(SYS_futex, &permit_, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  }

 private:
  std::atomic<std::uint32_t> permit_{0};
};

struct NativeG : G {
  Parker parker;
};

rt::SemaTable& GlobalSemtable() {
  static rt::SemaTable table;
  return table;
}

// The native runtime's Ps: one per CPU, shared by every thread of the
// process (plain threads and native runs alike, since they share Pools).
// What stands in for Go's procPin: a thread pins by taking a P's slot with
// one exchange and holds it until it unpins, as an M holds its P, so no
// other thread touches that P's part of a Pool meanwhile. Go can simply
// forbid preemption instead; an OS thread can be preempted anywhere, and a
// lock per P is the cheapest exclusive claim that a GC can also wait for
// (it stops the world by taking every slot). A thread tries first the P it
// pinned last (at first, the P of the CPU it runs on), then the next ones,
// as an M that finds its P busy looks for an idle one.
class NativePs {
 public:
  static NativePs& Get() {
    static NativePs* ps = new NativePs;  // immortal: Pools may outlive statics
    return *ps;
  }
  int count() const { return n_; }
  int Pin() noexcept;
  void Unpin() noexcept;
  int Current() const noexcept;
  void StopTheWorld();
  void StartTheWorld();

 private:
  NativePs() : n_(HardwareProcs()), slots_(new rt::detail::NativeP[std::size_t(n_)]) {}
  const int n_;
  std::unique_ptr<rt::detail::NativeP[]> slots_;
  std::mutex gc_mu_;  // one GC at a time
};

// The P a thread pinned last is rt::detail::tls_native_p (runtime.h, whose
// ProcPin tries it first inline); before its first pin, the P of the CPU it
// runs on.
int NativePs::Current() const noexcept {
  if (rt::detail::tls_native_pid >= 0) return rt::detail::tls_native_pid;
  const int cpu = sched_getcpu();
  return cpu < 0 ? 0 : cpu % n_;
}

int NativePs::Pin() noexcept {
  int i = Current();
  for (int tried = 1;; tried++) {
    std::atomic<std::uint32_t>& held = slots_[std::size_t(i)].held;
    if (held.load(std::memory_order_relaxed) == 0 && held.exchange(1, std::memory_order_acquire) == 0) {
      rt::detail::tls_native_p = &slots_[std::size_t(i)];
      rt::detail::tls_native_pid = i;
      return i;
    }
    i = (i + 1) % n_;
    if (tried % n_ == 0) std::this_thread::yield();  // every P busy (or a GC)
  }
}

void NativePs::Unpin() noexcept { rt::detail::tls_native_p->held.store(0, std::memory_order_release); }

// Takes every P: waits for each pinned thread to unpin, keeps new pins out.
void NativePs::StopTheWorld() {
  gc_mu_.lock();
  for (int i = 0; i < n_; i++) {
    std::atomic<std::uint32_t>& held = slots_[std::size_t(i)].held;
    while (held.exchange(1, std::memory_order_acquire) != 0) std::this_thread::yield();
  }
}

void NativePs::StartTheWorld() {
  for (int i = 0; i < n_; i++) slots_[std::size_t(i)].held.store(0, std::memory_order_release);
  gc_mu_.unlock();
}

rt::GcState& NativeGcState() {
  static rt::GcState* gc = new rt::GcState;  // immortal, like NativePs
  return *gc;
}

// runtime.GC natively: the world stopped, poolCleanup, then the sweep.
void NativeGC(const Site& site) {
  NativePs& ps = NativePs::Get();
  rt::GcState& gc = NativeGcState();
  ps.StopTheWorld();
  gc.cycles++;
  rt::Emit(EventKind::kGoGc, 0, site, gc.cycles);
  rt::detail::PoolCleanup(gc, site);
  rt::Sweeper sweeper(gc);
  ps.StartTheWorld();
  sweeper.Sweep();
}

void BusyFor(std::int64_t ns) {
  std::int64_t end = SteadyNs() + ns;
  while (SteadyNs() < end) {
  }
}

// ---------------------------------------------------------------------------

// The timers of one native runtime (a run, or the plain threads): Go's
// per-P timer heap with a thread of its own standing in for checkTimers.
// The thread starts with the first timer, sleeps until the earliest one is
// due and runs its callback with the queue unlocked, as the runtime itself:
// `ctx` (null for plain threads) is the ThreadCtx it runs callbacks with.
// Stop and Reset of a timer whose callback is running wait for it to return
// (timer.h says why). `active()` counts timers pending or running, for the
// deadlock check; `changed` is called after each callback, unlocked.
class TimerQueue {
 public:
  TimerQueue(rt::Runtime* runtime, ThreadCtx* ctx, std::function<void()> changed)
      : runtime_(runtime), ctx_(ctx), changed_(std::move(changed)) {}
  ~TimerQueue() { Close(); }

  void Add(rt::Timer* t) {
    std::lock_guard l(mu_);
    AddLocked(t);
  }
  bool Del(rt::Timer* t) {
    std::unique_lock l(mu_);
    return DelLocked(t, l);
  }
  bool Mod(rt::Timer* t, std::int64_t when, std::int64_t period) {
    std::unique_lock l(mu_);
    bool pending = DelLocked(t, l);
    t->when = when;
    t->period = period;
    AddLocked(t);
    return pending;
  }
  int active() const { return active_.load(std::memory_order_acquire); }

  // The run is over: drop every pending timer (idle again; its `dropped`
  // runs) and join the thread. Later Adds are ignored (a goroutine being
  // unwound may arm one).
  void Close() {
    std::unique_lock l(mu_);
    closed_ = true;
    std::vector<rt::Timer*> dropped;
    for (auto& [key, t] : queue_) dropped.push_back(t);
    active_ -= int(queue_.size());
    queue_.clear();
    for (rt::Timer* t : dropped) t->owner.store(nullptr, std::memory_order_release);
    cv_.notify_all();
    l.unlock();
    if (thread_.joinable()) thread_.join();
    for (rt::Timer* t : dropped)
      if (t->release != nullptr) t->release(t->arg);
  }

 private:
  using Key = std::pair<std::int64_t, std::uint64_t>;  // (when, seq)

  void AddLocked(rt::Timer* t) {
    if (closed_) return;
    t->owner.store(runtime_, std::memory_order_release);
    t->seq = seq_++;
    queue_.emplace(Key{t->when, t->seq}, t);
    active_++;
    if (!thread_.joinable()) thread_ = std::thread([this] { Loop(); });
    cv_.notify_all();  // it may be the new earliest
  }

  bool DelLocked(rt::Timer* t, std::unique_lock<std::mutex>& l) {
    while (running_ == t && std::this_thread::get_id() != thread_.get_id()) done_cv_.wait(l);
    if (t->owner.load(std::memory_order_relaxed) != runtime_) return false;
    t->owner.store(nullptr, std::memory_order_release);
    if (queue_.erase(Key{t->when, t->seq}) == 0) return false;  // fired, callback done
    active_--;
    return true;
  }

  void Loop() {
    if (ctx_ != nullptr) rt::detail::tls_ctx = ctx_;
    std::unique_lock l(mu_);
    while (!closed_) {
      if (queue_.empty()) {
        cv_.wait(l);
        continue;
      }
      auto it = queue_.begin();
      rt::Timer* t = it->second;
      std::int64_t now = runtime_->Nanotime();
      if (t->when > now) {
        cv_.wait_for(l, std::chrono::nanoseconds(t->when - now));
        continue;
      }
      // Out of the queue while it runs; a Stop or Reset meanwhile waits.
      queue_.erase(it);
      running_ = t;
      l.unlock();
      const bool done = t->f(t->arg, now);
      l.lock();
      running_ = nullptr;
      // Whom to tell once we let go of it, read before its owner may see it
      // idle and free it: after the owner store below, t is not touched.
      void (*release)(void*) = nullptr;
      void* release_arg = nullptr;
      if (!done && !closed_) {
        queue_.emplace(Key{t->when, t->seq}, t);  // still due: retry
      } else if (done && t->period > 0 && !closed_) {
        t->when = rt::NextWhen(*t, now);
        t->seq = seq_++;
        queue_.emplace(Key{t->when, t->seq}, t);
      } else {
        // Fired, or the run closed while f ran.
        active_--;
        release = t->release;
        release_arg = t->arg;
        t->owner.store(nullptr, std::memory_order_release);
      }
      done_cv_.notify_all();
      l.unlock();
      if (release != nullptr) release(release_arg);  // may free the timer's owner
      if (!done) std::this_thread::yield();  // let the lock holder go on
      if (changed_) changed_();
      l.lock();
    }
    rt::detail::tls_ctx = nullptr;
  }

  rt::Runtime* const runtime_;
  ThreadCtx* const ctx_;
  const std::function<void()> changed_;
  std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::multimap<Key, rt::Timer*> queue_;
  std::uint64_t seq_ = 0;
  rt::Timer* running_ = nullptr;
  std::atomic<int> active_{0};
  bool closed_ = false;
  std::thread thread_;
};

// ---------------------------------------------------------------------------

class PlainRuntime final : public rt::Runtime {
 public:
  void Point(std::int64_t) override {}
  void Park(WaitReason, ObjectId, Site, rt::ParkUnlock unlock) override {
    // The parker keeps an Unpark that comes first, so unlocking before the
    // futex wait loses no wakeup.
    unlock();
    static_cast<NativeG*>(rt::detail::PlainG())->parker.Park();
  }
  void Ready(G* g, ObjectId, Site) override { static_cast<NativeG*>(g)->parker.Unpark(); }
  std::int64_t Nanotime() override { return SteadyNs(); }
  std::int64_t TraceTime() override { return SteadyNs(); }
  bool CanSpin(int iter) override { return iter < 4 && procs_ > 1; }
  void Goyield() override { std::this_thread::yield(); }
  [[noreturn]] void Fatal(std::string_view message) override {
    rt::detail::RunFatalHandler(message);
  }
  rt::SemaTable& Semtable() override { return GlobalSemtable(); }
  int ProcPin() override { return NativePs::Get().Pin(); }
  void ProcUnpin() override { NativePs::Get().Unpin(); }
  int Procs() override { return NativePs::Get().count(); }
  int CurrentP() override { return NativePs::Get().Current(); }
  void GC(const Site& site) override { NativeGC(site); }
  rt::GcState& Gc() override { return NativeGcState(); }
  void AddTimer(rt::Timer* t) override { Timers().Add(t); }
  bool DelTimer(rt::Timer* t) override { return Timers().Del(t); }
  bool ModTimer(rt::Timer* t, std::int64_t when, std::int64_t period) override {
    return Timers().Mod(t, when, period);
  }

  void Go(std::function<void()> fn, std::string_view, const Site&) override {
    std::thread([fn = std::move(fn)] {
      try {
        fn();
      } catch (...) {
        // An unrecovered panic kills a Go program; so it does here.
        std::string m = rt::detail::PanicMessage(std::current_exception());
        std::fprintf(stderr, "%s\n", m.c_str());
        std::_Exit(2);
      }
    }).detach();
  }
  void Sleep(std::int64_t ns, const Site&) override {
    std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
  }
  void Gosched(const Site&) override { std::this_thread::yield(); }
  void Work(std::int64_t ns, const Site&) override { BusyFor(ns); }
  void CheckFailed(std::string_view message, const Site& site) override {
    std::fprintf(stderr, "%s:%u: check failed: %.*s\n", site.file_name(), site.line(),
                 int(message.size()), message.data());
  }

 private:
  // Immortal, as the Ps are: timers of plain threads may outlive statics.
  TimerQueue& Timers() {
    static TimerQueue* timers = new TimerQueue(this, nullptr, nullptr);
    return *timers;
  }
  int procs_ = HardwareProcs();
};

// ---------------------------------------------------------------------------

struct RunG : NativeG {
  ThreadCtx ctx;
  std::thread thread;
  // Guarded by NativeRun::mu_.
  bool parked = false;
  bool permit = false;  // a Ready that came before the Park
  bool abort = false;   // unwind at the next (or current) Park
  bool dead = false;
  WaitReason reason = WaitReason::kNone;
  ObjectId wait_obj = 0;
  Site wait_site{};
};

class NativeRun final : public rt::Runtime {
 public:
  explicit NativeRun(const Options& options)
      : sink_(options.sink), procs_(options.procs > 0 ? options.procs : HardwareProcs()) {
    timer_g_.runtime = this;  // id 0: the runtime itself
  }

  Result Run(const std::function<void()>& main);

  void Point(std::int64_t) override {}
  void Park(WaitReason reason, ObjectId obj, Site site, rt::ParkUnlock unlock) override;
  void Ready(G* g, ObjectId obj, Site site) override;
  std::int64_t Nanotime() override { return SteadyNs() - start_ns_; }
  std::int64_t TraceTime() override { return TraceTicks(); }
  bool CanSpin(int iter) override {
    // Go: more than one CPU and some other P running.
    int running = live_.load(std::memory_order_relaxed) - parked_.load(std::memory_order_relaxed) -
                  sleeping_.load(std::memory_order_relaxed);
    return iter < 4 && procs_ > 1 && running > 1;
  }
  void Goyield() override { std::this_thread::yield(); }
  [[noreturn]] void Fatal(std::string_view message) override;
  rt::SemaTable& Semtable() override { return GlobalSemtable(); }
  // Pools see the process's Ps, whatever procs says (see NativePs).
  int ProcPin() override { return NativePs::Get().Pin(); }
  void ProcUnpin() override { NativePs::Get().Unpin(); }
  int Procs() override { return NativePs::Get().count(); }
  int CurrentP() override { return NativePs::Get().Current(); }
  void GC(const Site& site) override { NativeGC(site); }
  rt::GcState& Gc() override { return NativeGcState(); }
  void AddTimer(rt::Timer* t) override { timers_.Add(t); }
  bool DelTimer(rt::Timer* t) override { return timers_.Del(t); }
  bool ModTimer(rt::Timer* t, std::int64_t when, std::int64_t period) override {
    return timers_.Mod(t, when, period);
  }

  void Go(std::function<void()> fn, std::string_view name, const Site& site) override {
    Spawn(std::move(fn), name, rt::CurrentId(), site);
  }
  void Sleep(std::int64_t ns, const Site& site) override;
  void Gosched(const Site& site) override {
    rt::Emit(EventKind::kGoYield, 0, site);
    std::this_thread::yield();
  }
  void Work(std::int64_t ns, const Site& site) override {
    rt::Emit(EventKind::kGoWork, 0, site, ns);
    BusyFor(ns);
  }
  void CheckFailed(std::string_view message, const Site& site) override {
    std::lock_guard l(mu_);
    if (first_check_failure_.empty()) {
      first_check_failure_ = "assertion failed: " + std::string(message);
      check_g_ = rt::CurrentId();
      check_site_ = site;
    }
  }

 private:
  RunG* Spawn(std::function<void()> fn, std::string_view name, GoroutineId parent,
              const Site& site);
  void Body(RunG* g, const std::function<void()>& fn);
  void EndLocked(Status status, std::string message, GoroutineId g);
  void CheckDeadlockLocked();
  std::vector<rt::Blocked> BlockedLocked() const;
  RunG* Self() { return static_cast<RunG*>(rt::CurrentG()); }

  Sink* sink_;
  int procs_;
  std::int64_t start_ns_ = SteadyNs();
  std::int64_t start_ticks_ = TraceTicks();

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RunG>> gs_;  // creation order
  // Changed under mu_; atomics so that CanSpin may read them without it.
  std::atomic<int> live_{0}, parked_{0}, sleeping_{0};
  RunG* main_ = nullptr;
  bool main_done_ = false;
  bool ended_ = false;     // a deadlock, fatal error or panic ended the run
  bool aborting_ = false;  // teardown has begun
  rt::Outcome outcome_;
  std::string first_check_failure_;
  GoroutineId check_g_ = 0;
  Site check_site_{};

  // Timer callbacks run as the runtime (goroutine 0), traced by the run's sink.
  G timer_g_;
  ThreadCtx timer_ctx_{this, sink_, &timer_g_, false};
  // After each callback: it may have left every goroutine parked.
  TimerQueue timers_{this, &timer_ctx_, [this] {
                       std::lock_guard l(mu_);
                       CheckDeadlockLocked();
                     }};
};

RunG* NativeRun::Spawn(std::function<void()> fn, std::string_view name, GoroutineId parent,
                       const Site& site) {
  auto owned = std::make_unique<RunG>();
  RunG* g = owned.get();
  g->id = rt::NewGoroutineId();
  g->runtime = this;
  g->ctx = ThreadCtx{this, sink_, g, false};
  if (sink_ != nullptr) {
    sink_->OnGoroutine(g->id, parent, name, site);
    rt::Emit(EventKind::kGoCreate, 0, site, std::int64_t(g->id));
  }
  // Start the thread under the lock: teardown joins every g it finds in gs_,
  // so a g must never be there without its thread.
  std::lock_guard l(mu_);
  gs_.push_back(std::move(owned));
  live_++;
  if (main_ == nullptr) main_ = g;
  g->thread = std::thread([this, g, fn = std::move(fn)] { Body(g, fn); });
  return g;
}

void NativeRun::Body(RunG* g, const std::function<void()>& fn) {
  rt::detail::tls_ctx = &g->ctx;
  rt::Emit(EventKind::kGoStart, 0, Site{}, 0);
  try {
    fn();
  } catch (const rt::detail::Abort&) {
  } catch (const FatalError&) {
    // Fatal() has recorded the outcome.
  } catch (...) {
    std::lock_guard l(mu_);
    EndLocked(Status::kPanic, rt::detail::PanicMessage(std::current_exception()), g->id);
  }
  rt::Emit(EventKind::kGoEnd, 0, Site{});
  std::lock_guard l(mu_);
  g->dead = true;
  live_--;
  if (g == main_) main_done_ = true;
  CheckDeadlockLocked();
  cv_.notify_all();
  rt::detail::tls_ctx = nullptr;
}

void NativeRun::EndLocked(Status status, std::string message, GoroutineId g) {
  if (ended_ || main_done_) return;
  ended_ = true;
  outcome_.status = status;
  outcome_.message = std::move(message);
  outcome_.g = g;
  if (status == Status::kDeadlock) outcome_.blocked = BlockedLocked();
  cv_.notify_all();
}

std::vector<rt::Blocked> NativeRun::BlockedLocked() const {
  std::vector<rt::Blocked> out;
  for (const auto& g : gs_) {
    if (!g->dead && g->parked) out.push_back({g->id, g->wait_obj, g->reason, g->wait_site});
  }
  return out;
}

void NativeRun::CheckDeadlockLocked() {
  // A pending timer will wake someone (or fire and come back here).
  if (!main_done_ && live_ > 0 && parked_ == live_ && sleeping_ == 0 && timers_.active() == 0) {
    EndLocked(Status::kDeadlock, "fatal error: all goroutines are asleep - deadlock!", 0);
  }
}

void NativeRun::Park(WaitReason reason, ObjectId obj, Site site, rt::ParkUnlock unlock) {
  RunG* g = Self();
  std::unique_lock l(mu_);
  if (aborting_ || g->abort) {
    l.unlock();
    unlock();
    if (std::uncaught_exceptions() == 0) throw rt::detail::Abort{};
    std::fputs("synclab: a destructor blocked while its goroutine was torn down\n", stderr);
    std::terminate();
  }
  if (g->permit) {
    g->permit = false;
    l.unlock();
    unlock();
    return;
  }
  rt::Emit(EventKind::kGoPark, obj, site, std::int64_t(reason));
  g->parked = true;
  g->reason = reason;
  g->wait_obj = obj;
  g->wait_site = site;
  parked_++;
  CheckDeadlockLocked();
  l.unlock();
  unlock();  // parked (and traced so) before a waker can find us
  g->parker.Park();
  l.lock();
  if (g->abort && std::uncaught_exceptions() == 0) throw rt::detail::Abort{};
}

void NativeRun::Ready(G* target, ObjectId obj, Site site) {
  RunG* g = static_cast<RunG*>(target);
  std::unique_lock l(mu_);
  if (aborting_) g->abort = true;  // woken during teardown: unwind, don't run on
  if (!g->parked) {
    g->permit = true;  // it has not parked yet; its Park will return at once
    return;
  }
  rt::Emit(EventKind::kGoReady, obj, site, std::int64_t(g->id));
  g->parked = false;
  parked_--;
  l.unlock();
  g->parker.Unpark();
}

void NativeRun::Sleep(std::int64_t ns, const Site& site) {
  // Traced as in sim: parked on a timer, readied by the runtime.
  rt::Emit(EventKind::kGoSleep, 0, site, ns);
  {
    std::lock_guard l(mu_);
    rt::Emit(EventKind::kGoPark, 0, site, std::int64_t(WaitReason::kSleep));
    sleeping_++;
  }
  std::this_thread::sleep_for(std::chrono::nanoseconds(ns));
  std::lock_guard l(mu_);
  rt::EmitAs(0, EventKind::kGoReady, 0, Site{}, std::int64_t(rt::CurrentId()));
  sleeping_--;
  CheckDeadlockLocked();
}

void NativeRun::Fatal(std::string_view message) {
  {
    std::lock_guard l(mu_);
    EndLocked(Status::kFatal, "fatal error: " + std::string(message), rt::CurrentId());
  }
  throw FatalError(std::string(message));
}

Result NativeRun::Run(const std::function<void()>& main) {
  Spawn(main, "main", 0, Site{});  // no go statement started main
  Result result;
  std::unique_lock l(mu_);
  cv_.wait(l, [&] { return main_done_ || ended_; });
  result.elapsed_ns = SteadyNs() - start_ns_;
  if (!ended_) {
    // main returned. Goroutines still parked are leaked (Go would exit and
    // never tell); a failed check outranks a leak.
    std::vector<rt::Blocked> blocked = BlockedLocked();
    if (!first_check_failure_.empty()) {
      outcome_ = {Status::kAssert, first_check_failure_, check_g_, check_site_, {}};
    } else if (!blocked.empty()) {
      outcome_.status = Status::kLeak;
      outcome_.message = "goroutine leak: " + std::to_string(blocked.size()) +
                         " goroutine(s) still blocked when main returned";
      outcome_.blocked = std::move(blocked);
    }
  }
  result.outcome = outcome_;
  aborting_ = true;
  l.unlock();
  timers_.Close();  // the run's pending timers die with it
  if (sink_ != nullptr) {
    std::int64_t ns = SteadyNs() - start_ns_, ticks = TraceTicks() - start_ticks_;
    rt::TraceClock clock{start_ticks_, ticks > 0 ? double(ns) / double(ticks) : 1.0};
    sink_->OnRunEnd(clock);
  }

  // Unwind what is left, newest first: a goroutine's objects usually belong
  // to one that started before it.
  for (auto it = gs_.rbegin(); it != gs_.rend(); ++it) {
    RunG* g = it->get();
    l.lock();
    bool wake = g->parked;
    g->abort = true;
    if (wake) {
      g->parked = false;
      parked_--;
    }
    l.unlock();
    if (wake) g->parker.Unpark();
    g->thread.join();
  }
  return result;
}

}  // namespace

Result Run(const std::function<void()>& main, const Options& options) {
  NativeRun run(options);
  return run.Run(main);
}

}  // namespace synclab::native

namespace synclab::rt::detail {

int NativeProcPinSlow() noexcept { return native::NativePs::Get().Pin(); }

Runtime& PlainRuntime() {
  static native::PlainRuntime runtime;
  return runtime;
}

G* PlainG() {
  thread_local native::NativeG g;
  if (g.id == 0) {
    g.id = NewGoroutineId();
    g.runtime = &PlainRuntime();
  }
  return &g;
}

}  // namespace synclab::rt::detail
