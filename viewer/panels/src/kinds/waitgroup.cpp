// waitgroup.cpp: what the viewer shows of a sync.WaitGroup: its state word
// at the cursor, as Go's waitgroup.go sees it.
//
//   [2 tasks to go]
//   63            32 31             0
//   [  counter 2    |   waiters 1    ]   (the half the latest event changed outlined)
//   tasks    [#][#]
//   in Wait  G1 main
//   sema     0   head -> G1 -> tail
#include <algorithm>
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

inline constexpr const char* kWordHelp =
    "The WaitGroup's whole state is one 64-bit word, changed only atomically: the counter in "
    "the high 32 bits, the number of waiters in the low 32. Add(delta) adds delta << 32; Wait "
    "adds 1 with a CAS before it sleeps.";
inline constexpr const char* kCounterHelp =
    "The counter: tasks added and not yet Done. Wait returns when it is 0. Below 0 Go panics "
    "(\"sync: negative WaitGroup counter\").";
inline constexpr const char* kWaitersHelp =
    "The waiters: goroutines asleep in Wait. When an Add takes the counter to 0 with waiters, it "
    "resets the whole word to 0 and releases the sema once per waiter.";
inline constexpr const char* kInWaitHelp =
    "The goroutines inside Wait, in the order they counted themselves as waiters.";
inline constexpr const char* kSemaHelp =
    "The semaphore the waiters sleep on: its count (wake-ups released and not yet taken) and "
    "its queue, head first.";
inline constexpr const char* kIdleHelp = "The counter is 0: Wait returns at once.";
inline constexpr const char* kBusyHelp = "Tasks are outstanding: Wait sleeps until the counter is 0.";
inline constexpr const char* kNegativeHelp =
    "The counter went below 0: one Done too many. Go panics, and the state is not restored.";

constexpr ImU32 kCounterColor = IM_COL32(70, 110, 230, 255);
constexpr ImU32 kWaitersColor = IM_COL32(150, 90, 205, 255);

// The word as two halves, bit numbers above; a half the latest event
// changed is outlined.
void DrawWord(std::int64_t counter, std::int64_t waiters, bool counter_changed, bool waiters_changed) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float width = std::max(font * 12, ImGui::GetContentRegionAvail().x - font * 0.5f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float half = width / 2, box_h = font * 1.6f, top = p.y + font;
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  struct Half {
    const char* name;
    std::int64_t value;
    ImU32 color;
    bool changed;
    const char* hi;
    const char* lo;
  };
  const Half halves[] = {{"counter", counter, counter < 0 ? StatusColor(GStatus::kBlocked) : kCounterColor,
                          counter_changed, "63", "32"},
                         {"waiters", waiters, kWaitersColor, waiters_changed, "31", "0"}};
  for (int h = 0; h < 2; ++h) {
    const Half& x = halves[h];
    const ImVec2 a(p.x + float(h) * half, top), b(a.x + half - font * 0.4f, top + box_h);
    dl->AddRectFilled(a, b, x.color, font * 0.2f);
    if (x.changed) dl->AddRect(a, b, ink, font * 0.2f, 0, std::max(2.0f, font * 0.15f));
    dl->AddText(ImVec2(a.x, p.y), dim, x.hi);
    dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(x.lo).x, p.y), dim, x.lo);
    std::string text = std::string(x.name) + " " + std::to_string(x.value);
    if (ImGui::CalcTextSize(text.c_str()).x > half - font) text = std::to_string(x.value);
    const ImVec2 size = ImGui::CalcTextSize(text.c_str());
    dl->AddText(ImVec2(a.x + (half - size.x) / 2, a.y + (box_h - size.y) / 2), white, text.c_str());
    if (ImGui::IsMouseHoveringRect(a, b)) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(font * 32);
      ImGui::TextUnformatted(h == 0 ? kCounterHelp : kWaitersHelp);
      ImGui::TextDisabled("%s", kWordHelp);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  ImGui::Dummy(ImVec2(width, box_h + font + font * 0.2f));
}

// The counter as one box per task, up to a row's worth.
void DrawTasks(std::int64_t counter) {
  const float font = ImGui::GetFontSize();
  if (counter <= 0) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled(counter == 0 ? "none: Wait returns at once" : "negative: a Done too many");
    return;
  }
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float box = font * 0.9f, gap = font * 0.25f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const int fit = std::max(1, int((ImGui::GetContentRegionAvail().x - font * 4) / (box + gap)));
  const int shown = int(std::min<std::int64_t>(counter, fit));
  const float y = p.y + (ImGui::GetFrameHeight() - box) / 2;
  for (int i = 0; i < shown; ++i) {
    const float x = p.x + float(i) * (box + gap);
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + box, y + box), kCounterColor, font * 0.15f);
  }
  float w = float(shown) * (box + gap);
  if (counter > shown) {
    const std::string more = "+" + std::to_string(counter - shown);
    dl->AddText(ImVec2(p.x + w, p.y + (ImGui::GetFrameHeight() - font) / 2), ImGui::GetColorU32(ImGuiCol_Text),
                more.c_str());
    w += ImGui::CalcTextSize(more.c_str()).x;
  }
  ImGui::Dummy(ImVec2(w, ImGui::GetFrameHeight()));
  Explain(kCounterHelp);
}

