// semaphore.cpp: x/sync/semaphore.Weighted (v0.7.0 and later; spec section
// 13), line for line: Acquire, TryAcquire, Release, notifyWaiters. Go's
// names and comments are kept where the port follows them.
#include "synclab/semaphore.h"

#include <fmt/format.h>

#include "synclab/format.h"

namespace synclab::semaphore {

using trace::EventKind;

namespace {

// Go's `select { case <-c: return true; default: return false }`: a
// non-blocking receive (false at once on a nil channel).
bool Received(const RecvChan<Unit>& c, const Site& site) {
  bool got = false;
  select(recv_case(c, [&] { got = true; }, site), default_case(site));
  return got;
}

// The waiters' n, front first, as an event's queue field: "3 1 1". What does
// not fit in kMaxTraceText is counted instead: "3 1 ... +40".
class QueueText {
 public:
  template <typename List>
  explicit QueueText(const List& waiters) {
    static constexpr std::size_t kTail = 24;  // room kept for " ... +<count>"
    std::size_t left = waiters.size();
    for (const auto& w : waiters) {
      char num[24];
      const std::size_t len = std::size_t(fmt::format_to_n(num, sizeof num, "{}", w.n).out - num);
      const std::size_t need = len + (size_ > 0 ? 1 : 0);
      if (size_ + need > kMaxTraceText - kTail) break;
      if (size_ > 0) buf_[size_++] = ' ';
      for (std::size_t i = 0; i < len; i++) buf_[size_++] = num[i];
      left--;
    }
    if (left > 0) {
      size_ += std::size_t(fmt::format_to_n(buf_ + size_, kMaxTraceText - size_, " ... +{}", left).out -
                           (buf_ + size_));
    }
  }
  std::string_view view() const { return {buf_, size_}; }

