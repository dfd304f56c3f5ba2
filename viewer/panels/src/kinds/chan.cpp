// chan.cpp: what the viewer shows of a channel: hchan at the cursor, as Go's
// chan.go sees it.
//
//   [2 buffered]  qcount 2 / dataqsiz 4   open
//          ( 7 )                 the ring: one box per slot, values inside,
//     ( _ )     ( 5 )  <- recvx  arrows from the centre to sendx and recvx
//          ( _ )  <- sendx
//   recvq   head -> G3 -> tail
//   sendq   head -> G4 <- 9 (select) -> tail
#include <algorithm>
#include <cmath>
#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::ChanState;

inline constexpr const char* kRingHelp =
    "The ring buffer (dataqsiz slots). A buffered send writes at sendx and moves it on; a "
    "receive takes from recvx and moves it on; both wrap around. Filled slots hold the values "
    "waiting to be received, oldest at recvx.";
inline constexpr const char* kUnbufferedHelp =
    "No buffer: every send waits for a receiver (or finds one waiting) and the value goes "
    "straight from the sender to the receiver.";
inline constexpr const char* kRecvqHelp =
    "recvq: goroutines waiting to receive, head first. A send hands its value to the head "
    "directly. A select's record is marked: the first of its channels to reach it claims it.";
inline constexpr const char* kSendqHelp =
    "sendq: goroutines waiting to send, head first, with the value each offers. A receive takes "
    "the head's value (unbuffered) or the buffer's oldest and moves the head's value into the "
    "freed slot (a full buffer: rotate).";
inline constexpr const char* kClosedHelp =
    "closed: set once by close. Receives drain the buffer, then return the zero value with "
    "ok = false; a send panics \"send on closed channel\".";

constexpr ImU32 kSlotColor = IM_COL32(70, 110, 230, 255);
constexpr ImU32 kSendxColor = IM_COL32(40, 160, 80, 255);
constexpr ImU32 kRecvxColor = IM_COL32(215, 120, 30, 255);

std::string Short(std::string_view s, std::size_t n) {
  return s.size() <= n ? std::string(s) : std::string(s.substr(0, n - 1)) + "~";
}

void Arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 color, float thick) {
  dl->AddLine(from, to, color, thick);
  const float dx = to.x - from.x, dy = to.y - from.y, len = std::max(1.0f, std::sqrt(dx * dx + dy * dy));
  const float ux = dx / len, uy = dy / len, s = thick * 3;
  dl->AddTriangleFilled(to, ImVec2(to.x - ux * s * 2 - uy * s, to.y - uy * s * 2 + ux * s),
                        ImVec2(to.x - ux * s * 2 + uy * s, to.y - uy * s * 2 - ux * s), color);
}

