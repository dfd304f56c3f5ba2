// semaphore.cpp: what the viewer shows of an x/sync semaphore.Weighted: cur
// out of size as a gauge, who holds the tokens, and the FIFO of waiters
// with each one's n, as Go's semaphore.go sees them.
//
//   [2 waiting]
//   [#][#cur 3 / size 3, 0 free#]  one box per token, held ones filled
//   waiters   G4 (3) <- G5 (1)     head first
//   head      needs 3, 0 free: it and everyone behind it wait
//   held by   G2 (2)  G3 (1)
//   ctx only  G6 (5)               n > size: never queued
#include <algorithm>
#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::SemaphoreState;

inline constexpr const char* kSizeHelp = "size: the semaphore's tokens in all (NewWeighted(n)); it never changes.";
inline constexpr const char* kCurHelp =
    "cur: the tokens held now. Acquire(n) adds n when it gets through, Release(n) subtracts n. "
    "It stays between 0 and size (a Release of more than is held takes it below 0 and panics).";
inline constexpr const char* kGaugeHelp =
    "One box per token: filled ones are held (cur), empty ones are free (size - cur). Acquire(n) "
    "fills n when it gets through; Release(n) empties n.";
inline constexpr const char* kHeldHelp =
    "Who holds tokens, and how many. (A semaphore has no owner; the trace charges a Release to "
    "the releaser's own tokens.)";
inline constexpr const char* kWaitersHelp =
    "waiters: the FIFO of Acquire calls that could not get through, head first, each with its "
    "n and a ready channel. notifyWaiters grants from the head only while the head's n fits.";
inline constexpr const char* kHeadHelp =
    "The head decides: if its n does not fit in size - cur, nobody behind it is served, even a "
    "smaller request that would fit. That is what keeps a big request from starving.";
inline constexpr const char* kTooBigHelp =
    "Acquire calls with n > size: they can never be served, so they do not queue (they would "
    "block everyone behind them) and wait only for their context to be done.";
inline constexpr const char* kGrantedHelp =
    "Waiters whose tokens were granted (cur already counts them, ready is closed) and whose "
    "Acquire has not returned yet.";
inline constexpr const char* kNextHelp = "What an Acquire(1) called now would do.";
inline constexpr const char* kFreeStateHelp = "No token is held.";
inline constexpr const char* kHeldStateHelp = "Some tokens are held; an Acquire that fits gets through at once.";
inline constexpr const char* kFullStateHelp = "Every token is held: an Acquire waits.";
inline constexpr const char* kWaitingStateHelp =
    "Acquire calls are queued: every new Acquire queues behind them, however small.";
inline constexpr const char* kPanickedHelp =
    "A Release gave back more than was held: cur is below 0 and Go panicked "
    "\"semaphore: released more than held\".";

constexpr ImU32 kHeldColor = IM_COL32(70, 110, 230, 255);
constexpr ImU32 kQueuedColor = IM_COL32(215, 45, 45, 220);

// cur out of size, one box per token when they fit in a row, else a bar,
// with `label` written across it.
void DrawGauge(std::int64_t cur, std::int64_t size, const std::string& label) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float width = std::max(font * 8, ImGui::GetContentRegionAvail().x - font * 0.5f);
  const float h = font * 1.3f, gap = font * 0.2f;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImU32 empty = ImGui::GetColorU32(ImGuiCol_FrameBg);
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text);
  const std::int64_t held = std::clamp<std::int64_t>(cur, 0, size);
  const float box = size > 0 ? (width + gap) / float(size) - gap : 0;
  if (size > 0 && box >= font * 0.6f) {
    for (std::int64_t i = 0; i < size; ++i) {
      const float x = p.x + float(i) * (box + gap);
      dl->AddRectFilled(ImVec2(x, p.y), ImVec2(x + box, p.y + h), i < held ? kHeldColor : empty, font * 0.15f);
      dl->AddRect(ImVec2(x, p.y), ImVec2(x + box, p.y + h), ink, font * 0.15f);
    }
  } else {
    const float f = size > 0 ? float(held) / float(size) : 0;
    dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), empty, font * 0.15f);
    dl->AddRectFilled(p, ImVec2(p.x + width * f, p.y + h), kHeldColor, font * 0.15f);
    dl->AddRect(p, ImVec2(p.x + width, p.y + h), ink, font * 0.15f);
  }
  const ImVec2 text = ImGui::CalcTextSize(label.c_str());
  const ImVec2 at(p.x + std::max(0.0f, (width - text.x) / 2), p.y + (h - text.y) / 2);
  dl->AddRectFilled(ImVec2(at.x - font * 0.3f, at.y), ImVec2(at.x + text.x + font * 0.3f, at.y + text.y),
                    IM_COL32(0, 0, 0, 230), font * 0.2f);  // keeps the text readable on either colour
  dl->AddText(at, IM_COL32(255, 255, 255, 255), label.c_str());
  ImGui::Dummy(ImVec2(width, h));
  Explain(kGaugeHelp);
}

