// pool.h: the fold of a sync.Pool (pool.*, poolchain.*, pooldequeue.*
// events): per P its private item and its shared chain of dequeues with
// their head, tail and items, for the local cache and for the victim.
//
// A keyframe copies all of it: per P an optional item and a vector of
// dequeues, each with a vector of the items it holds (not of its slots):
// Weight() counts them, and the viewer spaces keyframes by it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct PoolState {
  static constexpr std::string_view kStateFields[] = {"local_size", "victim_size"};
  // More Ps than this is a corrupt trace, not a machine.
  static constexpr std::int64_t kMaxLocals = 4096;

  struct Item {
    std::int64_t id = 0;     // its number (the item field)
    std::int64_t label = 0;  // a string id (its text may be "")
    friend bool operator==(const Item&, const Item&) = default;
  };
  // A poolDequeue of a chain.
  struct Deque {
    std::uint32_t serial = 0;  // 0, 1, ... in the order its chain made them
    std::uint32_t size = 0;    // slots in its ring
    std::uint32_t head = 0, tail = 0;
    std::vector<Item> items;  // [tail, head): the oldest (tail) first
    // Slots a popTail has taken and not yet handed back (type word still
    // set): a push cannot use them.
    std::vector<std::uint32_t> releasing;
    // Since head last moved, a popTail has taken the slot at head (and may
    // have handed it back since): the owner's pushHead, which reads the
    // indices and that slot's type word a step before it grows the chain,
    // may have found the dequeue full.
    bool head_taken = false;
    friend bool operator==(const Deque&, const Deque&) = default;
  };
  // A poolLocal.
  struct Local {
    std::optional<Item> priv;
    std::vector<Deque> chain;  // the shared poolChain, tail first, head last
    // Dequeues dropped from the chain while a popTail was still handing a
    // slot back (they go when it has).
    std::vector<Deque> unlinked;
    std::size_t items() const;
    friend bool operator==(const Local&, const Local&) = default;
  };

  std::vector<Local> local;   // localSize entries (none: local is nil)
  std::vector<Local> victim;  // the previous cycle's local, as long as it is kept
  std::size_t victim_size = 0;  // Go's victimSize: 0 once the victim is exhausted
  std::uint64_t rotations = 0;  // pool.gc.rotate events so far
  std::size_t dropped = 0;      // items the latest rotation dropped (the old victim's)

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 empty, 1 items in local only, 2 items in the victim (the next GC
  // drops them); count: the items in both.
  Summary Summarize(const ObjectState& object) const;
  std::size_t Weight() const;  // Ps, dequeues and items
  friend bool operator==(const PoolState&, const PoolState&) = default;
};

}  // namespace synclab::instrument::kinds
