// cursor.h: where the viewer is in a trace, and the user's requests to move.
//
// Panels never move the cursor: they return an Intent (what the user asked
// for this frame), and the app applies it:
//   cursor = Apply(cursor, DrawTransport(m, cursor) + DrawTimeline(m, cursor, ...), m);
// Apply is pure, so every rule of stepping, playing and breakpoints is
// unit-tested without a window.
#pragma once

#include <cstdint>
#include <type_traits>
#include <variant>
#include <vector>

#include "synclab/viewer/model.h"

namespace synclab::viewer {

// Why the latest request left the cursor where it was, for the transport to say.
enum class Notice : std::uint8_t {
  kNone,
  kNoLaterHit,    // Continue: no breakpoint hit after the cursor
  kNoEarlierHit,  // Continue back: none before it
};

struct Cursor {
  std::uint64_t step = 0;  // the current event: events 0..step are applied
  bool playing = false;
  double speed = 8;        // steps per second while playing
  double pending = 0;      // the part of a step played but not yet taken
  Id goroutine = 0;        // selected (0: none): "step within", breakpoints
  Id object = 0;
  Breakpoints breakpoints;
  // The objects whose lanes the timeline shows under the goroutines', in
  // order (Model::DefaultObjectLanes at first).
  std::vector<Id> object_lanes;
  Notice notice = Notice::kNone;  // cleared by the next request
  friend bool operator==(const Cursor&, const Cursor&) = default;
};

inline constexpr double kMinSpeed = 0.5;
inline constexpr double kMaxSpeed = 2000;

// The requests. Steps are clamped to the trace; none of them fail.
struct Seek { std::uint64_t step; };
struct Step { std::int64_t delta; };               // by events, e.g. +1 / -1
struct StepWithin { Scope scope; int dir; };        // to the selection's next/previous event
struct Continue { int dir; };                       // to the next/previous breakpoint hit
struct Play { bool on; };
struct TogglePlay {};
struct SetSpeed { double steps_per_second; };
struct Tick { double seconds; };                    // time passed while playing
struct SelectGoroutine { Id g; };
struct SelectObject { Id obj; };
struct ToggleBreakKind { trace::EventKind kind; };
struct ToggleBreakGoroutine { Id g; };
struct ToggleBreakObject { Id obj; };
struct ClearBreakpoints {};
struct ToggleObjectLane { Id obj; };
// To the next/previous change of the selected object's mode (else of the
// first object lane's): a Mutex entering or leaving starvation, ...
struct StepModeChange { int dir; };

using Action = std::variant<Seek, Step, StepWithin, Continue, Play, TogglePlay, SetSpeed, Tick,
                            SelectGoroutine, SelectObject, ToggleBreakKind, ToggleBreakGoroutine,
                            ToggleBreakObject, ClearBreakpoints, ToggleObjectLane, StepModeChange>;

// Everything the user asked for in one frame, in order.
struct Intent {
  std::vector<Action> actions;

  Intent() = default;
  // Implicit, so that a panel can `return Seek{k};`.
  template <class A>
    requires std::is_constructible_v<Action, A>
  Intent(A a) : actions{Action(a)} {}
  Intent& operator+=(const Intent& o) {
    actions.insert(actions.end(), o.actions.begin(), o.actions.end());
    return *this;
  }
  friend Intent operator+(Intent a, const Intent& b) { return a += b; }
  bool empty() const { return actions.empty(); }
};

// The cursor after the intent's actions, in order.
Cursor Apply(Cursor c, const Intent& intent, const Model& m);

}  // namespace synclab::viewer
