// select.h: the fold of a goroutine's select object (select.* events): its
// latest select statement, its cases in poll order and the one chosen.
#pragma once

#include <array>
#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

// A goroutine's select object: its latest select statement.
struct SelectState {
  static constexpr std::array<std::string_view, 0> kStateFields{};
  struct Case {
    Id chan = 0;            // 0: a nil channel
    bool send = false;
    int poll = -1, lock = -1;  // positions in the poll and lock orders (-1: nil channel)
    std::int64_t elem = 0;  // a send's value (string id)
    friend bool operator==(const Case&, const Case&) = default;
  };
  enum class Phase : std::uint8_t { kIdle, kPolling, kParked, kDone };
  std::vector<Case> cases;  // source order
  bool has_default = false;
  Phase phase = Phase::kIdle;
  int chosen = -2;         // the case that ran; -1: default; -2: none yet
  std::int64_t how = 0;    // string id: buffer, direct, rotate, closed ("" when woken)
  bool woken = false;      // chosen by a partner while parked
  bool ok = false;

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 not selecting, 1 polling, 2 parked; count: cases.
  Summary Summarize(const ObjectState&) const {
    return {std::uint8_t(phase == Phase::kPolling ? 1 : phase == Phase::kParked ? 2 : 0),
            std::int64_t(cases.size()), 0};
  }
  std::size_t Weight() const { return cases.size(); }
  friend bool operator==(const SelectState&, const SelectState&) = default;
};

}  // namespace synclab::instrument::kinds
