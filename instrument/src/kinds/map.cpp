// map.cpp: the fold of a sync.Map (spec section 7). It replays what each
// event says happened to read.m, dirty and the entries, rejects what Go's
// algorithm cannot do, and checks after every event that the state the
// event reports (read_len, dirty_len, amended, misses) is the one it holds.
#include "synclab/instrument/kinds/map.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

namespace {

std::string_view ValueName(MapValue v) {
  switch (v) {
    case MapValue::kValue: return "a value";
    case MapValue::kNil: return "nil (deleted)";
    case MapValue::kExpunged: return "expunged";
  }
  return "?";
}

bool Less(const MapKeyState& k, Id key) { return k.key < key; }

}  // namespace

const MapKeyState* MapState::Find(Id key) const {
  auto it = std::lower_bound(keys.begin(), keys.end(), key, Less);
  return it != keys.end() && it->key == key ? &*it : nullptr;
}

std::string MapState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const std::string_view name = trace::Name(e.kind);
  const bool has_key = trace::FieldIndex(e.kind, "key") >= 0;
  const Id key = has_key ? Id(ctx.Field("key")) : 0;
  auto it = std::lower_bound(keys.begin(), keys.end(), key, Less);
  MapKeyState* k = has_key && it != keys.end() && it->key == key ? &*it : nullptr;
  const bool has_entry = trace::FieldIndex(e.kind, "entry") >= 0;
  const std::int64_t entry = ctx.Field("entry");
  // The event's entry is the one its key maps to now (not one a goroutine
  // still holds after it left both maps).
  const bool current = k != nullptr && has_entry && entry == std::int64_t(k->entry);

  auto fail = [&](std::string_view why) {
    std::string what = std::string(name);
    if (has_key) what += " of key \"" + std::string(ctx.Str("key")) + "\"";
    return ctx.Fail(what + " on " + ctx.Self() + ": " + std::string(why));
  };
  auto in_read = [&] { return k != nullptr && k->in_read; };
  auto in_dirty = [&] { return k != nullptr && k->in_dirty; };
  // A value the event read from its entry agrees with the fold's.
  auto check_value = [&](bool found) -> std::string {
    if (!current) return "";
    if (found != (k->state == MapValue::kValue)) {
      return fail(std::string(found ? "finds a value" : "finds none") + " but the entry is " +
                  std::string(ValueName(k->state)));
    }
    if (found && Id(ctx.Field("value")) != k->value) {
      return fail("reads \"" + std::string(ctx.Str("value")) + "\" but the entry holds \"" +
                  std::string(ctx.trace.str(k->value)) + "\"");
    }
    return "";
  };
  auto set_value = [&] {
    k->state = MapValue::kValue;
    k->value = Id(ctx.Field("value"));
  };
  auto erase_if_gone = [&] {
    if (!k->in_read && !k->in_dirty) keys.erase(keys.begin() + (k - keys.data()));
  };
  // read = {m: dirty}, dirty = nil, misses = 0.
  auto promote = [&]() -> std::string {
    if (dirty_len < 0) return fail("promotes a nil dirty map");
    for (const MapKeyState& s : keys) {
      if (s.in_read && !s.in_dirty && s.state != MapValue::kExpunged) {
        return fail("drops key \"" + std::string(ctx.trace.str(s.key)) + "\", which is not expunged");
      }
    }
    std::erase_if(keys, [](const MapKeyState& s) { return !s.in_dirty; });
    for (MapKeyState& s : keys) {
      s.in_read = true;
      s.in_dirty = false;
    }
    read_len = std::int64_t(keys.size());
    dirty_len = -1;
    amended = false;
    misses = 0;
    return "";
  };

  if (has_entry && (entry < 1 || entry > std::int64_t(entries_made) + (e.kind == EventKind::kMapInsert))) {
    return fail("entry " + std::to_string(entry) + " was never made");
  }
  std::string err;
  switch (e.kind) {
    case EventKind::kMapLookupAbsent:
      if (in_read()) return fail("finds no key in read.m, which has it");
      if (amended) return fail("takes read.m as complete, but it is amended");
      break;
    case EventKind::kMapLookupReadMiss:
      if (in_read()) return fail("finds no key in read.m, which has it");
      if (!amended) return fail("goes to dirty, but read.m is not amended");
      break;
    case EventKind::kMapLookupRecheckHit:
      if (!in_read()) return fail("finds the key in read.m, which lacks it");
      break;
    case EventKind::kMapLookupDirty:
    case EventKind::kMapLookupDirtyDelete: {
      if (in_read()) return fail("looks in dirty for a key read.m has");
      const bool found = ctx.Field("found") != 0;
      if (found != in_dirty()) return fail(found ? "finds it in dirty, which lacks it" : "misses it in dirty, which has it");
      if (e.kind == EventKind::kMapLookupDirtyDelete && found) {
        k->in_dirty = false;
        dirty_len--;
        erase_if_gone();
      }
      break;
    }
    case EventKind::kMapLoadReadHit:
      if (current && !k->in_read) return fail("loads the entry from read.m, which lacks it");
      err = check_value(ctx.Field("found") != 0);
      break;
    case EventKind::kMapLoadDirtyHit: err = check_value(ctx.Field("found") != 0); break;
    case EventKind::kMapRangeEntry: err = check_value(ctx.Field("visited") != 0); break;
    case EventKind::kMapSwapFast:
    case EventKind::kMapSwapRead:
    case EventKind::kMapSwapDirty:
      if (e.kind == EventKind::kMapSwapRead && !(current && k->in_read)) return fail("swaps an entry read.m lacks");
      if (e.kind == EventKind::kMapSwapDirty && !(current && k->in_dirty && !k->in_read)) {
        return fail("swaps an entry that is not in dirty alone");
      }
      if (!current) break;
      if (!k->in_read && e.kind == EventKind::kMapSwapFast) return fail("swaps without the lock an entry read.m lacks");
      if (k->state == MapValue::kExpunged) return fail("swaps a value into an expunged entry");
      if ((ctx.Field("loaded") != 0) != (k->state == MapValue::kValue)) {
        return fail("reports loaded=" + std::string(ctx.Field("loaded") ? "true" : "false") + " but the entry was " +
                    std::string(ValueName(k->state)));
      }
      set_value();
      break;
    case EventKind::kMapLoadOrStoreLoaded:
    case EventKind::kMapLoadOrStoreStored:
      if (ctx.Field("locked") != 0 && !current) return fail("uses under mu an entry neither map holds");
      if (!current) break;
      if (e.kind == EventKind::kMapLoadOrStoreLoaded) {
        err = check_value(true);
      } else if (k->state != MapValue::kNil) {
        return fail("stores into an entry that is " + std::string(ValueName(k->state)));
      } else {
        set_value();
      }
      break;
    case EventKind::kMapDelete:
    case EventKind::kMapCompareAndDelete:
    case EventKind::kMapCompareAndSwap: {
      if (!current) break;
      const bool done = ctx.Field(e.kind == EventKind::kMapCompareAndSwap ? "swapped" : "deleted") != 0;
      if (!done) {
        if (k->state == MapValue::kValue && e.kind != EventKind::kMapDelete) err = check_value(true);
        if (k->state == MapValue::kValue && e.kind == EventKind::kMapDelete) return fail("deletes nothing from an entry with a value");
        break;
      }
      if (k->state != MapValue::kValue) return fail("changes an entry that is " + std::string(ValueName(k->state)));
      if (e.kind == EventKind::kMapCompareAndSwap) {
        set_value();
        break;
      }
      if (std::string why = check_value(true); !why.empty()) return why;
      k->state = MapValue::kNil;
      break;
    }
    case EventKind::kMapMiss:
      if (!amended) return fail("counts a miss while read.m is complete");
      misses++;
      if (misses >= dirty_len) return fail("misses reached len(dirty) without a promotion");
      break;
    case EventKind::kMapPromote:
      if (misses + 1 < dirty_len) return fail("promotes dirty before misses reached len(dirty)");
      err = promote();
      break;
    case EventKind::kMapRangePromote:
      if (!amended) return fail("promotes dirty while read.m is complete");
      err = promote();
      break;
    case EventKind::kMapDirtyInit:
      if (dirty_len >= 0) return fail("makes a dirty map while there is one");
      dirty_len = 0;
      break;
    case EventKind::kMapDirtyCopy:
    case EventKind::kMapExpunge:
      if (dirty_len < 0) return fail("builds a nil dirty map");
      if (!(current && k->in_read)) return fail("copies an entry read.m lacks");
      if (k->in_dirty) return fail("copies an entry dirty has already");
      if (e.kind == EventKind::kMapDirtyCopy) {
        if (k->state != MapValue::kValue) return fail("copies into dirty an entry that is " + std::string(ValueName(k->state)));
        k->in_dirty = true;
        dirty_len++;
      } else {
        if (k->state != MapValue::kNil) return fail("expunges an entry that is " + std::string(ValueName(k->state)));
        k->state = MapValue::kExpunged;
      }
      break;
    case EventKind::kMapUnexpunge:
      if (!(current && k->in_read)) return fail("unexpunges an entry read.m lacks");
      if (k->state != MapValue::kExpunged) return fail("unexpunges an entry that is " + std::string(ValueName(k->state)));
      k->state = MapValue::kNil;
      k->in_dirty = true;
      dirty_len++;
      break;
    case EventKind::kMapAmend:
      if (amended) return fail("amends read.m again");
      if (dirty_len < 0) return fail("amends read.m while dirty is nil");
      amended = true;
      break;
    case EventKind::kMapInsert: {
      if (k != nullptr) return fail("inserts a key that is in the map");
      if (!amended) return fail("inserts a new key into dirty while read.m is not amended");
      if (dirty_len < 0) return fail("inserts into a nil dirty map");
      if (entry != std::int64_t(entries_made) + 1) return fail("inserts entry " + std::to_string(entry) + ", not a new one");
      entries_made = std::uint32_t(entry);
      MapKeyState s;
      s.key = key;
      s.value = Id(ctx.Field("value"));
      s.entry = entries_made;
      s.in_dirty = true;
      keys.insert(it, s);
      dirty_len++;
      break;
    }
    case EventKind::kMapClear:
      keys.clear();
      read_len = 0;
      if (dirty_len > 0) dirty_len = 0;  // Go 1.23's clear(m.dirty) keeps it allocated
      amended = false;
      misses = 0;
      break;
    default: break;  // map.range.begin, map.range.end: no change
  }
  if (!err.empty()) return err;

  // The state the event reports is the fold's.
  const std::int64_t reported[] = {ctx.Field("read_len"), ctx.Field("dirty_len"), ctx.Field("amended"),
                                   ctx.Field("misses")};
  const std::int64_t held[] = {read_len, dirty_len, amended, misses};
  for (std::size_t i = 0; i < std::size(kStateFields); i++) {
    if (reported[i] != held[i]) {
      return fail("reports " + std::string(kStateFields[i]) + "=" + std::to_string(reported[i]) + ", but it is " +
                  std::to_string(held[i]));
    }
  }
  return "";
}

