// mutex.cpp: what the viewer shows of a sync.Mutex: the Mutex at the
// cursor, as Go's lock.go sees it.
//
//   Starvation mode   state 0x0000000D
//   31                          3
//   [0][0] ... [0][0][1] [1] [0] [1]
//   waiters = 1 (bits 3-31)   S   W   L
//   locked 1  woken 0  starving 1  waiters 1
//   outlined: the bits changed at step 78, mutex.lock.slow.park
//   holder  G2 greedy, for 400 us
//   queue   head -> G3 polite -> tail
//   waiting G3 polite  [#######|###    ] 1.103 ms
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>

#include "synclab/mutex.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

// The Mutex state word's parts.
inline constexpr const char* kLockedHelp =
    "Bit 0, mutexLocked: the Mutex is held.";
inline constexpr const char* kWokenHelp =
    "Bit 1, mutexWoken: a goroutine is awake and competing for the lock (spinning or "
    "just woken), so Unlock need not wake another.";
inline constexpr const char* kStarvingHelp =
    "Bit 2, mutexStarving: starvation mode. Unlock hands the lock straight to the head "
    "waiter; newcomers neither spin nor grab it, they queue at the tail.";
inline constexpr const char* kWaitersHelp =
    "Bits 3-31, the waiter count: goroutines parked on the Mutex's semaphore, or about "
    "to park (counted by the CAS that registered them).";
inline constexpr const char* kHolderHelp =
    "The goroutine that locked it last. Go's Mutex has no owner (any goroutine may "
    "unlock it); the trace knows who locked it.";
inline constexpr const char* kQueueHelp =
    "The semaphore's wait queue, head first. Unlock wakes the head (normal mode) or "
    "hands it the lock (starvation mode). A woken waiter that loses the race goes back "
    "to the head (lifo); newcomers queue at the tail.";
inline constexpr const char* kWaitingHelp =
    "How long each waiter has been waiting since it first parked in Lock. A waiter that "
    "has waited more than 1 ms when it wakes switches the Mutex to starvation mode.";
inline constexpr const char* kNormalModeHelp =
    "Normal mode: waiters queue FIFO, but a woken waiter competes with newcomers, which "
    "usually win (they are already on a CPU). Fast, but a waiter can starve.";
inline constexpr const char* kStarvationModeHelp =
    "Starvation mode: ownership passes directly from the unlocking goroutine to the head "
    "waiter. Fair, but slower; left when a waiter gets the lock after under 1 ms or is "
    "the last one.";

constexpr ImU32 kLockedColor = IM_COL32(70, 110, 230, 255);  // HoldColor: a hold is L set
constexpr ImU32 kWokenColor = IM_COL32(235, 200, 40, 255);
constexpr ImU32 kStarvingColor = IM_COL32(215, 45, 45, 255);
constexpr ImU32 kWaitersColor = IM_COL32(150, 90, 205, 255);

constexpr std::string_view kStarvationMode = "Starvation mode";  // the wider of the two modes
constexpr std::string_view kWordWidth = "state 0x00000000";       // as wide as "state 0x%08X"

// The colour of a 0 bit: its group's, faint.
ImU32 Faded(ImU32 c) { return (c & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 55); }

struct BitGroup {
  ImU32 color;
  const char* help;
};
BitGroup GroupOf(int bit) {
  switch (bit) {
    case 0: return {kLockedColor, kLockedHelp};
    case 1: return {kWokenColor, kWokenHelp};
    case 2: return {kStarvingColor, kStarvingHelp};
    default: return {kWaitersColor, kWaitersHelp};
  }
}

// The state word's geometry: boxes big enough for a digit with room around
// it, in rows of 32, 16 or 8 bits (the most that fit), each under a line of
// bit numbers, then a caption line. Labels are drawn at the font's size.
struct WordGeometry {
  int per_row;
  float box, gap;
  float width() const { return float(per_row) * (box + gap) - gap; }
  float height(float font) const { return float(32 / per_row) * (font + box + gap) + gap + font; }
};
WordGeometry WordFor(float font, float avail) {
  const float gap = std::max(1.0f, std::round(font * 0.1f));
  // A digit is about half a box wide; one row of 32 only with roomier boxes.
  auto min_box = [&](int per_row) { return per_row == 32 ? std::round(font * 1.4f) : font; };
  int per_row = 32;
  while (per_row > 8 && float(per_row) * (min_box(per_row) + gap) - gap > avail) per_row /= 2;
  const float box = std::clamp(std::floor((avail + gap) / float(per_row) - gap), min_box(per_row), font * 1.8f);
  return {per_row, box, gap};
}

