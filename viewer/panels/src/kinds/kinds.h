// kinds.h: viewer/panels' one list of kinds: for each kind of kinds.def its
// inspector and the words that explain its events and fields, defined in
// kinds/<noun>.cpp. Shared panels (objects, the event log, tooltips) read
// only this list.
#pragma once

#include <array>
#include <span>
#include <string_view>

#include <imgui.h>

#include "synclab/viewer/panels.h"

namespace synclab::viewer {

struct EventText {
  std::string_view event;  // wire name
  const char* text;
};
struct FieldText {
  std::string_view field;
  const char* text;
};

// A mode of an object's lane (instrument::kinds::Summary::mode).
struct ModeText {
  const char* name;  // "starving"
  ImU32 color;       // the lane's band
  const char* help;
};

struct KindView {
  std::span<const EventText> events;  // every event of the kind, explained
  std::span<const FieldText> fields;  // its fields, explained
  // Draws what the kind shows of obj above the generic table of its fields
  // (the Mutex's word bit by bit ...); nullptr: the generic table only.
  Intent (*inspector)(const Model& m, const Cursor& c, Id obj) = nullptr;
  // Its object lane (for kinds whose fold summarizes, kinds/fold.h): the
  // modes by number, and what the count and who mean ("waiters",
  // "holder"; nullptr: not shown).
  std::span<const ModeText> modes = {};
  const char* count_name = nullptr;
  const char* who_name = nullptr;
  // What Summary::also's numbers are ("read", "dirty"; nullptr: not shown).
  std::array<const char*, 2> also_names = {nullptr, nullptr};
};

#define SYNCLAB_KIND(e, name) extern const KindView k##e##View;
#include "synclab/trace/kinds.def"
#undef SYNCLAB_KIND

const KindView& ViewOf(trace::ObjectKind kind);

}  // namespace synclab::viewer
