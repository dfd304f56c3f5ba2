// select.cpp: what the viewer shows of a goroutine's select object: its
// latest select, the cases in poll order, the one chosen marked.
//
//   [parked]  3 cases, default: no
//   poll  case  lock  op
//    0     2     1    <-b          (the chosen one highlighted)
//    1     0     0    a <- 5
//    -     1     -    <-nil        (a nil channel's case: never chosen)
#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::SelectState;

inline constexpr const char* kPollHelp =
    "The poll order: a random permutation of the cases, drawn afresh for every select (in sim "
    "from the run's seed). Pass 1 tries the cases in this order and runs the first that can "
    "proceed, so two ready cases are each chosen half the time.";
inline constexpr const char* kLockHelp =
    "The lock order: the cases sorted by channel, so every select locks its channels in one "
    "global order and two selects cannot deadlock; pass 2 queues a record on each channel in "
    "this order, pass 3 takes them off.";
inline constexpr const char* kNilHelp = "A case on a nil channel is in neither order: it is never chosen.";

constexpr ImU32 kChosenColor = IM_COL32(40, 160, 80, 255);

std::string Op(const Model& m, const SelectState::Case& k) {
  const std::string ch = k.chan == 0 ? "nil" : instrument::ObjectLabel(m.trace(), k.chan);
  if (!k.send) return "<-" + ch;
  return ch + " <- " + std::string(m.trace().str(k.elem));
}

Intent DrawSelectInspector(const Model& m, const Cursor& c, Id sel) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const SelectState& fold = *snap.state.object(sel).As<SelectState>();
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  ChipFlow top;
  switch (fold.phase) {
    case SelectState::Phase::kIdle: top.Chip("no select yet", StatusColor(GStatus::kRunning), white); break;
    case SelectState::Phase::kPolling:
      top.Chip("polling", StatusColor(GStatus::kRunnable), StatusTextColor(GStatus::kRunnable), kPollHelp);
      break;
    case SelectState::Phase::kParked:
      top.Chip("parked on every case", StatusColor(GStatus::kBlocked), white, kLockHelp);
      break;
    case SelectState::Phase::kDone: {
      std::string what = fold.chosen == -1 ? "default ran"
                         : fold.woken      ? "case " + std::to_string(fold.chosen) + " woken"
                                           : "case " + std::to_string(fold.chosen) + " ready (" +
                                            std::string(m.trace().str(fold.how)) + ")";
      top.Chip(what.c_str(), kChosenColor, white,
               "ready: found able to proceed in pass 1; woken: a partner completed it while the select slept; "
               "default: nothing was ready.");
      break;
    }
  }
  const std::string n = std::to_string(fold.cases.size()) + " cases" + (fold.has_default ? " + default" : "");
  top.Text(n.c_str());
  if (fold.cases.empty()) return out;

  if (ImGui::BeginTable("cases", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("poll");
    ImGui::TableSetupColumn("case");
    ImGui::TableSetupColumn("lock");
    ImGui::TableSetupColumn("operation", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    // Poll order first, then the nil channels' cases.
    std::vector<int> rows(fold.cases.size(), -1);
    std::size_t k = 0;
    for (int p = 0; p < int(fold.cases.size()); p++) {
      for (std::size_t i = 0; i < fold.cases.size(); i++)
        if (fold.cases[i].poll == p) rows[k++] = int(i);
    }
    for (std::size_t i = 0; i < fold.cases.size(); i++)
      if (fold.cases[i].poll < 0) rows[k++] = int(i);
    for (std::size_t r = 0; r < k; r++) {
      const int i = rows[r];
      const SelectState::Case& cs = fold.cases[std::size_t(i)];
      ImGui::TableNextRow();
      if (i == fold.chosen) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, kChosenColor);
      ImGui::TableNextColumn();
      if (cs.poll >= 0) {
        ImGui::Text("%d", cs.poll);
        Explain(kPollHelp);
      } else {
        ImGui::TextDisabled("-");
        Explain(kNilHelp);
      }
      ImGui::TableNextColumn();
      ImGui::Text("%d", i);
      Explain("The case's place in the source (what select returns when it runs).");
      ImGui::TableNextColumn();
      if (cs.lock >= 0) {
        ImGui::Text("%d", cs.lock);
        Explain(kLockHelp);
      } else {
        ImGui::TextDisabled("-");
      }
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      const std::string op = Op(m, cs) + (i == fold.chosen ? "   <- chosen" : "");
      if (ImGui::Selectable(op.c_str(), false) && cs.chan != 0) out += SelectObject{cs.chan};
      ImGui::PopID();
    }
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"select.begin", "A select statement starts: how many cases (default aside) and whether it has a default."},
    {"select.case",
     "One case, in source order: its channel, send or receive, and where it landed in the poll "
     "order and the lock order."},
    {"select.lock", "The select locks each distinct channel once, in lock order."},
    {"select.ready",
     "Pass 1 found a case that can proceed, in poll order, and ran it: how says what it did "
     "(buffer, direct, rotate, closed)."},
    {"select.default", "No case could proceed: the default runs."},
    {"select.park", "No case could proceed and there is no default: a record on every channel, then sleep."},
    {"select.wake",
     "A partner claimed the select (selectDone) and completed one case; pass 3 takes the other "
     "records off their channels."},
};

constexpr FieldText kFields[] = {
    {"cases", "How many cases (without the default)."},
    {"default", "Whether the select has a default case."},
    {"case", "A case's index in source order."},
    {"chan", "The case's channel (none: a nil channel)."},
    {"send", "A send case (true) or a receive case."},
    {"poll", kPollHelp},
    {"lock", kLockHelp},
    {"elem", "A send case's value."},
    {"channels", "How many distinct channels the select locked."},
    {"how", "What the ready case did: buffer, direct, rotate or closed."},
    {"ok", "A receive case's ok: false when the channel was closed."},
    {"enqueued", "How many records the select queued (one per case with a channel)."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90), "Not inside a select."},
    {"polling", IM_COL32(230, 190, 60, 220), "Looking for a ready case."},
    {"parked", IM_COL32(215, 45, 45, 220), "Asleep with a record on every case's channel."},
};

}  // namespace

const KindView kSelectView{kEvents, kFields, &DrawSelectInspector, kModes, "cases", nullptr};

}  // namespace synclab::viewer
