// context.h: the fold of one context node (ctx.* events): what it is, its
// parent, its children (the cancelCtx's children set), whether and why it
// was cancelled.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct ContextState {
  // Its state is in its events, not in fields every event repeats.
  static constexpr std::array<std::string_view, 0> kStateFields{};
  enum class Node : std::uint8_t {
    kUnknown, kBackground, kTodo, kCancel, kDeadline, kValue, kWithoutCancel, kAfterFunc
  };
  // How propagateCancel tied it to its parent (spec section 12).
  enum class Propagation : std::uint8_t { kNotYet, kNone, kImmediate, kAttach, kAfterFunc, kGoroutine };

  Node node = Node::kUnknown;
  Propagation propagation = Propagation::kNotYet;
  Id parent = 0;       // the Context it was made from
  Id attached_to = 0;  // attach: the cancelCtx whose children it joined
  std::int64_t deadline = 0;
  std::int64_t key = 0, val = 0;  // str ids (valueCtx)
  bool cancelled = false;
  std::int64_t err = 0, cause = 0;  // str ids, once cancelled
  Id cancelled_by = 0;              // the context whose cancel reached it (0: its own)
  Id done = 0;                      // its done channel, once made
  Id timer = 0;                     // a timerCtx's armed timer
  bool afterfunc_ran = false;
  std::int64_t lookups = 0;         // Value calls asked of it
  std::vector<Id> children;         // its cancelCtx's children, in attach order

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 live, 1 cancelled; count: children.
  Summary Summarize(const ObjectState&) const {
    return {std::uint8_t(cancelled ? 1 : 0), std::int64_t(children.size()), 0};
  }
  // A node's name in Go's words ("WithCancel", "context.Background").
  static std::string_view NodeName(Node n);
  friend bool operator==(const ContextState&, const ContextState&) = default;
};

}  // namespace synclab::instrument::kinds
