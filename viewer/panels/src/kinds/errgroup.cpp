// errgroup.cpp: what the viewer shows of an errgroup.Group: its tasks'
// goroutines, its limit's slots (sem's tokens), who waits for a slot, who
// waits in Wait, and the first error, as Go's errgroup.go keeps them.
//
//   [2 tasks]
//   slots     [#][#][ ]   2 of 3 taken (sem)
//   running   G3 pool  G4 pool
//   for slot  G1 main (blocked in Go)
//   in Wait   (nobody)
//   error     "fetch mirror-2: connection refused"  from G5, cancelled fetch.ctx
#include <algorithm>
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::ErrGroupState;

inline constexpr const char* kSlotsHelp =
    "SetLimit(n) makes sem, a channel of capacity n: Go sends a token into it before starting a "
    "task (blocking while it is full) and the task takes it back when it returns. Filled: "
    "tokens held by tasks (len(sem)).";
inline constexpr const char* kNoLimitHelp = "No limit (sem is nil): Go never waits.";
inline constexpr const char* kRunningHelp = "The tasks' goroutines inside f, in the order they began.";
inline constexpr const char* kSlotWaitHelp =
    "Goroutines blocked in Go, on the send into a full sem, until a task returns its token. "
    "(TryGo does not wait: it returns false.)";
inline constexpr const char* kWaitHelp =
    "Goroutines inside Wait: wg.Wait until every task is done, then the context is cancelled "
    "and the first error returned.";
inline constexpr const char* kErrHelp =
    "The group's error: the first non-nil error a task returned, recorded once under errOnce. "
    "In a WithContext group it also cancels the context with that error as its cause.";
inline constexpr const char* kCtxHelp =
    "WithContext's context (WithCancelCause): cancelled by the first error, or by Wait.";
inline constexpr const char* kIdleHelp = "No task: the WaitGroup's counter is 0, Wait returns at once.";
inline constexpr const char* kTasksHelp =
    "Tasks started by Go and not done yet (the WaitGroup's counter); Wait blocks until they return.";
inline constexpr const char* kFailedHelp = "A task failed: its error is the group's, whatever the others return.";

constexpr ImU32 kSlotColor = IM_COL32(70, 110, 230, 255);
constexpr ImU32 kErrColor = IM_COL32(200, 50, 50, 255);

// The limit as one box per slot, filled for the tokens held.
void DrawSlots(std::int64_t active, std::int64_t limit) {
  const float font = ImGui::GetFontSize();
  if (limit < 0) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("no limit");
    Explain(kNoLimitHelp);
    return;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float box = font * 0.9f, gap = font * 0.25f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const int fit = std::max(1, int((ImGui::GetContentRegionAvail().x - font * 8) / (box + gap)));
  const int shown = int(std::min<std::int64_t>(limit, fit));
  const float y = p.y + (ImGui::GetFrameHeight() - box) / 2;
  for (int i = 0; i < shown; ++i) {
    const float x = p.x + float(i) * (box + gap);
    if (i < active) {
      dl->AddRectFilled(ImVec2(x, y), ImVec2(x + box, y + box), kSlotColor, font * 0.15f);
    } else {
      dl->AddRect(ImVec2(x, y), ImVec2(x + box, y + box), ImGui::GetColorU32(ImGuiCol_TextDisabled), font * 0.15f);
    }
  }
  const std::string text = (limit == 0 ? std::string("limit 0: every Go blocks")
                                       : std::to_string(active) + " of " + std::to_string(limit) + " taken");
  const float w = float(shown) * (box + gap);
  dl->AddText(ImVec2(p.x + w + gap, p.y + (ImGui::GetFrameHeight() - font) / 2), ImGui::GetColorU32(ImGuiCol_Text),
              text.c_str());
  ImGui::Dummy(ImVec2(w + gap + ImGui::CalcTextSize(text.c_str()).x, ImGui::GetFrameHeight()));
  Explain(kSlotsHelp);
}

void Goroutines(const Model& m, const Snapshot& snap, const std::vector<Id>& gs, const char* none,
                const char* help, Intent& out) {
  ChipFlow flow;
  if (gs.empty()) flow.Text(none);
  for (Id g : gs) flow.Goroutine(m, snap, g, help, out);
}

