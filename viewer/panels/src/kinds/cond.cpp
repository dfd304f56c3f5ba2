// cond.cpp: what the viewer shows of a sync.Cond: its notify list at the
// cursor, as Go's runtime (sema.go's notifyList) sees it.
//
//   [2 asleep]  wait 3  notify 1
//   [0] [1] [2] [3]          tickets: notified, asleep, awake, next
//        G3  G4
//        ^notify  ^wait
//   list     head -> G3 t1 -> G4 t2 -> tail
//   Signal   wakes ticket 1: G3
#include <algorithm>
#include <cstdint>
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::CondState;

inline constexpr const char* kTicketsHelp =
    "Tickets: each Wait takes the next one (wait++) while it still holds L, then unlocks L and "
    "sleeps unless its ticket has been notified meanwhile. Grey: notified. Red: asleep in the "
    "list. Yellow: taken, its waiter not asleep yet (a Signal now lets it skip the sleep). "
    "Dashed: the next ticket Wait will hand out.";
inline constexpr const char* kWaitHelp = "wait: the next ticket to hand out. Every ticket below it has been taken.";
inline constexpr const char* kNotifyHelp =
    "notify: the next ticket to notify. Every ticket below it has been notified; Signal notifies "
    "this one and moves notify up by one, Broadcast moves notify up to wait.";
inline constexpr const char* kListHelp =
    "The waiters asleep in the notify list, in the order they got there (usually ticket order; a "
    "waiter that unlocked L later can queue first). Signal looks for its ticket, not the head.";
inline constexpr const char* kSignalHelp =
    "What a Signal would do now: notify the oldest ticket not yet notified and wake its waiter, "
    "or nothing if every ticket handed out has been notified.";
inline constexpr const char* kIdleHelp = "Every ticket handed out has been notified: Signal and Broadcast do nothing.";

constexpr ImU32 kNotifiedColor = IM_COL32(135, 135, 135, 255);

// Tickets wrap around: compare them as the notify list does.
bool Less(std::uint32_t a, std::uint32_t b) { return std::int32_t(a - b) < 0; }

const CondState::Parked* ParkedWith(const CondState& fold, std::uint32_t ticket) {
  for (const CondState::Parked& p : fold.parked)
    if (p.ticket == ticket) return &p;
  return nullptr;
}

// The tickets from a few notified ones up to the next to hand out, as boxes
// with the sleeper's goroutine under each, and where notify and wait point.
void DrawTickets(const Model& m, const CondState& fold, std::uint32_t wait, std::uint32_t notify, Intent& out) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float avail = std::max(font * 8, ImGui::GetContentRegionAvail().x - font * 0.5f);
  const float box = font * 2.4f, gap = font * 0.3f;
  const int fit = std::max(3, int((avail + gap) / (box + gap)));
  // From two notified tickets before notify (if any) to wait, cut to fit.
  const std::uint32_t outstanding = wait - notify;
  const std::uint32_t before = std::min<std::uint32_t>(notify, std::min<std::uint32_t>(2, std::uint32_t(fit) / 3));
  const std::uint32_t first = notify - before;
  const std::uint32_t count = std::min<std::uint32_t>(before + outstanding + 1, std::uint32_t(fit));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint32_t t = first + i;
    const ImVec2 a(p.x + float(i) * (box + gap), p.y), b(a.x + box, a.y + font * 1.5f);
    const CondState::Parked* sleeper = ParkedWith(fold, t);
    const bool next = t == wait;
    const bool notified = Less(t, notify);
    const ImU32 fill = next       ? 0
                       : notified ? kNotifiedColor
                       : sleeper  ? StatusColor(GStatus::kBlocked)
                                  : StatusColor(GStatus::kRunnable);
    if (fill != 0) dl->AddRectFilled(a, b, fill, font * 0.2f);
    if (next) {  // dashed: a ticket not taken yet
      for (float x = a.x; x < b.x; x += font * 0.5f) {
        dl->AddLine(ImVec2(x, a.y), ImVec2(std::min(x + font * 0.25f, b.x), a.y), ink);
        dl->AddLine(ImVec2(x, b.y), ImVec2(std::min(x + font * 0.25f, b.x), b.y), ink);
      }
      dl->AddLine(a, ImVec2(a.x, b.y), ink);
      dl->AddLine(ImVec2(b.x, a.y), b, ink);
    }
    const std::string n = std::to_string(t);
    const ImVec2 ns = ImGui::CalcTextSize(n.c_str());
    const ImU32 text = next ? ink : fill == StatusColor(GStatus::kRunnable) ? StatusTextColor(GStatus::kRunnable) : white;
    dl->AddText(ImVec2(a.x + (box - ns.x) / 2, a.y + (font * 1.5f - ns.y) / 2), text, n.c_str());
    // Under the box: whose ticket, and the two pointers.
    float y = b.y + font * 0.1f;
    if (sleeper != nullptr) {
      const std::string g = "G" + std::to_string(sleeper->g);
      dl->AddText(ImVec2(a.x + (box - ImGui::CalcTextSize(g.c_str()).x) / 2, y), ink, g.c_str());
    }
    y += font;
    if (t == notify || next) {
      const char* label = t == notify && next ? "^both" : t == notify ? "^notify" : "^wait";
      dl->AddText(ImVec2(a.x, y), ink, label);
    }
    if (ImGui::IsMouseHoveringRect(a, ImVec2(b.x, b.y + font))) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(font * 32);
      ImGui::Text("ticket %u: %s", t,
                  next       ? "the next one Wait hands out"
                  : notified ? "notified"
                  : sleeper  ? "its waiter is asleep in the list"
                             : "taken; its waiter has not gone to sleep yet");
      if (sleeper != nullptr) ImGui::TextUnformatted(instrument::GoroutineLabel(m.trace(), sleeper->g).c_str());
      ImGui::TextDisabled("%s", kTicketsHelp);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
      if (sleeper != nullptr && ImGui::IsMouseClicked(0)) out += SelectGoroutine{sleeper->g};
    }
  }
  if (first + count != wait + 1) {  // more tickets outstanding than fit
    dl->AddText(ImVec2(p.x + float(count) * (box + gap), p.y + font * 0.25f), ink, "...");
  }
  ImGui::Dummy(ImVec2(float(count) * (box + gap) + font * 1.5f, font * 3.6f));
}

