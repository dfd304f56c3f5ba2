// sim.cpp: the deterministic simulation runtime (see sim.h for the model).
//
// Control flow: Run() owns a scheduler loop on the calling thread's stack.
// A goroutine is a fiber; at a scheduling point it decides, on its own stack,
// who runs next (PickNext). If that is itself it just goes on; otherwise it
// stores the choice in next_ and switches to the scheduler, which resumes
// the chosen fiber. When next_ is null the run is over; teardown resumes each
// unfinished fiber once more so that it unwinds (detail::Abort) and returns.
#include "synclab/sim.h"

#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <algorithm>
#include <deque>
#include <exception>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "internal.h"
#include "synclab/rt/gc.h"
#include "synclab/rt/sema.h"
#include "synclab/rt/splitmix.h"
#include "synclab/rt/timer.h"

#if defined(__SANITIZE_ADDRESS__)
#define SYNCLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SYNCLAB_ASAN 1
#endif
#endif

#ifdef SYNCLAB_ASAN
extern "C" {
void __sanitizer_start_switch_fiber(void** fake_stack_save, const void* bottom, size_t size);
void __sanitizer_finish_switch_fiber(void* fake_stack_save, const void** bottom_old,
                                     size_t* size_old);
}
#endif

namespace synclab::sim {
namespace {

namespace bctx = boost::context;
using rt::G;
using rt::Status;
using trace::EventKind;
using trace::WaitReason;

#ifdef SYNCLAB_ASAN
constexpr std::size_t kStackSize = 1 << 20;  // ASan's redzones need room
#else
constexpr std::size_t kStackSize = 256 << 10;
#endif
constexpr std::int64_t kSliceNs = 10'000'000;  // Go's forcePreemptNS
// sysmon's shortest sleep: after preempting a P it looks at that P again no
// sooner than this, so a goroutine that inherits a spent slice from runnext
// runs this long before it is preempted too.
constexpr std::int64_t kSysmonTickNs = 20'000;
// Go's schedule() takes one goroutine from the global queue on every 61st
// schedule of a P, so a local queue that never empties cannot starve it.
constexpr std::uint32_t kGlobalQueueTick = 61;
// An idle P steals another P's runnext only once it has waited this long: Go's
// runqgrab sleeps 3 us before taking a running P's runnext, which is why a
// goroutine that unlocks and re-locks at once usually beats the waiter it woke.
constexpr std::int64_t kStealRunnextNs = 3'000;
// Goroutines whose next steps are this close in time are "simultaneous": the
// strategy may run any of them first. (Real CPUs do not run in lock step.)
constexpr std::int64_t kWindowNs = 100;
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();

// Tells AddressSanitizer which stack we are about to run on (no-ops without it).
void AsanStartSwitch(void** fake_stack_save, const void* bottom, std::size_t size) {
#ifdef SYNCLAB_ASAN
  __sanitizer_start_switch_fiber(fake_stack_save, bottom, size);
#else
  (void)fake_stack_save, (void)bottom, (void)size;
#endif
}
void AsanFinishSwitch(void* fake_stack_save, const void** bottom_old, std::size_t* size_old) {
#ifdef SYNCLAB_ASAN
  __sanitizer_finish_switch_fiber(fake_stack_save, bottom_old, size_old);
#else
  (void)fake_stack_save, (void)bottom_old, (void)size_old;
#endif
}

using Rng = rt::SplitMix64;

enum class GState : std::uint8_t { kRunnable, kRunning, kWaiting, kDead };

struct SimG : G {
  std::function<void()> fn;
  bctx::fiber fiber;
  GState state = GState::kRunnable;
  int p = -1;  // the P it holds while running
  bool started = false;
  bool permit = false;  // a Ready that came before the Park
  WaitReason reason = WaitReason::kNone;
  ObjectId wait_obj = 0;
  Site wait_site{};
  std::int64_t t = 0;  // its own clock: when its next step happens (while on a P)
  std::int64_t runnext_since = 0;  // when it was put in a P's runnext
  int sleep_p = -1;                // the P whose timer wakes it (while asleep)
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
  void* fake_stack = nullptr;  // ASan's bookkeeping while switched out
};

// A guard-paged stack that remembers where it is, for ASan's annotations.
struct RecordingStack {
  SimG* g;
  bctx::protected_fixedsize_stack inner{kStackSize};
  bctx::stack_context allocate() {
    bctx::stack_context sc = inner.allocate();
    g->stack_bottom = static_cast<char*>(sc.sp) - sc.size;
    g->stack_size = sc.size;
    return sc;
  }
  void deallocate(bctx::stack_context& sc) noexcept { inner.deallocate(sc); }
};

struct P {
  SimG* cur = nullptr;
  SimG* runnext = nullptr;
  std::deque<SimG*> runq;
  // Go's schedtick: schedules that did not inherit the time slice. The slice
  // (sysmon's schedwhen) starts at each of them, so goroutines that hand the
  // P to each other through runnext share one 10 ms slice.
  std::uint32_t schedtick = 0;
  std::int64_t slice_start = 0;
  std::int64_t next_retake = 0;  // sysmon's next look at this P
  bool idle = true;  // found no work last time it looked
};

// A goroutine taken off a queue, and whether it inherits the P's time slice
// (Go's runqget: only a goroutine taken from runnext does).
struct Taken {
  SimG* g = nullptr;
  bool inherit = false;
};

class SimRuntime final : public rt::Runtime {
 public:
  explicit SimRuntime(const Options& o)
      : options_(o), rng_(o.seed), select_rng_(o.seed ^ 0x53454c454354ull), procs_(o.procs > 0 ? o.procs : 1), ps_(std::size_t(procs_)),
        next_gc_(o.gc_every_ns > 0 ? o.gc_every_ns : kNever) {
    timer_g_.runtime = this;  // id 0: the runtime itself
  }

