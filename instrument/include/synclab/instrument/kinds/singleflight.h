// singleflight.h: the fold of a singleflight.Group (sf.* events): its calls
// in flight by key, who leads and who waits on each, and the results the
// last calls shared.
#pragma once

#include <cstdint>
#include <vector>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct SingleFlightState {
  // Its state is in its events (the calls), not in fields every event repeats.
  static constexpr std::array<std::string_view, 0> kStateFields{};
  struct Waiter {
    Id g = 0;
    bool chan = false;  // through DoChan (waits on its channel), else Do (on wg)
    friend bool operator==(const Waiter&, const Waiter&) = default;
  };
  // A call of fn: in the map (or forgotten) until sf.call.done.
  struct Call {
    Id wg = 0;             // the call's WaitGroup: names the call
    std::int64_t key = 0;  // str id
    Id leader = 0;         // the goroutine that runs fn (DoChan: the caller; fn runs in a new one)
    bool chan = false;     // the leader came through DoChan
    bool forgotten = false;  // Forget took it out of the map; it still runs
    std::vector<Waiter> waiters;  // the duplicates, in the order they joined
    friend bool operator==(const Call&, const Call&) = default;
  };
  // A call that ended, and what it handed out.
  struct Finished {
    Id wg = 0;
    std::int64_t key = 0, result = 0;  // str ids
    Id leader = 0;
    std::int64_t dups = 0, chans = 0;
    bool panicked = false;
    friend bool operator==(const Finished&, const Finished&) = default;
  };
  static constexpr std::size_t kKeepFinished = 6;  // the latest results the inspector shows

  std::vector<Call> calls;         // in flight, in the order they began
  std::vector<Finished> finished;  // the latest kKeepFinished, newest last
  std::int64_t started = 0, joined = 0, forgets = 0;  // counts over the run

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 idle, 1 a call in flight, 2 with duplicates waiting; count: calls in flight;
  // who: the first call's leader; also: waiters in all, calls ended.
  Summary Summarize(const ObjectState& object) const;
  std::size_t Weight() const { return calls.size() + finished.size(); }
  // The calls in the map now (not forgotten).
  std::size_t InMap() const;
  friend bool operator==(const SingleFlightState&, const SingleFlightState&) = default;
};

}  // namespace synclab::instrument::kinds
