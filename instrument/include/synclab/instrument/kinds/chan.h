// chan.h: the fold of a channel (chan.* events): its ring and wait queues.
#pragma once

#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

// A channel's ring buffer and wait queues, as hchan holds them.
struct ChanState {
  static constexpr std::string_view kStateFields[] = {"qcount", "sendx", "recvx", "closed", "recvq", "sendq"};
  struct Waiter {
    Id g = 0;
    std::int64_t elem = 0;  // a sender's value (a string id; 0: none)
    bool select = false;    // a select's record
    friend bool operator==(const Waiter&, const Waiter&) = default;
  };
  std::int64_t cap = 0;             // dataqsiz
  std::vector<std::int64_t> slots;  // the ring: each slot's value (a string id; 0: empty)
  std::vector<Waiter> recvq, sendq;  // head first
  // Waiters the close under way has released (chan.close.release) so far.
  std::int64_t released_receivers = 0, released_senders = 0;

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 empty and nobody waits, 1 items buffered, 2 goroutines waiting,
  // 3 closed; count: qcount; also: recvq and sendq lengths.
  Summary Summarize(const ObjectState& object) const;
  std::size_t Weight() const { return slots.size() + recvq.size() + sendq.size(); }
  friend bool operator==(const ChanState&, const ChanState&) = default;
};

}  // namespace synclab::instrument::kinds