  Result Run(const std::function<void()>& main);

  void Point(std::int64_t cost_ns) override;
  void Park(WaitReason reason, ObjectId obj, Site site, rt::ParkUnlock unlock) override;
  void Ready(G* g, ObjectId obj, Site site) override;
  std::int64_t Nanotime() override {
    Point(rt::kStepNs);
    return clock_;
  }
  std::int64_t TraceTime() override { return clock_; }
  bool CanSpin(int iter) override;
  void Goyield() override;
  [[noreturn]] void Fatal(std::string_view message) override {
    End(Status::kFatal, "fatal error: " + std::string(message), cur_->id);
    throw FatalError(std::string(message));
  }
  rt::SemaTable& Semtable() override { return semtable_; }
  // select's poll order: its own stream from the seed, so that a select
  // does not shift the scheduler's choices.
  std::uint32_t Cheaprand() override { return std::uint32_t(select_rng_.Next() >> 32); }
  // procPin: m.locks++, so the goroutine is not preempted and keeps its P
  // (it does not park while pinned). During teardown a goroutine may be
  // unwound off any P; nothing else runs then, so P 0 is as good as any.
  int ProcPin() override {
    cur_->locks++;
    return cur_->p >= 0 ? cur_->p : 0;
  }
  void ProcUnpin() override { cur_->locks--; }
  int Procs() override { return procs_; }
  int CurrentP() override { return in_timer_ ? timer_p_ : cur_ != nullptr ? cur_->p : -1; }
  void GC(const Site& site) override;
  rt::GcState& Gc() override { return gc_; }
  void AddTimer(rt::Timer* t) override;
  bool DelTimer(rt::Timer* t) override;
  bool ModTimer(rt::Timer* t, std::int64_t when, std::int64_t period) override {
    bool pending = DelTimer(t);
    t->when = when;
    t->period = period;
    AddTimer(t);
    return pending;
  }
  void Go(std::function<void()> fn, std::string_view name, const Site& site) override;
  void Sleep(std::int64_t ns, const Site& site) override;
  void Gosched(const Site& site) override;
  void Work(std::int64_t ns, const Site& site) override;
  void CheckFailed(std::string_view message, const Site& site) override {
    if (check_failure_.empty()) {
      check_failure_ = "assertion failed: " + std::string(message);
      check_g_ = cur_->id;
      check_site_ = site;
    }
  }

 private:
  bool Over() const { return ended_ || tearing_down_; }
  SimG* Spawn(std::function<void()> fn, std::string_view name, GoroutineId parent,
              const Site& site);
  bctx::fiber MakeFiber(SimG* g);
  void Finish(SimG* g);
  void Resume(SimG* g);
  void Suspend();
  void SwitchTo(SimG* next);
  SimG* PickNext();
  SimG* Decide(std::int64_t earliest);
  SimG* Choose();
  bool FireTimers(int owner, int into);
  void RunTimer(rt::Timer* t, int into);
  void RetryTimers();
  void DropTimers();
  void FillIdlePs();
  Taken TakeWork(int p);
  void Assign(int p, Taken w);
  void PutRunnext(P& p, SimG* g);
  void MaybePreempt(SimG* g);
  void MaybeCollect();
  bool OthersLocked() const;
  void CollectGarbage(const Site& site);
  bool TimerDue(int p) const;
  void LeaveP(SimG* g) {
    ps_[std::size_t(g->p)].cur = nullptr;
    g->p = -1;
  }
  bool AnyRunnableQueued() const;
  void BlockCurrent(WaitReason reason, ObjectId obj, const Site& site, rt::ParkUnlock unlock = {});
  void ThrowAbort() {
    if (std::uncaught_exceptions() == 0) throw rt::detail::Abort{};
    std::fputs("synclab: a destructor blocked while its goroutine was torn down\n", stderr);
    std::terminate();
  }
  void End(Status status, std::string message, GoroutineId g);
  std::vector<rt::Blocked> Blocked(bool skip_sleepers) const;
  void EmitAs(GoroutineId g, EventKind kind, ObjectId obj, const Site& site,
              std::int64_t f0 = 0) {
    if (rt::kTraceCompiled && ctx_.sink != nullptr) {
      ctx_.sink->OnEvent(trace::Event{0, clock_, g, obj, kind, site, {f0, 0, 0, 0}});
    }
  }