 private:
  char buf_[kMaxTraceText];
  std::size_t size_ = 0;
};

}  // namespace

// Events with the state fields (size cur waiters queue) come from under mu
// (or the constructor), so mu orders them as the state changed.
template <typename... Extra>
void Weighted::Trace(EventKind kind, const Site& site, const Extra&... extra) const {
  if (!rt::Tracing()) return;
  QueueText queue(waiters_);
  rt::Emit(kind, id_, site, size_, cur_, std::int64_t(waiters_.size()), queue.view(), extra...);
}

Weighted::Weighted(std::int64_t n, std::string_view name, Site site)
    : size_(n),
      id_(rt::RegisterObject(trace::ObjectKind::kSemaphore, name, 0, site)),
      mu_(id_, "mu", site) {
  Trace(EventKind::kWsemNew, site);
}

// Go: (*Weighted).Acquire.
error Weighted::Acquire(const context::Context& ctx, std::int64_t n, Site site) {
  RecvChan<Unit> done = ctx.Done();

  mu_.Lock(site);
  // ctx becoming done has "happened before" acquiring the semaphore, whether
  // it became done before the call began or while we were waiting for the
  // mutex: fail even if tokens are free (x/sync v0.7.0).
  if (Received(done, site)) {
    Trace(EventKind::kWsemAcquireCtxDone, site, n);
    mu_.Unlock(site);
    return ctx.Err();
  }
  // The fast path. "No waiters" matters as much as the free tokens: without
  // it a newcomer would overtake the queue (INV3).
  if (size_ - cur_ >= n && waiters_.empty()) {
    {
      rt::Step step(id_);
      cur_ += n;
      Trace(EventKind::kWsemAcquireFast, site, n);
    }
    mu_.Unlock(site);
    return {};
  }

  if (n > size_) {
    // Don't make other Acquire calls block on one that's doomed to fail.
    Trace(EventKind::kWsemAcquireTooBig, site, n);
    mu_.Unlock(site);
    done.Recv(site);  // a nil done (Background) blocks forever, as <-nil does
    {
      rt::TraceSection section(id_);
      rt::Emit(EventKind::kWsemAcquireTooBigDone, id_, site, n);
    }
    return ctx.Err();
  }

  Chan<Unit> ready = make_chan_in<Unit>(id_, "ready", 0, site);
  auto elem = waiters_.insert(waiters_.end(), Waiter{n, ready, rt::CurrentId()});
  {
    rt::Step step(id_);
    Trace(EventKind::kWsemAcquireEnqueue, site, n, ready.id());
  }
  mu_.Unlock(site);

  bool cancelled = false;
  select(recv_case(done, [&] { cancelled = true; }, site), recv_case(ready, site));
  if (cancelled) {
    mu_.Lock(site);
    if (Received(ready, site)) {
      // Acquired the semaphore after we were canceled. Pretend we didn't
      // and put the tokens back.
      {
        rt::Step step(id_);
        cur_ -= n;
        Trace(EventKind::kWsemAcquireCancelGiveBack, site, n);
      }
      NotifyWaiters(site);
    } else {
      const bool front = elem == waiters_.begin();
      const bool notify = front && size_ > cur_;
      {
        rt::Step step(id_);
        waiters_.erase(elem);
        Trace(EventKind::kWsemAcquireCancel, site, n, front, notify);
      }
      // If we're at the front and there're extra tokens left, notify other
      // waiters: they may fit now that we no longer hold them back.
      if (notify) NotifyWaiters(site);
    }
    mu_.Unlock(site);
    return ctx.Err();
  }

  // Acquired the semaphore. Check that ctx isn't already done (the done
  // channel, not ctx.Err(), which walks the context's ancestors).
  if (Received(done, site)) {
    {
      rt::TraceSection section(id_);
      rt::Emit(EventKind::kWsemAcquireGrantedDone, id_, site, n);
    }
    Release(n, site);
    return ctx.Err();
  }
  {
    rt::TraceSection section(id_);
    rt::Emit(EventKind::kWsemAcquireGranted, id_, site, n);
  }
  return {};
}

// Go: (*Weighted).TryAcquire.
bool Weighted::TryAcquire(std::int64_t n, Site site) {
  mu_.Lock(site);
  bool success;
  {
    rt::Step step(id_);
    success = size_ - cur_ >= n && waiters_.empty();
    if (success) cur_ += n;
    Trace(EventKind::kWsemTryAcquire, site, n, success);
  }
  mu_.Unlock(site);
  return success;
}

// Go: (*Weighted).Release.
void Weighted::Release(std::int64_t n, Site site) {
  mu_.Lock(site);
  bool over;
  {
    rt::Step step(id_);
    cur_ -= n;
    over = cur_ < 0;
    Trace(over ? EventKind::kWsemReleasePanic : EventKind::kWsemRelease, site, n);
  }
  if (over) {
    mu_.Unlock(site);
    throw Panic("semaphore: released more than held");
  }
  NotifyWaiters(site);
  mu_.Unlock(site);
}

// Go: (*Weighted).notifyWaiters, with mu held.
void Weighted::NotifyWaiters(const Site& site) {
  while (!waiters_.empty()) {
    Waiter& w = waiters_.front();
    if (size_ - cur_ < w.n) {
      // Not enough tokens for the next waiter. We could keep going (to try
      // to find a waiter with a smaller request), but under load that could
      // cause starvation for large requests; instead, we leave all remaining
      // waiters blocked. (A semaphore of N tokens used as a read-write lock:
      // readers Acquire(1), a writer Acquire(N). If readers could jump ahead
      // in the queue, the writer would starve: there is always one token
      // for every reader.)
      rt::TraceSection section(id_);
      Trace(EventKind::kWsemNotifyBlocked, site, w.n, w.g);
      break;
    }
    Chan<Unit> ready = w.ready;
    {
      rt::Step step(id_);
      const std::int64_t granted = w.n;
      const GoroutineId g = w.g;
      cur_ += granted;
      waiters_.pop_front();
      Trace(EventKind::kWsemNotifyGrant, site, granted, g);
    }
    ready.Close(site);
  }
}

}  // namespace synclab::semaphore
