// pool.cpp: Go's sync.Pool and its poolDequeue and poolChain (spec section
// 8; Go 1.21's sync/pool.go and sync/poolqueue.go). Each function names the
// Go function it ports; comments in quotes are Go's.
#include "synclab/pool.h"

#include <algorithm>

namespace synclab {
namespace detail {
namespace {

using trace::EventKind;

// The runtime lock as a scope: released if a scheduling point unwinds the
// goroutine (sim teardown), so that nothing is left holding it.
class LockGuard {
 public:
  explicit LockGuard(rt::RuntimeLock& l) : l_(l) { l_.Lock(); }
  ~LockGuard() { l_.Unlock(); }
  LockGuard(const LockGuard&) = delete;
  LockGuard& operator=(const LockGuard&) = delete;

 private:
  rt::RuntimeLock& l_;
};

// Emits an item event: `fields`, then the item's number and label.
template <class... Fields>
void EmitWithItem(EventKind kind, PoolBase* owner, ObjectId pool, const Site& site, const ItemOps& ops,
                  const void* item, const Fields&... fields) {
  if (!rt::Tracing()) return;
  const std::int64_t number = owner != nullptr ? owner->TraceId(kind, item) : 0;
  if (ops.label == nullptr) {
    rt::Emit(kind, pool, site, fields..., number, std::string_view());
    return;
  }
  const TraceText label = ops.label(item);
  rt::Emit(kind, pool, site, fields..., number, label.view());
}

// A dequeue's item event: its P, chain (for steals), dequeue, head and tail.
void EmitDequeue(EventKind kind, const DequeueUse& u, std::uint64_t ptrs, const void* item) {
  const auto [head, tail] = PoolDequeue::Unpack(ptrs);
  if (kind == EventKind::kPoolGetSteal || kind == EventKind::kPoolGetVictimSteal) {
    EmitWithItem(kind, u.owner, u.pool, *u.site, *u.ops, item, u.p, u.chain, u.deque, head, tail);
  } else {
    EmitWithItem(kind, u.owner, u.pool, *u.site, *u.ops, item, u.p, u.deque, head, tail);
  }
}

// An array of poolLocals with all it holds: what a GC drops, or what is left
// when a Pool goes. Nobody may be using it.
struct DeadLocals {
  PoolLocal* locals;
  std::size_t n;
  const ItemOps* ops;