// The ring: slot i at angle 2*pi*i/cap clockwise from the top, its value
// inside; sendx and recvx as arrows from the centre.
void DrawRing(const Model& m, const ChanState& fold, std::int64_t qcount, std::int64_t sendx, std::int64_t recvx) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const int n = int(std::min<std::int64_t>(fold.cap, 32));
  const float box = font * 2.6f;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The legend (qcount, dataqsiz, sendx, recvx) stands right of the ring.
  const float legend = ImGui::CalcTextSize("dataqsiz 00000").x + font;
  // Beyond the circle: half a box, then the slot numbers.
  const float margin = box * 0.55f + font;
  // Room for n boxes around the circle, at least a box and a half across,
  // shrunk to what the panel shows (its width beside the legend, the height
  // left, so that at presentation size the ring is not cut off), but never
  // so far that boxes overlap.
  const float desired = std::max(float(n) * box * 1.35f / 6.2831853f, box * 1.5f);
  const float fit = std::min((avail.x - legend) / 2 - margin, avail.y / 2 - margin);
  const float floor = std::max(float(n) * box * 1.1f / 6.2831853f, box * 0.9f);
  const float r = std::max(floor, std::min(desired, fit));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const ImVec2 centre(p.x + r + margin, p.y + r + margin);
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  dl->AddCircle(centre, r, ImGui::GetColorU32(ImGuiCol_TextDisabled), 48, 1.0f);
  auto at = [&](int i, float radius) {
    const float a = float(i) / float(n) * 6.2831853f - 1.5707963f;
    return ImVec2(centre.x + std::cos(a) * radius, centre.y + std::sin(a) * radius);
  };
  for (int i = 0; i < n; i++) {
    const ImVec2 c = at(i, r);
    const ImVec2 a(c.x - box / 2, c.y - font * 0.75f), b(c.x + box / 2, c.y + font * 0.75f);
    const std::int64_t v = fold.slots[std::size_t(i)];
    if (v != 0) {
      dl->AddRectFilled(a, b, kSlotColor, font * 0.3f);
    } else {
      dl->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_FrameBg), font * 0.3f);
      dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_TextDisabled), font * 0.3f);
    }
    const std::string text = v != 0 ? Short(m.trace().str(v), 5) : "_";
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    dl->AddText(ImVec2(c.x - ts.x / 2, c.y - ts.y / 2), v != 0 ? white : ink, text.c_str());
    const std::string idx = std::to_string(i);
    const ImVec2 o = at(i, r + box * 0.55f + font * 0.4f);
    dl->AddText(ImVec2(o.x - ImGui::CalcTextSize(idx.c_str()).x / 2, o.y - font / 2),
                ImGui::GetColorU32(ImGuiCol_TextDisabled), idx.c_str());
    if (ImGui::IsMouseHoveringRect(a, b)) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(font * 30);
      if (v != 0) {
        ImGui::Text("slot %d: %s", i, std::string(m.trace().str(v)).c_str());
      } else {
        ImGui::Text("slot %d: empty", i);
      }
      ImGui::TextDisabled("%s", kRingHelp);
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }
  // sendx and recvx: arrows from the centre to their slots, named in the
  // legend under the ring (labels on the arrows would cover the slots).
  const float thick = std::max(2.0f, font * 0.13f);
  const float tip = r - font * 0.95f;
  auto pointer = [&](std::int64_t x, ImU32 color, float shift) {
    if (x < 0 || x >= n) return;
    Arrow(dl, ImVec2(centre.x + shift, centre.y + shift), at(int(x), tip), color, thick);
  };
  pointer(recvx, kRecvxColor, sendx == recvx ? thick : 0);
  pointer(sendx, kSendxColor, 0);
  ImGui::Dummy(ImVec2(2 * (r + margin), 2 * (r + margin)));
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::Text("qcount %lld", static_cast<long long>(qcount));
  Explain("qcount: how many values the ring holds now.");
  ImGui::Text("dataqsiz %lld", static_cast<long long>(fold.cap));
  Explain("dataqsiz: the ring's size, make's capacity; it never changes.");
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kSendxColor), "sendx %lld", static_cast<long long>(sendx));
  Explain("sendx: the slot the next buffered send writes.");
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kRecvxColor), "recvx %lld", static_cast<long long>(recvx));
  Explain("recvx: the slot the next receive takes from (the oldest value).");
  if (sendx == recvx) ImGui::TextDisabled("%s", qcount == 0 ? "(equal: empty)" : "(equal: full)");
  ImGui::EndGroup();
  if (fold.cap > n) ImGui::TextDisabled("(the first %d of %lld slots)", n, static_cast<long long>(fold.cap));
}

void DrawWaitQueue(const Model& m, const Snapshot& snap, const std::vector<ChanState::Waiter>& q, bool senders,
                   Intent& out) {
  const char* help = senders ? kSendqHelp : kRecvqHelp;
  ChipFlow flow;
  if (q.empty()) {
    flow.Text("(empty)");
    return;
  }
  flow.Text("head");
  for (std::size_t i = 0; i < q.size(); i++) {
    const ChanState::Waiter& w = q[i];
    flow.Text("->");
    std::string label = instrument::GoroutineLabel(m.trace(), w.g);
    if (senders && w.elem != 0) label += " <- " + Short(m.trace().str(w.elem), 12);
    if (w.select) label += " (select)";
    const GStatus s = snap.state.goroutine(w.g).status;
    ImGui::PushID(int(i));
    if (flow.Chip(label.c_str(), StatusColor(s), StatusTextColor(s), help)) out += SelectGoroutine{w.g};
    ImGui::PopID();
  }
  flow.Text("-> tail");
}