Summary MapState::Summarize(const ObjectState&) const {
  const std::uint8_t mode = amended ? 2 : dirty_len >= 0 ? 1 : 0;
  Summary s{mode, misses, 0};
  s.also = {read_len, dirty_len};
  return s;
}

std::string MapState::Describe(const ObjectView& v) const {
  constexpr std::size_t kShown = 12;  // a line, not a dump of a 1000-key Map
  std::string out = "read_len=" + std::to_string(read_len) + " dirty_len=" + std::to_string(dirty_len) +
                    " amended=" + (amended ? "true" : "false") + " misses=" + std::to_string(misses);
  for (std::size_t i = 0; i < keys.size() && i < kShown; i++) {
    const MapKeyState& k = keys[i];
    out += i == 0 ? " {" : " ";
    out += std::string(v.trace.str(k.key)) + "=";
    switch (k.state) {
      case MapValue::kValue: out += std::string(v.trace.str(k.value)); break;
      case MapValue::kNil: out += "nil"; break;
      case MapValue::kExpunged: out += "expunged"; break;
    }
    out += k.in_read && k.in_dirty ? "[read,dirty]" : k.in_read ? "[read]" : "[dirty]";
  }
  if (keys.size() > kShown) out += " ... " + std::to_string(keys.size() - kShown) + " more";
  if (!keys.empty()) out += "}";
  return out;
}

}  // namespace synclab::instrument::kinds
