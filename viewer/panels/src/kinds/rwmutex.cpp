// rwmutex.cpp: what the viewer shows of a sync.RWMutex: the RWMutex at the
// cursor, as Go's rwmutex.go sees it.
//
//   [Writer pending]  readerCount = 2 - 2^30
//   -2^30 +1  +2  +3  +4  ~~  0   1   2   3   4
//   |----|---(*)--|---|   ~~  |---|---|---|---|
//   writer pending (< 0)      no writer (>= 0)
//   readerWait  2   the writer waits for 2 readers to leave
//   readers     G2  G3              (read holds)
//   writer      G4 pending          (announced, asleep on writerSem)
//   w           locked by G4; queue (empty)
//   readerSem   G5                  (readers behind the writer)
//   writerSem   head -> G4 -> tail
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "synclab/rwmutex.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

inline constexpr const char* kReaderCountHelp =
    "readerCount: the readers holding the lock or on their way in. A writer's Lock "
    "subtracts rwmutexMaxReaders (2^30) from it, so while a writer is pending or holds the "
    "lock it is negative: readerCount + 2^30 readers are still counted. Each RLock adds 1; "
    "a reader that finds the result negative sleeps on readerSem.";
inline constexpr const char* kReaderWaitHelp =
    "readerWait: how many of the readers inside at the writer's announcement have not left "
    "yet. Each of them takes 1 off as it leaves; the one that takes it to 0 wakes the writer.";
inline constexpr const char* kReadersHelp =
    "The goroutines holding a read lock now (one chip per RLock). Any number of readers can "
    "hold it at once.";
inline constexpr const char* kWriterHelp =
    "The writer: it holds w, which keeps other writers out, then announces itself to readers "
    "and waits for the readers inside to leave.";
inline constexpr const char* kWHelp =
    "w: the Mutex writers take first. A second writer queues here, behind the first, with "
    "the Mutex's own FIFO and starvation rules.";
inline constexpr const char* kReaderSemHelp =
    "readerSem: readers that came while a writer was pending or writing sleep here (red: "
    "asleep; other colours: counted in readerCount, on their way to sleep). The writer's "
    "Unlock releases it once for every one of them, and they all get in together.";
inline constexpr const char* kWriterSemHelp =
    "writerSem: the pending writer sleeps here until the last reader it waits for leaves.";
inline constexpr const char* kFreeHelp = "Nobody holds the RWMutex: readerCount is 0.";
inline constexpr const char* kReadLockedHelp =
    "Readers hold it and no writer is pending: readerCount counts them, a new RLock gets in "
    "at once.";
inline constexpr const char* kPendingHelp =
    "A writer has announced itself (readerCount < 0) and waits for the readers inside to "
    "leave. New readers queue behind it: this is why a reader must never RLock recursively.";
inline constexpr const char* kWriteLockedHelp =
    "A writer holds the lock: readers that come now sleep on readerSem, writers on w.";

constexpr ImU32 kWriterColor = IM_COL32(215, 45, 45, 255);

