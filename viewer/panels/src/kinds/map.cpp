// map.cpp: what the viewer shows of a sync.Map: read.m and dirty side by
// side, key by key, with each entry's state, amended, and misses against
// len(dirty).
//
//   [amended]  [dirty: 3 keys]
//   misses [####      ] 1 of 3: at 3 dirty becomes read
//   key     read.m        dirty
//   a       1             1          (one entry, in both maps)
//   b       nil                      (deleted)
//   c       expunged                 (deleted, left out of dirty)
//   d                     4          (new: only in dirty)
#include <algorithm>
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::MapKeyState;
using instrument::kinds::MapState;
using instrument::kinds::MapValue;

constexpr ImU32 kValueColor = IM_COL32(60, 150, 90, 255);
constexpr ImU32 kNilColor = IM_COL32(130, 130, 130, 255);
constexpr ImU32 kExpungedColor = IM_COL32(200, 60, 60, 255);
constexpr ImU32 kAmendedColor = IM_COL32(225, 160, 30, 255);
constexpr ImU32 kWhite = IM_COL32(255, 255, 255, 255);

inline constexpr const char* kReadHelp =
    "read.m: the map Loads use without the lock. It is never changed once published: a new "
    "key makes a new readOnly (amended), a promotion replaces it by dirty. Its entries' "
    "values are swapped atomically, so overwriting a key in read.m needs no lock either.";
inline constexpr const char* kDirtyHelp =
    "dirty: the map behind mu. When not nil it holds every entry of read.m that is not "
    "expunged (the same entry, shared) plus the keys stored since the last promotion.";
inline constexpr const char* kAmendedHelp =
    "amended: dirty has keys read.m lacks. A key missing from read.m must then be looked up "
    "in dirty under mu, and each such lookup counts a miss.";
inline constexpr const char* kCompleteHelp =
    "Not amended: read.m has every key, so a key missing from read.m is absent and nobody "
    "takes the lock to look for it.";
inline constexpr const char* kMissesHelp =
    "misses: lookups that needed mu since read.m was last replaced. When they reach "
    "len(dirty), copying dirty has paid for itself: dirty becomes read.m (promotion), dirty "
    "becomes nil and misses 0.";
inline constexpr const char* kValueHelp =
    "A value: Load returns it. If the entry is in read.m, Store and Swap replace it with one "
    "CAS, without the lock.";
inline constexpr const char* kNilHelp =
    "nil: deleted. The entry stays where it is (read.m is never changed), so a Store can "
    "revive it with one CAS. dirty is nil or still has it.";
inline constexpr const char* kExpungedHelp =
    "expunged: deleted, and left out of dirty when dirty was copied from read.m. A Store "
    "cannot CAS into it without the lock: it must first put the entry back into dirty "
    "(unexpunge), or dirty would miss the key at the next promotion.";

const char* ValueHelp(MapValue v) {
  switch (v) {
    case MapValue::kValue: return kValueHelp;
    case MapValue::kNil: return kNilHelp;
    case MapValue::kExpunged: return kExpungedHelp;
  }
  return "";
}

// One cell: the entry's value as a chip.
bool ValueChip(const Trace& t, const MapKeyState& k) {
  switch (k.state) {
    case MapValue::kValue: {
      std::string text(t.str(k.value));
      if (text.empty()) text = "\"\"";
      return Chip(text.c_str(), kValueColor, kWhite);
    }
    case MapValue::kNil: return Chip("nil", kNilColor, kWhite);
    case MapValue::kExpunged: return Chip("expunged", kExpungedColor, kWhite);
  }
  return false;
}

// misses against len(dirty): the bar fills towards the promotion.
void MissBar(const MapState& map) {
  const float font = ImGui::GetFontSize();
  const float width = std::max(font * 8, ImGui::GetContentRegionAvail().x - font * 0.5f);
  const float h = ImGui::GetFrameHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + width, p.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), font * 0.2f);
  std::string text;
  if (map.dirty_len < 0) {
    text = "misses " + std::to_string(map.misses) + ": dirty is nil";
  } else {
    const double limit = double(std::max<std::int64_t>(1, map.dirty_len));
    const float fill = float(std::min(1.0, double(map.misses) / limit)) * width;
    dl->AddRectFilled(p, ImVec2(p.x + fill, p.y + h), kAmendedColor, font * 0.2f);
    text = "misses " + std::to_string(map.misses) + " of " + std::to_string(map.dirty_len) +
           ": at " + std::to_string(map.dirty_len) + " dirty becomes read.m";
  }
  dl->AddText(ImVec2(p.x + font * 0.3f, p.y + (h - font) / 2), ImGui::GetColorU32(ImGuiCol_Text), text.c_str());
  ImGui::Dummy(ImVec2(width, h));
  Explain(kMissesHelp);
}