Intent DrawChanInspector(const Model& m, const Cursor& c, Id ch) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(ch);
  const ChanState& fold = *st.As<ChanState>();
  auto field = [&](std::string_view f) {
    const std::int64_t* v = st.Field(f);
    return v != nullptr ? *v : 0;
  };
  const std::int64_t qcount = field("qcount"), sendx = field("sendx"), recvx = field("recvx");
  const bool closed = field("closed") != 0;
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  if (closed) {
    top.Chip("closed", IM_COL32(110, 110, 110, 255), white, kClosedHelp);
  } else if (!fold.recvq.empty()) {
    top.Chip("receivers wait", StatusColor(GStatus::kBlocked), white, kRecvqHelp);
  } else if (!fold.sendq.empty()) {
    top.Chip("senders wait", StatusColor(GStatus::kBlocked), white, kSendqHelp);
  } else if (qcount > 0) {
    const std::string b = std::to_string(qcount) + " buffered";
    top.Chip(b.c_str(), kSlotColor, white, kRingHelp);
  } else {
    top.Chip("idle", StatusColor(GStatus::kRunning), white, "Nothing buffered and nobody waits.");
  }
  if (fold.cap > 0) {
    DrawRing(m, fold, qcount, sendx, recvx);
  } else {
    top.Text("unbuffered: no ring");
    Explain(kUnbufferedHelp);
  }
  if (ImGui::BeginTable("chan", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("recvq", kRecvqHelp);
    DrawWaitQueue(m, snap, fold.recvq, false, out);
    InspectorRow("sendq", kSendqHelp);
    DrawWaitQueue(m, snap, fold.sendq, true, out);
    InspectorRow("closed", kClosedHelp);
    ImGui::TextUnformatted(closed ? "yes" : "no");
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"chan.make", "make(chan T, n): a new hchan with a ring of n slots (none: unbuffered)."},
    {"chan.send.direct",
     "A receiver was waiting: the value goes straight into its slot (the buffer, empty, is not "
     "touched) and the receiver is readied."},
    {"chan.send.buffer", "No receiver waits and the ring has room: the value goes into slot sendx, sendx moves on."},
    {"chan.send.full",
     "A non-blocking send (select with default) found no receiver and no room: it does not send."},
    {"chan.send.park", "No receiver and no room: the sender queues on sendq with its value and sleeps."},
    {"chan.send.wake",
     "The sleeping sender was woken: ok, a receiver took its value; not ok, the channel was "
     "closed and the send panics."},
    {"chan.recv.closed", "The channel is closed and drained: the receive returns the zero value and ok = false."},
    {"chan.recv.direct", "Unbuffered, a sender was waiting: its value is taken directly and the sender is readied."},
    {"chan.recv.rotate",
     "The ring is full and a sender waits: the receive takes the oldest value (at recvx) and "
     "moves the sender's value into the freed slot, so the ring stays full and in order; "
     "sendx = recvx."},
    {"chan.recv.buffer", "The receive takes the value at recvx, clears the slot and moves recvx on."},
    {"chan.recv.empty", "A non-blocking receive (select with default) found nothing: it does not receive."},
    {"chan.recv.park", "Nothing to receive: the receiver queues on recvq and sleeps."},
    {"chan.recv.wake",
     "The sleeping receiver was woken: ok, a sender handed it a value; not ok, the channel was "
     "closed (zero value)."},
    {"chan.close",
     "close: closed = 1, and every waiting goroutine is woken: receivers with the zero value "
     "and ok = false, senders to panic."},
    {"chan.close.release",
     "close takes one waiter off its queue (head first): a receiver gets the zero value and "
     "ok = false, a sender will panic. All are readied once the lock is released."},
    {"chan.select.enqueue", "A select that found no case ready queues a record on this channel's queue."},
    {"chan.select.dequeue", "A woken select takes its record off this channel: another case fired."},
    {"chan.dequeue.skip",
     "The queue's head was a select another case already claimed (selectDone): it is dropped "
     "and the next waiter is tried."},
};

constexpr FieldText kFields[] = {
    {"dataqsiz", "The capacity: the ring's size, fixed at make."},
    {"qcount", "How many values the ring holds."},
    {"sendx", "The slot the next buffered send writes."},
    {"recvx", "The slot the next buffered receive takes."},
    {"closed", kClosedHelp},
    {"recvq", "How many records are queued in recvq (waiting receivers, a select's included)."},
    {"sendq", "How many records are queued in sendq (waiting senders, a select's included)."},
    {"elem", "The value moved (received, sent or offered), as text."},
    {"receiver", "The waiting receiver that got the value directly."},
    {"sender", "The waiting sender whose value was taken."},
    {"ok", "A woken waiter's success: false when close woke it."},
    {"receivers", "close: how many waiting receivers it woke."},
    {"senders", "close: how many waiting senders it woke (they panic)."},
    {"send", "Which queue: sendq (true) or recvq (false)."},
    {"skipped", "The select's goroutine whose claimed record was dropped."},
    {"waiter", "The goroutine close took off its queue (it is readied once the lock is released)."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90), "Nothing buffered and nobody waits."},
    {"buffered", IM_COL32(70, 110, 230, 200), "Values wait in the ring."},
    {"waiting", IM_COL32(215, 45, 45, 220), "Goroutines wait in recvq or sendq."},
    {"closed", IM_COL32(60, 60, 60, 220), "Closed."},
};

}  // namespace

const KindView kChanView{kEvents, kFields, &DrawChanInspector, kModes, "qcount", nullptr, {"recvq", "sendq"}};

}  // namespace synclab::viewer