  Options options_;
  Rng rng_;
  Rng select_rng_;
  int procs_;
  std::vector<P> ps_;
  std::deque<SimG*> global_;
  // Timers by (when, seq): a sleeping goroutine's, or a runtime timer
  // (rt/timer.h). A timer belongs to the P it was armed on (g->sleep_p,
  // t->p), as Go keeps timers per P.
  struct TimerEntry {
    SimG* g = nullptr;        // a goroutine in sleep(), or
    rt::Timer* t = nullptr;   // a runtime timer
    int P() const { return g != nullptr ? g->sleep_p : t->p; }
  };
  std::multimap<std::pair<std::int64_t, std::uint64_t>, TimerEntry> timers_;
  std::uint64_t timer_seq_ = 0;
  // Runtime timers whose callback found something busy: still pending and
  // due, run again at the next scheduling point (timer.h).
  std::vector<rt::Timer*> retry_;
  // While a timer callback runs: the runtime acts as itself (goroutine 0,
  // timer_g_) on P timer_p_; Point is no scheduling point (timer.h).
  bool in_timer_ = false;
  int timer_p_ = -1;
  G timer_g_;
  std::vector<std::unique_ptr<SimG>> gs_;  // creation order; id = index + 1
  rt::SemaTable semtable_;
  rt::GcState gc_;
  std::int64_t next_gc_;  // when the next automatic GC is due (kNever: none)
  rt::ThreadCtx ctx_;

  SimG* cur_ = nullptr;
  SimG* next_ = nullptr;
  SimG* main_ = nullptr;
  bctx::fiber sched_;  // the scheduler loop, while a goroutine runs
  const void* sched_bottom_ = nullptr;
  std::size_t sched_size_ = 0;
  void* sched_fake_stack_ = nullptr;

  std::int64_t clock_ = 0;
  std::uint64_t steps_ = 0;
  int last_p_ = -1;  // rr: the P that took the last step
  GoroutineId last_g_ = 0;  // the goroutine that took the last step
  std::vector<SimG*> candidates_;
  std::vector<GoroutineId> candidate_ids_;  // for the chooser
  std::vector<GoroutineId> schedule_;
  std::size_t replay_pos_ = 0;
  std::string replay_error_;

