// barrier.cpp: marusama's CyclicBarrier (spec section 16), step for step.
#include "synclab/barrier.h"

#include <string>

#include "synclab/rwmutex.h"

namespace synclab::cyclicbarrier {

using trace::EventKind;

namespace detail {

// marusama's round: one generation of the barrier.
struct Round {
  int count = 0;           // parties that arrived in this round
  Chan<Unit> wait_ch;      // closed when the round trips
  Chan<Unit> broke_ch;     // closed when the round breaks
  bool is_broken = false;
  std::int64_t number = 0;  // 1, 2, ... (the trace's name for the round object)
};

// Why a round broke (the trace's text only).
enum class Why { kCtx, kAction, kReset };

struct Barrier {
  Barrier(int parties, std::function<error()> action, std::string_view name, const Site& site)
      : parties(parties),
        action(std::move(action)),
        id(rt::RegisterObject(trace::ObjectKind::kBarrier, name, 0, site)),
        lock(id, "lock", site) {
    rt::Emit(EventKind::kCbNew, id, site, round.number, round.count, parties, round.is_broken,
             bool(this->action));
    round = NewRound(site);
    TraceRoundNew(site);
  }

  error Await(const context::Context& ctx, const Site& site);
  void BreakBarrier(bool need_lock, const Site& site);
  void ResetRound(bool safe, const Site& site);

  // A fresh round; its channels are parts of the barrier named after it.
  Round NewRound(const Site& site) const {
    Round r;
    r.number = round.number + 1;
    const std::string prefix = "round" + std::to_string(r.number);
    r.wait_ch = make_chan_in<Unit>(id, prefix + ".waitCh", 0, site);
    r.broke_ch = make_chan_in<Unit>(id, prefix + ".brokeCh", 0, site);
    return r;
  }
  // Emits `kind` with the round's state. Called with lock held.
  void Trace(EventKind kind, const Site& site) const {
    rt::Emit(kind, id, site, round.number, round.count, parties, round.is_broken);
  }
  void TraceRoundNew(const Site& site) const {
    rt::Emit(EventKind::kCbRoundNew, id, site, round.number, round.count, parties, round.is_broken,
             round.wait_ch.id(), round.broke_ch.id());
  }

  const int parties;
  const std::function<error()> action;
  const ObjectId id;
  RWMutex lock;
  Round round;  // guarded by lock
};

error Barrier::Await(const context::Context& ctx, const Site& site) {
  RecvChan<Unit> ctx_done;  // nil: a nil ctx is never done
  if (!ctx.nil()) ctx_done = ctx.Done();

  // Check if the context is done.
  bool done = false;
  select(recv_case(ctx_done, [&] { done = true; }, site), default_case(site));
  if (done) {
    error err = ctx.Err();
    rt::Emit(EventKind::kCbAwaitCtxDone, id, site, err.Error());
    return err;
  }

  lock.Lock(site);
  if (round.is_broken) {
    Trace(EventKind::kCbAwaitBroken, site);
    lock.Unlock(site);
    return ErrBrokenBarrier;
  }
  round.count++;
  Trace(EventKind::kCbAwaitArrive, site);
  // Saved in locals: the round may be replaced as soon as we unlock.
  const Chan<Unit> wait_ch = round.wait_ch;
  const Chan<Unit> broke_ch = round.broke_ch;
  const int count = round.count;
  const std::int64_t number = round.number;
  lock.Unlock(site);

  if (count > parties) throw Panic("CyclicBarrier.Await is called more than count of parties");

  if (count < parties) {
    // Wait for the other parties.
    enum { kPass, kBroken, kCtx } woke = kPass;
    select(recv_case(wait_ch, [&] { woke = kPass; }, site),
           recv_case(broke_ch, [&] { woke = kBroken; }, site),
           recv_case(ctx_done, [&] { woke = kCtx; }, site));
    switch (woke) {
      case kPass:
        rt::Emit(EventKind::kCbAwaitPass, id, site, number);
        return error();
      case kBroken:
        rt::Emit(EventKind::kCbAwaitBrokenWake, id, site, number);
        return ErrBrokenBarrier;
      case kCtx: {
        error err = ctx.Err();
        rt::Emit(EventKind::kCbAwaitCtx, id, site, number, err.Error());
        BreakBarrier(true, site);
        return err;
      }
    }
  }
  // We are last: run the barrier action and reset the barrier.
  if (action) {
    rt::Emit(EventKind::kCbActionRun, id, site, number);
    error err = action();
    if (err) {
      rt::Emit(EventKind::kCbActionError, id, site, number, err.Error());
      BreakBarrier(true, site);
      return err;
    }
  }
  ResetRound(true, site);
  return error();
}

// Go: breakBarrier(needLock).
void Barrier::BreakBarrier(bool need_lock, const Site& site) {
  if (need_lock) lock.Lock(site);
  if (!round.is_broken) {
    round.is_broken = true;
    Trace(EventKind::kCbBreak, site);
    round.broke_ch.Close(site);  // broadcast
  }
  if (need_lock) lock.Unlock(site);
}

// Go: reset(safe). safe: the last party trips the round; else Reset().
void Barrier::ResetRound(bool safe, const Site& site) {
  lock.Lock(site);
  if (safe) {
    Trace(EventKind::kCbTrip, site);
    round.wait_ch.Close(site);  // broadcast: pass the waiting goroutines
  } else {
    Trace(EventKind::kCbReset, site);
    if (round.count > 0) BreakBarrier(false, site);
  }
  round = NewRound(site);
  TraceRoundNew(site);
  lock.Unlock(site);
}

}  // namespace detail

detail::Barrier& CyclicBarrier::Impl() const {
  if (!impl_) throw Panic("runtime error: invalid memory address or nil pointer dereference");
  return *impl_;
}

error CyclicBarrier::Await(const context::Context& ctx, Site site) const { return Impl().Await(ctx, site); }

void CyclicBarrier::Reset(Site site) const { Impl().ResetRound(false, site); }

int CyclicBarrier::GetNumberWaiting() const {
  detail::Barrier& b = Impl();
  b.lock.RLock();
  const int n = b.round.count;
  b.lock.RUnlock();
  return n;
}

int CyclicBarrier::GetParties() const { return Impl().parties; }

bool CyclicBarrier::IsBroken() const {
  detail::Barrier& b = Impl();
  b.lock.RLock();
  const bool broken = b.round.is_broken;
  b.lock.RUnlock();
  return broken;
}

ObjectId CyclicBarrier::id() const { return impl_ ? impl_->id : 0; }

CyclicBarrier New(int parties, std::string_view name, Site site) {
  return NewWithAction(parties, nullptr, name, site);
}

CyclicBarrier NewWithAction(int parties, std::function<error()> action, std::string_view name,
                            Site site) {
  if (parties <= 0) throw Panic("parties must be positive number");
  return CyclicBarrier(std::make_shared<detail::Barrier>(parties, std::move(action), name, site));
}

}  // namespace synclab::cyclicbarrier
