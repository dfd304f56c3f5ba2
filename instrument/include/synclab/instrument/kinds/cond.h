// cond.h: the fold of a sync.Cond (cond.* events): its notify list.
#pragma once

#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct CondState {
  static constexpr std::string_view kStateFields[] = {"wait", "notify", "parked"};
  struct Parked {
    std::uint32_t ticket = 0;
    Id g = 0;
    friend bool operator==(const Parked&, const Parked&) = default;
  };
  std::vector<Parked> parked;  // the notify list, head first

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 nobody parked, 1 waiters parked; count: parked waiters.
  Summary Summarize(const ObjectState&) const {
    return {std::uint8_t(parked.empty() ? 0 : 1), std::int64_t(parked.size()), 0};
  }
  friend bool operator==(const CondState&, const CondState&) = default;
};

}  // namespace synclab::instrument::kinds