Intent DrawCondInspector(const Model& m, const Cursor& c, Id cond) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(cond);
  const CondState& fold = *st.As<CondState>();
  const std::int64_t* wait_field = st.Field("wait");
  const std::int64_t* notify_field = st.Field("notify");
  const std::uint32_t wait = wait_field != nullptr ? std::uint32_t(*wait_field) : 0;
  const std::uint32_t notify = notify_field != nullptr ? std::uint32_t(*notify_field) : 0;
  const std::uint32_t outstanding = wait - notify;

  ChipFlow top;
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  if (!fold.parked.empty()) {
    const std::string asleep = std::to_string(fold.parked.size()) + " asleep";
    top.Chip(asleep.c_str(), StatusColor(GStatus::kBlocked), white, kListHelp);
  } else if (outstanding != 0) {
    top.Chip("waiters on the way", StatusColor(GStatus::kRunnable), StatusTextColor(GStatus::kRunnable),
             kTicketsHelp);
  } else {
    top.Chip("Nobody waits", StatusColor(GStatus::kRunning), white, kIdleHelp);
  }
  const std::string w = "wait " + std::to_string(wait);
  top.Text(w.c_str());
  Explain(kWaitHelp);
  const std::string n = "notify " + std::to_string(notify);
  top.Text(n.c_str());
  Explain(kNotifyHelp);
  DrawTickets(m, fold, wait, notify, out);

  if (ImGui::BeginTable("cond", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("list", kListHelp);
    {
      ChipFlow flow;
      if (fold.parked.empty()) {
        flow.Text("(empty)");
      } else {
        flow.Text("head");
        for (const CondState::Parked& p : fold.parked) {
          flow.Text("->");
          const std::string label = "G" + std::to_string(p.g) + " t" + std::to_string(p.ticket);
          const GStatus s = snap.state.goroutine(p.g).status;
          ImGui::PushID(int(p.ticket));
          if (flow.Chip(label.c_str(), StatusColor(s), StatusTextColor(s), kListHelp)) out += SelectGoroutine{p.g};
          ImGui::PopID();
        }
        flow.Text("-> tail");
      }
    }
    InspectorRow("Signal", kSignalHelp);
    ImGui::PushTextWrapPos(0);
    if (outstanding == 0) {
      ImGui::TextDisabled("nothing to notify");
    } else if (const CondState::Parked* p = ParkedWith(fold, notify)) {
      ImGui::Text("wakes ticket %u: %s", notify, instrument::GoroutineLabel(m.trace(), p->g).c_str());
    } else {
      ImGui::Text("notifies ticket %u, whose waiter is not asleep yet: it will not sleep", notify);
    }
    ImGui::PopTextWrapPos();
    Explain(kSignalHelp);
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"cond.wait.ticket",
     "Wait takes the next ticket from the notify list while it still holds "
     "L: a Signal after its Unlock is meant for this ticket or an earlier "
     "one."},
    {"cond.wait.early",
     "The ticket was notified between Unlock and sleeping (a Signal ran "
     "ahead): Wait does not sleep."},
    {"cond.wait.park",
     "Wait puts its ticket at the tail of the notify list and sleeps."},
    {"cond.wait.wake",
     "A Signal or Broadcast woke this waiter; it now locks L again."},
    {"cond.signal.none",
     "Every ticket handed out has been notified: nobody to wake."},
    {"cond.signal.wake",
     "Signal notifies the oldest outstanding ticket and wakes its waiter."},
    {"cond.signal.ahead",
     "Signal notified a ticket whose waiter has not gone to sleep yet: it "
     "will see itself notified and not sleep."},
    {"cond.broadcast.none",
     "Every ticket handed out has been notified: nobody to wake."},
    {"cond.broadcast",
     "Broadcast notifies every ticket handed out so far and wakes every "
     "sleeping waiter."},
};

constexpr FieldText kFields[] = {
    {"wait", kWaitHelp},
    {"notify", kNotifyHelp},
    {"parked",
     "How many waiters are asleep in the notify list."},
    {"ticket",
     "The ticket of the waiter concerned (or the one Signal notified)."},
    {"waiter",
     "The goroutine Signal woke."},
    {"from",
     "Broadcast: the first ticket it notified (notify before)."},
    {"to",
     "Broadcast: notify after it, the next ticket to hand out: every ticket below is notified."},
    {"woken",
     "Broadcast: how many sleeping waiters it woke."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90),
     "Nobody is parked in Wait."},
    {"waiters", IM_COL32(215, 45, 45, 220),
     "Goroutines are parked in Wait, in ticket order."},
};

}  // namespace

const KindView kCondView{kEvents, kFields, &DrawCondInspector, kModes, "parked", nullptr};

}  // namespace synclab::viewer
