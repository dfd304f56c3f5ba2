// barrier.cpp: what the viewer shows of a CyclicBarrier (marusama): the
// current round at the cursor, as cyclicbarrier.go sees it.
//
//   [Filling]  round 2
//   parties    3
//   arrived    [G2][G3][  ]   2 of 3
//   broken     no
//   waiting    G2 G3            (a waiter of an earlier round says so)
//   action     G4 runs it       (or: none yet / no action)
//   next Await arrives as party 3: trips the round
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::BarrierState;

inline constexpr const char* kPartiesHelp =
    "parties: how many goroutines must call Await for the round to trip. Fixed at New.";
inline constexpr const char* kArrivedHelp =
    "count: the parties that arrived in the current round (GetNumberWaiting). The last one to "
    "arrive runs the action and trips the round; it does not wait.";
inline constexpr const char* kRoundHelp =
    "The current round (marusama's round object). Every trip and every Reset replaces it with a "
    "fresh one: count 0, not broken, new waitCh and brokeCh.";
inline constexpr const char* kBrokenHelp =
    "isBroken: a waiter's context ended, the action failed, or Reset found parties waiting. "
    "Every Await then returns ErrBrokenBarrier until Reset installs a fresh round.";
inline constexpr const char* kWaitingHelp =
    "Parties parked in Await's select on the round's waitCh (closed by the trip), brokeCh "
    "(closed by a break) and their context's Done.";
inline constexpr const char* kActionHelp =
    "The barrier action: run by the last party, outside the lock, before anyone is released. "
    "An error breaks the round and is returned to that party.";
inline constexpr const char* kNextHelp = "What an Await called now would do.";
inline constexpr const char* kIdleHelp = "Nobody has arrived in this round yet.";
inline constexpr const char* kFillingHelp = "Parties have arrived and wait for the rest.";
inline constexpr const char* kBrokenStateHelp =
    "The round is broken: Await returns ErrBrokenBarrier at once, until Reset.";

