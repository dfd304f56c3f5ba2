// chan.cpp: Go's channels and select (runtime/chan.go, select.go; spec
// sections 10 and 11), once for every element type. Step numbers in the
// comments are the spec's.
#include "synclab/chan.h"

#include <algorithm>
#include <array>

namespace synclab::detail {

using trace::EventKind;

// Go's gp.selectDone and gp.param, for one execution of a select: they live
// on the selecting goroutine's stack, and its waiter records point here.
struct SelectWait {
  std::atomic<std::uint32_t> done{0};  // a partner claims the select by CAS 0 -> 1
  Sudog* fired = nullptr;              // the record its partner completed (under that channel's lock)
};

// Go's sudog: a goroutine waiting on one channel, on that goroutine's stack.
// elem: the value it sends, or where it receives (the partner moves the
// value in or out while holding the channel's lock). success: completed by
// a partner (true) or woken by Close (false).
struct Sudog {
  rt::G* g = nullptr;
  void* elem = nullptr;
  ChanCore* c = nullptr;
  SelectWait* sel = nullptr;  // non-null: a select's record (Go's isSelect)
  bool success = false;
  Sudog* next = nullptr;
  Sudog* prev = nullptr;
};

namespace {

inline constexpr std::uint64_t kMaxAlloc = std::uint64_t(1) << 48;  // Go's maxAlloc (linux/amd64)
inline constexpr std::uint64_t kHchanSize = 96;                      // unsafe.Sizeof(hchan{})

}  // namespace

void CheckMakeChan(std::int64_t cap, std::size_t elem_size) {
  // Go: mem, overflow := math.MulUintptr(elem.size, uintptr(size)).
  if (cap < 0 || (elem_size != 0 && std::uint64_t(cap) > (kMaxAlloc - kHchanSize) / elem_size)) {
    throw Panic("makechan: size out of range");
  }
}

void BlockForever(WaitReason reason, const Site& site) {
  // gopark(nil, nil, reason): nothing will ever ready us. The run's
  // deadlock detector reports it if nothing else can run; at teardown Park
  // unwinds us.
  for (;;) rt::Park(reason, 0, site);
}

ChanCore::ChanCore(std::int64_t dataqsiz, const ElemOps& ops, void* buf, std::string_view name,
                   const Site& site, ObjectId parent)
    : ops_(ops),
      dataqsiz_(dataqsiz),
      buf_(buf),
      id_(rt::RegisterObject(trace::ObjectKind::kChan, name, parent, site)) {
  rt::Emit(EventKind::kChanMake, id_, site, dataqsiz_);
}

void ChanCore::Trace(EventKind kind, GoroutineId actor, const Site& site, const void* elem,
                     std::int64_t last) const {
  if (!rt::Tracing()) return;
  TraceText text{std::string_view()};
  if (elem != nullptr) ops_.format(elem, &text);
  rt::EmitAs(actor, kind, id_, site, qcount_.load(std::memory_order_relaxed),
             sendx_.load(std::memory_order_relaxed), recvx_.load(std::memory_order_relaxed),
             closed_.load(std::memory_order_relaxed), recvq_.len.load(std::memory_order_relaxed),
             sendq_.len.load(std::memory_order_relaxed), text.view(), last);
}

// An event whose last two fields are integers (chan.close, chan.dequeue.skip).
void ChanCore::TraceInts(EventKind kind, GoroutineId actor, const Site& site, std::int64_t a,
                         std::int64_t b) const {
  rt::EmitAs(actor, kind, id_, site, qcount_.load(std::memory_order_relaxed),
             sendx_.load(std::memory_order_relaxed), recvx_.load(std::memory_order_relaxed),
             closed_.load(std::memory_order_relaxed), recvq_.len.load(std::memory_order_relaxed),
             sendq_.len.load(std::memory_order_relaxed), a, b);
}

void ChanCore::Advance(std::atomic<std::int64_t>& x) const {
  std::int64_t next = x.load(std::memory_order_relaxed) + 1;
  if (next == dataqsiz_) next = 0;
  x.store(next, std::memory_order_relaxed);
}

// Go's full(c): a send could not proceed now. Read without the lock: a
// record queued means someone waits (it may be a claimed select's, as in Go).
bool ChanCore::Full() const {
  if (dataqsiz_ == 0) return recvq_.len.load(std::memory_order_relaxed) == 0;
  return qcount_.load(std::memory_order_relaxed) == dataqsiz_;
}

// Go's empty(c): a receive could not proceed now (closed aside).
bool ChanCore::Empty() const {
  if (dataqsiz_ == 0) return sendq_.len.load(std::memory_order_relaxed) == 0;
  return qcount_.load(std::memory_order_relaxed) == 0;
}

void ChanCore::Enqueue(WaitQ& q, Sudog* s) {
  s->next = nullptr;
  s->prev = q.last;
  (q.last == nullptr ? q.first : q.last->next) = s;
  q.last = s;
  q.len.fetch_add(1, std::memory_order_relaxed);
}

// Go's waitq.dequeue: the head, skipping (and dropping) the records of
// selects another case already claimed. A record taken off is unlinked
// (prev = next = nullptr, not first): DequeueSudog on it does nothing.
Sudog* ChanCore::Dequeue(WaitQ& q, const Site& site, GoroutineId actor) {
  for (;;) {
    Sudog* s = q.first;
    if (s == nullptr) return nullptr;
    Sudog* y = s->next;
    if (y == nullptr) {
      q.first = q.last = nullptr;
    } else {
      y->prev = nullptr;
      q.first = y;
      s->next = nullptr;
    }
    q.len.fetch_sub(1, std::memory_order_relaxed);
    // A select woken by another case must not complete this one too; its
    // goroutine is held off by our lock until we are done with s.
    std::uint32_t unclaimed = 0;
    if (s->sel != nullptr && !s->sel->done.compare_exchange_strong(unclaimed, 1)) {
      TraceInts(EventKind::kChanDequeueSkip, actor, site, std::int64_t(s->g->id), &q == &sendq_);
      continue;
    }
    return s;
  }
}

// Go's waitq.dequeueSudoG: takes s out of q wherever it is; false if it was
// no longer queued (a partner or a skipping dequeue took it).
bool ChanCore::DequeueSudog(WaitQ& q, Sudog* s) {
  Sudog* x = s->prev;
  Sudog* y = s->next;
  if (x != nullptr) {
    x->next = y;
    (y != nullptr ? y->prev : q.last) = x;
  } else if (y != nullptr) {
    y->prev = nullptr;
    q.first = y;
  } else if (q.first == s) {  // the only record
    q.first = q.last = nullptr;
  } else {
    return false;
  }
  s->next = s->prev = nullptr;
  q.len.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

// Go's send(): the value goes straight into the waiting receiver's slot;
// the buffer (empty, or there would be no receiver waiting) is untouched.
rt::G* ChanCore::SendDirect(Sudog* sg, void* ep, bool copy, GoroutineId actor, const Site& site) {
  (copy ? ops_.copy(sg->elem, ep) : ops_.move(sg->elem, ep));
  sg->success = true;
  if (sg->sel != nullptr) sg->sel->fired = sg;
  Trace(EventKind::kChanSendDirect, actor, site, sg->elem, std::int64_t(sg->g->id));
  return sg->g;
}

void ChanCore::SendBuffer(void* ep, bool copy, GoroutineId actor, const Site& site) {
  void* qp = Slot(sendx_.load(std::memory_order_relaxed));
  (copy ? ops_.copy(qp, ep) : ops_.move(qp, ep));
  Advance(sendx_);
  qcount_.fetch_add(1, std::memory_order_relaxed);
  Trace(EventKind::kChanSendBuffer, actor, site, qp);
}

// Go's recv(): from a waiting sender. Unbuffered: its value directly.
// Buffered (then necessarily full): the head of the buffer, and the
// sender's value into the slot it frees, so FIFO order holds; the ring
// stays full and sendx follows recvx.
rt::G* ChanCore::RecvFrom(Sudog* sg, void* ep, const Site& site) {
  const GoroutineId me = rt::CurrentId();
  if (dataqsiz_ == 0) {
    ops_.move(ep, sg->elem);
    sg->success = true;
    if (sg->sel != nullptr) sg->sel->fired = sg;
    Trace(EventKind::kChanRecvDirect, me, site, ep, std::int64_t(sg->g->id));
  } else {
    void* qp = Slot(recvx_.load(std::memory_order_relaxed));
    ops_.move(ep, qp);
    ops_.move(qp, sg->elem);
    Advance(recvx_);
    sendx_.store(recvx_.load(std::memory_order_relaxed), std::memory_order_relaxed);
    sg->success = true;
    if (sg->sel != nullptr) sg->sel->fired = sg;
    Trace(EventKind::kChanRecvRotate, me, site, ep, std::int64_t(sg->g->id));
  }
  return sg->g;
}

void ChanCore::RecvBuffer(void* ep, const Site& site) {
  void* qp = Slot(recvx_.load(std::memory_order_relaxed));
  ops_.move(ep, qp);
  ops_.clear(qp);
  Advance(recvx_);
  qcount_.fetch_sub(1, std::memory_order_relaxed);
  Trace(EventKind::kChanRecvBuffer, rt::CurrentId(), site, ep);
}

void ChanCore::RecvClosed(void* ep, const Site& site) {
  ops_.clear(ep);
  Trace(EventKind::kChanRecvClosed, rt::CurrentId(), site, ep);
}

// Takes a parked goroutine's record out of its queue when the goroutine is
// unwound at run teardown, so no queue keeps a pointer into a dead stack.
// In sim the run is single-threaded and being torn down; the lock may be
// held by another unwound goroutine, so it is not taken (as sema's guard).
class ChanQueueGuard {
 public:
  ChanQueueGuard(ChanCore* c, WaitQ* q, Sudog* s) : c_(c), q_(q), s_(s) {}
  ChanQueueGuard(const ChanQueueGuard&) = delete;
  ChanQueueGuard& operator=(const ChanQueueGuard&) = delete;
  void Disarm() { c_ = nullptr; }
  ~ChanQueueGuard() {
    if (c_ == nullptr) return;
    const bool sim = rt::InSim();
    if (!sim) c_->lock_.Lock();
    ChanCore::DequeueSudog(*q_, s_);
    if (!sim) c_->lock_.Unlock();
  }

 private:
  ChanCore* c_;
  WaitQ* q_;
  Sudog* s_;
};

bool ChanCore::Send(void* ep, bool block, const Site& site) {
  const GoroutineId me = rt::CurrentId();
  // 2. Non-blocking fast fail, without the lock.
  if (!block) {
    rt::Step step(id_);
    if (closed_.load(std::memory_order_relaxed) == 0 && Full()) {
      Trace(EventKind::kChanSendFull, me, site, ep);
      return false;
    }
  }
  lock_.Lock();  // 3.
  rt::G* ready = nullptr;
  bool park = false;
  {
    rt::Step step(id_);
    if (closed_.load(std::memory_order_relaxed) != 0) {
      lock_.Unlock();
      throw Panic("send on closed channel");
    }
    if (Sudog* sg = Dequeue(recvq_, site, me)) {  // 4.
      ready = SendDirect(sg, ep, false, me, site);
    } else if (qcount_.load(std::memory_order_relaxed) < dataqsiz_) {  // 5.
      SendBuffer(ep, false, me, site);
    } else if (!block) {  // 6.
      Trace(EventKind::kChanSendFull, me, site, ep);
      lock_.Unlock();
      return false;
    } else {
      park = true;  // 7. below
    }
  }
  if (!park) {
    lock_.Unlock();
    if (ready != nullptr) rt::Ready(ready, id_, site);
    return true;
  }

  // 7. Block on sendq until a receiver takes the value or Close wakes us.
  const std::shared_ptr<ChanCore> keep = shared_from_this();  // a blocked goroutine keeps its channel
  Sudog mysg;
  mysg.g = rt::CurrentG();
  mysg.elem = ep;
  mysg.c = this;
  ChanQueueGuard guard(this, &sendq_, &mysg);
  {
    rt::TraceSection section(id_);
    Enqueue(sendq_, &mysg);
    Trace(EventKind::kChanSendPark, me, site, ep);
  }
  rt::Park(WaitReason::kChanSend, id_, site, lock_.ParkUnlocker());
  guard.Disarm();  // the waker dequeued us
  const bool ok = mysg.success;
  {
    rt::TraceSection section(id_);
    Trace(EventKind::kChanSendWake, me, site, nullptr, ok);
  }
  if (!ok) {
    if (closed_.load(std::memory_order_relaxed) == 0) rt::Fatal("chansend: spurious wakeup");
    throw Panic("send on closed channel");
  }
  return true;
}

std::pair<bool, bool> ChanCore::Recv(void* ep, bool block, const Site& site) {
  const GoroutineId me = rt::CurrentId();
  // 2. Non-blocking fast fail, without the lock. closed is read after
  // empty: if it is set, empty is read again, as a send may have come in
  // between (and a channel never reopens).
  if (!block) {
    rt::Step step(id_);
    if (Empty()) {
      if (closed_.load(std::memory_order_relaxed) == 0) {
        Trace(EventKind::kChanRecvEmpty, me, site, nullptr);
        return {false, false};
      }
      if (Empty()) {
        RecvClosed(ep, site);
        return {true, false};
      }
    }
  }
  lock_.Lock();  // 3.
  rt::G* ready = nullptr;
  bool received = true, park = false;
  {
    rt::Step step(id_);
    Sudog* sg = nullptr;
    const bool closed = closed_.load(std::memory_order_relaxed) != 0;
    if (!closed) sg = Dequeue(sendq_, site, me);
    if (closed && qcount_.load(std::memory_order_relaxed) == 0) {
      RecvClosed(ep, site);
      received = false;
    } else if (sg != nullptr) {  // 4.
      ready = RecvFrom(sg, ep, site);
    } else if (qcount_.load(std::memory_order_relaxed) > 0) {  // 5. (closed or not)
      RecvBuffer(ep, site);
    } else if (!block) {  // 6.
      Trace(EventKind::kChanRecvEmpty, me, site, nullptr);
      lock_.Unlock();
      return {false, false};
    } else {
      park = true;  // 7. below
    }
  }
  if (!park) {
    lock_.Unlock();
    if (ready != nullptr) rt::Ready(ready, id_, site);
    return {true, received};
  }

  // 7. Block on recvq until a sender hands us a value or Close wakes us.
  const std::shared_ptr<ChanCore> keep = shared_from_this();
  Sudog mysg;
  mysg.g = rt::CurrentG();
  mysg.elem = ep;
  mysg.c = this;
  ChanQueueGuard guard(this, &recvq_, &mysg);
  {
    rt::TraceSection section(id_);
    Enqueue(recvq_, &mysg);
    Trace(EventKind::kChanRecvPark, me, site, nullptr);
  }
  rt::Park(WaitReason::kChanReceive, id_, site, lock_.ParkUnlocker());
  guard.Disarm();
  const bool ok = mysg.success;  // false: Close woke us and zeroed *ep
  {
    rt::TraceSection section(id_);
    Trace(EventKind::kChanRecvWake, me, site, ep, ok);
  }
  return {true, ok};
}

void ChanCore::Close(const Site& site) {
  const GoroutineId me = rt::CurrentId();
  lock_.Lock();
  Sudog* woken = nullptr;  // linked through next once dequeued
  {
    rt::Step step(id_);
    if (closed_.load(std::memory_order_relaxed) != 0) {
      lock_.Unlock();
      throw Panic("close of closed channel");
    }
    closed_.store(1, std::memory_order_relaxed);
    std::int64_t receivers = 0, senders = 0;
    Sudog** tail = &woken;
    // Receivers get the zero value and ok = false; senders will panic.
    // Each release is its own event, so that a claimed select's record the
    // queue skips (chan.dequeue.skip) is seen at the head, as it is then.
    while (Sudog* sg = Dequeue(recvq_, site, me)) {
      ops_.clear(sg->elem);
      sg->success = false;
      if (sg->sel != nullptr) sg->sel->fired = sg;
      *tail = sg;
      tail = &sg->next;
      receivers++;
      TraceInts(EventKind::kChanCloseRelease, me, site, std::int64_t(sg->g->id), 0);
    }
    while (Sudog* sg = Dequeue(sendq_, site, me)) {
      sg->success = false;
      if (sg->sel != nullptr) sg->sel->fired = sg;
      *tail = sg;
      tail = &sg->next;
      senders++;
      TraceInts(EventKind::kChanCloseRelease, me, site, std::int64_t(sg->g->id), 1);
    }
    TraceInts(EventKind::kChanClose, me, site, receivers, senders);
  }
  lock_.Unlock();
  // Each record lives on its goroutine's stack until that goroutine runs:
  // read its link before readying it.
  while (woken != nullptr) {
    Sudog* next = woken->next;
    woken->next = nullptr;
    rt::Ready(woken->g, id_, site);
    woken = next;
  }
}

RuntimeSend ChanCore::TrySendFromRuntime(const void* elem, const Site& site) {
  if (ops_.copy == nullptr) throw std::logic_error("TrySendFromRuntime: the element type cannot be copied");
  void* ep = const_cast<void*>(elem);  // only ever copied from
  // selectnbsend's fast path: nothing to do without the lock.
  if (closed_.load(std::memory_order_relaxed) == 0 && Full()) {
    rt::TraceSection section(id_);
    Trace(EventKind::kChanSendFull, 0, site, elem);
    return RuntimeSend::kNoRoom;
  }
  if (!lock_.TryLock()) return RuntimeSend::kBusy;
  RuntimeSend result = RuntimeSend::kSent;
  rt::G* ready = nullptr;
  {
    rt::TraceSection section(id_);  // never a scheduling point
    if (closed_.load(std::memory_order_relaxed) != 0) {
      result = RuntimeSend::kNoRoom;  // the runtime never panics
    } else if (Sudog* sg = Dequeue(recvq_, site, 0)) {
      ready = SendDirect(sg, ep, true, 0, site);
    } else if (qcount_.load(std::memory_order_relaxed) < dataqsiz_) {
      SendBuffer(ep, true, 0, site);
    } else {
      Trace(EventKind::kChanSendFull, 0, site, elem);
      result = RuntimeSend::kNoRoom;
    }
  }
  lock_.Unlock();
  if (ready != nullptr) rt::Ready(ready, id_, site);
  return result;
}

// --- select --------------------------------------------------------------------------

namespace {

// The goroutine's select object, registered on its first traced select
// (0 when untraced): one object per goroutine, not one per execution.
ObjectId SelectObject(const Site& site) {
  if (!rt::Tracing()) return 0;
  rt::G* g = rt::CurrentG();
  if (g->select_obj == 0) g->select_obj = rt::RegisterObject(trace::ObjectKind::kSelect, "select", 0, site);
  return g->select_obj;
}

}  // namespace

// Go's sellock/selunlock: every distinct channel once, in lock order (so two
// selects never lock two channels in opposite orders), released in reverse.
struct SelectLocks {
  Scase* cases;
  const std::uint16_t* lockorder;
  int n;

  void Lock() const {
    ChanCore* last = nullptr;
    for (int i = 0; i < n; i++) {
      ChanCore* c = cases[lockorder[i]].c;
      if (c != last) c->lock_.Lock();
      last = c;
    }
  }
  void Unlock() const {
    for (int i = n - 1; i >= 0; i--) {
      ChanCore* c = cases[lockorder[i]].c;
      if (i > 0 && c == cases[lockorder[i - 1]].c) continue;  // unlock a channel once, at its first case
      c->lock_.Unlock();
    }
  }
  int Distinct() const {
    int d = 0;
    for (int i = 0; i < n; i++) d += i == 0 || cases[lockorder[i]].c != cases[lockorder[i - 1]].c;
    return d;
  }
  static void Remove(ChanCore& c, bool send, Sudog* s) { ChanCore::DequeueSudog(send ? c.sendq_ : c.recvq_, s); }
  // selparkcommit: Park releases every lock once the goroutine is parked.
  rt::ParkUnlock ParkUnlocker() {
    return {[](void* self) { static_cast<SelectLocks*>(self)->Unlock(); }, this};
  }
};

namespace {

// Removes a parked select's records from every queue when the goroutine is
// unwound at teardown (see ChanQueueGuard).
class SelectGuard {
 public:
  SelectGuard(SelectLocks& locks, Sudog* records) : locks_(&locks), records_(records) {}
  SelectGuard(const SelectGuard&) = delete;
  SelectGuard& operator=(const SelectGuard&) = delete;
  void Disarm() { locks_ = nullptr; }
  ~SelectGuard() {
    if (locks_ == nullptr) return;
    const bool sim = rt::InSim();
    if (!sim) locks_->Lock();
    for (int i = 0; i < locks_->n; i++) {
      const Scase& k = locks_->cases[locks_->lockorder[i]];
      SelectLocks::Remove(*k.c, k.send, &records_[i]);
    }
    if (!sim) locks_->Unlock();
  }

 private:
  SelectLocks* locks_;
  Sudog* records_;
};

}  // namespace

SelectResult Selectgo(Scase* cases, std::uint16_t* order, int ncases, bool block, const Site& site) {
  std::uint16_t* pollorder = order;
  std::uint16_t* lockorder = order + ncases;
  const GoroutineId me = rt::CurrentId();
  const ObjectId sel = SelectObject(site);
  rt::Emit(EventKind::kSelectBegin, sel, site, ncases, !block);

  // 1-2. Poll order: a random permutation of the cases with a channel,
  // built incrementally (case i goes to a random place j, the case there
  // to the end).
  int norder = 0;
  for (int i = 0; i < ncases; i++) {
    if (cases[i].c == nullptr) continue;  // a nil channel's case is never chosen
    const std::uint32_t j = rt::Cheaprandn(std::uint32_t(norder + 1));
    pollorder[norder] = pollorder[j];
    pollorder[j] = std::uint16_t(i);
    norder++;
  }
  // 3. Lock order: by channel (Go sorts by address, synclab by object id,
  // which is as unique and the same in every run), with a heap sort that
  // starts from the poll order, so the cases of one channel are in poll
  // order among themselves.
  auto key = [&](std::uint16_t i) { return cases[i].c->id_; };
  for (int i = 0; i < norder; i++) {
    int j = i;
    const ObjectId c = key(pollorder[i]);
    while (j > 0 && key(lockorder[(j - 1) / 2]) < c) {
      const int k = (j - 1) / 2;
      lockorder[j] = lockorder[k];
      j = k;
    }
    lockorder[j] = pollorder[i];
  }
  for (int i = norder - 1; i >= 0; i--) {
    const std::uint16_t o = lockorder[i];
    const ObjectId c = key(o);
    lockorder[i] = lockorder[0];
    int j = 0;
    for (;;) {
      int k = j * 2 + 1;
      if (k >= i) break;
      if (k + 1 < i && key(lockorder[k]) < key(lockorder[k + 1])) k++;
      if (c < key(lockorder[k])) {
        lockorder[j] = lockorder[k];
        j = k;
        continue;
      }
      break;
    }
    lockorder[j] = o;
  }
  if (rt::Tracing()) {
    for (int i = 0; i < ncases; i++) {
      const Scase& k = cases[i];
      const int poll = k.c ? int(std::find(pollorder, pollorder + norder, i) - pollorder) : -1;
      const int lock = k.c ? int(std::find(lockorder, lockorder + norder, i) - lockorder) : -1;
      TraceText text{std::string_view()};
      if (k.c != nullptr && k.send) k.c->ops_.format(k.elem, &text);
      rt::Emit(EventKind::kSelectCase, sel, site, i, k.c ? k.c->id_ : 0, k.send, poll, lock, text.view());
    }
  }

  SelectLocks locks{cases, lockorder, norder};
  locks.Lock();
  rt::Emit(EventKind::kSelectLock, sel, site, locks.Distinct());

  // 4. Pass 1, in poll order: the first case that can proceed.
  int casi = -1;
  bool recv_ok = false;
  std::string_view how;
  rt::G* ready = nullptr;
  for (int p = 0; p < norder && casi < 0; p++) {
    const int i = pollorder[p];
    Scase& k = cases[i];
    ChanCore& c = *k.c;
    rt::Step step(c.id_);
    if (!k.send) {
      if (Sudog* sg = c.Dequeue(c.sendq_, site, me)) {
        ready = c.RecvFrom(sg, k.elem, site);
        how = c.dataqsiz_ == 0 ? "direct" : "rotate";
        recv_ok = true;
      } else if (c.qcount_.load(std::memory_order_relaxed) > 0) {
        c.RecvBuffer(k.elem, site);
        how = "buffer";
        recv_ok = true;
      } else if (c.closed_.load(std::memory_order_relaxed) != 0) {
        c.RecvClosed(k.elem, site);
        how = "closed";
      } else {
        continue;
      }
    } else {
      if (c.closed_.load(std::memory_order_relaxed) != 0) {
        locks.Unlock();
        throw Panic("send on closed channel");
      }
      if (Sudog* sg = c.Dequeue(c.recvq_, site, me)) {
        ready = c.SendDirect(sg, k.elem, false, me, site);
        how = "direct";
      } else if (c.qcount_.load(std::memory_order_relaxed) < c.dataqsiz_) {
        c.SendBuffer(k.elem, false, me, site);
        how = "buffer";
      } else {
        continue;
      }
    }
    casi = i;
  }
  if (casi >= 0) {
    locks.Unlock();
    const ObjectId chan = cases[casi].c->id_;
    rt::Emit(EventKind::kSelectReady, sel, site, casi, chan, how, recv_ok);
    if (ready != nullptr) rt::Ready(ready, chan, site);
    return {casi, recv_ok};
  }

  // 5. Nothing ready.
  if (!block) {
    locks.Unlock();
    rt::Emit(EventKind::kSelectDefault, sel, site);
    return {-1, false};
  }

  // 6. Pass 2, in lock order: a record on every channel's queue.
  std::array<Sudog, 8> local;
  std::unique_ptr<Sudog[]> heap;
  Sudog* records = local.data();
  if (norder > int(local.size())) {
    heap.reset(new Sudog[std::size_t(norder)]);
    records = heap.get();
  }
  SelectWait wait;
  rt::G* self = rt::CurrentG();
  for (int l = 0; l < norder; l++) {
    Scase& k = cases[lockorder[l]];
    Sudog& s = records[l];
    s.g = self;
    s.elem = k.elem;
    s.c = k.c;
    s.sel = &wait;
    rt::TraceSection section(k.c->id_);
    ChanCore::Enqueue(k.send ? k.c->sendq_ : k.c->recvq_, &s);
    k.c->Trace(EventKind::kChanSelectEnqueue, me, site, k.send ? k.elem : nullptr, k.send);
  }
  SelectGuard guard(locks, records);
  rt::Emit(EventKind::kSelectPark, sel, site, norder);
  rt::Park(WaitReason::kSelect, sel, site, locks.ParkUnlocker());
  guard.Disarm();

  // 7. Woken: a partner claimed us (selectDone) and completed one record.
  locks.Lock();
  wait.done.store(0, std::memory_order_relaxed);
  Sudog* fired = wait.fired;
  // Pass 3, in lock order: take the other records off their queues.
  for (int l = 0; l < norder; l++) {
    const int i = lockorder[l];
    Scase& k = cases[i];
    Sudog* s = &records[l];
    if (s == fired) {
      casi = i;
      recv_ok = s->success;
      continue;
    }
    rt::Step step(k.c->id_);
    if (ChanCore::DequeueSudog(k.send ? k.c->sendq_ : k.c->recvq_, s)) {
      k.c->Trace(EventKind::kChanSelectDequeue, me, site, k.send ? k.elem : nullptr, k.send);
    }
  }
  if (casi < 0) {
    locks.Unlock();
    rt::Fatal("selectgo: bad wakeup");
  }
  const Scase& won = cases[casi];
  rt::Emit(EventKind::kSelectWake, sel, site, casi, won.c->id_, recv_ok);
  locks.Unlock();
  if (won.send && !recv_ok) throw Panic("send on closed channel");  // Close woke our send
  return {casi, won.send ? false : recv_ok};
}

}  // namespace synclab::detail

namespace synclab {

int select(std::span<SelectCase> cases, Site site) {
  std::vector<detail::Scase> scases;
  std::vector<int> source;
  scases.reserve(cases.size());
  source.reserve(cases.size());
  int def = -1;
  for (int i = 0; i < int(cases.size()); i++) {
    if (cases[std::size_t(i)].is_default()) {
      if (def >= 0) throw Panic("reflect.Select: multiple default cases");
      def = i;
      continue;
    }
    scases.push_back(cases[std::size_t(i)].impl_->Prepare());
    source.push_back(i);
  }
  if (scases.size() >= (1u << 16)) throw Panic("reflect.Select: too many cases (max 65536)");
  if (scases.empty()) {
    if (def < 0) detail::BlockForever(trace::WaitReason::kSelectNoCases, site);
    cases[std::size_t(def)].impl_->Finish(false);
    return -1;
  }
  std::vector<std::uint16_t> order(2 * scases.size());
  const detail::SelectResult r =
      detail::Selectgo(scases.data(), order.data(), int(scases.size()), def < 0, site);
  if (r.index < 0) {
    cases[std::size_t(def)].impl_->Finish(false);
    return -1;
  }
  const int i = source[std::size_t(r.index)];
  cases[std::size_t(i)].impl_->Finish(r.ok);
  return i;
}

}  // namespace synclab
