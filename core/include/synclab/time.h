// time.h: Go's time.Timer, time.Ticker, After, Tick and AfterFunc, on the
// runtime's clock (virtual in sim: a timeout is exact and instant; real
// natively), over the runtime timers of rt/timer.h.
//
//   Timer t(50ms);                        // Go: t := time.NewTimer(50 * time.Millisecond)
//   select(recv_case(t.C, [](Time) {...}), recv_case(done, ...));
//   if (!t.Stop()) t.C.Recv();            // Go's drain idiom (see Stop)
//   auto c = after(1s);                   // Go: time.After(time.Second)
//   Ticker tk(10ms);  ...  tk.Stop();     // Go: time.NewTicker, Stop
//   after_func(5ms, [] { ... });          // Go: time.AfterFunc: f in its own goroutine
//
// Which Go: 1.14 to 1.22. Timer.C and Ticker.C are buffered channels of
// capacity 1 and a firing timer sends the time without blocking (sendTime:
// `select { case c <- now: default: }`), so a value sent before Stop or
// Reset stays in the channel: Stop returns false and the next receive gets
// that stale value. Go 1.23 made the channels unbuffered-like and Stop/Reset
// discard pending values; that is not what is ported here.
//
// Guarantees: Stop returns true iff it stopped the timer before it fired
// (for a Ticker: while it was running); Reset returns true iff the timer was
// pending. A pending timer keeps its run from being a deadlock. Timers are
// kept alive by the runtime while pending, as Go's are: after(d) and
// after_func(d, f) need no handle kept, and a Ticker that is never stopped
// lives until its run ends (Go: it leaks).
// Misuse (panic, Go wording): "time: Stop called on uninitialized Timer",
// "time: Reset called on uninitialized Timer", "non-positive interval for
// NewTicker", "non-positive interval for Ticker.Reset", "time: Reset called
// on uninitialized Ticker".
//
// States of a Timer: pending --fire--> fired (its value sent, or f started)
//                    pending --Stop--> stopped;  any --Reset--> pending.
// A Ticker is pending until stopped and fires at when, when + period, ...
// (a late fire skips to the next instant on that grid).
// Trace: timer.* events on id() (when, period, pending, its channel c);
// the fire's are the runtime's own (goroutine 0), as are the channel events
// of its send.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "synclab/chan.h"
#include "synclab/go.h"
#include "synclab/rt/runtime.h"

namespace synclab {

// An instant on the runtime's clock (Go's time.Time, monotonic part only):
// nanoseconds since the run started (natively, plain threads: since an
// arbitrary point). Formatted as Go prints the monotonic reading: "m=+1.500000000".
struct Time {
  std::int64_t ns = 0;

  Duration Sub(Time u) const { return Duration(ns - u.ns); }
  Time Add(Duration d) const { return Time{ns + d.count()}; }
  bool Before(Time u) const { return ns < u.ns; }
  bool After(Time u) const { return ns > u.ns; }
  auto operator<=>(const Time&) const = default;
};

// Go's time.Now(): the runtime's clock (in sim a scheduling point).
Time time_now(Site site = Site::current());
// Go's time.Until(t) = t.Sub(Now()).
inline Duration until(Time t, Site site = Site::current()) { return t.Sub(time_now(site)); }

// Go's Duration.String: "1.5s", "100ms", "2m0.5s", "1h0m0s", "0s".
std::string FormatDuration(Duration d);
// "m=+1.500000000" (seconds since the run's start).
std::string FormatTime(Time t);

namespace detail {
struct TimerState;
}

// Go's *time.Timer: a handle (copies share the timer); default: nil.
class Timer {
 public:
  Timer() = default;
  // Go's NewTimer(d): fires once, d from now (d <= 0: at once).
  explicit Timer(Duration d, std::string_view name = {}, Site site = Site::current());

  // Go's Timer.C: receives the time when the timer fires. Nil for a timer
  // made by after_func.
  RecvChan<Time> C;

  // Go's Timer.Stop: true iff the call stopped the timer, false if it had
  // already fired or been stopped. It does not drain C.
  bool Stop(Site site = Site::current()) const;
  // Go's Timer.Reset: re-arms d from now; true iff it was pending. For a
  // Timer with a channel, call it on stopped or drained timers only.
  bool Reset(Duration d, Site site = Site::current()) const;

  bool nil() const { return s_ == nullptr; }
  ObjectId id() const;

 private:
  friend Timer after_func(Duration, std::function<void()>, std::string_view, Site);
  std::shared_ptr<detail::TimerState> s_;
};

// Go's time.AfterFunc(d, f): after d, runs f in its own goroutine. Stop
// keeps f from starting (it does not wait for a running f).
Timer after_func(Duration d, std::function<void()> f, std::string_view name = {},
                 Site site = Site::current());

// Go's time.After(d) = NewTimer(d).C.
RecvChan<Time> after(Duration d, Site site = Site::current());

// Go's *time.Ticker: a handle; default: nil.
class Ticker {
 public:
  Ticker() = default;
  // Go's NewTicker(d): fires every d; panics on d <= 0.
  explicit Ticker(Duration d, std::string_view name = {}, Site site = Site::current());

  RecvChan<Time> C;

  // Go's Ticker.Stop: no more ticks; does not close or drain C.
  void Stop(Site site = Site::current()) const;
  // Go's Ticker.Reset: stops and restarts with period d, first tick d from now.
  void Reset(Duration d, Site site = Site::current()) const;

  bool nil() const { return s_ == nullptr; }
  ObjectId id() const;

 private:
  std::shared_ptr<detail::TimerState> s_;
};

// Go's time.Tick(d) = NewTicker(d).C, or the nil channel if d <= 0. The
// ticker cannot be stopped: it lives until the run ends.
RecvChan<Time> tick(Duration d, Site site = Site::current());

}  // namespace synclab

template <>
struct fmt::formatter<synclab::Time> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(synclab::Time t, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(synclab::FormatTime(t), ctx);
  }
};