// readerCount on a number line broken in two: the stretch just above -2^30
// (a writer announced; readerCount + 2^30 readers counted) and the stretch
// from 0 (no writer). The marker sits on the readers counted, in the half
// that readerCount's sign selects.
void DrawReaderCount(std::int32_t count) {
  const bool writer = count < 0;
  const std::int64_t counted = writer ? std::int64_t(count) + RWMutex::kMaxReaders : count;
  const int ticks = int(std::clamp<std::int64_t>(counted + 1, 4, 8));  // 0 .. ticks on each half
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float width = std::max(font * 12, ImGui::GetContentRegionAvail().x - font * 0.5f);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float gap = font * 1.5f;
  const float half = (width - gap) / 2;
  const float line_y = p.y + font * 1.6f;
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 reader = SharedHoldColor();
  auto x_of = [&](int half_index, std::int64_t tick) {
    return p.x + float(half_index) * (half + gap) + half * float(tick) / float(ticks) * 0.92f + font * 0.3f;
  };
  for (int h = 0; h < 2; ++h) {
    const bool active = (h == 0) == writer;
    const ImU32 color = active ? ink : dim;
    const float x0 = p.x + float(h) * (half + gap);
    dl->AddLine(ImVec2(x0, line_y), ImVec2(x0 + half, line_y), color, active ? 2.0f : 1.0f);
    for (int k = 0; k <= ticks; ++k) {
      const float x = x_of(h, k);
      dl->AddLine(ImVec2(x, line_y - font * 0.25f), ImVec2(x, line_y + font * 0.25f), color, 1.0f);
    }
    // Labels: the zero of each half spelled out ("-2^30", "0") and the
    // readers counted always; the other ticks where they fit between.
    std::vector<std::pair<float, float>> taken;  // x ranges of the labels drawn
    auto label = [&](int k, bool force) {
      const std::string text = k == 0 ? (h == 0 ? "-2^30" : "0") : (h == 0 ? "+" : "") + std::to_string(k);
      const float lw = ImGui::CalcTextSize(text.c_str()).x;
      const float x = x_of(h, k);
      float lx = k == 0 ? x - font * 0.2f : x - lw / 2;
      // A tick's label is left out where it would overlap one drawn; one that
      // must show (the readers counted beside "-2^30") moves right past it.
      for (const auto& [a, b] : taken) {
        if (lx >= b + font * 0.3f || lx + lw <= a - font * 0.3f) continue;
        if (!force) return;
        lx = b + font * 0.3f;
      }
      taken.emplace_back(lx, lx + lw);
      dl->AddText(ImVec2(lx, p.y), color, text.c_str());
    };
    label(0, true);
    if (active && counted > 0 && counted <= ticks) label(int(counted), true);
    for (int k = 1; k <= ticks; ++k) label(k, false);
  }
  // The break between the halves: the 2^30 - ticks values left out.
  const float bx = p.x + half + gap / 2;
  for (float dx : {-font * 0.2f, font * 0.2f}) {
    dl->AddLine(ImVec2(bx + dx - font * 0.15f, line_y + font * 0.35f), ImVec2(bx + dx + font * 0.15f, line_y - font * 0.35f),
                dim, 1.5f);
  }
  // The marker.
  const std::int64_t shown = std::min<std::int64_t>(counted, ticks);
  const float mx = x_of(writer ? 0 : 1, shown);
  dl->AddCircleFilled(ImVec2(mx, line_y), font * 0.4f, writer ? kWriterColor : reader);
  dl->AddCircle(ImVec2(mx, line_y), font * 0.4f, ink, 0, 1.5f);
  // Under the line: what each half means.
  const float cap_y = line_y + font * 0.6f;
  dl->AddText(ImVec2(p.x, cap_y), writer ? ink : dim, "writer (< 0)");
  dl->AddText(ImVec2(p.x + half + gap, cap_y), writer ? dim : ink, "no writer (>= 0)");
  const ImVec2 size(width, cap_y + font - p.y);
  ImGui::Dummy(size);
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(font * 32);
    ImGui::Text("readerCount = %d", count);
    ImGui::TextUnformatted(kReaderCountHelp);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

Intent DrawRWMutexInspector(const Model& m, const Cursor& c, Id rw) {
  using instrument::kinds::MutexState;
  using instrument::kinds::RWMutexState;
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(rw);
  const RWMutexState& fold = *st.As<RWMutexState>();
  const std::int64_t* count_field = st.Field("reader_count");
  const std::int64_t* wait_field = st.Field("reader_wait");
  const std::int32_t count = count_field != nullptr ? std::int32_t(*count_field) : 0;
  const std::int32_t wait = wait_field != nullptr ? std::int32_t(*wait_field) : 0;
  const std::int64_t counted = count < 0 ? std::int64_t(count) + RWMutex::kMaxReaders : count;

  // What state it is in, in one chip, then readerCount as Go writes it.
  struct Mode {
    const char* name;
    const char* help;
    ImU32 fill, text;
  };
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  const Mode mode = fold.writer != 0 ? Mode{"Write-locked", kWriteLockedHelp, kWriterColor, white}
                    : count < 0      ? Mode{"Writer pending", kPendingHelp, StatusColor(GStatus::kRunnable),
                                            StatusTextColor(GStatus::kRunnable)}
                    : count > 0      ? Mode{"Read-locked", kReadLockedHelp, SharedHoldColor(), white}
                                     : Mode{"Free", kFreeHelp, StatusColor(GStatus::kRunning), white};
  ChipFlow top;
  top.Chip(mode.name, mode.fill, mode.text, mode.help);
  const std::string formula = count < 0 ? "readerCount = " + std::to_string(counted) + " - 2^30"
                                        : "readerCount = " + std::to_string(count);
  top.Text(formula.c_str());
  Explain(kReaderCountHelp);
  DrawReaderCount(count);

  if (ImGui::BeginTable("rwmutex", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);

    InspectorRow("readerWait", kReaderWaitHelp);
    ImGui::PushTextWrapPos(0);
    if (wait > 0) {
      ImGui::Text("%d: the writer waits for %d reader%s to leave", wait, wait, wait == 1 ? "" : "s");
    } else {
      ImGui::Text("%d", wait);
    }
    ImGui::PopTextWrapPos();
    Explain(kReaderWaitHelp);

    InspectorRow("readers", kReadersHelp);
    {
      ChipFlow flow;
      if (fold.readers.empty()) flow.Text("(none)");
      for (std::size_t i = 0; i < fold.readers.size(); ++i) {
        ImGui::PushID(int(i));
        flow.Holder(m, fold.readers[i], true, kReadersHelp, out);
        ImGui::PopID();
      }
    }

    InspectorRow("writer", kWriterHelp);
    {
      ChipFlow flow;
      if (fold.writer != 0) {
        flow.Holder(m, fold.writer, false, kWriterHelp, out);
        flow.Text("holds it");
      } else if (fold.pending_writer != 0) {
        flow.Goroutine(m, snap, fold.pending_writer, kPendingHelp, out);
        flow.Text("pending");
      } else {
        flow.Text("(none)");
      }
    }

    // w, the writers' Mutex: who holds it and who queues on it.
    const Id w = m.Part(rw, trace::ObjectKind::kMutex);
    if (w != 0) {
      InspectorRow("w", kWHelp);
      const MutexState* w_fold = snap.state.object(w).As<MutexState>();
      ChipFlow flow;
      if (w_fold != nullptr && w_fold->holder != 0) {
        flow.Text("held by");
        flow.Holder(m, w_fold->holder, false, kWHelp, out);
      } else {
        flow.Text("free");
      }
      const std::vector<Id>& queue = SemaQueue(snap, m.Part(w, trace::ObjectKind::kSema));
      if (!queue.empty()) flow.Text("queue:");
      for (Id g : queue) flow.Goroutine(m, snap, g, kWHelp, out);
    }

    // The readers behind a writer: counted in readerCount, asleep on
    // readerSem or about to be.
    InspectorRow("readerSem", kReaderSemHelp);
    {
      ChipFlow flow;
      if (fold.waiting_readers.empty()) flow.Text("(empty)");
      for (std::size_t i = 0; i < fold.waiting_readers.size(); ++i) {
        ImGui::PushID(int(i));
        flow.Goroutine(m, snap, fold.waiting_readers[i], kReaderSemHelp, out);
        ImGui::PopID();
      }
    }
    InspectorRow("writerSem", kWriterSemHelp);
    DrawQueue(m, snap, PartNamed(m, rw, "writerSem"), kWriterSemHelp, out);
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"rw.rlock.fast",
     "RLock added one to readerCount and found it positive: no writer is "
     "pending, the reader is in."},
    {"rw.rlock.slow",
     "RLock added one to readerCount and found it negative: a writer is "
     "pending or holds the lock, so the reader waits on readerSem."},
    {"rw.rlock.wake",
     "The writer's Unlock released readerSem for this reader: it is in."},
    {"rw.tryrlock",
     "TryRLock: one attempt that fails if a writer is pending (readerCount < "
     "0)."},
    {"rw.runlock.fast",
     "RUnlock took one off readerCount: no writer is waiting."},
    {"rw.runlock.slow",
     "RUnlock took one off readerCount and found it negative: a writer is "
     "pending, and this reader is one it waits for."},
    {"rw.runlock.departing",
     "The departing reader took one off readerWait; the writer still waits "
     "for the others."},
    {"rw.runlock.last_departing",
     "The last reader the pending writer waited for has left: readerWait is "
     "0 and the writer is woken on writerSem."},
    {"rw.lock.announce",
     "The writer holds w and subtracts 2^30 from readerCount: new readers "
     "now see a negative count and queue. readers: those still inside."},
    {"rw.lock.wait_readers",
     "The writer adds the readers still inside to readerWait and sleeps on "
     "writerSem until the last of them leaves."},
    {"rw.lock.readers_left",
     "The readers inside at the announcement all left before the writer "
     "counted them (they took readerWait below 0): its add brings readerWait "
     "back to 0 and it does not sleep."},
    {"rw.lock.acquire",
     "The writer holds the RWMutex: no reader is inside."},
    {"rw.trylock",
     "TryLock: fails if another writer holds w or any reader is inside."},
    {"rw.unlock",
     "Unlock adds 2^30 back to readerCount; readers: those that queued "
     "meanwhile, each released on readerSem. Then w is unlocked."},
};

constexpr FieldText kFields[] = {
    {"reader_count", kReaderCountHelp},
    {"reader_wait", kReaderWaitHelp},
    {"w",
     "The state word of w, the writers' Mutex (locked bit, woken, starving, waiters)."},
    {"writer_sem",
     "The count of writerSem: wake-ups released for the writer and not yet taken."},
    {"reader_sem",
     "The count of readerSem: wake-ups released for readers and not yet taken."},
    {"readers",
     "rw.lock.announce: the readers inside when the writer announced itself. "
     "rw.unlock: the readers that queued during the write, released now."},
    {"ok",
     "Whether TryLock or TryRLock got the lock."},
};

constexpr ModeText kModes[] = {
    {"free", IM_COL32(120, 120, 120, 90),
     "Nobody holds it."},
    {"read", IM_COL32(110, 150, 240, 200),
     "Readers hold it together."},
    {"writer pending", IM_COL32(235, 200, 40, 255),
     "A writer has announced itself (readerCount < 0): new readers wait, and it waits for the readers inside."},
    {"write", IM_COL32(70, 110, 230, 255),
     "A writer holds it alone."},
};

}  // namespace

const KindView kRWMutexView{kEvents, kFields, &DrawRWMutexInspector, kModes, "readers", "writer"};

}  // namespace synclab::viewer
