// pool.cpp: what the viewer shows of a sync.Pool: one column per P with its
// private item and its shared chain of dequeues (head, tail, the items from
// the oldest), the same for the victim cache, and a GC's rotation as the one
// step it is.
//
//   localSize 2   victimSize 2                     [GC at this step]
//   local         P0 <- G2               P1
//   private       (buf1)                 -
//   shared        deque 0 - 8 slots      -
//                 tail 1 head 3
//                 (buf3) (buf4)
//   victim        P0                     P1
//   private       -                      (buf7)
#include <algorithm>
#include <optional>
#include <string>

#include "synclab/instrument/kinds/pool.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::PoolState;
using trace::EventKind;

inline constexpr const char* kLocalHelp =
    "local: this GC cycle's cache, one poolLocal per P (localSize of them). It is allocated "
    "by the first Get or Put after a GC (pool.pin.alloc).";
inline constexpr const char* kVictimHelp =
    "victim: the previous GC cycle's cache. Get looks here only after stealing from every P "
    "failed, so these items age out; the next GC drops whatever is left.";
inline constexpr const char* kPrivateHelp =
    "private: one item only this P touches (while pinned to it), with no atomic operation. "
    "Put fills it first and Get empties it first.";
inline constexpr const char* kSharedHelp =
    "shared: a poolChain of poolDequeues. Its own P pushes and pops at the head (the newest); "
    "other Ps steal at the tail (the oldest). Items are listed oldest first.";
inline constexpr const char* kDequeueHelp =
    "A poolDequeue: a ring of slots, head and tail packed in one 64-bit word (head in the high "
    "32 bits). Slots [tail, head) hold items. When the head dequeue is full, the chain adds "
    "one twice as big.";
inline constexpr const char* kReleasingHelp =
    "A Get took this slot at the tail but has not yet cleared its type word: until it does, "
    "the owner cannot push into it, and grows the chain if it needs the slot.";
inline constexpr const char* kExhaustedHelp =
    "victimSize is 0: a Get found nothing it could take here, so later Gets skip the victim. "
    "An item still shown can only be another P's private item: it waits for the next GC.";
inline constexpr const char* kActingHelp = "The P pinned by the goroutine that made the change at this step.";
inline constexpr const char* kFromHelp = "The P whose shared chain the Get at this step took from.";

constexpr ImU32 kItemColor = IM_COL32(60, 140, 120, 255);
constexpr ImU32 kTouchedColor = IM_COL32(235, 200, 40, 255);
constexpr ImU32 kGcColor = IM_COL32(150, 90, 205, 255);
constexpr std::size_t kMaxChips = 8;  // per dequeue; the rest as "+N more"
constexpr std::size_t kMaxColumns = 8;

std::string ItemText(const Trace& t, const PoolState::Item& item) {
  std::string_view label = t.str(item.label);
  return label.empty() ? "#" + std::to_string(item.id) : std::string(label);
}

// What the event at the cursor did to this pool, for highlights.
struct Focus {
  std::optional<EventKind> kind;
  std::int64_t p = -1, from = -1, item = 0;
  bool victim = false;  // its `from` is in the victim
};
Focus FocusAt(const Model& m, const Cursor& c, Id pool) {
  Focus f;
  const TraceEvent& e = m.trace().events[c.step];
  if (e.obj != pool) return f;
  f.kind = e.kind;
  auto field = [&](std::string_view name) -> std::int64_t {
    const int i = trace::FieldIndex(e.kind, name);
    return i < 0 ? -1 : e.f[std::size_t(i)];
  };
  f.p = field("p");
  f.from = field("from");
  f.item = std::max<std::int64_t>(field("item"), 0);
  f.victim = e.kind == EventKind::kPoolGetVictimSteal || e.kind == EventKind::kPoolGetVictimPrivate ||
             field("victim") == 1;
  return f;
}

void ItemChip(const Trace& t, const PoolState::Item& item, const Focus& f) {
  const bool touched = f.item != 0 && item.id == f.item;
  Chip(ItemText(t, item).c_str(), touched ? kTouchedColor : kItemColor,
       touched ? IM_COL32(0, 0, 0, 255) : IM_COL32(255, 255, 255, 255));
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("item #%lld: numbered by the Put that stored it%s", static_cast<long long>(item.id),
                      touched ? "\nThe step at the cursor moved it." : "");
  }
}