Intent DrawBarrierInspector(const Model& m, const Cursor& c, Id barrier) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(barrier);
  const BarrierState& b = *st.As<BarrierState>();
  const std::int64_t* has_action = st.Field("action");
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  if (b.broken) {
    top.Chip("Broken", StatusColor(GStatus::kBlocked), white, kBrokenStateHelp);
  } else if (b.action_by != 0) {
    top.Chip("Action running", StatusColor(GStatus::kRunnable), StatusTextColor(GStatus::kRunnable), kActionHelp);
  } else if (b.count > 0) {
    top.Chip("Filling", StatusColor(GStatus::kRunning), white, kFillingHelp);
  } else {
    top.Chip("Idle", StatusColor(GStatus::kDone), white, kIdleHelp);
  }
  const std::string round_text = "round " + std::to_string(b.round);
  top.Text(round_text.c_str());
  Explain(kRoundHelp);

  if (ImGui::BeginTable("barrier", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("parties", kPartiesHelp);
    ImGui::Text("%lld", static_cast<long long>(b.parties));
    InspectorRow("arrived", kArrivedHelp);
    {
      // One slot per party: the waiters of this round, then the one that
      // arrived last (it runs the action), then the empty slots.
      ChipFlow flow;
      std::int64_t shown = 0;
      for (const auto& w : b.waiters) {
        if (w.round != b.round) continue;
        flow.Goroutine(m, snap, w.g, kArrivedHelp, out);
        shown++;
      }
      if (b.action_by != 0 && shown < b.count) {
        flow.Goroutine(m, snap, b.action_by, kActionHelp, out);
        shown++;
      }
      for (; shown < b.count; shown++) flow.Chip("in", StatusColor(GStatus::kRunning), white, kArrivedHelp);
      for (std::int64_t i = b.count; i < b.parties; i++) {
        flow.Chip("  ", IM_COL32(120, 120, 120, 90), white, kArrivedHelp);
      }
      const std::string of = std::to_string(b.count) + " of " + std::to_string(b.parties);
      flow.Text(of.c_str());
    }
    InspectorRow("broken", kBrokenHelp);
    ImGui::TextUnformatted(b.broken ? "yes" : "no");
    Explain(kBrokenHelp);
    InspectorRow("waiting", kWaitingHelp);
    {
      ChipFlow flow;
      if (b.waiters.empty()) flow.Text("(nobody)");
      for (const auto& w : b.waiters) {
        flow.Goroutine(m, snap, w.g, kWaitingHelp, out);
        if (w.round != b.round) {
          const std::string old = "(round " + std::to_string(w.round) + (w.released ? ", tripped)" : ", broken)");
          flow.Text(old.c_str());
        }
      }
    }
    InspectorRow("action", kActionHelp);
    {
      ChipFlow flow;
      if (has_action == nullptr || *has_action == 0) {
        flow.Text("(no action)");
      } else if (b.action_by != 0) {
        flow.Goroutine(m, snap, b.action_by, kActionHelp, out);
        flow.Text("runs it");
      } else {
        flow.Text("not running");
      }
    }
    InspectorRow("trips", kRoundHelp);
    ImGui::Text("%lld", static_cast<long long>(b.trips));
    InspectorRow("next Await", kNextHelp);
    ImGui::PushTextWrapPos(0);
    std::string next;
    if (b.broken) {
      next = "returns ErrBrokenBarrier at once";
    } else if (b.count + 1 == b.parties) {
      next = "arrives last: runs the action, trips the round";
    } else if (b.count + 1 > b.parties) {
      next = "panics: more than parties in one round";
    } else {
      next = "waits as party " + std::to_string(b.count + 1) + " of " + std::to_string(b.parties);
    }
    ImGui::TextUnformatted(next.c_str());
    ImGui::PopTextWrapPos();
    Explain(kNextHelp);
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"cb.new", "New / NewWithAction: a barrier for `parties` goroutines (action: whether it has one)."},
    {"cb.await.ctx_done", "Await found its context done before it began: it returns ctx.Err() and leaves the barrier alone."},
    {"cb.await.broken", "Await found the round broken under the lock: it returns ErrBrokenBarrier and does not count."},
    {"cb.await.arrive", "A party arrived: count went up by one under the lock. Below parties it waits; at parties it is the last."},
    {"cb.await.pass", "A waiter's round tripped (its waitCh closed): Await returns nil."},
    {"cb.await.broken_wake", "A waiter's round broke (its brokeCh closed): Await returns ErrBrokenBarrier."},
    {"cb.await.ctx", "A waiter's context ended first: it breaks the round for everyone and returns ctx.Err()."},
    {"cb.action.run", "The last party runs the barrier action, outside the lock, while the others still wait."},
    {"cb.action.error", "The action returned an error: the round breaks and the last party returns that error."},
    {"cb.trip", "The last party trips the round: it closes waitCh, releasing every waiter."},
    {"cb.break", "The round breaks: isBroken is set and brokeCh closed, releasing every waiter with ErrBrokenBarrier."},
    {"cb.reset", "Reset: a round with waiters is broken first; then a fresh round replaces it."},
    {"cb.round.new", "A fresh round is installed (after a trip or a Reset): count 0, not broken, new channels."},
};

constexpr FieldText kFields[] = {
    {"round", kRoundHelp},
    {"count", kArrivedHelp},
    {"parties", kPartiesHelp},
    {"broken", kBrokenHelp},
    {"action", "Whether the barrier was made with an action (NewWithAction)."},
    {"err", "The error as text: the context's, or the action's."},
    {"of_round", "The round this waiter joined (or whose action runs): it may be older than the current one."},
    {"wait", "The new round's waitCh: closed when that round trips."},
    {"broke", "The new round's brokeCh: closed when that round breaks."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90), kIdleHelp},
    {"filling", IM_COL32(70, 110, 230, 255), kFillingHelp},
    {"broken", IM_COL32(215, 45, 45, 255), kBrokenStateHelp},
};

}  // namespace

const KindView kBarrierView{kEvents, kFields, &DrawBarrierInspector, kModes, "arrived", "action by",
                            {"round", "parties"}};

}  // namespace synclab::viewer