// "G4 reader (2)": a goroutine with its n, in its status colour; a click selects it.
void WaiterChip(ChipFlow& flow, const Model& m, const Snapshot& snap, Id g, std::int64_t n, const char* help,
                Intent& out) {
  const GStatus s = snap.state.goroutine(g).status;
  const std::string label = instrument::GoroutineLabel(m.trace(), g) + " (" + std::to_string(n) + ")";
  ImGui::PushID(int(g));
  if (flow.Chip(label.c_str(), StatusColor(s), StatusTextColor(s), help)) out += SelectGoroutine{g};
  ImGui::PopID();
}

Intent DrawSemaphoreInspector(const Model& m, const Cursor& c, Id sem) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(sem);
  const SemaphoreState& fold = *st.As<SemaphoreState>();
  const std::int64_t size = fold.size, cur = fold.cur, free = size - cur;
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  if (fold.panicked) {
    top.Chip("Released more than held", StatusColor(GStatus::kBlocked), white, kPanickedHelp);
  } else if (!fold.queue.empty()) {
    const std::string waiting = std::to_string(fold.queue.size()) + " waiting";
    top.Chip(waiting.c_str(), kQueuedColor, white, kWaitingStateHelp);
  } else if (cur >= size && size > 0) {
    top.Chip("Full", kHeldColor, white, kFullStateHelp);
  } else if (cur > 0) {
    top.Chip("Tokens held", kHeldColor, white, kHeldStateHelp);
  } else {
    top.Chip("Free", StatusColor(GStatus::kRunning), white, kFreeStateHelp);
  }
  DrawGauge(cur, size, "cur " + std::to_string(cur) + " / size " + std::to_string(size) + ", " +
                          std::to_string(free) + " free");

  if (ImGui::BeginTable("semaphore", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("waiters", kWaitersHelp);
    {
      ChipFlow flow;
      if (fold.queue.empty()) {
        flow.Text("(empty)");
      } else {
        bool first = true;
        for (const SemaphoreState::Waiter& w : fold.queue) {  // head first
          if (!first) flow.Text("<-");
          first = false;
          WaiterChip(flow, m, snap, w.g, w.n, kWaitersHelp, out);
        }
      }
    }
    if (!fold.queue.empty()) {
      InspectorRow("head", kHeadHelp);
      const std::int64_t need = fold.queue.front().n;
      const std::string text =
          "needs " + std::to_string(need) + ", " + std::to_string(free) + " free: " +
          (need > free ? (fold.queue.size() > 1 ? "it and everyone behind it wait" : "it waits")
                       : "fits (the next notifyWaiters grants it)");
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(text.c_str());
      ImGui::PopTextWrapPos();
      Explain(kHeadHelp);
    }
    InspectorRow("held by", kHeldHelp);
    {
      ChipFlow flow;
      if (fold.held.empty()) flow.Text("(nobody)");
      for (const SemaphoreState::Held& h : fold.held) {
        ImGui::PushID("held");
        WaiterChip(flow, m, snap, h.g, h.n, kHeldHelp, out);
        ImGui::PopID();
      }
    }
    if (!fold.granted.empty()) {
      InspectorRow("granted", kGrantedHelp);
      ChipFlow flow;
      for (const SemaphoreState::Waiter& w : fold.granted) WaiterChip(flow, m, snap, w.g, w.n, kGrantedHelp, out);
    }
    if (!fold.too_big.empty()) {
      InspectorRow("ctx only", kTooBigHelp);
      ChipFlow flow;
      for (const SemaphoreState::Waiter& w : fold.too_big) WaiterChip(flow, m, snap, w.g, w.n, kTooBigHelp, out);
    }
    InspectorRow("Acquire(1)", kNextHelp);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(!fold.queue.empty() ? "queues behind the waiters (FIFO)"
                           : free >= 1         ? "gets through at once (fast path)"
                                               : "queues until a Release");
    ImGui::PopTextWrapPos();
    Explain(kNextHelp);
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"wsem.new", "NewWeighted(size): a semaphore of size tokens, none held."},
    {"wsem.acquire.ctx_done",
     "Acquire found its context already done once it held mu: it fails with ctx.Err() even "
     "if tokens are free (x/sync v0.7.0)."},
    {"wsem.acquire.fast",
     "n tokens were free and nobody waited: cur += n and Acquire returns nil at once."},
    {"wsem.acquire.too_big",
     "n is more than the size: it can never be served. It does not queue (it would block "
     "everyone behind it) and waits only for its context."},
    {"wsem.acquire.too_big.done", "The too-big request's context is done: Acquire returns ctx.Err()."},
    {"wsem.acquire.enqueue",
     "Not enough tokens free, or others already wait: the goroutine joins the back of the "
     "FIFO with its n and a fresh ready channel, unlocks mu and waits for ready or its context."},
    {"wsem.acquire.granted", "Its ready channel was closed: the tokens are its own, Acquire returns nil."},
    {"wsem.acquire.granted.ctx_done",
     "Granted, but its context is done too: it gives the tokens back with Release and returns "
     "ctx.Err() (x/sync v0.7.0)."},
    {"wsem.acquire.cancel",
     "Its context is done while it waits: it leaves the queue and returns ctx.Err(). If it "
     "was the head and tokens are free (notify), it runs notifyWaiters: those behind it may "
     "fit now."},
    {"wsem.acquire.cancel.give_back",
     "Its context is done, but a Release granted its tokens meanwhile: it gives them back "
     "(cur -= n), runs notifyWaiters and returns ctx.Err() (x/sync v0.7.0)."},
    {"wsem.tryacquire",
     "TryAcquire(n): takes n tokens if they are free and nobody waits (ok), else fails at once."},
    {"wsem.release", "Release(n): cur -= n, then notifyWaiters lets waiters through from the head."},
    {"wsem.release.panic",
     "Release took cur below 0: Go unlocks mu and panics \"semaphore: released more than held\"."},
    {"wsem.notify.grant",
     "notifyWaiters: the head's n fits in size - cur, so cur += n, it leaves the queue and its "
     "ready channel is closed; the next head is looked at."},
    {"wsem.notify.blocked",
     "notifyWaiters: the head's n does not fit, so it stops. It never skips to smaller "
     "requests behind the head: a big request would starve."},
};