// The 32 bits, bit 31 on the left as in mutex.h's diagram. Bits the Mutex's
// latest change of the word flipped are outlined.
void DrawWord(std::uint32_t word, std::uint32_t changed, std::int32_t waiters) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const WordGeometry geo = WordFor(font, ImGui::GetContentRegionAvail().x);
  const int per_row = geo.per_row;
  const float box = geo.box, gap = geo.gap;
  const float row_h = font + box + gap;  // bit numbers, then the boxes
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (int i = 0; i < 32; ++i) {
    const int bit = 31 - i, row = i / per_row, col = i % per_row;
    const bool set = (word >> bit & 1) != 0;
    const BitGroup group = GroupOf(bit);
    const ImVec2 a(p.x + float(col) * (box + gap), p.y + float(row) * row_h + font);
    const ImVec2 b(a.x + box, a.y + box);
    dl->AddRectFilled(a, b, set ? group.color : Faded(group.color), font * 0.15f);
    dl->AddRect(a, b, group.color, font * 0.15f);
    if ((changed >> bit & 1) != 0) dl->AddRect(a, b, ink, font * 0.15f, 0, std::max(2.0f, font * 0.15f));
    const char* d = set ? "1" : "0";
    const ImVec2 size = ImGui::CalcTextSize(d);
    dl->AddText(ImVec2(a.x + (box - size.x) / 2, a.y + (box - size.y) / 2),
                set ? IM_COL32(255, 255, 255, 255) : ink, d);
    // Bit numbers over each row's ends and where the waiter count starts,
    // unless the row's end would run into them.
    const bool end = col == 0 || col == per_row - 1;
    const bool waiters_start = bit == 3 && col < per_row - 2;
    if (end || waiters_start) {
      const std::string n = std::to_string(bit);
      // Right-aligned over the last box, so the row's width holds them.
      const float nx = col == per_row - 1 ? b.x - ImGui::CalcTextSize(n.c_str()).x : a.x;
      dl->AddText(ImVec2(nx, a.y - font), dim, n.c_str());
    }
    if (ImGui::IsMouseHoveringRect(a, b)) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(font * 30);
      ImGui::Text("bit %d = %d", bit, set ? 1 : 0);
      ImGui::TextUnformatted(group.help);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  // Under the last row: the waiter count over its bits (shortened where it
  // does not fit), then S W L.
  const float y = p.y + float(32 / per_row) * row_h + gap;
  const float waiters_w = float(per_row - 3) * (box + gap) - gap;
  dl->AddLine(ImVec2(p.x, y), ImVec2(p.x + waiters_w, y), kWaitersColor, 2);
  std::string count = "waiters = " + std::to_string(waiters) + " (bits 3-31)";
  if (ImGui::CalcTextSize(count.c_str()).x > waiters_w) count = "waiters = " + std::to_string(waiters);
  if (ImGui::CalcTextSize(count.c_str()).x > waiters_w) count = std::to_string(waiters);
  const float cw = ImGui::CalcTextSize(count.c_str()).x;
  dl->AddText(ImVec2(p.x + std::max(0.0f, (waiters_w - cw) / 2), y + gap), ink, count.c_str());
  const char* letters[] = {"S", "W", "L"};
  for (int k = 0; k < 3; ++k) {
    const float x = p.x + float(per_row - 3 + k) * (box + gap);
    const float lw = ImGui::CalcTextSize(letters[k]).x;
    dl->AddText(ImVec2(x + (box - lw) / 2, y + gap), ink, letters[k]);
  }
  ImGui::Dummy(ImVec2(geo.width(), geo.height(font)));
}

// The decoded word in one row: "locked 1  woken 0  starving 1  waiters 1",
// or where that does not fit, the letters under the word's bits: "L 1 ...".
struct FlagInfo {
  const char* name;
  const char* letter;
  ImU32 color;
  const char* help;
};
const FlagInfo kFlags[] = {{"locked", "L", kLockedColor, kLockedHelp},
                           {"woken", "W", kWokenColor, kWokenHelp},
                           {"starving", "S", kStarvingColor, kStarvingHelp},
                           {"waiters", "waiters", kWaitersColor, kWaitersHelp}};

std::string FlagLabel(const FlagInfo& f, int value, bool letters) {
  return std::string(letters ? f.letter : f.name) + " " + std::to_string(value);
}

