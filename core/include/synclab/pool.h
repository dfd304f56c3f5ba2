// pool.h: synclab::Pool (Go: sync.Pool, over poolqueue.go's poolChain of
// poolDequeues), Go's algorithm step for step.
//
// A set of temporary objects that may be individually saved and retrieved:
// a free list that scales with the processors and empties itself at GCs.
//
//   Pool<Buffer> pool([] { return std::make_unique<Buffer>(); });
//   std::unique_ptr<Buffer> b = pool.Get();  // a cached Buffer, or New's
//   ...
//   pool.Put(std::move(b));                 // back for someone to reuse
//
// Items are std::unique_ptr<T>: the Pool owns what it holds and deletes an
// item it drops (where Go's GC frees an item the Pool held the last
// reference to). Get may return any item Put earlier, or New's, or (with no
// New) nullptr: callers must not assume any relation between what they Put
// and what they Get. Any item may be dropped at any GC.
// Guarantees: a Put(x) happens before the Get that returns x; New's return
// happens before the Get that returns it.
// Misuse: Go's Pool has no error; not copyable or movable here (Go: "must
// not be copied after first use"). A Pool belongs to the runtime world where
// it is first used (a sim run, or the native process: rt/gc.h).
//
// State (one poolLocal per P, padded to a multiple of 128 bytes):
//   private  one item, used only by its own P while pinned
//   shared   a poolChain, a list of poolDequeues (rings):
//
//     tail                                                      head
//     [deque 0: 8 slots] --next--> [deque 1: 16] --next--> [deque 2: 32]
//                       <--prev--               <--prev--
//     any P pops the oldest item                the owner pushes and pops
//     here (popTail: a steal)                   here (pushHead, popHead)
//
//   local, localSize    this GC cycle's [Procs()]poolLocal; nil until used
//   victim, victimSize  the previous cycle's, searched when local has nothing
//
// A poolDequeue's headTail packs head (high 32 bits) and tail (low 32);
// slots [tail, head) hold items. A slot's type word is set while it holds a
// value: popTail takes a slot by moving tail, then clears the slot and its
// type word last, which hands the slot back to the producer.
//
// Put(x):  nil is ignored; pin; private empty ? private = x
//                                 : shared.pushHead(x); unpin.
// Get():   pin; private (taking it) ? : shared.popHead() ? : getSlow; unpin;
//          nothing ? New() : (no New) nil.
// getSlow: steal local[(p+i+1) % size].shared.popTail() for i = 0..size-1
//          (the next P first, our own last); then, if p < victimSize,
//          victim[p].private; then victim[(p+i) % size].shared.popTail(),
//          our own first; finding nothing, victimSize = 0 (later Gets skip
//          the victim).
// GC (poolCleanup, the world stopped): every pool in oldPools drops its
//          victim; every pool in allPools moves local to victim (local = nil,
//          so the next use allocates a new one); oldPools = allPools, and
//          allPools = nil. An item Put before a GC is in the victim after
//          it, and is dropped by the next one unless a Get takes it.
//
// INV1 localSize is 0 or Procs(): 0 exactly when local is nil (pinSlow
//      stores local before localSize; a reader may see a new local with the
//      old size, never the reverse). Procs() never changes within a world.
// INV2 private and a chain's head end are used only by their P while pinned;
//      the tail end by any pinned P; all of it by poolCleanup, the world
//      stopped. A goroutine pinned does not block.
// INV3 a dequeue holds head - tail (mod 2^32) items; its ring has a
//      power-of-two size, and a slot outside [tail, head) is still in use
//      while its type word is set (popTail clearing it).
// INV4 a chain's dequeues are 8, 16, 32, ... slots, doubling up to
//      dequeueLimit; pushes go to the head dequeue only; a dequeue leaves the
//      chain (poolchain.drop) only when it is empty and not the head.
// INV5 a pool is in allPools while local != nil, in oldPools while it may
//      have a victim.
//
// Pinning (Go's procPin) is rt::ProcPin (rt/runtime.h): in sim the
// goroutine's P, held by not being preempted (m.locks++ as in Go); natively
// one P per CPU, shared by all the process's threads, held by taking the
// P's slot (native.cpp says why). synclab::gc() stops the world: sim waits
// until nobody is pinned, natively it takes every P (rt/gc.h).
//
// Memory, which Go's GC manages: a dequeue poolchain.drop unlinks may still
// be read by a pinned P, so it is freed at the next GC (when nobody is
// pinned) or by the Pool's destructor; a victim a GC drops is freed, its
// items deleted, right after that GC.
//
// Trace: pool.* events on id() naming each path (put.private, put.shared,
// get.private, get.shared, get.steal from P n, get.victim_private,
// get.victim_steal, victim.exhausted, get.new, get.nil), poolchain.grow and
// poolchain.drop, pooldequeue.release (a popTail hands its slot back),
// pool.pin.alloc (pinSlow's new local) and pool.gc.rotate; items as a
// number (the Put that stores an item numbers it, the Get that takes it
// names the number: addresses are reused differently from run to run) and
// a label (T formatted by fmt, format.h; "" if T cannot be).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "synclab/format.h"
#include "synclab/rt/gc.h"
#include "synclab/rt/runtime.h"