  bool ended_ = false;
  bool tearing_down_ = false;
  rt::Outcome outcome_;
  std::string check_failure_;
  GoroutineId check_g_ = 0;
  Site check_site_{};
};

// --- goroutine lifecycle ---------------------------------------------------

SimG* SimRuntime::Spawn(std::function<void()> fn, std::string_view name, GoroutineId parent,
                        const Site& site) {
  auto owned = std::make_unique<SimG>();
  SimG* g = owned.get();
  g->id = gs_.size() + 1;
  g->runtime = this;
  g->fn = std::move(fn);
  g->fiber = MakeFiber(g);
  gs_.push_back(std::move(owned));
  if (ctx_.sink != nullptr) ctx_.sink->OnGoroutine(g->id, parent, name, site);
  return g;
}

bctx::fiber SimRuntime::MakeFiber(SimG* g) {
  return bctx::fiber(std::allocator_arg, RecordingStack{g}, [this, g](bctx::fiber&& sched) {
    sched_ = std::move(sched);
    AsanFinishSwitch(nullptr, &sched_bottom_, &sched_size_);
    if (!tearing_down_) {
      g->started = true;
      try {
        g->fn();
      } catch (const rt::detail::Abort&) {
      } catch (const FatalError&) {
        // Fatal() has recorded the outcome.
      } catch (const bctx::detail::forced_unwind&) {
        throw;
      } catch (...) {
        End(Status::kPanic, rt::detail::PanicMessage(std::current_exception()), g->id);
      }
    }
    Finish(g);
    AsanStartSwitch(nullptr, sched_bottom_, sched_size_);  // this stack is done
    return std::move(sched_);
  });
}

void SimRuntime::Finish(SimG* g) {
  g->fn = nullptr;
  if (!Over()) EmitAs(g->id, EventKind::kGoEnd, 0, Site{});
  g->state = GState::kDead;
  if (g->p >= 0) LeaveP(g);
  if (g == main_ && !Over()) {
    // main returned: the program exits. A failed check outranks a leak;
    // goroutines asleep in sleep() are not leaked, merely cut short.
    std::vector<rt::Blocked> blocked = Blocked(/*skip_sleepers=*/true);
    if (!check_failure_.empty()) {
      End(Status::kAssert, check_failure_, check_g_);
      outcome_.site = check_site_;
    } else if (!blocked.empty()) {
      End(Status::kLeak,
          "goroutine leak: " + std::to_string(blocked.size()) +
              " goroutine(s) still blocked when main returned",
          0);
      outcome_.blocked = std::move(blocked);
    } else {
      End(Status::kOk, "", 0);
    }
  }
  next_ = Over() ? nullptr : PickNext();
}

void SimRuntime::Resume(SimG* g) {
  cur_ = g;
  ctx_.g = g;
  AsanStartSwitch(&sched_fake_stack_, g->stack_bottom, g->stack_size);
  g->fiber = std::move(g->fiber).resume();
  AsanFinishSwitch(sched_fake_stack_, nullptr, nullptr);
}

void SimRuntime::Suspend() {
  SimG* self = cur_;
  AsanStartSwitch(&self->fake_stack, sched_bottom_, sched_size_);
  sched_ = std::move(sched_).resume();
  AsanFinishSwitch(self->fake_stack, &sched_bottom_, &sched_size_);
  if (tearing_down_) ThrowAbort();
}

void SimRuntime::SwitchTo(SimG* next) {
  if (next == cur_) return;
  next_ = next;
  Suspend();
}

Result SimRuntime::Run(const std::function<void()>& main) {
  ctx_ = rt::ThreadCtx{this, options_.sink, nullptr, true};
  rt::ThreadCtx* saved = rt::detail::tls_ctx;
  rt::detail::tls_ctx = &ctx_;
  main_ = Spawn(main, "main", 0, Site{});  // no go statement started main
  global_.push_back(main_);
  next_ = PickNext();
  while (next_ != nullptr) {
    SimG* g = next_;
    next_ = nullptr;
    Resume(g);
  }
  // Teardown: the run's timers die with it; then unwind every unfinished
  // goroutine, newest first.
  tearing_down_ = true;
  DropTimers();
  if (ctx_.sink != nullptr) ctx_.sink->OnRunEnd(rt::TraceClock{});
  ctx_.sink = nullptr;
  for (auto it = gs_.rbegin(); it != gs_.rend(); ++it) {
    if ((*it)->fiber) Resume(it->get());
  }
  rt::detail::tls_ctx = saved;
  rt::detail::PoolWorldEnd(gc_);  // Pools that outlive the run forget it
  if (!replay_error_.empty()) throw ReplayError(replay_error_);
  if (replay_pos_ < options_.replay.size() && outcome_.status != Status::kLimit) {
    throw ReplayError("replay diverged: the run ended after " + std::to_string(replay_pos_) +
                      " of " + std::to_string(options_.replay.size()) + " recorded decisions");
  }
  return Result{outcome_, std::move(schedule_), steps_, clock_};
}

void SimRuntime::End(Status status, std::string message, GoroutineId g) {
  if (ended_) return;
  ended_ = true;
  outcome_.status = status;
  outcome_.message = std::move(message);
  outcome_.g = g;
  if (status == Status::kDeadlock) outcome_.blocked = Blocked(false);
}

std::vector<rt::Blocked> SimRuntime::Blocked(bool skip_sleepers) const {
  std::vector<rt::Blocked> out;
  for (const auto& g : gs_) {
    if (g->state != GState::kWaiting) continue;
    if (skip_sleepers && g->reason == WaitReason::kSleep) continue;
    out.push_back({g->id, g->wait_obj, g->reason, g->wait_site});
  }
  return out;
}

// --- scheduling ---------------------------------------------------------------

void SimRuntime::Point(std::int64_t cost_ns) {
  if (Over() || in_timer_) return;
  SimG* g = cur_;
  g->t += cost_ns;
  if (++steps_ > options_.max_steps) {
    End(Status::kLimit,
        "synclab: step limit of " + std::to_string(options_.max_steps) + " reached", g->id);
    ThrowAbort();
  }
  SwitchTo(PickNext());  // back here when g's step is next: clock_ == g->t
  MaybePreempt(g);
  if (clock_ >= next_gc_) MaybeCollect();
}

// Whether a goroutine other than the current one cannot be stopped now:
// pinned, or holding a runtime lock (Go's STW waits for m.locks == 0).
// Such goroutines are running: they neither park nor get preempted.
bool SimRuntime::OthersLocked() const {
  for (const P& p : ps_)
    if (p.cur != nullptr && p.cur != cur_ && p.cur->locks > 0) return true;
  return false;
}

// An automatic GC is due: the goroutine stepping now runs it, unless it or
// another cannot be stopped yet (then the next point tries again). Go does
// not start a GC from an M with m.locks > 0 either.
void SimRuntime::MaybeCollect() {
  if (Over() || cur_->locks > 0 || OthersLocked()) return;
  next_gc_ = (clock_ / options_.gc_every_ns + 1) * options_.gc_every_ns;
  CollectGarbage(Site{});
}

// runtime.GC: stop the world (wait, one scheduling point at a time, for the
// goroutines that cannot be stopped), then collect.
void SimRuntime::GC(const Site& site) {
  if (Over()) return;
  Point(rt::kSwitchNs);
  while (!Over() && OthersLocked()) Point(rt::kStepNs);
  if (!Over()) CollectGarbage(site);
}

// The stop-the-world part has no scheduling point: nothing else runs until
// poolCleanup is done. Sweeping (item destructors, user code) comes after.
void SimRuntime::CollectGarbage(const Site& site) {
  gc_.cycles++;
  EmitAs(cur_->id, EventKind::kGoGc, 0, site, std::int64_t(gc_.cycles));
  rt::detail::PoolCleanup(gc_, site);
  rt::Sweeper(gc_).Sweep();
}

// sysmon's retake: a goroutine whose P has run one slice (10 ms since the
// last schedule that did not inherit it) is preempted onto the global queue,
// unless it holds a runtime lock. Go's sysmon then sleeps at least 20 us
// before it looks at the P again. When nothing else could run, Go would
// pick the goroutine again at once; the sim only starts a new slice (no
// event).
void SimRuntime::MaybePreempt(SimG* g) {
  P& p = ps_[std::size_t(g->p)];
  if (clock_ - p.slice_start < kSliceNs || clock_ < p.next_retake || g->locks > 0 || Over()) {
    return;
  }
  if (!AnyRunnableQueued() && !TimerDue(g->p)) {
    p.schedtick++;
    p.slice_start = clock_;
    return;
  }
  EmitAs(g->id, EventKind::kGoPreempt, 0, Site{});
  p.next_retake = clock_ + kSysmonTickNs;
  g->state = GState::kRunnable;
  LeaveP(g);
  global_.push_back(g);
  SwitchTo(PickNext());
}

// The next thing to happen is the earliest of: a running goroutine's next
// step, or, while some P is idle, a timer (an idle P sleeps until the next
// one) or a runnext that has waited long enough to be stolen. Busy Ps look
// at their timers only when they schedule.
SimG* SimRuntime::PickNext() {
  if (!retry_.empty()) RetryTimers();
  for (;;) {
    FillIdlePs();
    if (Over()) return nullptr;  // a timer reached the step limit
    std::int64_t next_step = kNever;
    bool idle = false;
    for (const P& p : ps_) {
      if (p.cur != nullptr) next_step = std::min(next_step, p.cur->t);
      idle = idle || p.cur == nullptr;
    }
    std::int64_t next_other = kNever;
    if (idle) {
      if (!timers_.empty()) next_other = timers_.begin()->first.first;
      for (const P& p : ps_) {
        if (p.cur != nullptr && p.runnext != nullptr) {
          next_other = std::min(next_other, p.runnext->runnext_since + kStealRunnextNs);
        }
      }
    }
    if (next_other != kNever && next_other <= next_step) {
      clock_ = std::max(clock_, next_other);
      continue;  // FillIdlePs takes what became available
    }
    if (next_step == kNever && !retry_.empty()) {
      RetryTimers();  // busy callbacks (their lock's holder is gone): again
      continue;
    }
    if (next_step == kNever) {
      End(Status::kDeadlock, "fatal error: all goroutines are asleep - deadlock!", 0);
      return nullptr;
    }
    return Decide(next_step);
  }
}

SimG* SimRuntime::Decide(std::int64_t earliest) {
  candidates_.clear();
  for (P& p : ps_)
    if (p.cur != nullptr && p.cur->t <= earliest + kWindowNs) candidates_.push_back(p.cur);
  SimG* chosen = candidates_[0];
  if (candidates_.size() > 1) {
    chosen = Choose();
    if (chosen == nullptr) return nullptr;  // a replay divergence ended the run
    schedule_.push_back(chosen->id);
  }
  last_p_ = chosen->p;
  last_g_ = chosen->id;
  // Time never goes back: a goroutine a little behind catches up.
  clock_ = std::max(clock_, chosen->t);
  chosen->t = clock_;
  return chosen;
}

SimG* SimRuntime::Choose() {
  if (replay_pos_ < options_.replay.size()) {
    GoroutineId want = options_.replay[replay_pos_];
    for (SimG* c : candidates_) {
      if (c->id == want) {
        replay_pos_++;
        return c;
      }
    }
    std::string running;
    for (SimG* c : candidates_) running += " G" + std::to_string(c->id);
    replay_error_ = "replay diverged at decision " + std::to_string(replay_pos_) + ": G" +
                    std::to_string(want) + " cannot take the next step (candidates:" + running + ")";
    End(Status::kFatal, "synclab: " + replay_error_, 0);
    return nullptr;
  }
  if (options_.chooser != nullptr) {
    candidate_ids_.clear();
    for (SimG* c : candidates_) candidate_ids_.push_back(c->id);
    return candidates_.at(options_.chooser->Choose(candidate_ids_, last_g_));
  }
  if (options_.strategy == Strategy::kRoundRobin) {
    for (SimG* c : candidates_)
      if (c->p > last_p_) return c;
    return candidates_[0];
  }
  return candidates_[rng_.Below(candidates_.size())];
}

bool SimRuntime::TimerDue(int p) const {
  for (const auto& [key, e] : timers_) {
    if (key.first > clock_) return false;
    if (e.P() == p) return true;
  }
  return false;
}

// Go's checkTimers on P `owner` (or, owner < 0, any P's: an idle P steals
// timers): each due timer runs on P `into`, the P running the timer: a
// sleeping goroutine is readied into its runnext (goroutineReady ->
// goready), a runtime timer's callback runs (RunTimer). Reports whether
// `into` has a goroutine in its runnext afterwards.
bool SimRuntime::FireTimers(int owner, int into) {
  for (auto it = timers_.begin(); it != timers_.end() && it->first.first <= clock_ && !Over();) {
    TimerEntry e = it->second;
    if (owner >= 0 && e.P() != owner) {
      ++it;
      continue;
    }
    it = timers_.erase(it);
    if (e.t != nullptr) {
      RunTimer(e.t, into);
      it = timers_.begin();  // the callback may have armed or stopped timers
      continue;
    }
    SimG* g = e.g;
    EmitAs(0, EventKind::kGoReady, 0, Site{}, std::int64_t(g->id));
    g->state = GState::kRunnable;
    g->sleep_p = -1;
    PutRunnext(ps_[std::size_t(into)], g);
  }
  return ps_[std::size_t(into)].runnext != nullptr;
}

// Go's runtimer for a timer just taken off the heap: its callback runs as
// the runtime on P `into`. Done: a periodic timer is re-armed at the next
// multiple of its period after now, a one-shot one is idle. Busy: it stays
// pending, retried at the next scheduling point. Each callback counts as a
// step, so a ticker nobody stops in a run that can never end (Go would
// hang: checkdead says no deadlock while timers exist) ends at the limit.
void SimRuntime::RunTimer(rt::Timer* t, int into) {
  if (++steps_ > options_.max_steps) {
    End(Status::kLimit, "synclab: step limit of " + std::to_string(options_.max_steps) + " reached",
        0);
    t->owner.store(nullptr);
    if (t->release != nullptr) t->release(t->arg);
    return;
  }
  G* saved = ctx_.g;
  ctx_.g = &timer_g_;
  in_timer_ = true;
  timer_p_ = into;
  bool done = t->f(t->arg, clock_);
  in_timer_ = false;
  ctx_.g = saved;
  if (!done) {
    retry_.push_back(t);
  } else if (t->period > 0) {
    t->when = rt::NextWhen(*t, clock_);
    t->seq = timer_seq_++;
    timers_.emplace(std::make_pair(t->when, t->seq), TimerEntry{nullptr, t});
  } else {
    t->owner.store(nullptr);
    if (t->release != nullptr) t->release(t->arg);  // may free t
  }
}

// Timers that were busy at the last point, oldest first, each on its own P.
void SimRuntime::RetryTimers() {
  std::vector<rt::Timer*> again;
  again.swap(retry_);
  for (rt::Timer* t : again) RunTimer(t, t->p >= 0 ? t->p : 0);
}

void SimRuntime::AddTimer(rt::Timer* t) {
  if (Over()) return;  // a goroutine being unwound: the run has no timers left
  t->owner.store(this);
  t->p = in_timer_ ? timer_p_ : (cur_ != nullptr && cur_->p >= 0 ? cur_->p : 0);
  t->seq = timer_seq_++;
  timers_.emplace(std::make_pair(t->when, t->seq), TimerEntry{nullptr, t});
}

bool SimRuntime::DelTimer(rt::Timer* t) {
  if (t->owner.load() != this) return false;
  t->owner.store(nullptr);
  if (timers_.erase(std::make_pair(t->when, t->seq)) > 0) return true;
  auto it = std::find(retry_.begin(), retry_.end(), t);
  if (it == retry_.end()) return false;
  retry_.erase(it);
  return true;
}

void SimRuntime::DropTimers() {
  std::vector<rt::Timer*> dropped(retry_);
  for (auto& [key, e] : timers_)
    if (e.t != nullptr) dropped.push_back(e.t);
  timers_.clear();
  retry_.clear();
  for (rt::Timer* t : dropped) t->owner.store(nullptr);
  for (rt::Timer* t : dropped)
    if (t->release != nullptr) t->release(t->arg);  // may free t
}

void SimRuntime::FillIdlePs() {
  for (int i = 0; i < procs_; i++) {
    P& p = ps_[std::size_t(i)];
    if (p.cur != nullptr) continue;
    Taken w = TakeWork(i);
    if (w.g != nullptr) {
      Assign(i, w);
    } else {
      p.idle = true;
    }
  }
}

// Go's findRunnable, deterministically: the P's own due timers; the global
// queue on every 61st schedule; own runnext (inheriting the slice), own
// queue, the global queue; then steal from the other Ps in index order:
// first their queues, then their due timers and their runnext (a running
// P's runnext only once it has waited 3 us, as runqgrab does).
Taken SimRuntime::TakeWork(int i) {
  auto pop = [](std::deque<SimG*>& q) {
    SimG* g = q.front();
    q.pop_front();
    return g;
  };
  P& p = ps_[std::size_t(i)];
  FireTimers(i, i);
  if (p.schedtick % kGlobalQueueTick == 0 && !global_.empty()) return {pop(global_), false};
  if (SimG* g = std::exchange(p.runnext, nullptr)) return {g, true};
  if (!p.runq.empty()) return {pop(p.runq), false};
  if (!global_.empty()) return {pop(global_), false};
  for (int k = 1; k < procs_; k++) {
    P& victim = ps_[std::size_t((i + k) % procs_)];
    if (!victim.runq.empty()) return {pop(victim.runq), false};
  }
  if (FireTimers(-1, i)) return {std::exchange(p.runnext, nullptr), true};
  if (Over()) return {};
  for (int k = 1; k < procs_; k++) {
    P& victim = ps_[std::size_t((i + k) % procs_)];
    if (victim.runnext != nullptr &&
        (victim.cur == nullptr || clock_ - victim.runnext->runnext_since >= kStealRunnextNs)) {
      return {std::exchange(victim.runnext, nullptr), false};
    }
  }
  return {};
}

// Go's execute. A P that was idle starts a new slice even for a goroutine
// from its runnext: sysmon tracks only running Ps, and nobody's time is
// being inherited.
void SimRuntime::Assign(int i, Taken w) {
  P& p = ps_[std::size_t(i)];
  SimG* g = w.g;
  if (!w.inherit) p.schedtick++;
  if (!w.inherit || p.idle) p.slice_start = clock_;
  p.idle = false;
  g->state = GState::kRunning;
  g->p = i;
  g->t = clock_;
  p.cur = g;
  EmitAs(g->id, g->started ? EventKind::kGoRun : EventKind::kGoStart, 0, Site{}, i);
  g->started = true;
}

// Go's runqput(next=true): g runs next on p; the previous runnext goes to
// the tail of p's queue.
void SimRuntime::PutRunnext(P& p, SimG* g) {
  if (p.runnext != nullptr) p.runq.push_back(p.runnext);
  p.runnext = g;
  g->runnext_since = clock_;
}

bool SimRuntime::AnyRunnableQueued() const {
  if (!global_.empty()) return true;
  for (const P& p : ps_)
    if (p.runnext != nullptr || !p.runq.empty()) return true;
  return false;
}

bool SimRuntime::CanSpin(int iter) {
  // Go's canSpin: few iterations, a multicore machine, some other P running,
  // and nothing waiting in our own run queue.
  if (iter >= 4 || procs_ <= 1) return false;
  int idle = 0;
  for (const P& p : ps_) idle += p.cur == nullptr;
  if (procs_ <= idle + 1) return false;
  const P& mine = ps_[std::size_t(cur_->p)];
  return mine.runnext == nullptr && mine.runq.empty();
}

// --- blocking and waking ----------------------------------------------------------

// park_m: the goroutine is waiting (and traced so) before `unlock` runs and
// before anything else can run.
void SimRuntime::BlockCurrent(WaitReason reason, ObjectId obj, const Site& site,
                              rt::ParkUnlock unlock) {
  SimG* g = cur_;
  EmitAs(g->id, EventKind::kGoPark, obj, site, std::int64_t(reason));
  g->state = GState::kWaiting;
  g->reason = reason;
  g->wait_obj = obj;
  g->wait_site = site;
  unlock();
  LeaveP(g);
  SwitchTo(PickNext());  // never g itself: it is not running
}

void SimRuntime::Park(WaitReason reason, ObjectId obj, Site site, rt::ParkUnlock unlock) {
  if (Over()) {
    unlock();
    ThrowAbort();
  }
  Point(rt::kSwitchNs);  // gopark's own cost, with the lock still held
  if (cur_->permit) {
    cur_->permit = false;
    unlock();
    return;
  }
  BlockCurrent(reason, obj, site, unlock);
}

void SimRuntime::Ready(G* target, ObjectId obj, Site site) {
  if (Over()) return;
  Point(rt::kSwitchNs);
  SimG* g = static_cast<SimG*>(target);
  if (g->state != GState::kWaiting) {
    g->permit = true;
    return;
  }
  // From a timer callback: the runtime readies it on the P running timers.
  EmitAs(in_timer_ ? 0 : cur_->id, EventKind::kGoReady, obj, site, std::int64_t(g->id));
  g->state = GState::kRunnable;
  PutRunnext(ps_[std::size_t(in_timer_ ? timer_p_ : cur_->p)], g);  // or stolen by an idle P
}

void SimRuntime::Goyield() {
  if (Over()) return;
  Point(rt::kSwitchNs);
  SimG* g = cur_;
  EmitAs(g->id, EventKind::kGoYield, 0, Site{});
  g->state = GState::kRunnable;
  ps_[std::size_t(g->p)].runq.push_back(g);  // local queue: the readied waiter goes first
  LeaveP(g);
  SwitchTo(PickNext());
}

void SimRuntime::Gosched(const Site& site) {
  if (Over()) return;
  Point(rt::kSwitchNs);
  SimG* g = cur_;
  EmitAs(g->id, EventKind::kGoYield, 0, site);
  g->state = GState::kRunnable;
  LeaveP(g);
  global_.push_back(g);
  SwitchTo(PickNext());
}

void SimRuntime::Go(std::function<void()> fn, std::string_view name, const Site& site) {
  if (Over()) return;
  Point(rt::kSwitchNs);
  // From a timer callback (AfterFunc's goFunc) the runtime is the parent.
  GoroutineId parent = in_timer_ ? 0 : cur_->id;
  SimG* g = Spawn(std::move(fn), name, parent, site);
  EmitAs(parent, EventKind::kGoCreate, 0, site, std::int64_t(g->id));
  PutRunnext(ps_[std::size_t(in_timer_ ? timer_p_ : cur_->p)], g);  // newproc: runs next
}

void SimRuntime::Sleep(std::int64_t ns, const Site& site) {
  if (Over()) return;
  Point(ns <= 0 ? rt::kStepNs : rt::kSwitchNs);
  if (ns <= 0) return;
  EmitAs(cur_->id, EventKind::kGoSleep, 0, site, ns);
  cur_->sleep_p = cur_->p;
  timers_.emplace(std::make_pair(clock_ + ns, timer_seq_++), TimerEntry{cur_, nullptr});
  BlockCurrent(WaitReason::kSleep, 0, site);
}

// CPU work: Go preempts it asynchronously, so a long work(d) is cut at the
// end of the time slice like any other goroutine.
void SimRuntime::Work(std::int64_t ns, const Site& site) {
  if (Over()) return;
  EmitAs(cur_->id, EventKind::kGoWork, 0, site, ns);
  for (std::int64_t left = ns;;) {
    std::int64_t slice_left = ps_[std::size_t(cur_->p)].slice_start + kSliceNs - cur_->t;
    std::int64_t chunk = slice_left > 0 && slice_left < left ? slice_left : left;
    left -= chunk;
    Point(chunk);
    if (left <= 0 || Over()) return;
  }
}

}  // namespace

Result Run(const std::function<void()>& main, const Options& options) {
  SimRuntime runtime(options);
  return runtime.Run(main);
}

}  // namespace synclab::sim
