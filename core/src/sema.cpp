// sema.cpp: Go's runtime semaphore (spec section 1). Step numbers in the
// comments are the spec's.
#include "synclab/rt/sema.h"

#include <exception>

namespace synclab::rt {
namespace {

using trace::EventKind;

void EmitSema(const Sema& s, EventKind kind, const Site& site, std::int64_t extra = 0) {
  Emit(kind, s.id, site, s.value.load(std::memory_order_relaxed),
       s.queued.load(std::memory_order_relaxed), extra);
}

// cansemacquire: take one count if there is one. Each load and CAS is a step;
// `kind` names the event of a successful take.
bool TryAcquire(Sema& s, EventKind kind, const Site& site, std::int64_t extra = 0) {
  for (;;) {
    std::uint32_t v;
    {
      Step step(s.key);
      v = s.value.load();
    }
    if (v == 0) return false;
    Step step(s.key);
    if (s.value.compare_exchange_strong(v, v - 1)) {
      EmitSema(s, kind, site, extra);
      return true;
    }
  }
}

// Removes a waiter that is being unwound (run teardown) from its queue, so
// the table never keeps a pointer into a dead stack. It touches only the root
// (which outlives the run) and the waiter (on this stack), never the Sema:
// a goroutine leaked on a primitive that lived in main's frame is unwound
// after main returned, when the primitive is gone.
class QueueGuard {
 public:
  QueueGuard(SemaRoot& root, SemaWaiter& w) : root_(root), w_(w) {}
  ~QueueGuard() {
    if (!w_.queued) return;
    // In sim the run is single-threaded and being torn down; its root lock
    // may be held by another unwound goroutine, so do not take it.
    bool sim = InSim();
    if (!sim) root_.Lock();
    if (w_.queued) {
      root_.Remove(&w_);
      root_.nwait.fetch_sub(1);
    }
    if (!sim) root_.Unlock();
  }

 private:
  SemaRoot& root_;
  SemaWaiter& w_;
};

}  // namespace

void RegisterSema(Sema& s, ObjectId owner, const Site& site, std::string_view part) {
  s.key = owner;
  s.id = RegisterObject(ObjectKind::kSema, part, owner, site);
}

void Semacquire(Sema& s, bool lifo, WaitReason reason, const Site& site) {
  // 1. Easy case.
  if (TryAcquire(s, EventKind::kSemaAcquireFast, site)) return;

  // 2. Harder case: count as a waiter, try again, then queue and sleep.
  SemaRoot& root = Current().Semtable().Root(&s.value);
  SemaWaiter w;
  w.g = CurrentG();
  w.addr = &s.value;
  QueueGuard guard(root, w);
  for (;;) {
    root.Lock();  // a.
    {
      Step step(s.key);
      root.nwait.fetch_add(1);
    }
    if (TryAcquire(s, EventKind::kSemaAcquireRecheck, site)) {  // b.
      {
        Step step(s.key);
        root.nwait.fetch_sub(1);
      }
      root.Unlock();
      return;
    }
    {  // c. Any waiter list change happens under the root lock.
      TraceSection section(s.key);
      root.Enqueue(&w, lifo);
      s.queued.fetch_add(1, std::memory_order_relaxed);
      EmitSema(s, EventKind::kSemaEnqueue, site, lifo);
    }
    // goparkunlock: the root is unlocked once we are parked, so the releaser
    // that dequeues us always finds us parked and readies us.
    Park(reason, s.id, site, root.ParkUnlocker());
    // d.
    if (w.ticket != 0) {
      TraceSection section(s.key);
      EmitSema(s, EventKind::kSemaAcquireHandoff, site);
      return;
    }
    if (TryAcquire(s, EventKind::kSemaAcquireWake, site)) return;
    TraceSection section(s.key);
    EmitSema(s, EventKind::kSemaAcquireRetry, site);
  }
}

void Semrelease(Sema& s, bool handoff, const Site& site) {
  SemaRoot& root = Current().Semtable().Root(&s.value);
  {  // 1.
    Step step(s.key);
    s.value.fetch_add(1);
    EmitSema(s, EventKind::kSemaRelease, site);
  }
  // 2. Easy case: no waiters on this root. Must be read after the add.
  {
    Step step(s.key);
    if (root.nwait.load() == 0) return;
  }
  // 3. Harder case: search for a waiter and wake it.
  root.Lock();
  {
    Step step(s.key);
    if (root.nwait.load() == 0) {
      // The count is already consumed by another goroutine.
      root.Unlock();
      return;
    }
  }
  SemaWaiter* w;
  {
    TraceSection section(s.key);
    w = root.Dequeue(&s.value);
    if (w != nullptr) {
      s.queued.fetch_sub(1, std::memory_order_relaxed);
      EmitSema(s, EventKind::kSemaReleaseWake, site, std::int64_t(w->g->id));
    }
  }
  if (w != nullptr) {  // 4.
    Step step(s.key);
    root.nwait.fetch_sub(1);
  }
  root.Unlock();
  if (w == nullptr) return;

  // 5. w stays valid until it is readied: its goroutine is parked in Semacquire.
  if (w->ticket != 0) Fatal("corrupted semaphore ticket");
  G* waiter = w->g;
  bool handed = false;
  if (handoff && TryAcquire(s, EventKind::kSemaReleaseHandoff, site, std::int64_t(waiter->id))) {
    w->ticket = 1;
    handed = true;
  }
  Ready(waiter, s.id, site);  // w may be gone from here on
  if (handed) {
    {
      TraceSection section(s.key);
      EmitSema(s, EventKind::kSemaReleaseYield, site);
    }
    Goyield();
  }
}

// --- the table ------------------------------------------------------------

void SemaRoot::Enqueue(SemaWaiter* w, bool lifo) {
  w->next = nullptr;
  w->tail = w;
  w->next_addr = nullptr;
  w->ticket = 0;
  w->queued = true;
  SemaWaiter** link = &heads_;
  while (*link != nullptr && (*link)->addr != w->addr) link = &(*link)->next_addr;
  SemaWaiter* head = *link;
  if (head == nullptr) {
    *link = w;
  } else if (lifo) {
    // w takes the head's place; the old head becomes second.
    w->next = head;
    w->tail = head->tail;
    w->next_addr = head->next_addr;
    head->tail = nullptr;
    head->next_addr = nullptr;
    *link = w;
  } else {
    head->tail->next = w;
    head->tail = w;
  }
}

SemaWaiter* SemaRoot::Dequeue(const void* addr) {
  SemaWaiter** link = &heads_;
  while (*link != nullptr && (*link)->addr != addr) link = &(*link)->next_addr;
  SemaWaiter* head = *link;
  if (head == nullptr) return nullptr;
  if (SemaWaiter* second = head->next) {
    second->tail = head->tail;
    second->next_addr = head->next_addr;
    *link = second;
  } else {
    *link = head->next_addr;
  }
  head->next = head->tail = head->next_addr = nullptr;
  head->queued = false;
  return head;
}

void SemaRoot::Remove(SemaWaiter* w) {
  SemaWaiter** link = &heads_;
  while (*link != nullptr && (*link)->addr != w->addr) link = &(*link)->next_addr;
  if (*link == nullptr) return;
  if (*link == w) {
    w->queued = true;  // Dequeue clears it
    Dequeue(w->addr);
    return;
  }
  SemaWaiter* head = *link;
  for (SemaWaiter* p = head; p->next != nullptr; p = p->next) {
    if (p->next == w) {
      p->next = w->next;
      if (head->tail == w) head->tail = p;
      break;
    }
  }
  w->queued = false;
}

}  // namespace synclab::rt