void DrawFlags(const Mutex::State& d) {
  const int values[] = {d.locked, d.woken, d.starving, d.waiters};
  const ImGuiStyle& style = ImGui::GetStyle();
  float long_w = -style.ItemSpacing.x;
  for (std::size_t i = 0; i < std::size(kFlags); ++i) {
    long_w += style.ItemSpacing.x + ImGui::CalcTextSize(FlagLabel(kFlags[i], values[i], false).c_str()).x +
              style.FramePadding.x * 2;
  }
  const bool letters = long_w > ImGui::GetContentRegionAvail().x;
  for (std::size_t i = 0; i < std::size(kFlags); ++i) {
    if (i > 0) ImGui::SameLine();
    const FlagInfo& f = kFlags[i];
    const bool set = values[i] != 0;
    Chip(FlagLabel(f, values[i], letters).c_str(), set ? f.color : Faded(f.color),
         set ? IM_COL32(255, 255, 255, 255) : ImGui::GetColorU32(ImGuiCol_Text));
    Explain(f.help);
  }
}

// How long a waiter has waited, against the 1 ms starvation threshold.
void WaitBar(std::int64_t waited) {
  constexpr std::int64_t kThreshold = Mutex::kStarvationThresholdNs;
  const float font = ImGui::GetFontSize();
  const float width = std::max(font * 8, ImGui::GetContentRegionAvail().x - font * 0.5f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetFrameHeight();
  const double scale = double(std::max(2 * kThreshold, waited + waited / 10));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), font * 0.2f);
  const bool starving = waited > kThreshold;
  const float fill = float(double(waited) / scale) * width;
  dl->AddRectFilled(p, ImVec2(p.x + fill, p.y + h),
                    starving ? StatusColor(GStatus::kBlocked) : StatusColor(GStatus::kRunnable),
                    font * 0.2f);
  const float tx = p.x + float(double(kThreshold) / scale) * width;
  dl->AddLine(ImVec2(tx, p.y - 2), ImVec2(tx, p.y + h + 2), ImGui::GetColorU32(ImGuiCol_Text), 2);
  const std::string text = instrument::FormatDuration(waited) + (starving ? "  > 1 ms" : "");
  dl->AddText(ImVec2(p.x + font * 0.3f, p.y + (h - font) / 2), ImGui::GetColorU32(ImGuiCol_Text),
              text.c_str());
  ImGui::Dummy(ImVec2(width, h));
  Explain("The line marks the 1 ms starvation threshold. A waiter that has waited longer when "
          "it wakes puts the Mutex into starvation mode.");
}

}  // namespace

// The first Mutex's inspector sits in a tree node in the objects window.
float InspectorWidth(const Metrics& m, float window_w) {
  return window_w - m.indent - 2 * m.padding - m.scrollbar;
}

float ObjectsMinWidth(const Metrics& m) {
  const WordGeometry narrowest = WordFor(m.font, 0);
  const float word = WordGeometry{16, narrowest.box, narrowest.gap}.width();
  // The line over it: "[Starvation mode] state 0x0000000D" (the longer mode).
  const float mode = float(kStarvationMode.size() + kWordWidth.size()) * m.char_w + 2 * m.frame_pad + m.spacing_x;
  return std::max(word, mode) + m.indent + 2 * m.padding + m.scrollbar;
}

float ObjectsMinHeight(const Metrics& m, float width) {
  return m.frame + m.padding +  // title bar, padding
         m.row() +              // the Mutex's tree node
         m.row() +              // its mode and word in hex
         WordFor(m.font, InspectorWidth(m, width)).height(m.font) + m.spacing +
         m.frame;               // the flags
}

