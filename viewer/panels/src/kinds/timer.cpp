// timer.cpp: what the viewer shows of a time.Timer, Ticker or AfterFunc: is
// it pending, when is it due (counting down in the run's time), its channel.
//
//   [pending]  due m=+0.020000000  in 4.5ms   period 10ms
//   C          ticker.C  1/1 (a value waits)
//   fires      3   (1 found C full: sendTime dropped it)
//   next       the runtime sends the time into C without blocking
#include <string>

#include "synclab/time.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::TimerState;

inline constexpr const char* kPendingHelp =
    "Pending: armed in the runtime's timer heap and not yet fired (a Ticker stays pending until "
    "stopped). A pending timer keeps the program from being a deadlock: when nothing else can "
    "run, the clock moves on to it.";
inline constexpr const char* kIdleHelp =
    "Idle: fired, stopped, or never started. Stop returns false now; Reset arms it again.";
inline constexpr const char* kWhenHelp =
    "when: the instant it fires next (or fired last), on the run's clock; 'in ...' counts down "
    "to it from the cursor.";
inline constexpr const char* kPeriodHelp =
    "period: a Ticker fires every period from when; a late fire skips to the next instant on "
    "that grid (a Timer's period is 0).";
inline constexpr const char* kCHelp =
    "C: the channel the time is sent on, with room for one value (Go up to 1.22). The send "
    "never blocks: if C is full the tick is dropped. Stop does not drain C: a value sent before "
    "Stop is still there.";
inline constexpr const char* kFiresHelp =
    "How often it fired so far, run by the runtime itself (goroutine 0) from the scheduler, as "
    "Go's checkTimers does.";

Intent DrawTimerInspector(const Model& m, const Cursor& c, Id timer) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const TimerState& fold = *snap.state.object(timer).As<TimerState>();
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  if (fold.pending) {
    top.Chip("pending", StatusColor(GStatus::kRunnable), StatusTextColor(GStatus::kRunnable), kPendingHelp);
  } else {
    top.Chip(fold.started ? "idle" : "not started", StatusColor(GStatus::kDone), white, kIdleHelp);
  }
  if (fold.started) {
    const std::string due = fold.pending    ? "due " + FormatTime(Time{fold.when})
                            : fold.fires > 0 ? "last fired " + FormatTime(Time{fold.last_fire})
                                             : "never fired";
    top.Text(due.c_str());
    Explain(kWhenHelp);
    if (fold.pending) {
      const std::int64_t left = fold.when - snap.state.time();
      const std::string in = left > 0 ? "in " + FormatDuration(Duration(left)) : "due now";
      top.Text(in.c_str());
      Explain(kWhenHelp);
    }
    if (fold.period > 0) {
      const std::string p = "period " + FormatDuration(Duration(fold.period));
      top.Text(p.c_str());
      Explain(kPeriodHelp);
    }
  }

  if (ImGui::BeginTable("timer", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("C", kCHelp);
    {
      ChipFlow flow;
      if (fold.c == 0) {
        flow.Text("none: AfterFunc runs a function in a new goroutine");
      } else {
        const std::string name = instrument::ObjectLabel(m.trace(), fold.c);
        const std::int64_t* q = snap.state.object(fold.c).Field("qcount");
        const std::string label = name + "  " + std::to_string(q != nullptr ? *q : 0) + "/1";
        if (flow.Chip(label.c_str(), IM_COL32(70, 110, 170, 255), white, kCHelp)) out += SelectObject{fold.c};
      }
    }
    InspectorRow("fires", kFiresHelp);
    {
      std::string text = std::to_string(fold.fires);
      if (fold.dropped > 0) text += "  (" + std::to_string(fold.dropped) + " found C full: dropped)";
      ImGui::TextUnformatted(text.c_str());
      Explain(kFiresHelp);
    }
    InspectorRow("next", kPendingHelp);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(!fold.pending ? "nothing: Reset would arm it"
                           : fold.c == 0 ? "the runtime starts f in a new goroutine"
                                         : "the runtime sends the time into C, without blocking");
    ImGui::PopTextWrapPos();
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"timer.start",
     "NewTimer, NewTicker or AfterFunc armed a runtime timer on this P's heap, due at when."},
    {"timer.stop",
     "Stop took the timer off the heap; was says whether it was still pending (Stop's result). "
     "It does not drain C."},
    {"timer.reset",
     "Reset re-armed the timer at when (and period); was says whether it was still pending."},
    {"timer.send",
     "The runtime fired the timer (goroutine 0, from the scheduler): sendTime sent the time into "
     "C without blocking; sent is false when C was full and the value was dropped."},
    {"timer.func",
     "The runtime fired an AfterFunc timer: it starts f in a new goroutine (go.create follows)."},
};

constexpr FieldText kFields[] = {
    {"when", kWhenHelp},
    {"period", kPeriodHelp},
    {"pending", kPendingHelp},
    {"c", kCHelp},
    {"was", "Stop's or Reset's result: the timer was pending (had not fired, or is a Ticker)."},
    {"sent", "sendTime found room in C (a waiting receiver or the free slot); false: dropped."},
    {"now", "The runtime's clock when the timer fired: the value sent on C."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90), "Not pending: fired, stopped or not started."},
    {"pending", IM_COL32(235, 200, 40, 255), "Armed: the runtime will fire it at when."},
};

}  // namespace

const KindView kTimerView{kEvents, kFields, &DrawTimerInspector, kModes, "fires", nullptr,
                          {"when", "period"}};

}  // namespace synclab::viewer