// The Map at the cursor.
Intent DrawMapInspector(const Model& m, const Cursor& c, Id obj) {
  Intent out;
  const Trace& t = m.trace();
  const instrument::ObjectState& st = m.At(c.step).state.object(obj);
  const MapState* map = st.As<MapState>();
  if (map == nullptr) return out;

  if (map->amended) {
    Chip("amended", kAmendedColor, kWhite);
    Explain(kAmendedHelp);
  } else {
    Chip("read.m complete", StatusColor(GStatus::kRunning), StatusTextColor(GStatus::kRunning));
    Explain(kCompleteHelp);
  }
  ImGui::SameLine();
  ImGui::AlignTextToFramePadding();
  ImGui::Text("read.m %lld  dirty %s", static_cast<long long>(map->read_len),
              map->dirty_len < 0 ? "nil" : std::to_string(map->dirty_len).c_str());
  Explain(kDirtyHelp);
  MissBar(*map);

  // The key the event at the cursor is about, if it is this Map's.
  Id current_key = 0;
  if (c.step < t.events.size()) {
    const TraceEvent& e = t.events[c.step];
    const int k = trace::FieldIndex(e.kind, "key");
    if (e.obj == obj && k >= 0) current_key = Id(e.f[std::size_t(k)]);
  }

  if (map->keys.empty()) {
    ImGui::TextDisabled("No keys in read.m or dirty.");
    return out;
  }
  const ImGuiTableFlags flags = ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_RowBg |
                                ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY;
  const float rows_h = ImGui::GetFrameHeightWithSpacing() * float(std::min<std::size_t>(map->keys.size(), 12) + 1);
  if (ImGui::BeginTable("map", 3, flags, ImVec2(0, rows_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("key");
    ImGui::TableSetupColumn("read.m");
    ImGui::TableSetupColumn("dirty");
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    const char* heads[] = {"key", "read.m", "dirty"};
    const char* helps[] = {"The Map's keys: those in read.m or in dirty.", kReadHelp, kDirtyHelp};
    for (int i = 0; i < 3; ++i) {
      ImGui::TableSetColumnIndex(i);
      ImGui::TableHeader(heads[i]);
      Explain(helps[i]);
    }
    ImGuiListClipper clipper;
    clipper.Begin(int(map->keys.size()));
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const MapKeyState& k = map->keys[std::size_t(row)];
        ImGui::PushID(row);
        ImGui::TableNextRow();
        if (k.key == current_key) {
          ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(250, 200, 40, 110));
        }
        ImGui::TableNextColumn();
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(std::string(t.str(k.key)).c_str());
        if (ImGui::IsItemHovered()) {
          ImGui::SetTooltip("entry #%u%s", k.entry,
                            k.in_read && k.in_dirty ? ": the same entry in both maps (one value, seen by both)" : "");
        }
        for (bool in : {k.in_read, k.in_dirty}) {
          ImGui::TableNextColumn();
          if (!in) {
            ImGui::TextDisabled("-");
            continue;
          }
          ValueChip(t, k);
          Explain(ValueHelp(k.state));
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"map.lookup.absent",
     "The key is not in read.m and read.m is complete (not amended): it is not in the Map. "
     "No lock was taken."},
    {"map.lookup.read_miss",
     "The key is not in read.m, but dirty has keys read.m lacks (amended): take mu and look "
     "in dirty."},
    {"map.lookup.recheck_hit",
     "Under mu, read.m is loaded again and now has the key: dirty was promoted while this "
     "goroutine waited for the lock. No miss is counted."},
    {"map.lookup.dirty",
     "Under mu, the key was looked up in dirty (found says whether it was there). A miss is "
     "counted next, whatever the result (CompareAndSwap counts one only when found)."},
    {"map.lookup.dirty_delete",
     "LoadAndDelete or Delete under mu: the key was looked up in dirty and removed from it "
     "(it was not in read.m). A miss is counted next."},
    {"map.load.read_hit",
     "Load served from read.m: the entry's value was loaded atomically, without the lock "
     "(found=false: the entry is deleted)."},
    {"map.load.dirty_hit",
     "Load of an entry found in dirty under mu: its value is loaded after unlocking."},
    {"map.swap.fast",
     "Store or Swap on a key read.m has: one CAS put the new value into the entry, no lock "
     "(it works on a deleted entry too). loaded: there was a value before."},
    {"map.swap.read",
     "Store or Swap under mu on an entry of read.m (unexpunged first if it was expunged): "
     "its value is swapped."},
    {"map.swap.dirty",
     "Store or Swap under mu on an entry only dirty has: its value is swapped. No miss is "
     "counted (Swap never does)."},
    {"map.load_or_store.loaded",
     "LoadOrStore found a value and returns it (locked: under mu)."},
    {"map.load_or_store.stored",
     "LoadOrStore found a deleted entry and CASed its value in (locked: under mu)."},
    {"map.delete",
     "LoadAndDelete or Delete CASed the entry's value to nil: deleted, but the entry stays in "
     "read.m (deleted=false: it was already nil or expunged)."},
    {"map.compare_and_swap",
     "CompareAndSwap on the entry: swapped when its value equalled old (value: the value "
     "now). A deleted or expunged entry never matches."},
    {"map.compare_and_delete",
     "CompareAndDelete on the entry: deleted (set to nil) when its value equalled old. The "
     "key stays in dirty."},
    {"map.miss",
     "A lookup needed mu: misses grows. It is still below len(dirty)."},
    {"map.promote",
     "misses reached len(dirty): dirty becomes read.m (no copy), dirty becomes nil, misses 0. "
     "Its keys are now served without the lock; expunged entries are gone."},
    {"map.dirty.init",
     "The first new key since a promotion: a new dirty map is made, to be filled from read.m "
     "(dirtyLocked)."},
    {"map.dirty.copy",
     "dirtyLocked copied an entry of read.m that has a value into dirty (the same entry: "
     "both maps share it)."},
    {"map.expunge",
     "dirtyLocked found a deleted entry and CASed nil to expunged instead of copying it: "
     "dirty leaves it out, and read.m keeps it until the next promotion drops it."},
    {"map.unexpunge",
     "A Store under mu found its entry expunged: CAS expunged to nil and put the entry back "
     "into dirty, so that the next promotion keeps the key."},
    {"map.amend",
     "read is stored again with amended = true (the same read.m): dirty now has a key "
     "read.m lacks."},
    {"map.insert",
     "A new key: a new entry went into dirty (under mu). Loads of it miss read.m until the "
     "next promotion."},
    {"map.range.begin",
     "Range walks the read.m it loaded (snapshot: how many keys). It does not hold the lock: "
     "its callback may use the Map."},
    {"map.range.promote",
     "Range found read.m amended and promoted dirty at once (Range is O(n) anyway): it will "
     "see every key."},
    {"map.range.entry",
     "Range loaded one entry's value (visited=false: deleted or expunged, skipped)."},
    {"map.range.end",
     "Range returned (stopped: the callback returned false)."},
    {"map.clear",
     "Clear (Go 1.23): read.m is replaced by an empty one, dirty is emptied (not set to nil) "
     "and misses set to 0."},
};

constexpr FieldText kFields[] = {
    {"read_len", "How many keys read.m has."},
    {"dirty_len", "How many keys dirty has; -1 while dirty is nil."},
    {"amended", kAmendedHelp},
    {"misses", kMissesHelp},
    {"key", "The key, as text."},
    {"value", "The value, as text (empty when there is none)."},
    {"entry", "Which entry: entries are numbered in the order the Map made them. read.m and "
              "dirty share an entry for a key both have."},
    {"found", "Whether the key (or a value) was there."},
    {"loaded", "Whether the entry had a value before."},
    {"locked", "Whether it happened under mu."},
    {"deleted", "Whether the value was deleted."},
    {"swapped", "Whether the new value was stored."},
    {"snapshot", "How many keys the read.m Range walks has."},
    {"visited", "Whether the callback was called for this key (not for a deleted one)."},
    {"calls", "How many keys the callback was called for."},
    {"stopped", "Whether the callback stopped the Range by returning false."},
};

constexpr ModeText kModes[] = {
    {"clean", IM_COL32(120, 120, 120, 90),
     "dirty is nil: read.m has everything, every lookup is lock-free."},
    {"dirty", IM_COL32(110, 150, 240, 200),
     "dirty exists but holds nothing read.m lacks."},
    {"amended", kAmendedColor,
     "dirty has keys read.m lacks: their lookups lock and count misses until a promotion."},
};

}  // namespace

const KindView kMapView{kEvents, kFields, &DrawMapInspector, kModes, "misses", nullptr, {"read", "dirty"}};

}  // namespace synclab::viewer
