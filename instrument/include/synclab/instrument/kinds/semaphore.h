// semaphore.h: the fold of an x/sync semaphore.Weighted (wsem.* events): its
// FIFO of waiters with their n, who holds how many tokens, and who waits
// only on its context.
#pragma once

#include <cstdint>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct SemaphoreState {
  static constexpr std::string_view kStateFields[] = {"size", "cur", "waiters", "queue"};
  struct Waiter {
    Id g = 0;
    std::int64_t n = 0;
    Id ready = 0;  // its ready channel (0: none, a too-big request)
    friend bool operator==(const Waiter&, const Waiter&) = default;
  };
  struct Held {
    Id g = 0;
    std::int64_t n = 0;
    friend bool operator==(const Held&, const Held&) = default;
  };
  bool made = false;          // wsem.new seen
  std::int64_t size = 0, cur = 0;
  std::vector<Waiter> queue;    // Go's waiters, front first
  std::vector<Waiter> granted;  // taken off the queue by notify.grant; their Acquire has not returned
  std::vector<Waiter> too_big;  // n > size: waiting only for their ctx, never queued
  // Tokens each goroutine took and has not released, in the order they
  // first took some. Go's semaphore has no owner: a Release is charged to
  // the releaser's own tokens first, then to those held longest (a task
  // releasing what main acquired for it), so they add up to cur.
  std::vector<Held> held;
  bool panicked = false;  // a Release took cur below 0

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  // mode 0 no token held, 1 some held, 2 all held, 3 waiters queued; count:
  // cur; who: the front waiter; also: {waiters, size}.
  Summary Summarize(const ObjectState& object) const;
  // Each holder's tokens are its own: exclusive holds (the timeline's
  // shared holds are read locks, "(read)").
  void Holders(HolderList& out) const {
    for (const Held& h : held) out.push_back({h.g, HoldMode::kExclusive});
  }
  std::size_t Weight() const { return queue.size() + held.size() + granted.size() + too_big.size(); }
  friend bool operator==(const SemaphoreState&, const SemaphoreState&) = default;
};

// The queue field as the primitive writes it: each n, front first, "3 1 1",
// cut at 176 characters with the rest counted (" ... +40").
std::string SemaphoreQueueText(const std::vector<SemaphoreState::Waiter>& queue);

}  // namespace synclab::instrument::kinds