// The Ps to draw: all of them, or (many Ps) those holding something or
// named by the event at the cursor.
std::vector<std::size_t> Columns(const std::vector<PoolState::Local>& array, const Focus& f, bool victim) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < array.size(); i++) {
    const bool named = std::int64_t(i) == f.p || (std::int64_t(i) == f.from && f.victim == victim);
    if (array.size() <= kMaxColumns || named || array[i].items() != 0 || !array[i].unlinked.empty()) out.push_back(i);
  }
  return out;
}

// Puts the next item of `label` on the line of the last one if it fits in
// the cell, else on a line of its own: chips wrap.
void SameLineIfFits(const std::string& label) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float w = ImGui::CalcTextSize(label.c_str()).x + 2 * style.FramePadding.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetContentRegionMax().x;
  if (ImGui::GetItemRectMax().x + style.ItemSpacing.x + w <= right) ImGui::SameLine();
}

void DrawDeque(const Trace& t, const PoolState::Deque& d, const Focus& f) {
  ImGui::TextUnformatted(("deque " + std::to_string(d.serial) + " - " + std::to_string(d.size) + " slots").c_str());
  Explain(kDequeueHelp);
  ImGui::TextDisabled("tail %u  head %u", d.tail, d.head);
  Explain(kDequeueHelp);
  for (std::size_t k = 0; k < d.items.size() && k < kMaxChips; k++) {
    if (k > 0) SameLineIfFits(ItemText(t, d.items[k]));
    ImGui::PushID(int(k));
    ItemChip(t, d.items[k], f);
    ImGui::PopID();
  }
  if (d.items.size() > kMaxChips) {
    const std::string more = "+" + std::to_string(d.items.size() - kMaxChips) + " more";
    SameLineIfFits(more);
    ImGui::TextDisabled("%s", more.c_str());
  }
  if (d.items.empty()) ImGui::TextDisabled("(empty)");
  for (std::uint32_t slot : d.releasing) {
    ImGui::TextDisabled("slot %u still in use", slot);
    Explain(kReleasingHelp);
  }
}

// A P's heading: "P1", marked when the step at the cursor used it.
void DrawPHead(std::size_t p, const Focus& f, bool victim) {
  const bool acting = !victim && std::int64_t(p) == f.p;
  const bool from = std::int64_t(p) == f.from && f.victim == victim;
  std::string head = "P" + std::to_string(p);
  if (acting) head += "  pinned";
  if (from) head += "  taken from";
  if (acting || from) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, IM_COL32(235, 200, 40, 70));
  ImGui::TextUnformatted(head.c_str());
  if (acting || from) Explain(acting ? kActingHelp : kFromHelp);
}

void DrawPrivate(const Trace& t, const PoolState::Local& l, const Focus& f) {
  if (l.priv) {
    ItemChip(t, *l.priv, f);
  } else {
    ImGui::TextDisabled("-");
  }
}

void DrawShared(const Trace& t, const PoolState::Local& l, const Focus& f) {
  if (l.chain.empty()) ImGui::TextDisabled("-");
  for (std::size_t k = 0; k < l.chain.size(); k++) {
    ImGui::PushID(int(k));
    DrawDeque(t, l.chain[k], f);
    ImGui::PopID();
  }
  for (const PoolState::Deque& d : l.unlinked) {
    ImGui::TextDisabled("deque %u dropped, a slot still in use", d.serial);
    Explain(kReleasingHelp);
  }
}

