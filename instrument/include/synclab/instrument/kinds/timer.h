// timer.h: the fold of a time.Timer / Ticker / AfterFunc (timer.* events).
#pragma once

#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct TimerState {
  static constexpr std::string_view kStateFields[] = {"when", "period", "pending", "c"};
  bool started = false;
  bool pending = false;
  std::int64_t when = 0;    // due (pending) or fired last
  std::int64_t period = 0;  // 0: one-shot
  Id c = 0;                 // its channel (0: AfterFunc)
  std::int64_t fires = 0;   // sends and AfterFunc starts so far
  std::int64_t last_fire = 0;  // when it fired last (the runtime's clock)
  std::int64_t dropped = 0;  // sends that found C full

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 idle, 1 pending; count: fires so far; also: when, period.
  Summary Summarize(const ObjectState&) const {
    return {std::uint8_t(pending ? 1 : 0), fires, 0, {when, period}};
  }
  friend bool operator==(const TimerState&, const TimerState&) = default;
};

}  // namespace synclab::instrument::kinds