namespace synclab {

namespace detail {

// poolqueue.go's constants.
inline constexpr int kDequeueBits = 32;
// The largest poolDequeue: at most (1 << dequeueBits) / 2, because detecting
// fullness depends on wrapping around the ring without wrapping the index.
inline constexpr std::uint32_t kDequeueLimit = std::uint32_t((std::uint64_t(1) << kDequeueBits) / 4);
inline constexpr std::uint32_t kChainInitSize = 8;  // a chain's first dequeue (a power of 2)

// poolChain.pushHead's growth: twice the full head dequeue, capped.
constexpr std::uint32_t NextDequeueSize(std::uint32_t size) {
  const std::uint64_t n = std::uint64_t(size) * 2;
  return n >= kDequeueLimit ? kDequeueLimit : std::uint32_t(n);
}

// A type-erased item: what a Pool<T> does with its T*.
struct ItemOps {
  void (*drop)(void* item) noexcept;     // deletes an item the Pool lets go of
  TraceText (*label)(const void* item);  // its text for traces; nullptr: ""
};

class PoolBase;

// Who is using a dequeue, for its events: the pool, the P pinned, whose
// chain (local[chain] or victim[chain]) and which of its dequeues.
struct DequeueUse {
  PoolBase* owner = nullptr;
  ObjectId pool = 0;
  const Site* site = nullptr;
  const ItemOps* ops = nullptr;
  int p = 0;
  int chain = 0;
  bool victim = false;
  std::uint32_t deque = 0;
};

// poolDequeue: a lock-free fixed-size single-producer, multi-consumer queue.
// The producer pushes and pops at the head; consumers pop at the tail. It
// clears unused slots so that it holds no item longer than needed.
class PoolDequeue {
 public:
  // n: a power of two. Head and tail start at `start` (tests start near
  // 2^32 to see the indices wrap).
  explicit PoolDequeue(std::uint32_t n, std::uint32_t start = 0);
  PoolDequeue(const PoolDequeue&) = delete;
  PoolDequeue& operator=(const PoolDequeue&) = delete;

  // Adds val at the head; false if the queue is full. Producer only.
  bool PushHead(void* val, const DequeueUse& use);
  // Removes the item at the head; false if empty. Producer only.
  bool PopHead(void** val, const DequeueUse& use);
  // Removes the item at the tail; false if empty. Any number of consumers.
  bool PopTail(void** val, const DequeueUse& use);

  static std::pair<std::uint32_t, std::uint32_t> Unpack(std::uint64_t ptrs) {
    constexpr std::uint64_t mask = (std::uint64_t(1) << kDequeueBits) - 1;
    return {std::uint32_t((ptrs >> kDequeueBits) & mask), std::uint32_t(ptrs & mask)};
  }
  static std::uint64_t Pack(std::uint32_t head, std::uint32_t tail) {
    return (std::uint64_t(head) << kDequeueBits) | std::uint64_t(tail);
  }

  std::uint32_t size() const { return size_; }
  std::uint64_t head_tail() const { return head_tail_.load(std::memory_order_relaxed); }
  // Calls f(item) for each item held, and clears them. Nobody may be using
  // the dequeue (the world stopped, or its Pool being destroyed).
  // Calls f(item) for each item held. Nobody may be changing it.
  template <class F>
  void ForEach(F f) const {
    for (std::uint32_t i = 0; i < size_; i++)
      if (vals_[i].typ.load(std::memory_order_relaxed)) f(vals_[i].val);
  }
  template <class F>
  void Drain(F f) {
    for (std::uint32_t i = 0; i < size_; i++) {
      if (vals_[i].typ.load(std::memory_order_relaxed)) f(vals_[i].val);
      vals_[i].Clear();
    }
  }

