// atomic.h: the fold of sync/atomic's typed integers and Bool (atomic.*
// events): the value before and after the latest operation, checked
// against what each operation says it saw.
#pragma once

#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

// What an atomic word's fold keeps (shared with atomic.Pointer's): its value
// once an event has shown it (the initial value is not traced), and the
// value before the latest operation.
struct AtomicWord {
  bool known = false;
  std::int64_t value = 0;
  std::int64_t before = 0;  // the value before the latest operation (= value for a Load)
  friend bool operator==(const AtomicWord&, const AtomicWord&) = default;
};

// The events of one kind of atomic word, for ApplyAtomicWord.
struct AtomicWordEvents {
  trace::EventKind load, store, swap, cas;
};
// Folds a load, store, swap or CAS of `events` into w: "" or why it
// contradicts the value before (a Load that sees another value, a Swap whose
// old is not it, a CAS that succeeds against another value or fails against
// its own). Other events are left to the caller: `*handled` is false and w
// unchanged.
std::string ApplyAtomicWord(AtomicWord& w, FoldContext& ctx, const AtomicWordEvents& events, bool* handled);

struct AtomicState {
  static constexpr std::string_view kStateFields[] = {"value"};
  AtomicWord word;

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const { return "value=" + v.Field("value"); }
  // mode 0; count: the value.
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const AtomicState&, const AtomicState&) = default;
};

}  // namespace synclab::instrument::kinds