Intent DrawWaitGroupInspector(const Model& m, const Cursor& c, Id wg) {
  using instrument::kinds::WaitGroupState;
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(wg);
  const WaitGroupState& fold = *st.As<WaitGroupState>();
  const std::int64_t* counter_field = st.Field("counter");
  const std::int64_t* waiters_field = st.Field("waiters");
  const std::int64_t counter = counter_field != nullptr ? *counter_field : 0;
  const std::int64_t waiters = waiters_field != nullptr ? *waiters_field : 0;

  // Which half the object's latest event changed.
  bool counter_changed = false, waiters_changed = false;
  if (st.last_seq >= 0) {
    const TraceEvent& e = m.trace().events[std::size_t(st.last_seq)];
    const std::uint8_t mask = m.Changed(std::uint64_t(st.last_seq));
    const int ci = trace::FieldIndex(e.kind, "counter"), wi = trace::FieldIndex(e.kind, "waiters");
    counter_changed = ci >= 0 && (mask >> ci & 1) != 0;
    waiters_changed = wi >= 0 && (mask >> wi & 1) != 0;
  }

  const ImU32 white = IM_COL32(255, 255, 255, 255);
  ChipFlow top;
  if (counter < 0) {
    top.Chip("Negative counter", StatusColor(GStatus::kBlocked), white, kNegativeHelp);
  } else if (counter == 0) {
    top.Chip("Idle", StatusColor(GStatus::kRunning), white, kIdleHelp);
  } else {
    const std::string busy = std::to_string(counter) + (counter == 1 ? " task" : " tasks") + " to go";
    top.Chip(busy.c_str(), kCounterColor, white, kBusyHelp);
  }
  DrawWord(counter, waiters, counter_changed, waiters_changed);
  if ((counter_changed || waiters_changed) && st.last_seq >= 0) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("outlined: changed at step %lld, %s", static_cast<long long>(st.last_seq),
                        std::string(trace::Name(m.trace().events[std::size_t(st.last_seq)].kind)).c_str());
    ImGui::PopTextWrapPos();
    Explain(EventHelp(m.trace().events[std::size_t(st.last_seq)].kind));
  }

  if (ImGui::BeginTable("waitgroup", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("tasks", kCounterHelp);
    DrawTasks(counter);
    InspectorRow("in Wait", kInWaitHelp);
    {
      ChipFlow flow;
      if (fold.waiting.empty()) flow.Text("(nobody)");
      for (Id g : fold.waiting) flow.Goroutine(m, snap, g, kInWaitHelp, out);
    }
    InspectorRow("sema", kSemaHelp);
    const std::int64_t* sema_count = st.Field("sema");
    ImGui::Text("count %lld", static_cast<long long>(sema_count != nullptr ? *sema_count : 0));
    Explain(kSemaHelp);
    InspectorRow("queue", kSemaHelp);
    DrawQueue(m, snap, m.Part(wg, trace::ObjectKind::kSema), kSemaHelp, out);
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"wg.add",
     "Add(delta) adds delta to the counter, the word's high half, in one "
     "atomic add (Done is Add(-1))."},
    {"wg.release_waiters",
     "The counter reached zero with waiters: the whole word is reset to 0 "
     "and the sema released once per waiter."},
    {"wg.wait.fast",
     "Wait with the counter at zero returns at once."},
    {"wg.wait.park",
     "Wait counts itself as a waiter (a CAS adds 1 to the low half) and "
     "sleeps on the sema."},
    {"wg.wait.wake",
     "The waiter was released. It checks that the word is still 0, its proof "
     "that nobody reused the WaitGroup before every Wait returned."},
};

constexpr FieldText kFields[] = {
    {"counter", kCounterHelp},
    {"waiters", kWaitersHelp},
    {"delta",
     "The Add's delta (Done adds -1)."},
    {"released",
     "How many waiters the counter reaching zero woke."},
    {"sema",
     "The count of the WaitGroup's semaphore: wake-ups released and not yet taken."},
};

constexpr ModeText kModes[] = {
    {"zero", IM_COL32(120, 120, 120, 90),
     "The counter is 0: Wait returns at once."},
    {"pending", IM_COL32(110, 150, 240, 200),
     "Tasks added and not yet Done."},
    {"waited on", IM_COL32(215, 45, 45, 220),
     "Goroutines are blocked in Wait until the counter reaches 0."},
};

}  // namespace

const KindView kWaitGroupView{kEvents, kFields, &DrawWaitGroupInspector, kModes, "counter", nullptr};

}  // namespace synclab::viewer