constexpr FieldText kFields[] = {
    {"size", kSizeHelp},
    {"cur", kCurHelp},
    {"waiters", "How many Acquire calls are queued."},
    {"queue", "Each queued waiter's n, head first (\"3 1 1\")."},
    {"n", "The weight asked for (Acquire, TryAcquire), given back (Release) or granted (notify)."},
    {"ready", "The waiter's ready channel: notifyWaiters closes it to hand over the tokens."},
    {"front", "The cancelled waiter was the head of the queue."},
    {"notify", "It was the head and tokens are free: notifyWaiters runs for those behind it."},
    {"ok", "TryAcquire got the tokens."},
    {"waiter", "The goroutine at the head of the queue that notifyWaiters looked at."},
};

constexpr ModeText kModes[] = {
    {"free", IM_COL32(120, 120, 120, 90), "No token is held."},
    {"held", IM_COL32(110, 150, 240, 200), "Some tokens are held."},
    {"full", IM_COL32(70, 110, 230, 255), "Every token is held."},
    {"waiting", IM_COL32(215, 45, 45, 220), "Acquire calls are queued."},
};

}  // namespace

const KindView kSemaphoreView{kEvents, kFields, &DrawSemaphoreInspector, kModes, "cur", "head waiter",
                              {"waiters", "size"}};

}  // namespace synclab::viewer
