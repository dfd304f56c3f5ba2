// cursor.cpp: the rules of moving through a trace.
#include "synclab/viewer/cursor.h"

#include <algorithm>
#include <cmath>

namespace synclab::viewer {
namespace {

template <class T>
void Toggle(std::vector<T>& set, T v) {
  auto it = std::find(set.begin(), set.end(), v);
  if (it == set.end()) {
    set.push_back(v);
  } else {
    set.erase(it);
  }
}

struct Applier {
  Cursor& c;
  const Model& m;

  std::uint64_t last() const { return m.size() == 0 ? 0 : m.size() - 1; }
  void Go(std::uint64_t step) {
    c.step = std::min(step, last());
    c.pending = 0;
  }

  void operator()(const Seek& a) { Go(a.step); }
  void operator()(const Step& a) {
    // In unsigned arithmetic, so that no delta can overflow.
    const std::uint64_t size = a.delta < 0 ? 0 - std::uint64_t(a.delta) : std::uint64_t(a.delta);
    Go(a.delta < 0 ? c.step - std::min(size, c.step) : c.step + std::min(size, last() - c.step));
  }
  void operator()(const StepWithin& a) {
    Id id = a.scope == Scope::kGoroutine ? c.goroutine : c.object;
    if (id == 0) return;
    if (auto next = m.Neighbour(a.scope, id, c.step, a.dir)) Go(*next);
  }
  void operator()(const Continue& a) {
    // With no breakpoint set, PageDown / PageUp (what a presenter's clicker
    // sends) step. Past the last hit the cursor stays, and says so: jumping
    // to the end would skip what the class was about to see.
    if (c.breakpoints.empty()) return (*this)(Step{a.dir > 0 ? 1 : -1});
    if (auto hit = m.NextHit(c.breakpoints, c.step, a.dir)) return Go(*hit);
    c.notice = a.dir > 0 ? Notice::kNoLaterHit : Notice::kNoEarlierHit;
  }
  void operator()(const Play& a) {
    if (a.on && c.step == last()) Go(0);  // play at the end replays from the start
    c.playing = a.on && m.size() > 1;
    c.pending = 0;
  }
  void operator()(const TogglePlay&) { (*this)(Play{!c.playing}); }
  void operator()(const SetSpeed& a) {
    if (std::isfinite(a.steps_per_second)) c.speed = std::clamp(a.steps_per_second, kMinSpeed, kMaxSpeed);
  }
  void operator()(const Tick& a) {
    if (!c.playing || !(a.seconds > 0)) return;
    c.pending += a.seconds * c.speed;
    const double whole = std::floor(c.pending);
    if (whole < 1) return;
    c.pending -= whole;
    const std::uint64_t target = c.step + std::uint64_t(std::min(whole, double(last())));
    auto hit = m.NextHit(c.breakpoints, c.step, +1);
    if (hit && *hit <= target) {
      Go(*hit);
      c.playing = false;
    } else if (target >= last()) {
      Go(last());
      c.playing = false;
    } else {
      c.step = target;
    }
  }
  void operator()(const SelectGoroutine& a) {
    if (a.g <= m.trace().goroutines.size()) c.goroutine = a.g;
  }
  void operator()(const SelectObject& a) {
    if (a.obj <= m.trace().objects.size()) c.object = a.obj;
  }
  void operator()(const ToggleBreakKind& a) {
    if (a.kind < trace::EventKind::kCount) Toggle(c.breakpoints.kinds, a.kind);
  }
  void operator()(const ToggleBreakGoroutine& a) {
    if (a.g != 0 && a.g <= m.trace().goroutines.size()) Toggle(c.breakpoints.goroutines, a.g);
  }
  void operator()(const ToggleBreakObject& a) {
    if (a.obj != 0 && a.obj <= m.trace().objects.size()) Toggle(c.breakpoints.objects, a.obj);
  }
  void operator()(const ClearBreakpoints&) { c.breakpoints = {}; }
  void operator()(const ToggleObjectLane& a) {
    if (a.obj != 0 && a.obj <= m.trace().objects.size() && m.HasLane(a.obj)) Toggle(c.object_lanes, a.obj);
  }
  void operator()(const StepModeChange& a) {
    Id obj = c.object != 0 && m.HasLane(c.object) ? c.object : c.object_lanes.empty() ? 0 : c.object_lanes[0];
    if (obj == 0) return;
    if (auto next = m.NextModeChange(obj, c.step, a.dir)) Go(*next);
  }
};

}  // namespace

Cursor Apply(Cursor c, const Intent& intent, const Model& m) {
  Applier applier{c, m};
  for (const Action& a : intent.actions) {
    // Time passing while playing is not a request: it leaves the notice.
    if (!std::holds_alternative<Tick>(a)) c.notice = Notice::kNone;
    std::visit(applier, a);
  }
  return c;
}

}  // namespace synclab::viewer