// One table of poolLocals: a column per P where the window is wide enough
// for a dequeue in each, else a row per P.
void DrawLocals(const Trace& t, const char* id, const char* title, const char* help,
                const std::vector<PoolState::Local>& array, const Focus& f, bool victim) {
  const std::vector<std::size_t> ps = Columns(array, f, victim);
  if (ps.empty()) return;
  const ImGuiStyle& style = ImGui::GetStyle();
  // The row names' width and a dequeue's, known from the first frame on.
  const float names = std::max(ImGui::CalcTextSize("private").x, ImGui::CalcTextSize(title).x);
  const float deque = ImGui::CalcTextSize("deque 00 - 8888 slots").x + 2 * style.CellPadding.x;
  const bool columns = names + float(ps.size()) * deque <= ImGui::GetContentRegionAvail().x;
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg;
  if (columns) {
    if (!ImGui::BeginTable(id, int(ps.size()) + 1, flags)) return;
    ImGui::TableSetupColumn(title, ImGuiTableColumnFlags_WidthFixed, names);
    for (std::size_t i = 0; i < ps.size(); i++) ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(title);
    Explain(help);
    for (std::size_t p : ps) {
      ImGui::TableNextColumn();
      DrawPHead(p, f, victim);
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("private");
    Explain(kPrivateHelp);
    for (std::size_t p : ps) {
      ImGui::TableNextColumn();
      ImGui::PushID(int(p));
      DrawPrivate(t, array[p], f);
      ImGui::PopID();
    }
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted("shared");
    Explain(kSharedHelp);
    for (std::size_t p : ps) {
      ImGui::TableNextColumn();
      ImGui::PushID(int(p) + 100000);
      DrawShared(t, array[p], f);
      ImGui::PopID();
    }
  } else {
    if (!ImGui::BeginTable(id, 3, flags)) return;
    const float p_width = std::max(ImGui::CalcTextSize("P00  taken from").x, ImGui::CalcTextSize(title).x);
    ImGui::TableSetupColumn(title, ImGuiTableColumnFlags_WidthFixed, p_width);
    ImGui::TableSetupColumn("private", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("private").x);
    ImGui::TableSetupColumn("shared", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableNextRow();
    for (auto [name, text] : {std::pair{title, help}, std::pair{"private", kPrivateHelp}, std::pair{"shared", kSharedHelp}}) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(name);
      Explain(text);
    }
    for (std::size_t p : ps) {
      ImGui::PushID(int(p));
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      DrawPHead(p, f, victim);
      ImGui::TableNextColumn();
      DrawPrivate(t, array[p], f);
      ImGui::TableNextColumn();
      DrawShared(t, array[p], f);
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
  if (ps.size() < array.size()) {
    ImGui::TextDisabled("%zu more Ps hold nothing", array.size() - ps.size());
  }
}

// The Pool at the cursor.
Intent DrawPoolInspector(const Model& m, const Cursor& c, Id pool) {
  Intent out;
  const Trace& t = m.trace();
  const instrument::ObjectState& st = m.At(c.step).state.object(pool);
  const PoolState& fold = *st.As<PoolState>();
  const Focus f = FocusAt(m, c, pool);

  ImGui::Text("localSize %zu", fold.local.size());
  Explain(FieldHelp(trace::ObjectKind::kPool, "local_size"));
  ImGui::SameLine();
  ImGui::Text("  victimSize %zu", fold.victim_size);
  Explain(FieldHelp(trace::ObjectKind::kPool, "victim_size"));
  if (f.kind) {
    // Who changed it at this step; a GC's rotation is that one step.
    const TraceEvent& e = t.events[c.step];
    ImGui::PushID("actor");
    const std::string who = instrument::GoroutineLabel(t, e.g);
    if (e.g != 0 && Chip(who.c_str(), HoldColor(), IM_COL32(255, 255, 255, 255))) out += SelectGoroutine{e.g};
    ImGui::PopID();
    Explain("The goroutine that made the change at this step. Click to select it.");
    if (f.kind == EventKind::kPoolGcRotate) {
      ImGui::SameLine();
      Chip("GC at this step", kGcColor, IM_COL32(255, 255, 255, 255));
      Explain("poolCleanup, with the world stopped: the old victim is dropped, local becomes the "
              "victim, and local is nil until the next use allocates a new one.");
      std::size_t moved = 0;
      for (const PoolState::Local& l : fold.victim) moved += l.items();
      ImGui::PushTextWrapPos(0);
      ImGui::TextDisabled("%zu item%s moved to the victim, %zu dropped with the old victim", moved,
                          moved == 1 ? "" : "s", fold.dropped);
      ImGui::PopTextWrapPos();
    }
  }

  ImGui::PushTextWrapPos(0);
  if (fold.local.empty()) {
    ImGui::TextDisabled("local: nil (allocated by the next Get or Put)");
    Explain(kLocalHelp);
  } else {
    DrawLocals(t, "local", "local", kLocalHelp, fold.local, f, false);
  }
  if (fold.victim.empty()) {
    ImGui::TextDisabled("victim: nil");
    Explain(kVictimHelp);
  } else {
    if (fold.victim_size == 0) {
      ImGui::TextDisabled("victim: exhausted (victimSize 0), skipped by Get");
      Explain(kExhaustedHelp);
    }
    DrawLocals(t, "victim", "victim", kVictimHelp, fold.victim, f, true);
  }
  ImGui::PopTextWrapPos();
  return out;
}

constexpr ModeText kModes[] = {
    {"empty", IM_COL32(120, 120, 120, 90), "The pool holds no item: a Get calls New."},
    {"local", IM_COL32(60, 140, 120, 255), "Items in this GC cycle's cache only."},
    {"victim", IM_COL32(150, 90, 205, 255),
     "Some items are in the victim cache: a Get may still take them, the next GC drops them."},
};

constexpr EventText kEvents[] = {
    {"pool.pin.alloc",
     "pinSlow: the pool had no local cache for this P (its first use, or the first since a "
     "GC), so it allocates one poolLocal per P (localSize = GOMAXPROCS) under allPoolsMu and "
     "joins allPools, the pools the next GC will rotate."},
    {"pool.put.private",
     "Put, pinned to its P, finds the P's private slot empty and stores the item there: no "
     "atomic operation, no sharing."},
    {"pool.put.shared",
     "Put finds private taken and pushes the item at the head of the P's shared chain "
     "(pushHead: the slot is written, then head is incremented atomically, publishing it)."},
    {"poolchain.grow",
     "The head dequeue of the P's chain was full (or its head slot was still being handed "
     "back), so the chain adds a dequeue twice as big (8 slots first, at most 2^30) and "
     "pushes there from now on."},
    {"pool.get.private",
     "Get, pinned to its P, takes the P's private item: the fastest path."},
    {"pool.get.shared",
     "Private was empty: Get pops the newest item at the head of its own P's chain "
     "(popHead: a CAS that takes back the head slot), backing up into older dequeues if "
     "the head one is empty."},
    {"pool.get.steal",
     "Get found nothing on its own P, so it steals from another P: popTail takes the oldest "
     "item at the tail of that P's chain with a CAS. Ps are tried starting at the next one."},
    {"pool.get.victim_private",
     "Nothing in any local cache: Get takes its own P's private item of the victim cache, "
     "left there by the last GC."},
    {"pool.get.victim_steal",
     "Get takes the oldest item of a victim chain, trying its own P's first, then the next "
     "ones."},
    {"pool.victim.exhausted",
     "Get found nothing in the victim it could take: it sets victimSize to 0, so later Gets "
     "do not look there again until the next GC."},
    {"pool.get.new",
     "The pool had nothing for this Get: it returns what New made."},
    {"pool.get.nil",
     "The pool had nothing for this Get and has no New: it returns nil."},
    {"pooldequeue.release",
     "The Get that took a slot at the tail clears it and then its type word: only now can "
     "the owner push into that slot again."},
    {"poolchain.drop",
     "The tail dequeue was empty and a newer one follows it, so it can never be pushed to "
     "again: popTail moves the chain's tail past it (a CAS) and it is dropped."},
    {"pool.gc.rotate",
     "A GC (poolCleanup, the world stopped): the victim cache is dropped and the local cache "
     "becomes the victim; local is nil. An item survives one GC in the victim and is gone "
     "after the second."},
};

constexpr FieldText kFields[] = {
    {"local_size",
     "Go's localSize: how many poolLocals local has (GOMAXPROCS), 0 while local is nil."},
    {"victim_size",
     "Go's victimSize: how many poolLocals of the victim Get may search; 0 once it found the "
     "victim empty."},
    {"p",
     "The P the goroutine is pinned to (procPin): whose private slot and chain head it may use."},
    {"from",
     "The P whose shared chain the Get took from (or the dequeue belongs to)."},
    {"deque",
     "Which dequeue of that P's chain: 0, 1, ... in the order the chain made them."},
    {"head",
     "The dequeue's head index after the step: the next slot the owner pushes into."},
    {"tail",
     "The dequeue's tail index after the step: the oldest item, where other Ps steal."},
    {"item",
     "The item moved, by number: the Put that stored it (or New) numbered it, and the Get "
     "that takes it names that number."},
    {"label",
     "The item, as text."},
    {"size",
     "The new dequeue's slots."},
    {"victim",
     "Whether the chain is in the victim cache (else in local)."},
    {"slot",
     "The slot of the dequeue's ring handed back."},
};

}  // namespace

const KindView kPoolView{kEvents, kFields, &DrawPoolInspector, kModes, "items", nullptr};

}  // namespace synclab::viewer