 private:
  // Go's eface {typ, val}. typ, the type word, is set while the slot is in
  // use; consumers clear it last, atomically, and the producer reads it
  // atomically. (Go stores nil values as a sentinel because typ nil means
  // empty; a separate flag needs none.)
  struct Slot {
    std::atomic<bool> typ{false};
    void* val = nullptr;
    void Clear() {  // Go's *slot = eface{}: only where nobody races
      typ.store(false, std::memory_order_relaxed);
      val = nullptr;
    }
  };
  // head (high 32 bits): the next slot to fill; tail (low 32): the oldest
  // item. The head is in the high bits so that adding to it overflows
  // harmlessly out of the word.
  std::atomic<std::uint64_t> head_tail_;
  const std::uint32_t size_;
  std::unique_ptr<Slot[]> vals_;
};

// poolChainElt: a dequeue linked into a chain. next is written by the
// producer and read by consumers, only from nil to non-nil; prev is written
// by consumers and read by the producer, only from non-nil to nil.
struct PoolChainElt {
  PoolChainElt(std::uint32_t n, std::uint32_t serial, PoolChainElt* prev)
      : d(n), prev(prev), serial(serial) {}
  PoolDequeue d;
  std::atomic<PoolChainElt*> next{nullptr};
  std::atomic<PoolChainElt*> prev;
  const std::uint32_t serial;            // 0, 1, ... in the chain's order (traces)
  PoolChainElt* dropped_next = nullptr;  // the Pool's list of unlinked dequeues
};

// poolChain: a dynamically-sized poolDequeue, a list of dequeues each twice
// the size of the one before. The producer pushes to the newest; pops start
// at the other end, and an exhausted dequeue is dropped from the chain.
struct PoolChain {
  PoolChainElt* head = nullptr;             // the producer's; not synchronised
  std::atomic<PoolChainElt*> tail{nullptr};  // consumers'
  std::uint32_t made = 0;                   // dequeues made so far (producer's)
};

struct PoolLocalInternal {
  void* private_ = nullptr;  // can be used only by its own P
  PoolChain shared;          // its P pushes and pops the head; any P pops the tail
};
// Prevents false sharing: each element spans a multiple of 128 bytes.
struct alignas(128) PoolLocal : PoolLocalInternal {};

// The algorithm, on void* items (Pool<T> is a typed face on it).
class PoolBase {
 public:
  // ops: static (a Pool's garbage may outlive it).
  PoolBase(const ItemOps* ops, std::string_view name, const Site& site);
  ~PoolBase();
  PoolBase(const PoolBase&) = delete;
  PoolBase& operator=(const PoolBase&) = delete;

  void Put(void* x, const Site& site);
  // The cached item Get finds, or nullptr: New is the caller's.
  void* Get(const Site& site);

  // Put and Get on a plain thread (no runtime: no scheduling point, nothing
  // traced): the same steps with the fast path inline, as Mutex does.
  void PutPlain(void* x) {
    if (x == nullptr) return;
    auto [l, pid] = PinPlain();
    if (l->private_ == nullptr) {
      l->private_ = x;
      rt::ProcUnpin();
      return;
    }
    PutShared(l, pid, x, Site{});
  }
  void* GetPlain() {
    auto [l, pid] = PinPlain();
    void* x = l->private_;
    l->private_ = nullptr;
    if (x == nullptr) return GetShared(l, pid, Site{});
    rt::ProcUnpin();
    return x;
  }
  void TraceNew(const void* x, const Site& site);        // pool.get.new
  void TraceNil(const Site& site) const;                 // pool.get.nil

  ObjectId id() const { return id_; }
  // Traces only: the number of the item an event of `kind` moves (a Put
  // numbers it, a Get takes its number back). Under the pool's trace stripe.
  std::int64_t TraceId(trace::EventKind kind, const void* item);
  std::size_t local_size() const { return local_size_.load(std::memory_order_relaxed); }
  std::size_t victim_size() const { return victim_size_.load(std::memory_order_relaxed); }

  // Go's poolCleanup over a world's pools, the world stopped.
  static void Cleanup(rt::GcState& gc, const Site& site);
  // The world is over: its pools drop everything now and leave its lists.
  static void WorldEnd(rt::GcState& gc);