// The Mutex at the cursor: its state word bit by bit, holder, sema queue and
// each waiter's wait against the starvation threshold.
static Intent DrawMutexInspector(const Model& m, const Cursor& c, Id mutex) {
  using instrument::kinds::MutexState;
  using instrument::kinds::SemaState;
  Intent out;
  const Trace& t = m.trace();
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(mutex);
  const MutexState& fold = *st.As<MutexState>();
  const std::int64_t* word_field = st.Field("state");
  const std::uint32_t word = word_field != nullptr ? std::uint32_t(*word_field) : 0;
  const Mutex::State d = Mutex::Decode(std::int32_t(word));

  // The latest change of the word: which bits, and at which step. Many
  // events only announce what an earlier CAS did (mutex.starving.enter
  // follows the park that set the bit), so look back to the change itself.
  std::uint32_t changed = 0;
  std::optional<std::uint64_t> changed_at;
  auto word_of = [&](std::uint64_t seq) -> std::uint32_t {
    const TraceEvent& e = t.events[seq];
    const int i = trace::FieldIndex(e.kind, "state");
    return i < 0 ? 0 : std::uint32_t(e.f[std::size_t(i)]);
  };
  if (st.last_seq >= 0) {
    std::uint64_t seq = std::uint64_t(st.last_seq);
    for (int hops = 0; hops < 64 && !changed_at; ++hops) {
      const std::optional<std::uint64_t> prev = m.PreviousOn(mutex, seq);
      const std::uint32_t before = prev ? word_of(*prev) : 0;
      if (before != word_of(seq)) {
        changed = before ^ word_of(seq);
        changed_at = seq;
      }
      if (!prev) break;
      seq = *prev;
    }
  }

  // Mode and the word.
  if (d.starving) {
    Chip(kStarvationMode.data(), kStarvingColor, IM_COL32(255, 255, 255, 255));
    Explain(kStarvationModeHelp);
  } else {
    Chip("Normal mode", StatusColor(GStatus::kRunning), StatusTextColor(GStatus::kRunning));
    Explain(kNormalModeHelp);
  }
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::Text("state 0x%08X", word);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("= %u. The Mutex's whole state is this one 32-bit word, changed only by atomic "
                      "operations (CAS and add).",
                      word);
  }
  DrawWord(word, changed, d.waiters);
  DrawFlags(d);
  if (changed_at) {
    const TraceEvent& e = t.events[*changed_at];
    ImGui::PushTextWrapPos(0);  // wrap at the window's edge
    ImGui::TextDisabled("outlined: the bits changed at step %llu, %s",
                        static_cast<unsigned long long>(*changed_at), std::string(trace::Name(e.kind)).c_str());
    ImGui::PopTextWrapPos();
    Explain(EventHelp(e.kind));
  }

  if (ImGui::BeginTable("mutex", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);

    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("holder");
    Explain(kHolderHelp);
    ImGui::TableNextColumn();
    if (fold.holder != 0) {
      std::string who = instrument::GoroutineLabel(t, fold.holder);
      ImGui::PushID("holder");
      if (Chip(who.c_str(), HoldColor(), IM_COL32(255, 255, 255, 255))) out += SelectGoroutine{fold.holder};
      ImGui::PopID();
      Explain(kHolderHelp);
      if (auto hold = m.HoldAt(fold.holder, mutex, c.step)) {
        ImGui::SameLine();
        ImGui::PushTextWrapPos(0);  // a narrow column at large text wraps it
        ImGui::TextDisabled("since step %u, held for %s", hold->begin,
                            instrument::FormatDuration(snap.state.time() -
                                                       std::int64_t(m.Position(Axis::kTime, hold->begin)))
                                .c_str());
        ImGui::PopTextWrapPos();
      }
    } else {
      ImGui::TextDisabled(d.starving && d.waiters > 0 ? "none: being handed to the head waiter" : "none");
    }

    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("sema");
    Explain(FieldHelp(trace::ObjectKind::kMutex, "sema"));
    ImGui::TableNextColumn();
    const std::int64_t* sema_count = st.Field("sema");
    ImGui::Text("%lld", static_cast<long long>(sema_count != nullptr ? *sema_count : 0));

    // The sema's queue, head first.
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("queue");
    Explain(kQueueHelp);
    ImGui::TableNextColumn();
    const Id sema = m.Part(mutex, trace::ObjectKind::kSema);
    const SemaState* sema_fold = sema != 0 ? snap.state.object(sema).As<SemaState>() : nullptr;
    const std::vector<Id> none;
    const std::vector<Id>& queue = sema_fold != nullptr ? sema_fold->queue : none;
    if (queue.empty()) {
      ImGui::TextDisabled("(empty)");
    } else {
      ImGui::TextDisabled("head");
      for (Id g : queue) {
        ImGui::SameLine();
        ImGui::TextDisabled("->");
        ImGui::SameLine();
        ImGui::PushID(int(g));
        const GStatus s = snap.state.goroutine(g).status;
        if (Chip(instrument::GoroutineLabel(t, g).c_str(), StatusColor(s), StatusTextColor(s))) {
          out += SelectGoroutine{g};
        }
        ImGui::PopID();
        Explain(kQueueHelp);
      }
      ImGui::SameLine();
      ImGui::TextDisabled("-> tail");
    }

    // Each waiter's wait against the threshold.
    for (const instrument::kinds::MutexWaiter& w : fold.waiters) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::AlignTextToFramePadding();
      ImGui::TextUnformatted(instrument::GoroutineLabel(t, w.g).c_str());
      const bool queued = std::find(queue.begin(), queue.end(), w.g) != queue.end();
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s\n%s", queued ? "Parked in the queue." : "Awake and competing for the lock.",
                          kWaitingHelp);
      }
      ImGui::TableNextColumn();
      WaitBar(snap.state.time() - w.since);
    }
    ImGui::EndTable();
  }
  if (fold.waiters.empty()) ImGui::TextDisabled("Nobody is waiting in Lock.");
  return out;
}

