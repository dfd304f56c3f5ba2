// Tests of Apply: stepping, playing, selections and breakpoints.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "synclab/viewer/cursor.h"
#include "traces.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::AtStep;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Record;
using trace::EventKind;

namespace {

const Model& Starvation() {
  static const Model m = Build(Record("mutex/starvation"));
  return m;
}

}  // namespace

TEST_SUITE("viewer.cursor") {
  TEST_CASE("steps and seeks are clamped to the trace") {
    const Model& m = Starvation();
    const std::uint64_t last = m.size() - 1;
    CHECK(Apply(Cursor{}, Step{-1}, m).step == 0);
    CHECK(Apply(AtStep(last), Step{+1}, m).step == last);
    CHECK(Apply(Cursor{}, Step{std::numeric_limits<std::int64_t>::max()}, m).step == last);
    CHECK(Apply(AtStep(5), Step{std::numeric_limits<std::int64_t>::min()}, m).step == 0);
    CHECK(Apply(Cursor{}, Seek{last + 100}, m).step == last);
    CHECK(Apply(Cursor{}, Seek{7}, m).step == 7);
  }

  TEST_CASE("actions apply in order") {
    const Model& m = Starvation();
    Intent i = Intent(Seek{10}) + Intent(Step{+1}) + Intent(Step{+1});
    CHECK(Apply(Cursor{}, i, m).step == 12);
  }

  TEST_CASE("stepping within the selection visits only its events") {
    const Model& m = Starvation();
    Cursor c = Apply(Cursor{}, SelectGoroutine{3}, m);
    c = Apply(c, StepWithin{Scope::kGoroutine, +1}, m);  // its first event
    CHECK(Apply(c, StepWithin{Scope::kGoroutine, -1}, m).step == c.step);  // none before
    for (int i = 0; i < 10; ++i) {
      Cursor next = Apply(c, StepWithin{Scope::kGoroutine, +1}, m);
      REQUIRE(next.step > c.step);
      CHECK(m.trace().events[next.step].g == 3);
      CHECK(Apply(next, StepWithin{Scope::kGoroutine, -1}, m).step == c.step);
      c = next;
    }
    // Without a selection nothing moves.
    CHECK(Apply(AtStep(4), StepWithin{Scope::kObject, +1}, m).step == 4);
  }

  TEST_CASE("playing advances by speed times elapsed time and stops at the end") {
    const Model& m = Starvation();
    Cursor c = Apply(Cursor{}, Intent(SetSpeed{10}) + Intent(Play{true}), m);
    c = Apply(c, Tick{0.25}, m);  // 2.5 steps
    CHECK(c.step == 2);
    c = Apply(c, Tick{0.05}, m);  // the half step left over, and half another
    CHECK(c.step == 3);
    c = Apply(c, Tick{1e6}, m);
    CHECK(c.step == m.size() - 1);
    CHECK(!c.playing);
    // Play at the end starts over.
    c = Apply(c, Play{true}, m);
    CHECK(c.step == 0);
    CHECK(c.playing);
    // Paused, time passes without moving.
    CHECK(Apply(Apply(c, TogglePlay{}, m), Tick{5}, m).step == 0);
  }

  TEST_CASE("speed is kept within its range") {
    const Model& m = Starvation();
    CHECK(Apply(Cursor{}, SetSpeed{1e9}, m).speed == kMaxSpeed);
    CHECK(Apply(Cursor{}, SetSpeed{0}, m).speed == kMinSpeed);
    CHECK(Apply(Cursor{}, SetSpeed{std::nan("")}, m).speed == Cursor{}.speed);
  }

  TEST_CASE("playing stops at a breakpoint on an event kind") {
    const Model& m = Starvation();
    const std::uint64_t starve = FirstOf(m.trace(), EventKind::kMutexStarvingEnter);
    Cursor c = Apply(Cursor{}, Intent(ToggleBreakKind{EventKind::kMutexStarvingEnter}) +
                                   Intent(SetSpeed{kMaxSpeed}) + Intent(Play{true}),
                     m);
    c = Apply(c, Tick{10}, m);
    CHECK(c.step == starve);
    CHECK(!c.playing);
    // Playing on leaves it and runs to the end: there is only one.
    c = Apply(Apply(c, Play{true}, m), Tick{10}, m);
    CHECK(c.step == m.size() - 1);
  }

  TEST_CASE("continue runs to the next or previous hit") {
    const Model& m = Starvation();
    const std::uint64_t starve = FirstOf(m.trace(), EventKind::kMutexStarvingEnter);
    Cursor c = Apply(Cursor{}, ToggleBreakKind{EventKind::kMutexStarvingEnter}, m);
    CHECK(Apply(c, Continue{+1}, m).step == starve);
    CHECK(Apply(c, Continue{+1}, m).notice == Notice::kNone);
    CHECK(Apply(Apply(c, Seek{m.size() - 1}, m), Continue{-1}, m).step == starve);
  }

  TEST_CASE("continue past the last hit stays and says there is no later hit") {
    const Model& m = Starvation();
    const std::uint64_t starve = FirstOf(m.trace(), EventKind::kMutexStarvingEnter);
    Cursor c = Apply(AtStep(starve), ToggleBreakKind{EventKind::kMutexStarvingEnter}, m);
    Cursor after = Apply(c, Continue{+1}, m);
    CHECK(after.step == starve);
    CHECK(after.notice == Notice::kNoLaterHit);
    Cursor before = Apply(Apply(c, Seek{starve - 1}, m), Continue{-1}, m);
    CHECK(before.step == starve - 1);
    CHECK(before.notice == Notice::kNoEarlierHit);
    // The next move says nothing more.
    CHECK(Apply(after, Step{-1}, m).notice == Notice::kNone);
    CHECK(Apply(after, Seek{0}, m).notice == Notice::kNone);
  }

  TEST_CASE("continue with no breakpoint set steps one event as a clicker's page keys expect") {
    const Model& m = Starvation();
    CHECK(Apply(AtStep(9), Continue{+1}, m).step == 10);
    CHECK(Apply(AtStep(9), Continue{-1}, m).step == 8);
    CHECK(Apply(AtStep(9), Continue{-1}, m).notice == Notice::kNone);
  }

  TEST_CASE("a goroutine breakpoint stops at that goroutine's events") {
    const Model& m = Starvation();
    Cursor c = Apply(Cursor{}, ToggleBreakGoroutine{4}, m);
    for (int i = 0; i < 5; ++i) {
      Cursor next = Apply(c, Continue{+1}, m);
      REQUIRE(next.step > c.step);
      CHECK(m.trace().events[next.step].g == 4);
      for (std::uint64_t k = c.step + 1; k < next.step; ++k) CHECK(!m.Hits(c.breakpoints, k));
      c = next;
    }
  }

  TEST_CASE("an object breakpoint stops at the object's events and its parts'") {
    const Model& m = Starvation();
    const Id mu = 1;
    REQUIRE(m.trace().objects[0].name == "mu");
    const Id sema = m.Part(mu, trace::ObjectKind::kSema);
    Cursor c = Apply(Cursor{}, ToggleBreakObject{mu}, m);
    bool saw_sema = false;
    for (;;) {
      Cursor next = Apply(c, Continue{+1}, m);
      if (next.notice == Notice::kNoLaterHit) break;
      REQUIRE(next.step > c.step);
      Id obj = m.trace().events[next.step].obj;
      CHECK((obj == mu || obj == sema));
      saw_sema |= obj == sema;
      c = next;
      if (c.step == m.size() - 1) break;
    }
    CHECK(saw_sema);
  }

  TEST_CASE("toggling a breakpoint twice removes it") {
    const Model& m = Starvation();
    Intent twice = Intent(ToggleBreakKind{EventKind::kGoPark}) + Intent(ToggleBreakKind{EventKind::kGoPark});
    CHECK(Apply(Cursor{}, twice, m).breakpoints.empty());
    Cursor c = Apply(Cursor{}, Intent(ToggleBreakGoroutine{2}) + Intent(ToggleBreakObject{1}), m);
    CHECK(!c.breakpoints.empty());
    CHECK(Apply(c, ClearBreakpoints{}, m).breakpoints.empty());
    // Ids outside the trace are ignored.
    CHECK(Apply(Cursor{}, ToggleBreakGoroutine{99}, m).breakpoints.empty());
    CHECK(Apply(Cursor{}, SelectObject{99}, m).object == 0);
  }
}
