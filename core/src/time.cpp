// time.cpp: Go's time.Timer, Ticker, After, Tick, AfterFunc (time/sleep.go,
// time/tick.go of Go 1.14-1.22) over the runtime timers (rt/timer.h).
#include "synclab/time.h"

#include <limits>
#include <mutex>

#include "synclab/rt/timer.h"

namespace synclab {

using trace::EventKind;

namespace detail {

// What a Timer or Ticker handle points at: Go's Timer{C, r runtimeTimer}.
// While pending it holds itself (`keep`), as Go's runtime keeps a pending
// timer reachable: after(d) and after_func(d, f) work with no handle kept.
// The runtime lets go through rt::Timer::release (fired one-shot, or the
// run dropped it); Stop lets go itself.
struct TimerState : std::enable_shared_from_this<TimerState> {
  rt::Timer r;
  Chan<Time> c;                // nil for AfterFunc
  std::function<void()> f;     // AfterFunc's
  ObjectId id = 0;
  Site site{};
  std::string name;
  std::mutex keep_mu;          // keep is set by users and cleared by the runtime
  std::shared_ptr<TimerState> keep;

  void Hold() {
    std::lock_guard l(keep_mu);
    keep = shared_from_this();
  }
  // Lets go of the runtime's reference; may destroy *this (so last).
  void Release() {
    std::shared_ptr<TimerState> self;
    {
      std::lock_guard l(keep_mu);
      self.swap(keep);
    }
  }
  // An event with r's fields: only while r is idle or this is its callback.
  void Trace(EventKind kind, const Site& at, bool pending, std::int64_t extra = 0) const {
    rt::Emit(kind, id, at, r.when, r.period, pending, c.nil() ? ObjectId(0) : c.id(), extra);
  }
};

}  // namespace detail

namespace {

using detail::TimerState;

// Go's when(d): the instant d from now; at once for d <= 0; no overflow.
std::int64_t When(Duration d) {
  std::int64_t now = rt::Nanotime();
  if (d.count() <= 0) return now;
  if (d.count() > std::numeric_limits<std::int64_t>::max() - now) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return now + d.count();
}

// Go's sendTime: `select { case c <- Now(): default: }`, run by the
// runtime. A channel whose lock is held is retried (rt/timer.h): Go's
// sendTime would take the lock after a short wait, with the same result.
bool SendTime(void* arg, std::int64_t now) {
  auto* s = static_cast<TimerState*>(arg);
  Time v{now};
  RuntimeSend sent = s->c.core().TrySendFromRuntime(&v, s->site);
  if (sent == RuntimeSend::kBusy) return false;
  rt::TraceSection section(s->id);
  const bool periodic = s->r.period > 0;
  if (rt::Tracing()) {
    // State after: a Ticker is due next on its grid.
    rt::Emit(EventKind::kTimerSend, s->id, s->site, periodic ? rt::NextWhen(s->r, now) : s->r.when,
             s->r.period, periodic, s->c.id(), sent == RuntimeSend::kSent, now);
  }
  return true;
}

// Go's goFunc: `go f()`, run by the runtime.
bool GoFunc(void* arg, std::int64_t now) {
  auto* s = static_cast<TimerState*>(arg);
  {
    rt::TraceSection section(s->id);
    rt::Emit(EventKind::kTimerFunc, s->id, s->site, s->r.when, s->r.period, false, ObjectId(0), now);
  }
  go(s->f, s->name, s->site);
  return true;
}

void ReleaseState(void* arg) { static_cast<TimerState*>(arg)->Release(); }

std::shared_ptr<TimerState> MakeState(std::string_view name, std::string_view fallback,
                                      const Site& site) {
  auto s = std::make_shared<TimerState>();
  s->name = std::string(name.empty() ? fallback : name);
  s->site = site;
  s->id = rt::RegisterObject(trace::ObjectKind::kTimer, s->name, 0, site);
  s->r.arg = s.get();
  s->r.release = &ReleaseState;
  return s;
}

// The three operations with their events. Natively the event is emitted
// under the timer's trace stripe, which a firing callback also takes for its
// own, so a fire is traced after the start that armed it. Stop and Reset
// first wait (rt::StopTimer) for a running callback without the stripe:
// the callback may need it. Reset is Stop then start, which is Go's modtimer
// as seen from outside: nothing can fire the timer in between.
void Start(TimerState& s, std::int64_t when, std::int64_t period, const Site& site,
           EventKind kind = EventKind::kTimerStart, bool was = false) {
  s.Hold();
  rt::TraceSection section(s.id);
  s.r.when = when;
  s.r.period = period;
  rt::StartTimer(s.r);
  rt::Emit(kind, s.id, site, when, period, true, s.c.nil() ? ObjectId(0) : s.c.id(), was);
}

bool StopOnly(TimerState& s) {
  const bool was = rt::StopTimer(s.r);
  if (was) s.Release();  // it will not fire: the runtime no longer holds it
  return was;
}

bool Stop(TimerState& s, const Site& site) {
  rt::Point();
  auto keep = s.shared_from_this();  // Release may drop the last reference
  const bool was = StopOnly(s);
  rt::TraceSection section(s.id);
  s.Trace(EventKind::kTimerStop, site, false, was);  // idle now: r is ours to read
  return was;
}

bool Reset(TimerState& s, std::int64_t when, std::int64_t period, const Site& site) {
  rt::Point();
  auto keep = s.shared_from_this();
  const bool was = StopOnly(s);
  Start(s, when, period, site, EventKind::kTimerReset, was);
  return was;
}

std::string Pad9(std::int64_t frac) {
  std::string digits = std::to_string(frac);
  return std::string(9 - digits.size(), '0') + digits;
}

}  // namespace

Time time_now(Site) { return Time{rt::Nanotime()}; }

// Go's Duration.String, digit for digit: under a second in the largest of
// ns, µs, ms that keeps the integer part non-zero, with the fraction's
// trailing zeros cut; from a second on, hours and minutes then seconds.
std::string FormatDuration(Duration d) {
  std::int64_t v = d.count();
  if (v == 0) return "0s";
  const bool neg = v < 0;
  std::uint64_t u = neg ? std::uint64_t(0) - std::uint64_t(v) : std::uint64_t(v);
  auto fraction = [](std::uint64_t value, int prec) {
    // value / 10^prec with the fraction's trailing zeros dropped.
    std::string frac;
    bool print = false;
    for (int i = 0; i < prec; i++) {
      int digit = int(value % 10);
      print = print || digit != 0;
      if (print) frac.insert(frac.begin(), char('0' + digit));
      value /= 10;
    }
    return std::make_pair(value, frac.empty() ? std::string() : "." + frac);
  };
  std::string out;
  if (u < 1'000'000'000) {
    int prec;
    std::string unit;
    if (u < 1'000) {
      prec = 0;
      unit = "ns";
    } else if (u < 1'000'000) {
      prec = 3;
      unit = "\u00b5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    auto [whole, frac] = fraction(u, prec);
    out = std::to_string(whole) + frac + unit;
  } else {
    auto [secs, frac] = fraction(u, 9);
    std::uint64_t h = secs / 3600, m = secs / 60 % 60, s = secs % 60;
    if (h > 0) out = std::to_string(h) + "h";
    if (h > 0 || m > 0) out += std::to_string(m) + "m";
    out += std::to_string(s) + frac + "s";
  }
  return neg ? "-" + out : out;
}

std::string FormatTime(Time t) {
  std::int64_t ns = t.ns;
  const char* sign = ns < 0 ? "-" : "+";
  std::uint64_t u = ns < 0 ? std::uint64_t(0) - std::uint64_t(ns) : std::uint64_t(ns);
  return std::string("m=") + sign + std::to_string(u / 1'000'000'000) + "." +
         Pad9(std::int64_t(u % 1'000'000'000));
}

// --- Timer ------------------------------------------------------------------

Timer::Timer(Duration d, std::string_view name, Site site) {
  s_ = MakeState(name, "timer", site);
  s_->c = make_chan<Time>(1, s_->name + ".C", site);
  s_->r.f = &SendTime;
  C = s_->c;
  Start(*s_, When(d), 0, site);
}

bool Timer::Stop(Site site) const {
  if (!s_) throw Panic("time: Stop called on uninitialized Timer");
  return synclab::Stop(*s_, site);
}

bool Timer::Reset(Duration d, Site site) const {
  if (!s_) throw Panic("time: Reset called on uninitialized Timer");
  return synclab::Reset(*s_, When(d), 0, site);
}

ObjectId Timer::id() const { return s_ ? s_->id : 0; }

Timer after_func(Duration d, std::function<void()> f, std::string_view name, Site site) {
  Timer t;
  t.s_ = MakeState(name, "after_func", site);
  t.s_->f = std::move(f);
  t.s_->r.f = &GoFunc;
  Start(*t.s_, When(d), 0, site);
  return t;
}

RecvChan<Time> after(Duration d, Site site) { return Timer(d, "after", site).C; }

// --- Ticker -----------------------------------------------------------------

Ticker::Ticker(Duration d, std::string_view name, Site site) {
  if (d.count() <= 0) throw Panic("non-positive interval for NewTicker");
  s_ = MakeState(name, "ticker", site);
  s_->c = make_chan<Time>(1, s_->name + ".C", site);
  s_->r.f = &SendTime;
  C = s_->c;
  Start(*s_, When(d), d.count(), site);
}

void Ticker::Stop(Site site) const {
  if (!s_) throw Panic("runtime error: invalid memory address or nil pointer dereference");
  synclab::Stop(*s_, site);
}

void Ticker::Reset(Duration d, Site site) const {
  if (d.count() <= 0) throw Panic("non-positive interval for Ticker.Reset");
  if (!s_) throw Panic("time: Reset called on uninitialized Ticker");
  synclab::Reset(*s_, When(d), d.count(), site);
}

ObjectId Ticker::id() const { return s_ ? s_->id : 0; }

RecvChan<Time> tick(Duration d, Site site) {
  if (d.count() <= 0) return {};
  return Ticker(d, "tick", site).C;
}

}  // namespace synclab