Intent DrawErrGroupInspector(const Model& m, const Cursor& c, Id group) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(group);
  const ErrGroupState& fold = *st.As<ErrGroupState>();
  const std::int64_t* active_field = st.Field("active");
  const std::int64_t active = active_field != nullptr ? *active_field : 0;
  const std::int64_t* tasks_field = st.Field("tasks");
  const std::int64_t tasks = tasks_field != nullptr ? *tasks_field : 0;
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  if (fold.has_err) {
    top.Chip("Failed", kErrColor, white, kFailedHelp);
  } else if (tasks == 0) {
    top.Chip("Idle", StatusColor(GStatus::kDone), white, kIdleHelp);
  } else {
    const std::string n = std::to_string(tasks) + (tasks == 1 ? " task" : " tasks");
    top.Chip(n.c_str(), StatusColor(GStatus::kRunning), white, kTasksHelp);
  }
  if (fold.has_err && tasks > 0) {
    const std::string n = std::to_string(tasks) + " not done";
    top.Text(n.c_str());
  }

  if (ImGui::BeginTable("errgroup", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("slots", kSlotsHelp);
    DrawSlots(active, fold.limit);
    InspectorRow("running", kRunningHelp);
    Goroutines(m, snap, fold.running, "(none)", kRunningHelp, out);
    InspectorRow("for a slot", kSlotWaitHelp);
    Goroutines(m, snap, fold.waiting_slot, "(nobody)", kSlotWaitHelp, out);
    InspectorRow("in Wait", kWaitHelp);
    Goroutines(m, snap, fold.in_wait, "(nobody)", kWaitHelp, out);
    InspectorRow("error", kErrHelp);
    if (fold.has_err) {
      ChipFlow flow;
      const std::string e = "\"" + std::string(m.trace().str(fold.err)) + "\"";
      flow.Chip(e.c_str(), kErrColor, white, kErrHelp);
      flow.Text("from");
      flow.Goroutine(m, snap, fold.err_g, kErrHelp, out);
    } else {
      ImGui::TextDisabled("nil (no task failed)");
      Explain(kErrHelp);
    }
    if (fold.context != 0) {
      InspectorRow("context", kCtxHelp);
      ChipFlow flow;
      const std::string name = instrument::ObjectLabel(m.trace(), fold.context);
      if (flow.Chip(name.c_str(), StatusColor(GStatus::kDone), white, kCtxHelp)) out += SelectObject{fold.context};
    }
    InspectorRow("so far", kRunningHelp);
    ImGui::PushTextWrapPos(0);
    ImGui::Text("%lld started, %lld ended, %lld failed, %lld TryGo refused", static_cast<long long>(fold.started),
                static_cast<long long>(fold.ended), static_cast<long long>(fold.failed),
                static_cast<long long>(fold.try_failed));
    ImGui::PopTextWrapPos();
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"eg.with_context",
     "WithContext: a Group and a context derived with WithCancelCause, which the first error "
     "(or Wait) cancels."},
    {"eg.set_limit",
     "SetLimit(n): sem becomes a new channel of capacity n (n < 0: nil, no limit). It panics if "
     "tasks still hold slots."},
    {"eg.go.wait_slot",
     "Go found every slot taken: its send into sem blocks until a task returns its token."},
    {"eg.go",
     "Go (or TryGo) took a slot, if there is a limit, added the task to the WaitGroup and "
     "starts its goroutine."},
    {"eg.trygo.full",
     "TryGo found every slot taken: it returns false and the function does not run."},
    {"eg.task.begin", "The task's goroutine starts f."},
    {"eg.go.first_error",
     "The first failing task, inside errOnce: its error becomes the group's and, with a "
     "context, cancels it with the error as the cause. Later errors are ignored."},
    {"eg.task.end",
     "f returned. done() follows: the token goes back to sem and wg.Done."},
    {"eg.wait.begin", "Wait waits for the WaitGroup: every task to be done."},
    {"eg.wait.end",
     "Every task is done: the context is cancelled (cause: the first error, or Canceled) and "
     "Wait returns the first error."},
};

constexpr FieldText kFields[] = {
    {"active", "Tasks holding a slot: len(sem)."},
    {"limit", "The limit: cap(sem), -1 without one."},
    {"tasks", "The WaitGroup's counter: tasks started and not yet done."},
    {"ctx", "WithContext's context."},
    {"sem", "The semaphore channel SetLimit made (0: no limit)."},
    {"try", "Started by TryGo (else Go)."},
    {"err", "The error, as text (\"\" for nil)."},
    {"cancel", "The group's context was cancelled (WithContext groups)."},
    {"failed", "f returned a non-nil error."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90), "No task."},
    {"running", IM_COL32(110, 150, 240, 200), "Tasks started and not done."},
    {"failed", IM_COL32(215, 45, 45, 220), "A task failed: the group has its error."},
};

}  // namespace

const KindView kErrGroupView{kEvents, kFields, &DrawErrGroupInspector, kModes, "tasks", "failed task",
                             {"limit", "for a slot"}};

}  // namespace synclab::viewer