 private:
  std::pair<PoolLocal*, int> Pin(const Site& site);
  std::pair<PoolLocal*, int> PinPlain() {  // Pin without its steps
    const int pid = rt::ProcPin();
    const std::uintptr_t s = local_size_.load(std::memory_order_acquire);
    PoolLocal* l = local_.load(std::memory_order_acquire);
    if (std::uintptr_t(pid) < s) return {&l[pid], pid};
    return PinSlow(Site{});
  }
  std::pair<PoolLocal*, int> PinSlow(const Site& site);
  // The rest of Put once private is taken, and of Get once private was
  // empty, still pinned; both unpin.
  void PutShared(PoolLocal* l, int pid, void* x, const Site& site);
  void* GetShared(PoolLocal* l, int pid, const Site& site);
  void* GetSlow(int pid, const Site& site);
  DequeueUse Use(const Site& site, int p, int chain, bool victim);
  void PushHead(PoolChain& c, void* x, DequeueUse use);
  bool PopHead(PoolChain& c, void** x, DequeueUse use);
  bool PopTail(PoolChain& c, void** x, DequeueUse use);
  void Unlinked(PoolChainElt* d);
  void DropVictim(rt::GcState& gc);
  void MoveLocalToVictim();
  void EmitRotate(const Site& site) const;
  void SweepDropped(rt::GcState& gc);  // what poolchain.drop unlinked goes
  void Leave(rt::GcState& gc);        // out of the lists (the destructor)
  void Forget();                       // frees everything it holds
  template <class... Fields>
  void EmitItem(trace::EventKind kind, const Site& site, const void* item, const Fields&... fields);

  ObjectId id_;
  const ItemOps* ops_;
  std::atomic<PoolLocal*> local_{nullptr};  // [localSize]PoolLocal
  std::atomic<std::uintptr_t> local_size_{0};
  PoolLocal* victim_ = nullptr;  // the previous cycle's local
  std::atomic<std::uintptr_t> victim_size_{0};
  std::size_t victim_len_ = 0;   // victim's length (victimSize may be 0 before it goes)
  // The world whose allPools or oldPools hold this pool; null: neither.
  rt::GcState* world_ = nullptr;
  // Dequeues poolchain.drop unlinked, freed at the next GC. Pushed to by
  // any pinned P; taken only with the world stopped.
  std::atomic<PoolChainElt*> dropped_{nullptr};
  // Traces only: the number of each item the pool holds (events name items
  // by number, not address: an address may be reused, differently in each
  // run). Used under the pool's trace stripe (rt::Step, rt::TraceSection).
  std::unordered_map<const void*, std::int64_t> trace_ids_;
  std::int64_t next_trace_id_ = 1;
};

template <class T>
void DeleteItem(void* item) noexcept {
  delete static_cast<T*>(item);
}
template <class T>
TraceText LabelItem(const void* item) {
  return TraceText(*static_cast<const T*>(item));
}
template <class T>
inline constexpr ItemOps kItemOps{&DeleteItem<T>,
                                  fmt::is_formattable<T>::value ? &LabelItem<T> : nullptr};

}  // namespace detail

template <class T>
class Pool {
 public:
  using Item = std::unique_ptr<T>;

  // `new_fn` is Go's New; `name` labels the pool in traces.
  explicit Pool(std::function<Item()> new_fn = nullptr, std::string_view name = {},
                Site site = Site::current())
      : New(std::move(new_fn)), base_(&detail::kItemOps<T>, name, site) {}

  // Go's New: makes an item when Get finds none. Not to be changed
  // concurrently with Get.
  std::function<Item()> New;

  // Adds x to the pool (nothing happens for nullptr).
  void Put(Item x, Site site = Site::current()) {
    if (rt::Ctx() == nullptr) {
      base_.PutPlain(x.release());
    } else {
      base_.Put(x.release(), site);
    }
  }

  // Removes some item from the pool and returns it; if there is none, New's
  // (nullptr with no New).
  Item Get(Site site = Site::current()) {
    if (void* x = rt::Ctx() == nullptr ? base_.GetPlain() : base_.Get(site)) return Item(static_cast<T*>(x));
    if (!New) {
      base_.TraceNil(site);
      return nullptr;
    }
    Item x = New();
    base_.TraceNew(x.get(), site);
    return x;
  }

  ObjectId id() const { return base_.id(); }
  // Go's localSize and victimSize (for tests and inspectors).
  std::size_t local_size() const { return base_.local_size(); }
  std::size_t victim_size() const { return base_.victim_size(); }

 private:
  detail::PoolBase base_;
};

}  // namespace synclab
