// map.h: the fold of a sync.Map (map.* events): every key in read.m or
// dirty, the entry it maps to and that entry's value (a value, nil or
// expunged), with amended and misses; it checks Go's invariants as it goes.
#pragma once

#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

// An entry's value (Go's entry.p).
enum class MapValue : std::uint8_t {
  kValue,     // present
  kNil,       // deleted; dirty is nil or still has the entry
  kExpunged,  // deleted, and left out of a non-nil dirty
};

// A key of the Map and the entry it maps to. Compact on purpose: the viewer
// copies every object's fold at each keyframe: a 1000-key Map is 16 KB of
// keys per keyframe (and Weight() spaces its keyframes accordingly).
struct MapKeyState {
  Id key = 0;                // the key's text: an id into the trace's strings
  Id value = 0;              // the value's text, while state == kValue
  std::uint32_t entry = 0;   // the entry's number in its Map
  MapValue state = MapValue::kValue;
  bool in_read = false;      // read.m has it
  bool in_dirty = false;     // dirty has it (the same entry)
  friend bool operator==(const MapKeyState&, const MapKeyState&) = default;
};
static_assert(sizeof(MapKeyState) == 16);

struct MapState {
  static constexpr std::string_view kStateFields[] = {"read_len", "dirty_len", "amended", "misses"};
  // The keys in read.m or dirty, by key id (the order the trace first
  // named them). An entry that left both maps is no longer here: events of
  // goroutines that still hold it are accepted without changing anything.
  std::vector<MapKeyState> keys;
  std::int64_t read_len = 0;
  std::int64_t dirty_len = -1;  // -1 while dirty is nil
  bool amended = false;
  std::int64_t misses = 0;
  std::uint32_t entries_made = 0;  // the newest entry's number

  // The key's state, or nullptr if neither map has it.
  const MapKeyState* Find(Id key) const;

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  std::size_t Weight() const { return keys.size(); }
  // mode 0 clean (dirty is nil), 1 dirty (a copy of read.m, nothing new in
  // it), 2 amended (dirty has keys read.m lacks: their loads lock and count
  // misses); count: misses; also: read_len, dirty_len.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const MapState&, const MapState&) = default;
};

}  // namespace synclab::instrument::kinds