namespace {

constexpr EventText kEvents[] = {
    {"mutex.lock.fast",
     "Lock's fast path: one CAS from 0 (unlocked, no waiters, no flags) to "
     "locked."},
    {"mutex.lock.slow",
     "The fast path failed: lockSlow starts (spin a little, then queue)."},
    {"mutex.lock.slow.mark_woken",
     "A spinning goroutine sets the woken bit, so Unlock does not wake "
     "another waiter while it competes."},
    {"mutex.lock.slow.spin",
     "Active spinning: the lock is held, but its holder is running and may "
     "release it soon. Go spins at most 4 rounds, only on a multicore "
     "machine and never in starvation mode."},
    {"mutex.lock.slow.acquire",
     "lockSlow's CAS set the locked bit: this goroutine holds the Mutex."},
    {"mutex.lock.slow.park",
     "The lock is not free: the goroutine counts itself as a waiter and "
     "sleeps on the semaphore."},
    {"mutex.lock.slow.wake",
     "A waiter woke from the semaphore and measures how long it has waited: "
     "over 1 ms, it wants starvation mode."},
    {"mutex.starving.enter",
     "A waiter that waited more than 1 ms sets the starving bit: from now on "
     "Unlock hands the lock directly to the head waiter."},
    {"mutex.lock.handoff",
     "Starvation mode: the woken waiter owns the lock at once. It sets "
     "locked and leaves the waiter count in one step."},
    {"mutex.starving.exit",
     "The waiter that got the lock waited under 1 ms, or was the last one: "
     "back to normal mode."},
    {"mutex.trylock",
     "TryLock: one attempt that never waits; ok says whether it got the "
     "lock."},
    {"mutex.unlock.fast",
     "Unlock's fast path: the word drops to 0, nobody to wake."},
    {"mutex.unlock.slow",
     "Unlock cleared the locked bit, but there are waiters or flags: "
     "unlockSlow decides whom to wake."},
    {"mutex.unlock.no_wake",
     "Nobody to wake: no waiters, or a goroutine is already awake, holds the "
     "lock, or the Mutex is starving."},
    {"mutex.unlock.wake",
     "Normal mode: Unlock sets woken, takes one waiter off the count and "
     "wakes the head. The woken waiter still has to compete for the lock."},
    {"mutex.unlock.handoff",
     "Starvation mode: Unlock hands the lock straight to the head waiter "
     "through the semaphore."},
    // recursive_mutex's companion: the course's metrics (mutex_metrics.h)
    {"mutex.metrics",
     "A probe (the course's Count, IsLocked, IsWoken or IsStarving) read the "
     "state word with one atomic load. It changes nothing, and what it read "
     "may be stale a step later."},
};

constexpr FieldText kFields[] = {
    {"state",
     "The 32-bit state word: the locked, woken and starving bits and the "
     "waiter count."},
    {"sema",
     "The count of the Mutex's semaphore: wake-ups released and not yet "
     "taken."},
    {"iter",
     "Which spin round this is (Go spins at most 4)."},
    {"lifo",
     "Whether the waiter queues at the head: it has waited before."},
    {"waited",
     "How long the waiter has waited since it first parked."},
    {"starving",
     "Whether the waiter asks for starvation mode (waited over 1 ms)."},
    {"ok",
     "Whether TryLock got the lock."},
    // recursive_mutex's companion: the course's metrics (mutex_metrics.h)
    {"count",
     "The course's Count: waiters plus the holder (the locked bit), from one "
     "load of the word."},
    {"locked",
     "The course's IsLocked: the locked bit of the word it read."},
    {"woken",
     "The course's IsWoken: the woken bit (a waiter is awake and competing)."},
};

constexpr ModeText kModes[] = {
    {"free", IM_COL32(120, 120, 120, 90), "Unlocked: Lock's fast path takes it."},
    {"locked", IM_COL32(70, 110, 230, 255), "Locked, normal mode: a woken waiter competes with newcomers."},
    {"starving", IM_COL32(215, 45, 45, 255),
     "Starvation mode: Unlock hands the lock to the head waiter; newcomers queue at the tail."},
};

}  // namespace

const KindView kMutexView{kEvents, kFields, &DrawMutexInspector, kModes, "waiters", "holder"};

}  // namespace synclab::viewer