  static void Free(void* what) noexcept {
    auto* dead = static_cast<DeadLocals*>(what);
    for (std::size_t i = 0; i < dead->n; i++) {
      PoolLocal& l = dead->locals[i];
      if (l.private_ != nullptr) dead->ops->drop(l.private_);
      // The chain from its tail: dequeues before it were unlinked (and are
      // freed with the Pool's dropped list).
      for (PoolChainElt* e = l.shared.tail.load(std::memory_order_relaxed); e != nullptr;) {
        e->d.Drain([&](void* item) { dead->ops->drop(item); });
        PoolChainElt* next = e->next.load(std::memory_order_relaxed);
        delete e;
        e = next;
      }
    }
    delete[] dead->locals;
    delete dead;
  }
};

// Unlinked dequeues: empty, so freeing them frees no item.
void FreeDropped(void* what) noexcept {
  for (auto* e = static_cast<PoolChainElt*>(what); e != nullptr;) {
    PoolChainElt* next = e->dropped_next;
    delete e;
    e = next;
  }
}

}  // namespace

// --- poolDequeue -------------------------------------------------------------

PoolDequeue::PoolDequeue(std::uint32_t n, std::uint32_t start)
    : head_tail_(Pack(start, start)), size_(n), vals_(new Slot[n]) {}

// pushHead: adds val at the head of the queue. It returns false if the
// queue is full. It must only be called by a single producer.
bool PoolDequeue::PushHead(void* val, const DequeueUse& use) {
  std::uint64_t ptrs;
  {
    rt::Step step(use.pool);
    ptrs = head_tail_.load();
  }
  const auto [head, tail] = Unpack(ptrs);
  if (std::uint32_t(tail + size_) == head) return false;  // "Queue is full."
  Slot& slot = vals_[head & (size_ - 1)];

  // "Check if the head slot has been released by popTail."
  {
    rt::Step step(use.pool);
    // "Another goroutine is still cleaning up the tail, so the queue is
    // actually still full."
    if (slot.typ.load()) return false;
  }

  // "The head slot is free, so we own it." (Go writes both words plainly:
  // the add below publishes them.)
  slot.val = val;
  slot.typ.store(true, std::memory_order_relaxed);

  // "Increment head. This passes ownership of slot to popTail and acts as a
  // store barrier for writing the slot."
  rt::Step step(use.pool);
  ptrs = head_tail_.fetch_add(std::uint64_t(1) << kDequeueBits) + (std::uint64_t(1) << kDequeueBits);
  EmitDequeue(EventKind::kPoolPutShared, use, ptrs, val);
  return true;
}

// popHead: removes and returns the element at the head of the queue. It
// returns false if the queue is empty. It must only be called by a single
// producer.
bool PoolDequeue::PopHead(void** val, const DequeueUse& use) {
  for (;;) {
    std::uint64_t ptrs;
    {
      rt::Step step(use.pool);
      ptrs = head_tail_.load();
    }
    auto [head, tail] = Unpack(ptrs);
    if (tail == head) return false;  // "Queue is empty."

    // "Confirm tail and decrement head. We do this before reading the value
    // to take back ownership of this slot."
    head--;
    const std::uint64_t ptrs2 = Pack(head, tail);
    rt::Step step(use.pool);
    if (head_tail_.compare_exchange_strong(ptrs, ptrs2)) {
      // "We successfully took back slot."
      Slot& slot = vals_[head & (size_ - 1)];
      *val = slot.val;
      // "Zero the slot. Unlike popTail, this isn't racing with pushHead, so
      // we don't need to be careful here."
      slot.Clear();
      EmitDequeue(EventKind::kPoolGetShared, use, ptrs2, *val);
      return true;
    }
  }
}

// popTail: removes and returns the element at the tail of the queue. It
// returns false if the queue is empty. It may be called by any number of
// consumers.
bool PoolDequeue::PopTail(void** val, const DequeueUse& use) {
  Slot* slot;
  std::uint32_t index;
  for (;;) {
    std::uint64_t ptrs;
    {
      rt::Step step(use.pool);
      ptrs = head_tail_.load();
    }
    const auto [head, tail] = Unpack(ptrs);
    if (tail == head) return false;  // "Queue is empty."

    // "Confirm head and tail (for our speculative check above) and increment
    // tail. If this succeeds, then we own the slot at tail."
    const std::uint64_t ptrs2 = Pack(head, tail + 1);
    rt::Step step(use.pool);
    if (head_tail_.compare_exchange_strong(ptrs, ptrs2)) {
      // "Success." "We now own slot."
      index = tail & (size_ - 1);
      slot = &vals_[index];
      *val = slot->val;
      EmitDequeue(use.victim ? EventKind::kPoolGetVictimSteal : EventKind::kPoolGetSteal, use, ptrs2, *val);
      break;
    }
  }

  // "Tell pushHead that we're done with this slot. Zeroing the slot is also
  // important so we don't leave behind references that could keep this
  // object live longer than necessary. We write to val first and then
  // publish that we're done with this slot by atomically writing to typ."
  slot->val = nullptr;
  rt::Step step(use.pool);
  slot->typ.store(false);
  // "At this point pushHead owns the slot."
  rt::Emit(EventKind::kPoolDequeueRelease, use.pool, *use.site, use.p, use.chain, use.victim, use.deque,
           index);
  return true;
}

// --- poolChain ---------------------------------------------------------------

// poolChain.pushHead
void PoolBase::PushHead(PoolChain& c, void* val, DequeueUse use) {
  PoolChainElt* d = c.head;
  if (d == nullptr) {
    // "Initialize the chain."
    d = new PoolChainElt(kChainInitSize, c.made++, nullptr);
    c.head = d;
    rt::Step step(id_);
    c.tail.store(d);
    rt::Emit(EventKind::kPoolChainGrow, id_, *use.site, use.p, d->serial, d->d.size());
  }

  use.deque = d->serial;
  if (d->d.PushHead(val, use)) return;

  // "The current dequeue is full. Allocate a new one of twice the size."
  auto* d2 = new PoolChainElt(NextDequeueSize(d->d.size()), c.made++, d);
  c.head = d2;
  {
    rt::Step step(id_);
    d->next.store(d2);
    rt::Emit(EventKind::kPoolChainGrow, id_, *use.site, use.p, d2->serial, d2->d.size());
  }
  use.deque = d2->serial;
  d2->d.PushHead(val, use);
}

// poolChain.popHead
bool PoolBase::PopHead(PoolChain& c, void** val, DequeueUse use) {
  PoolChainElt* d = c.head;
  while (d != nullptr) {
    use.deque = d->serial;
    if (d->d.PopHead(val, use)) return true;
    // "There may still be unconsumed elements in the previous dequeue, so
    // try backing up."
    rt::Step step(id_);
    d = d->prev.load();
  }
  return false;
}

// poolChain.popTail
bool PoolBase::PopTail(PoolChain& c, void** val, DequeueUse use) {
  PoolChainElt* d;
  {
    rt::Step step(id_);
    d = c.tail.load();
  }
  if (d == nullptr) return false;

  for (;;) {
    // "It's important that we load the next pointer *before* popping the
    // tail. In general, d may be transiently empty, but if next is non-nil
    // before the pop and the pop fails, then d is permanently empty, which
    // is the only condition under which it's safe to drop d from the chain."
    PoolChainElt* d2;
    {
      rt::Step step(id_);
      d2 = d->next.load();
    }

    use.deque = d->serial;
    if (d->d.PopTail(val, use)) return true;

    if (d2 == nullptr) {
      // "This is the only dequeue. It's empty right now, but could be pushed
      // to in the future."
      return false;
    }

    // "The tail of the chain has been drained, so move on to the next
    // dequeue. Try to drop it from the chain so the next pop doesn't have to
    // look at the empty dequeue again."
    bool won;
    {
      rt::Step step(id_);
      PoolChainElt* expected = d;
      won = c.tail.compare_exchange_strong(expected, d2);
      if (won) rt::Emit(EventKind::kPoolChainDrop, id_, *use.site, use.p, use.chain, use.victim, d->serial);
    }
    if (won) {
      // "We won the race. Clear the prev pointer so the garbage collector
      // can collect the empty dequeue and so popHead doesn't back up further
      // than necessary."
      {
        rt::Step step(id_);
        d2->prev.store(nullptr);
      }
      Unlinked(d);
    }
    d = d2;
  }
}

// A pinned P (the owner walking prev, a consumer that loaded the tail) may
// still read d: it is freed at the next GC, when nobody is pinned.
void PoolBase::Unlinked(PoolChainElt* d) {
  d->dropped_next = dropped_.load(std::memory_order_relaxed);
  while (!dropped_.compare_exchange_weak(d->dropped_next, d, std::memory_order_release,
                                         std::memory_order_relaxed)) {
  }
}

// --- Pool ----------------------------------------------------------------------

PoolBase::PoolBase(const ItemOps* ops, std::string_view name, const Site& site)
    : id_(rt::RegisterObject(trace::ObjectKind::kPool, name, 0, site)), ops_(ops) {}

PoolBase::~PoolBase() {
  if (rt::InSim()) {
    // One goroutine at a time and no scheduling point here: nothing can
    // see the lists change. (During teardown, allPoolsMu may be held by a
    // goroutine not unwound yet: take nothing.)
    if (world_ != nullptr) Leave(*world_);
  } else {
    // As pinSlow joins allPools: under allPoolsMu, pinned, so that no GC
    // (which may take the pool out of the lists) runs meanwhile.
    LockGuard lock(rt::Current().Gc().all_pools_mu);
    rt::ProcPin();
    if (world_ != nullptr) Leave(*world_);
    rt::ProcUnpin();
  }
  Forget();
}

DequeueUse PoolBase::Use(const Site& site, int p, int chain, bool victim) {
  return DequeueUse{this, id_, &site, ops_, p, chain, victim, 0};
}

template <class... Fields>
void PoolBase::EmitItem(EventKind kind, const Site& site, const void* item, const Fields&... fields) {
  EmitWithItem(kind, this, id_, site, *ops_, item, fields...);
}

std::int64_t PoolBase::TraceId(EventKind kind, const void* item) {
  switch (kind) {
    case EventKind::kPoolPutPrivate:
    case EventKind::kPoolPutShared: return trace_ids_[item] = next_trace_id_++;
    case EventKind::kPoolGetNew: return next_trace_id_++;  // it goes to the caller
    default: {
      auto it = trace_ids_.find(item);
      if (it == trace_ids_.end()) return 0;  // Put before tracing began
      const std::int64_t number = it->second;
      trace_ids_.erase(it);
      return number;
    }
  }
}

// Put adds x to the pool.
void PoolBase::Put(void* x, const Site& site) {
  if (x == nullptr) return;
  auto [l, pid] = Pin(site);
  bool stored;
  {
    rt::Step step(id_);
    stored = l->private_ == nullptr;
    if (stored) {
      l->private_ = x;
      EmitItem(EventKind::kPoolPutPrivate, site, x, pid);
    }
  }
  if (stored) {
    rt::ProcUnpin();
    return;
  }
  PutShared(l, pid, x, site);
}

void PoolBase::PutShared(PoolLocal* l, int pid, void* x, const Site& site) {
  PushHead(l->shared, x, Use(site, pid, pid, false));
  rt::ProcUnpin();
}

// Get selects an arbitrary item from the Pool, removes it from the Pool, and
// returns it (New is Pool<T>'s, after this).
void* PoolBase::Get(const Site& site) {
  auto [l, pid] = Pin(site);
  void* x;
  {
    rt::Step step(id_);
    x = l->private_;
    l->private_ = nullptr;
    if (x != nullptr) EmitItem(EventKind::kPoolGetPrivate, site, x, pid);
  }
  if (x != nullptr) {
    rt::ProcUnpin();
    return x;
  }
  return GetShared(l, pid, site);
}

void* PoolBase::GetShared(PoolLocal* l, int pid, const Site& site) {
  // "Try to pop the head of the local shard. We prefer the head over the
  // tail for temporal locality of reuse."
  void* x;
  if (!PopHead(l->shared, &x, Use(site, pid, pid, false))) x = nullptr;
  if (x == nullptr) x = GetSlow(pid, site);
  rt::ProcUnpin();
  return x;
}

void PoolBase::TraceNew(const void* x, const Site& site) {
  rt::TraceSection section(id_);
  EmitItem(EventKind::kPoolGetNew, site, x);
}

void PoolBase::TraceNil(const Site& site) const {
  rt::TraceSection section(id_);
  rt::Emit(EventKind::kPoolGetNil, id_, site);
}

// getSlow
void* PoolBase::GetSlow(int pid, const Site& site) {
  // "See the comment in pin regarding ordering of the loads."
  std::uintptr_t size;
  PoolLocal* locals;
  {
    rt::Step step(id_);
    size = local_size_.load(std::memory_order_acquire);
  }
  {
    rt::Step step(id_);
    locals = local_.load(std::memory_order_acquire);
  }
  // "Try to steal one element from other procs."
  for (int i = 0; i < int(size); i++) {
    const int from = (pid + i + 1) % int(size);
    void* x;
    if (PopTail(locals[from].shared, &x, Use(site, pid, from, false))) return x;
  }

  // "Try the victim cache. We do this after attempting to steal from all
  // primary caches because we want objects in the victim cache to age out
  // if at all possible."
  {
    rt::Step step(id_);
    size = victim_size_.load();
  }
  if (std::uintptr_t(pid) >= size) return nullptr;
  locals = victim_;
  PoolLocal& l = locals[pid];
  {
    rt::Step step(id_);
    if (void* x = l.private_; x != nullptr) {
      l.private_ = nullptr;
      EmitItem(EventKind::kPoolGetVictimPrivate, site, x, pid);
      return x;
    }
  }
  for (int i = 0; i < int(size); i++) {
    const int from = (pid + i) % int(size);
    void* x;
    if (PopTail(locals[from].shared, &x, Use(site, pid, from, true))) return x;
  }

  // "Mark the victim cache as empty for future gets don't bother with it."
  rt::Step step(id_);
  victim_size_.store(0);
  rt::Emit(EventKind::kPoolVictimExhausted, id_, site, 0, pid);
  return nullptr;
}

// pin pins the current goroutine to P, disables preemption and returns
// poolLocal pool for the P and the P's id. Caller must call
// rt::ProcUnpin() when done with the pool.
std::pair<PoolLocal*, int> PoolBase::Pin(const Site& site) {
  const int pid = rt::ProcPin();
  // "In pinSlow we store to local and then to localSize, here we load in
  // opposite order. Since we've disabled preemption, GC cannot happen in
  // between. Thus here we must observe local at least as large localSize.
  // We can observe a newer/larger local, it is fine (we must observe its
  // zero-initialized-ness)."
  std::uintptr_t s;
  PoolLocal* l;
  {
    rt::Step step(id_);
    s = local_size_.load(std::memory_order_acquire);  // load-acquire
  }
  {
    rt::Step step(id_);
    l = local_.load(std::memory_order_acquire);  // Go: load-consume
  }
  if (std::uintptr_t(pid) < s) return {&l[pid], pid};
  return PinSlow(site);
}

// pinSlow
std::pair<PoolLocal*, int> PoolBase::PinSlow(const Site& site) {
  // "Retry under the mutex. Can not lock the mutex while pinned."
  rt::ProcUnpin();
  rt::GcState& world = rt::Current().Gc();
  LockGuard lock(world.all_pools_mu);  // Go: defer allPoolsMu.Unlock(), still pinned
  const int pid = rt::ProcPin();
  // "poolCleanup won't be called while we are pinned."
  std::uintptr_t s;
  PoolLocal* l;
  {
    rt::Step step(id_);
    s = local_size_.load(std::memory_order_relaxed);
    l = local_.load(std::memory_order_relaxed);
  }
  if (std::uintptr_t(pid) < s) return {&l[pid], pid};
  if (l == nullptr) {
    world.all_pools.push_back(this);
    world_ = &world;
  } else {
    // "If GOMAXPROCS changes between GCs, we re-allocate the array and lose
    // the old one." Procs() is fixed within a world (INV1), so this is a
    // Pool used in a second world: the array goes at the next GC here, when
    // nobody who may still read it is pinned.
    world.garbage.push_back({new DeadLocals{l, s, ops_}, &DeadLocals::Free});
  }
  const int size = rt::Procs();
  auto* local = new PoolLocal[std::size_t(size)];
  {
    rt::Step step(id_);
    local_.store(local, std::memory_order_release);  // store-release
  }
  {
    rt::Step step(id_);
    local_size_.store(std::uintptr_t(size), std::memory_order_release);  // store-release
    rt::Emit(EventKind::kPoolPinAlloc, id_, site, size, pid);
  }
  return {&local[pid], pid};
}

// --- poolCleanup's steps ---------------------------------------------------------

void PoolBase::DropVictim(rt::GcState& gc) {
  if (victim_ != nullptr && !trace_ids_.empty()) {
    // Its items leave the pool without a Get: their numbers go too.
    rt::TraceSection section(id_);
    for (std::size_t i = 0; i < victim_len_; i++) {
      const PoolLocal& l = victim_[i];
      if (l.private_ != nullptr) trace_ids_.erase(l.private_);
      for (PoolChainElt* e = l.shared.tail.load(std::memory_order_relaxed); e != nullptr;
           e = e->next.load(std::memory_order_relaxed)) {
        e->d.ForEach([&](void* item) { trace_ids_.erase(item); });
      }
    }
  }
  if (victim_ != nullptr) gc.garbage.push_back({new DeadLocals{victim_, victim_len_, ops_}, &DeadLocals::Free});
  victim_ = nullptr;
  victim_len_ = 0;
  victim_size_.store(0, std::memory_order_relaxed);
}

void PoolBase::MoveLocalToVictim() {
  victim_ = local_.load(std::memory_order_relaxed);
  victim_len_ = local_size_.load(std::memory_order_relaxed);
  victim_size_.store(victim_len_, std::memory_order_relaxed);
  local_.store(nullptr, std::memory_order_relaxed);
  local_size_.store(0, std::memory_order_relaxed);
}

void PoolBase::EmitRotate(const Site& site) const {
  rt::Emit(EventKind::kPoolGcRotate, id_, site, local_size_.load(std::memory_order_relaxed),
           victim_size_.load(std::memory_order_relaxed));
}

void PoolBase::SweepDropped(rt::GcState& gc) {
  if (PoolChainElt* list = dropped_.exchange(nullptr, std::memory_order_acquire)) {
    gc.garbage.push_back({list, &FreeDropped});
  }
}

void PoolBase::Leave(rt::GcState& gc) {
  std::erase(gc.all_pools, this);
  std::erase(gc.old_pools, this);
  world_ = nullptr;
}

void PoolBase::Forget() {
  if (PoolLocal* l = local_.exchange(nullptr, std::memory_order_relaxed)) {
    DeadLocals::Free(new DeadLocals{l, local_size_.load(std::memory_order_relaxed), ops_});
  }
  local_size_.store(0, std::memory_order_relaxed);
  if (victim_ != nullptr) DeadLocals::Free(new DeadLocals{victim_, victim_len_, ops_});
  victim_ = nullptr;
  victim_len_ = 0;
  victim_size_.store(0, std::memory_order_relaxed);
  FreeDropped(dropped_.exchange(nullptr, std::memory_order_acquire));
  trace_ids_.clear();
  world_ = nullptr;
}

// poolCleanup: "This function is called with the world stopped, at the
// beginning of a garbage collection. Because the world is stopped, no pool
// user can be in a pinned section (in effect, this has all Ps pinned)."
void PoolBase::Cleanup(rt::GcState& gc, const Site& site) {
  // "Drop victim caches from all pools."
  for (PoolBase* p : gc.old_pools) p->DropVictim(gc);

  // "Move primary cache to victim cache."
  for (PoolBase* p : gc.all_pools) p->MoveLocalToVictim();

  // Each pool's rotation is one event, after both steps; and what
  // poolchain.drop unlinked goes now that nobody can be reading it.
  auto in_all = [&](PoolBase* p) {
    return std::find(gc.all_pools.begin(), gc.all_pools.end(), p) != gc.all_pools.end();
  };
  for (PoolBase* p : gc.all_pools) {
    p->EmitRotate(site);
    p->SweepDropped(gc);
  }
  for (PoolBase* p : gc.old_pools) {
    if (in_all(p)) continue;
    p->EmitRotate(site);
    p->SweepDropped(gc);
    p->world_ = nullptr;  // in neither list from now on
  }

  // "The pools with non-empty primary caches now have non-empty victim
  // caches and no pools have primary caches."
  gc.old_pools = std::move(gc.all_pools);
  gc.all_pools.clear();
}

void PoolBase::WorldEnd(rt::GcState& gc) {
  std::vector<PoolBase*> pools = gc.all_pools;
  for (PoolBase* p : gc.old_pools)
    if (std::find(pools.begin(), pools.end(), p) == pools.end()) pools.push_back(p);
  gc.all_pools.clear();
  gc.old_pools.clear();
  for (PoolBase* p : pools) p->Forget();
  rt::Sweeper(gc).Sweep();
}

}  // namespace detail

namespace rt::detail {
void PoolCleanup(GcState& gc, const Site& site) { synclab::detail::PoolBase::Cleanup(gc, site); }
void PoolWorldEnd(GcState& gc) { synclab::detail::PoolBase::WorldEnd(gc); }
}  // namespace rt::detail
}  // namespace synclab
