// once.cpp: what the viewer shows of a sync.Once: done and its Mutex at the
// cursor, as Go's once.go sees them.
//
//   [f running]  done 0
//   f        G2 handler runs it, holding m
//   m        held by G2; waiting: G3 G4   (the callers waiting for f)
//   next Do  slow path: locks m, checks done again
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::MutexState;
using instrument::kinds::OnceState;

inline constexpr const char* kDoneHelp =
    "done: 0 until f has returned (or panicked), then 1 for good. Do reads it without a lock "
    "first: at 1 it returns at once.";
inline constexpr const char* kFHelp =
    "The function passed to the first Do. It runs once, in the goroutine of the first Do that "
    "got m, while every other Do waits on m.";
inline constexpr const char* kMHelp =
    "m: the Once's Mutex. The first Do holds it while f runs; the others queue on it, and "
    "return only once f has returned. (A CAS on done alone would let them return at once, "
    "before f has finished.)";
inline constexpr const char* kNextHelp = "What a Do called now would do.";
inline constexpr const char* kNotDoneHelp = "f has not run yet: the next Do runs it.";
inline constexpr const char* kRunningHelp = "f is running: every Do waits on m until it returns.";
inline constexpr const char* kDoneStateHelp = "f has run: every Do returns at once, without the lock.";
inline constexpr const char* kPanickedHelp =
    "f panicked. The Once counts as done all the same (Go's deferred done.Store(1)): f will "
    "never run again.";

Intent DrawOnceInspector(const Model& m, const Cursor& c, Id once) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(once);
  const OnceState& fold = *st.As<OnceState>();
  const std::int64_t* done_field = st.Field("done");
  const bool done = done_field != nullptr && *done_field != 0;
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  if (fold.running != 0) {
    top.Chip("f running", StatusColor(GStatus::kRunnable), StatusTextColor(GStatus::kRunnable), kRunningHelp);
  } else if (done && fold.panicked) {
    top.Chip("Done (f panicked)", StatusColor(GStatus::kBlocked), white, kPanickedHelp);
  } else if (done) {
    top.Chip("Done", StatusColor(GStatus::kRunning), white, kDoneStateHelp);
  } else {
    top.Chip("Not done", StatusColor(GStatus::kDone), white, kNotDoneHelp);
  }
  const std::string done_text = done ? "done 1" : "done 0";
  top.Text(done_text.c_str());
  Explain(kDoneHelp);

  const Id mutex = m.Part(once, trace::ObjectKind::kMutex);
  const MutexState* m_fold = mutex != 0 ? snap.state.object(mutex).As<MutexState>() : nullptr;
  const std::vector<Id>& queue = SemaQueue(snap, mutex != 0 ? m.Part(mutex, trace::ObjectKind::kSema) : 0);

  if (ImGui::BeginTable("once", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("f", kFHelp);
    {
      ChipFlow flow;
      if (fold.running != 0) {
        flow.Goroutine(m, snap, fold.running, kFHelp, out);
        flow.Text("runs it");
      } else {
        flow.Text(!done ? "not run yet" : fold.panicked ? "panicked" : "returned");
        Explain(done ? (fold.panicked ? kPanickedHelp : kDoneStateHelp) : kNotDoneHelp);
      }
    }
    InspectorRow("m", kMHelp);
    {
      ChipFlow flow;
      if (m_fold != nullptr && m_fold->holder != 0) {
        flow.Text("held by");
        flow.Holder(m, m_fold->holder, false, kMHelp, out);
      } else {
        flow.Text("free");
      }
    }
    InspectorRow("waiting", kMHelp);
    {
      ChipFlow flow;
      if (queue.empty()) flow.Text("(nobody)");
      for (Id g : queue) flow.Goroutine(m, snap, g, kMHelp, out);
    }
    InspectorRow("next Do", kNextHelp);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(done                ? "returns at once (done is 1)"
                           : fold.running != 0 ? "waits on m until f returns"
                                               : "locks m and runs f");
    ImGui::PopTextWrapPos();
    Explain(kNextHelp);
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"once.fast",
     "done is 1: f has run, Do returns at once without the lock."},
    {"once.slow",
     "done was 0: Do takes m and looks at done again (another goroutine may "
     "have run f meanwhile)."},
    {"once.run.begin",
     "This goroutine runs f, holding m: every other Do waits on m."},
    {"once.run.end",
     "f returned: done is 1, m is unlocked and the waiting Do calls return."},
    {"once.run.panic",
     "f panicked: the Once still counts as done and the panic goes on to "
     "Do's caller. f is never called again."},
};

constexpr FieldText kFields[] = {
    {"done", kDoneHelp},
};

constexpr ModeText kModes[] = {
    {"not done", IM_COL32(120, 120, 120, 90),
     "f has not run yet."},
    {"running f", IM_COL32(235, 200, 40, 255),
     "One goroutine runs f; every other Do waits on m."},
    {"done", IM_COL32(40, 160, 80, 220),
     "done is 1: Do returns at once."},
};

}  // namespace

const KindView kOnceView{kEvents, kFields, &DrawOnceInspector, kModes, nullptr, "running"};

}  // namespace synclab::viewer
