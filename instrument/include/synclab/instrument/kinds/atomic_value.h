// atomic_value.h: the fold of sync/atomic's Value (atomic.value.* events):
// its type word's three states, who makes the first store, and the data
// before the latest operation (what a Swap returned).
#pragma once

#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct AtomicValueState {
  static constexpr std::string_view kStateFields[] = {"typ", "data"};
  enum class Typ : std::uint8_t { kNil, kFirstStoreInProgress, kTyped };
  Typ typ = Typ::kNil;
  Id first_storer = 0;      // the goroutine between its first store's CAS and its end
  std::int64_t type = 0;    // the stored type's name (a string id) once typed
  std::int64_t data = 0;    // the data (a string id) after the latest event; 0 before any
  std::int64_t before = 0;  // ... and before it

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;  // "typ=Config data={v1}"
  // mode: Typ (0 nil, 1 first store in progress, 2 typed); who: the first storer.
  Summary Summarize(const ObjectState&) const { return {std::uint8_t(typ), 0, first_storer}; }
  friend bool operator==(const AtomicValueState&, const AtomicValueState&) = default;
};

}  // namespace synclab::instrument::kinds
