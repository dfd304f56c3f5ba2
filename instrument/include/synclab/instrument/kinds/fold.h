// fold.h: what a kind's fold is given and gives back (see kinds.h).
//
// A kind's fold state is a plain copyable struct (the viewer keeps copies of
// it) with these members:
//   static constexpr std::string_view kStateFields[]
//       the event fields that are the object's state (the text replay shows
//       them decoded in the object's line, not among the event's operands);
//   std::string Apply(FoldContext& ctx)
//       folds ctx.e, an event of this kind, in; returns "" or why the event
//       contradicts what came before (ctx.Fail(...));
//   std::string Describe(const ObjectView& v) const
//       the object's state for the text replay ("locked=1 ... holder=G2");
// and, for kinds that can be held (a lock):
//   void Holders(HolderList& out) const
//       who holds it now, and how (the viewer draws hold spans from it);
// and, for kinds whose state grows (a Map's entries, a Pool's items):
//   std::size_t Weight() const
//       how many small units it holds (the viewer spaces its keyframes by
//       it, so copies of large states stay few);
// and, for kinds the viewer draws an object lane for:
//   Summary Summarize(const ObjectState& object) const
//       the object's state in three numbers (see Summary).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synclab/instrument/trace.h"

namespace synclab::instrument {

class State;
struct ObjectState;
enum class GStatus : std::uint8_t;

namespace kinds {

// How a goroutine holds an object: alone (a Mutex, a writer) or shared with
// others (a reader).
enum class HoldMode : std::uint8_t { kExclusive, kShared };

struct Holder {
  Id g = 0;
  HoldMode mode = HoldMode::kExclusive;
  friend bool operator==(const Holder&, const Holder&) = default;
};
using HolderList = std::vector<Holder>;

// What an object lane draws of an object at a step, in its kind's terms:
// a mode (the lane's colour band: a Mutex's normal or starving, an RWMutex
// read or write held), a count (waiters, readers, a WaitGroup's counter) and
// who (the holder, the writer), and up to two more numbers (also). The
// viewer's kind view names the modes;
// higher modes are the ones to notice (a zoomed-out lane shows the highest
// mode of what it merges).
struct Summary {
  std::uint8_t mode = 0;  // 0: idle
  std::int64_t count = 0;
  Id who = 0;
  // Two more numbers for kinds whose state is more than a count (a Map's
  // read and dirty sizes beside its misses); the kind view names them.
  std::array<std::int64_t, 2> also{};
  friend bool operator==(const Summary&, const Summary&) = default;
};

// One event being folded into the object it concerns.
struct FoldContext {
  const Trace& trace;
  const TraceEvent& e;
  State& state;         // the whole run so far (goroutines, other objects)
  ObjectState& object;  // e.obj's generic part: fields, last event

  // "events[12]: " + why.
  std::string Fail(std::string_view why) const;
  // e's field by name (the catalogue's order); 0 if it has none.
  std::int64_t Field(std::string_view name) const;
  // A str field's text.
  std::string_view Str(std::string_view name) const { return trace.str(Field(name)); }
  std::string G(Id g) const;          // "G3 worker"
  std::string Obj(Id obj) const;      // "mu"
  std::string Self() const { return Obj(e.obj); }
  // Marks the acting goroutine (e.g. spinning, until its next event).
  void SetStatus(GStatus status) const;
  // Another object's fold state, if it is of kind K's kind (else nullptr):
  // for kinds whose events change a related object too (a context's attach
  // adds it to its parent's children).
  template <typename K>
  K* Other(Id obj) const;
};

// An object as the text replay describes it.
struct ObjectView {
  const Trace& trace;
  Id id;
  const ObjectState& object;
  std::string Field(std::string_view name) const;  // its latest value, or "?"
};

}  // namespace kinds
}  // namespace synclab::instrument
