// map.h: synclab::Map<K, V> (Go: sync.Map, the read/dirty design of Go 1.9
// to 1.23; Go 1.24's hash-trie is not followed), Go 1.21's algorithm step for
// step, with Go 1.23's Clear.
//
// A map that is safe for concurrent use without extra locking, built for two
// patterns: keys written once and read many times (caches that only grow),
// and goroutines that read, write and overwrite disjoint sets of keys. There
// a Load or an overwrite takes no lock: it is served from `read`, a map that
// is never changed once published, whose entries' values are swapped
// atomically. Everything else goes through `dirty` under mu. For other uses
// a plain map with a Mutex is simpler and usually as fast.
//
// Requirements: K hashable (std::hash<K>) and ==, V copyable;
// CompareAndSwap/CompareAndDelete need V ==. Go's runtime panics for an
// unhashable key or an uncomparable old value are compile errors here.
// K's hash and ==, and V's copy, must not throw (they cannot in Go).
// Guarantees (Go's): a write synchronizes before any read that observes it.
// Load, LoadAndDelete, LoadOrStore, Swap, CompareAndSwap, CompareAndDelete
// read; Delete, LoadAndDelete, Store, Swap write; LoadOrStore writes when it
// stores, CompareAndSwap when it swaps, CompareAndDelete when it deletes.
// Misuse: Go's only one is copying a Map after first use (go vet); here the
// copy is deleted.
//
// State:
//   mu        a Mutex ("<name>.mu") for dirty, misses and storing read
//   read      atomically loaded pointer to an immutable readOnly{m, amended}:
//             m maps keys to entries; amended says dirty holds a key m lacks
//   dirty     key -> entry, under mu; nil, or every non-expunged entry of
//             read.m plus the new keys
//   misses    lookups that needed mu since read was last replaced by dirty
//   entry.p   the entry's value: a value, nil (deleted) or expunged (deleted
//             and left out of a non-nil dirty)
// INV1 dirty != nil contains every entry of read.m that is not expunged, and
//      the same entry for a key both have.
// INV2 an entry is expunged only while dirty != nil, and then it is not in
//      dirty.
// INV3 !amended implies every key of dirty is in read.m.
// INV4 misses < len(dirty) after every missLocked (it promotes at equality).
//
// Paths:
//   Load      read.m has the key: load entry.p, no lock. Else, if amended:
//             lock, look again in read.m (a promotion may have happened),
//             then in dirty, and count a miss either way.
//   missLocked  misses++; when misses reaches len(dirty): promote, read =
//             {m: dirty}, dirty = nil, misses = 0.
//   Swap      (Store is Swap ignoring the result) on a read entry that is
//             not expunged: CAS the value in, no lock (even onto nil). Else
//             lock: a read entry is unexpunged (expunged -> nil, back into
//             dirty) and swapped; a dirty entry is swapped (no miss); a new
//             key, first after a promotion: dirtyLocked copies read.m into a
//             new dirty, expunging each nil entry, and read is stored again
//             with amended = true; then the key goes into dirty.
//   LoadOrStore, LoadAndDelete, CompareAndSwap, CompareAndDelete: the same
//             lookups; see each method. Range promotes dirty at once when
//             amended (it is O(n) anyway), then walks read.m. Clear (Go
//             1.23): read = empty, dirty emptied (but not set to nil),
//             misses = 0.
//
// Memory: what Go's garbage collector does (a Load may still hold a readOnly
// or a value that a writer just replaced) is done by epoch-based
// reclamation (rt/epoch.h): every operation is a read section, and a writer
// retires what it unlinks. So Load takes no lock and writes no shared cache
// line. The values are not moved while readers may hold them: V is copied
// out.
//
// Events (map.* on id(), see events.def) report read_len, dirty_len (-1 for
// nil), amended and misses after the step, then the key and value as text
// (TraceText, only when tracing) and the entry's number in this Map. Each
// atomic load or CAS of read and of an entry is one step (a scheduling point
// in sim); changes made under mu that are not atomic in Go (dirty, misses)
// are traced inside the step or lock they belong to.
#pragma once

#include <algorithm>
#include <atomic>
#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "synclab/format.h"
#include "synclab/mutex.h"
#include "synclab/rt/epoch.h"
#include "synclab/rt/runtime.h"

namespace synclab {

template <typename K>
concept MapKey = std::equality_comparable<K> && std::copy_constructible<K> && requires(const K& k) {
  { std::hash<K>{}(k) } -> std::convertible_to<std::size_t>;
};

namespace detail {

// What a Map is apart from its types: its trace identity, mu, the counters
// traced with every event, and the event helpers (map.cpp). Fields after the
// state are the event's own, in events.def order.
class MapBase {
 protected:
  MapBase(std::string_view name, const Site& site);

  // What an event reports of the state besides dirty_len_ and misses_ (the
  // read map the step saw, or the current one).
  struct Shape {
    std::int64_t read_len;
    bool amended;
  };
  // Emits kind with the state (read_len, dirty_len, amended, misses), then
  // the event's own fields (events.def).
  template <typename... Operands>
  void Emit(trace::EventKind kind, const Site& site, Shape s, const Operands&... operands) const {
    rt::Emit(kind, id_, site, s.read_len, dirty_len_.load(std::memory_order_relaxed), s.amended,
             misses_.load(std::memory_order_relaxed), operands...);
  }

  // Runs body with mu held. A user's exception unlocks mu on its way out;
  // the unwinding of a finished run (rt::detail::Abort) does not, as in Once.
  template <typename F>
  void Locked(const Site& site, F&& body) {
    mu_.Lock(site);
    try {
      body();
    } catch (const rt::detail::Abort&) {
      throw;
    } catch (...) {
      mu_.Unlock(site);
      throw;
    }
    mu_.Unlock(site);
  }

  ObjectId id_;
  Mutex mu_;
  // len(dirty) (-1 while nil) and Go's misses: changed only under mu, atomic
  // only so that events emitted without mu (the fast paths) can report them.
  std::atomic<std::int64_t> dirty_len_{-1};
  std::atomic<std::int64_t> misses_{0};
  std::uint64_t entries_made_ = 0;  // under mu: entry numbers, 1, 2, ...
  rt::Reclaimer reclaimer_;
};

// The value of an expunged entry: an address no value has.
alignas(64) inline constinit char kExpungedMarker[64] = {};

}  // namespace detail

template <MapKey K, std::copy_constructible V>
class Map : private detail::MapBase {
 public:
  // `name` labels it in traces; its Mutex is "<name>.mu".
  explicit Map(std::string_view name = {}, Site site = Site::current()) : MapBase(name, site) {}
  ~Map();
  Map(const Map&) = delete;
  Map& operator=(const Map&) = delete;

  // The value stored for key, if any.
  std::optional<V> Load(const K& key, Site site = Site::current());
  // Sets the value for key.
  void Store(const K& key, V value, Site site = Site::current()) { Swap(key, std::move(value), site); }
  // The value stored for key, or stores `value` and returns it: (actual,
  // loaded), loaded meaning the value was there already.
  std::pair<V, bool> LoadOrStore(const K& key, V value, Site site = Site::current());
  // Deletes key; returns the value it had, if any.
  std::optional<V> LoadAndDelete(const K& key, Site site = Site::current());
  void Delete(const K& key, Site site = Site::current()) { LoadAndDelete(key, site); }
  // Stores value for key; returns the previous value, if any.
  std::optional<V> Swap(const K& key, V value, Site site = Site::current());
  // Stores new_value if key holds a value equal to old. A missing key never
  // matches.
  bool CompareAndSwap(const K& key, const V& old, V new_value, Site site = Site::current())
    requires std::equality_comparable<V>;
  // Deletes key if it holds a value equal to old.
  bool CompareAndDelete(const K& key, const V& old, Site site = Site::current())
    requires std::equality_comparable<V>;
  // Calls f(key, value) for each key present, until f returns false. Not a
  // snapshot: no key is visited twice, but a value stored or deleted
  // meanwhile (also by f, which may call any method of the Map) may or may
  // not be seen.
  template <typename F>
    requires std::is_invocable_r_v<bool, F&, const K&, const V&>
  void Range(F&& f, Site site = Site::current());
  // Deletes every entry (Go 1.23).
  void Clear(Site site = Site::current());

  ObjectId id() const { return id_; }
  const Mutex& mu() const { return mu_; }
  // The state as the header describes it (for tests and inspectors; the
  // counters are exact only while no write runs).
  std::size_t read_len() const {
    rt::EpochGuard pin;
    return View(read_.load()).len();
  }
  bool amended() const {
    rt::EpochGuard pin;
    return View(read_.load()).amended;
  }
  std::int64_t dirty_len() const { return dirty_len_.load(std::memory_order_relaxed); }
  std::int64_t misses() const { return misses_.load(std::memory_order_relaxed); }

 private:
  // The value an entry points to: immutable, freed through the reclaimer.
  struct Box : rt::Retired {
    explicit Box(V v) : Retired(&Free), value(std::move(v)) {}
    static void Free(rt::Retired* r) noexcept { delete static_cast<Box*>(r); }
    const V value;
  };
  static Box* Expunged() { return reinterpret_cast<Box*>(detail::kExpungedMarker); }
  static bool Real(const Box* p) { return p != nullptr && p != Expunged(); }

  struct Entry : rt::Retired {
    Entry(Box* box, std::uint64_t n) : Retired(&Free), p(box), number(n) {}
    ~Entry() {
      Box* box = p.load(std::memory_order_relaxed);
      if (Real(box)) delete box;
    }
    static void Free(rt::Retired* r) noexcept { delete static_cast<Entry*>(r); }
    std::atomic<Box*> p;
    const std::uint64_t number;  // in this Map, for traces
  };

  struct Table : rt::Retired {
    Table() : Retired(&Free) {}
    static void Free(rt::Retired* r) noexcept { delete static_cast<Table*>(r); }
    std::unordered_map<K, Entry*> m;
  };

  // Go's readOnly; m == nullptr is the empty map.
  struct ReadOnly : rt::Retired {
    ReadOnly(const Table* t, bool a) : Retired(&Free), m(t), amended(a) {}
    static void Free(rt::Retired* r) noexcept { delete static_cast<ReadOnly*>(r); }
    const Table* const m;
    const bool amended;
  };

  // A loaded readOnly (Go's loadReadOnly returns it by value).
  struct View {
    explicit View(const ReadOnly* r) : m(r ? r->m : nullptr), amended(r ? r->amended : false) {}
    Entry* Find(const K& key) const {
      if (m == nullptr) return nullptr;
      auto it = m->m.find(key);
      return it == m->m.end() ? nullptr : it->second;
    }
    std::size_t len() const { return m ? m->m.size() : 0; }
    const Table* m;
    bool amended;
  };

  // The result of an entry's tryLoadOrStore.
  struct LoadOrStoreResult {
    std::optional<V> actual;
    bool loaded = false;
    bool ok = false;
  };

  // --- steps (each an atomic operation of Go's code) ---
  View LoadReadOnly() {
    rt::Step step(id_);
    return View(read_.load());
  }
  const Box* LoadEntry(Entry* e, const K& key, trace::EventKind kind, const Site& site);
  // Functions given a std::unique_ptr<Box>& take the box only once it is
  // stored (a goroutine unwound at a scheduling point before that frees it).
  std::optional<const Box*> TrySwap(Entry* e, std::unique_ptr<Box>& box, const K& key, const Site& site);
  bool UnexpungeLocked(Entry* e, const K& key, const Site& site);
  Box* SwapLocked(Entry* e, std::unique_ptr<Box>& box, const K& key, trace::EventKind kind, const Site& site);
  LoadOrStoreResult TryLoadOrStore(Entry* e, const V& value, const K& key, bool locked,
                                   const Site& site);
  std::optional<V> DeleteEntry(Entry* e, const K& key, const Site& site);
  bool TryCompareAndSwap(Entry* e, const V& old, const V& new_value, const K& key, const Site& site);
  void CopyOrExpungeLocked(const K& key, Entry* e, const Site& site);
  // The lookup Load, LoadAndDelete and CompareAndDelete share: the entry, and
  // whether it came from dirty.
  enum class DirtyLookup { kKeep, kDelete };
  std::pair<Entry*, bool> Lookup(const K& key, DirtyLookup mode, const Site& site);
  // The first step of Lookup and CompareAndSwap: key's entry in read.m (a
  // miss traced), and whether read is amended.
  std::pair<Entry*, bool> FindRead(const K& key, const Site& site);
  [[gnu::noinline]] std::pair<Entry*, bool> LookupLocked(const K& key, DirtyLookup mode, const Site& site);

  // --- under mu ---
  void MissLocked(const Site& site);
  void PromoteLocked(trace::EventKind kind, const Site& site);
  void DirtyLocked(const Site& site);
  void AmendLocked(const View& read, const Site& site);
  void InsertLocked(const K& key, std::unique_ptr<Box> box, const Site& site);
  Entry* FindDirty(const K& key) const {
    if (dirty_ == nullptr) return nullptr;
    auto it = dirty_->m.find(key);
    return it == dirty_->m.end() ? nullptr : it->second;
  }
  // Stores a new read (in the caller's step) and returns the old one.
  const ReadOnly* StoreReadLocked(const ReadOnly* fresh) {
    const ReadOnly* old = read_.load(std::memory_order_relaxed);  // only mu's holder stores it
    read_.store(fresh);
    return old;
  }
  // Retires a replaced read, and its table if `fresh` has another one (the
  // entries are the caller's: only it knows which are in no map now).
  void RetireReadLocked(const ReadOnly* old, const ReadOnly* fresh) {
    if (old == nullptr) return;
    if (old->m != nullptr && old->m != fresh->m) reclaimer_.Retire(const_cast<Table*>(old->m));
    reclaimer_.Retire(const_cast<ReadOnly*>(old));
  }
  void RetireBox(const Box* box) { reclaimer_.Retire(const_cast<Box*>(box)); }
  // A box unlinked from its entry, retired when this goes: also when the
  // goroutine is unwound at a later scheduling point (Unlock's, say).
  class Unlinked {
   public:
    explicit Unlinked(Map& m) : m_(m) {}
    ~Unlinked() {
      if (p_ != nullptr) m_.RetireBox(p_);
    }
    Unlinked(const Unlinked&) = delete;
    Unlinked& operator=(const Unlinked&) = delete;
    void Own(const Box* p) { p_ = p; }
    const Box* get() const { return p_; }

   private:
    Map& m_;
    const Box* p_ = nullptr;
  };

  // --- tracing (each formats only when tracing) ---
  Shape Now() const {
    View r(read_.load(std::memory_order_acquire));
    return {std::int64_t(r.len()), r.amended};
  }
  // kind with the key, then `operands`.
  template <typename... Operands>
  void TraceKey(trace::EventKind kind, const Site& site, const K& key, const Operands&... operands) const {
    if (rt::Tracing()) Emit(kind, site, Now(), TraceText(key).view(), operands...);
  }
  // kind with the key, the value of `box` ("" for nil or expunged), the
  // entry's number, then `operands`.
  template <typename... Operands>
  void TraceValue(trace::EventKind kind, const Site& site, const K& key, const Box* box, const Entry* e,
                  const Operands&... operands) const {
    if (!rt::Tracing()) return;
    if (Real(box)) {
      Emit(kind, site, Now(), TraceText(key).view(), TraceText(box->value).view(), e->number, operands...);
    } else {
      Emit(kind, site, Now(), TraceText(key).view(), std::string_view(), e->number, operands...);
    }
  }

  std::atomic<const ReadOnly*> read_{nullptr};
  Table* dirty_ = nullptr;  // guarded by mu_
  // Entries dirtyLocked expunged since dirty was made (under mu_): those
  // still expunged when dirty is promoted are in no map any more.
  std::vector<Entry*> expunged_;
};

// --- Load -----------------------------------------------------------------

template <MapKey K, std::copy_constructible V>
std::pair<typename Map<K, V>::Entry*, bool> Map<K, V>::FindRead(const K& key, const Site& site) {
  rt::Step step(id_);
  View read(read_.load());
  Entry* e = read.Find(key);
  if (e == nullptr) {
    TraceKey(read.amended ? trace::EventKind::kMapLookupReadMiss : trace::EventKind::kMapLookupAbsent, site, key);
  }
  return {e, read.amended};
}

template <MapKey K, std::copy_constructible V>
std::pair<typename Map<K, V>::Entry*, bool> Map<K, V>::Lookup(const K& key, DirtyLookup mode,
                                                              const Site& site) {
  const auto [e, amended] = FindRead(key, site);
  if (e != nullptr || !amended) return {e, false};
  return LookupLocked(key, mode, site);
}

// Lookup once read.m lacked the key and was amended: under mu.
template <MapKey K, std::copy_constructible V>
std::pair<typename Map<K, V>::Entry*, bool> Map<K, V>::LookupLocked(const K& key, DirtyLookup mode,
                                                                    const Site& site) {
  Entry* e = nullptr;
  bool from_dirty = false;
  Locked(site, [&] {
    View read(nullptr);
    {
      // Avoid reporting a spurious miss if dirty got promoted while we
      // were blocked on mu.
      rt::Step step(id_);
      read = View(read_.load());
      e = read.Find(key);
      if (e != nullptr) {
        TraceKey(trace::EventKind::kMapLookupRecheckHit, site, key);
      } else if (!read.amended) {
        TraceKey(trace::EventKind::kMapLookupAbsent, site, key);
      }
    }
    if (e != nullptr || !read.amended) return;
    {
      rt::TraceSection section(id_);
      e = FindDirty(key);
      from_dirty = e != nullptr;
      if (mode == DirtyLookup::kDelete && e != nullptr) {
        dirty_->m.erase(key);
        dirty_len_.fetch_sub(1, std::memory_order_relaxed);
      }
      TraceKey(mode == DirtyLookup::kDelete ? trace::EventKind::kMapLookupDirtyDelete
                                            : trace::EventKind::kMapLookupDirty,
               site, key, e != nullptr);
    }
    // In no map now (it was not in read.m), but we and other pinned
    // readers may still hold it.
    if (mode == DirtyLookup::kDelete && e != nullptr) reclaimer_.Retire(e);
    // Regardless of whether the entry was present, record a miss: this key
    // will take the slow path until the dirty map is promoted to the read map.
    MissLocked(site);
  });
  return {e, from_dirty};
}

template <MapKey K, std::copy_constructible V>
std::optional<V> Map<K, V>::Load(const K& key, Site site) {
  rt::EpochGuard pin;
  const Box* p;
  if (rt::Ctx() == nullptr) {
    // A plain thread: the same steps with no scheduling point and no event,
    // inline (as Mutex's fast path): one load of read, a lookup, one load
    // of the entry.
    const View read(read_.load());
    Entry* e = read.Find(key);
    if (e == nullptr && read.amended) e = LookupLocked(key, DirtyLookup::kKeep, site).first;
    if (e == nullptr) return std::nullopt;
    p = e->p.load();
  } else {
    auto [e, from_dirty] = Lookup(key, DirtyLookup::kKeep, site);
    if (e == nullptr) return std::nullopt;
    p = LoadEntry(e, key, from_dirty ? trace::EventKind::kMapLoadDirtyHit : trace::EventKind::kMapLoadReadHit,
                  site);
  }
  if (!Real(p)) return std::nullopt;
  return std::optional<V>(p->value);  // copied while pinned
}

// Go's entry.load: the box, or nullptr/expunged for none.
template <MapKey K, std::copy_constructible V>
const typename Map<K, V>::Box* Map<K, V>::LoadEntry(Entry* e, const K& key, trace::EventKind kind,
                                                    const Site& site) {
  rt::Step step(id_);
  const Box* p = e->p.load();
  TraceValue(kind, site, key, p, e, Real(p));
  return p;
}

// --- Swap and Store ----------------------------------------------------------

template <MapKey K, std::copy_constructible V>
std::optional<V> Map<K, V>::Swap(const K& key, V value, Site site) {
  rt::EpochGuard pin;
  auto box = std::make_unique<Box>(std::move(value));
  Unlinked previous(*this);  // declared after pin: retired while still pinned
  bool done = false;
  if (Entry* e = LoadReadOnly().Find(key)) {
    if (std::optional<const Box*> prev = TrySwap(e, box, key, site)) {
      previous.Own(*prev);
      done = true;
    }
  }
  if (!done) {
    Locked(site, [&] {
      View read = LoadReadOnly();
      if (Entry* e = read.Find(key)) {
        // If it was expunged, dirty is not nil and lacks it: it goes back.
        UnexpungeLocked(e, key, site);
        previous.Own(SwapLocked(e, box, key, trace::EventKind::kMapSwapRead, site));
      } else if (Entry* d = FindDirty(key)) {
        previous.Own(SwapLocked(d, box, key, trace::EventKind::kMapSwapDirty, site));
      } else {
        if (!read.amended) {
          // We're adding the first new key to the dirty map. Make sure it
          // is allocated and mark the read-only map as incomplete.
          DirtyLocked(site);
          AmendLocked(read, site);
        }
        InsertLocked(key, std::move(box), site);
      }
    });
  }
  if (previous.get() == nullptr) return std::nullopt;
  return std::optional<V>(previous.get()->value);
}

// Go's entry.trySwap: swaps box in unless the entry is expunged; the
// previous box (nullptr: it was deleted), or nothing if expunged.
template <MapKey K, std::copy_constructible V>
std::optional<const typename Map<K, V>::Box*> Map<K, V>::TrySwap(Entry* e, std::unique_ptr<Box>& box,
                                                                const K& key, const Site& site) {
  for (;;) {
    Box* p;
    {
      rt::Step step(id_);
      p = e->p.load();
    }
    if (p == Expunged()) return std::nullopt;
    rt::Step step(id_);
    if (e->p.compare_exchange_strong(p, box.get())) {
      const Box* stored = box.release();  // the entry's now
      TraceValue(trace::EventKind::kMapSwapFast, site, key, stored, e, p != nullptr);
      return p;
    }
  }
}

// Go's entry.unexpungeLocked, and putting the entry back in dirty.
template <MapKey K, std::copy_constructible V>
bool Map<K, V>::UnexpungeLocked(Entry* e, const K& key, const Site& site) {
  rt::Step step(id_);
  Box* expunged = Expunged();
  if (!e->p.compare_exchange_strong(expunged, nullptr)) return false;
  dirty_->m.emplace(key, e);
  dirty_len_.fetch_add(1, std::memory_order_relaxed);
  TraceKey(trace::EventKind::kMapUnexpunge, site, key, e->number);
  return true;
}

// Go's entry.swapLocked: the entry is known not to be expunged.
template <MapKey K, std::copy_constructible V>
typename Map<K, V>::Box* Map<K, V>::SwapLocked(Entry* e, std::unique_ptr<Box>& box, const K& key,
                                              trace::EventKind kind, const Site& site) {
  rt::Step step(id_);
  Box* prev = e->p.exchange(box.get());
  const Box* stored = box.release();  // the entry's now
  TraceValue(kind, site, key, stored, e, prev != nullptr);
  return prev;
}

// --- LoadOrStore ---------------------------------------------------------------

template <MapKey K, std::copy_constructible V>
std::pair<V, bool> Map<K, V>::LoadOrStore(const K& key, V value, Site site) {
  rt::EpochGuard pin;
  // Avoid locking if it's a clean hit.
  if (Entry* e = LoadReadOnly().Find(key)) {
    LoadOrStoreResult r = TryLoadOrStore(e, value, key, false, site);
    if (r.ok) return {r.loaded ? std::move(*r.actual) : std::move(value), r.loaded};
  }
  LoadOrStoreResult r;
  Locked(site, [&] {
    View read = LoadReadOnly();
    if (Entry* e = read.Find(key)) {
      UnexpungeLocked(e, key, site);
      r = TryLoadOrStore(e, value, key, true, site);
    } else if (Entry* d = FindDirty(key)) {
      r = TryLoadOrStore(d, value, key, true, site);
      MissLocked(site);
    } else {
      if (!read.amended) {
        // We're adding the first new key to the dirty map. Make sure it is
        // allocated and mark the read-only map as incomplete.
        DirtyLocked(site);
        AmendLocked(read, site);
      }
      InsertLocked(key, std::make_unique<Box>(value), site);
      r.loaded = false;
    }
  });
  return {r.loaded ? std::move(*r.actual) : std::move(value), r.loaded};
}

// Go's entry.tryLoadOrStore: loads the value or stores one into a deleted
// entry; not ok if the entry is expunged (left unchanged).
template <MapKey K, std::copy_constructible V>
typename Map<K, V>::LoadOrStoreResult Map<K, V>::TryLoadOrStore(Entry* e, const V& value, const K& key,
                                                                bool locked, const Site& site) {
  Box* p;
  {
    rt::Step step(id_);
    p = e->p.load();
    if (Real(p)) {
      TraceValue(trace::EventKind::kMapLoadOrStoreLoaded, site, key, p, e, locked);
      return {p->value, true, true};
    }
  }
  if (p == Expunged()) return {std::nullopt, false, false};
  // Allocated only now: a hit or an expunged entry needs no copy.
  auto box = std::make_unique<Box>(value);
  for (;;) {
    {
      rt::Step step(id_);
      Box* expected = nullptr;
      if (e->p.compare_exchange_strong(expected, box.get())) {
        const Box* stored = box.release();  // the entry's now
        TraceValue(trace::EventKind::kMapLoadOrStoreStored, site, key, stored, e, locked);
        return {std::nullopt, false, true};
      }
    }
    rt::Step step(id_);
    p = e->p.load();
    if (p == Expunged()) return {std::nullopt, false, false};  // box was never published
    if (p != nullptr) {
      TraceValue(trace::EventKind::kMapLoadOrStoreLoaded, site, key, p, e, locked);
      return {p->value, true, true};
    }
  }
}

// --- LoadAndDelete, Delete -------------------------------------------------------

template <MapKey K, std::copy_constructible V>
std::optional<V> Map<K, V>::LoadAndDelete(const K& key, Site site) {
  rt::EpochGuard pin;
  Entry* e = Lookup(key, DirtyLookup::kDelete, site).first;
  if (e == nullptr) return std::nullopt;
  return DeleteEntry(e, key, site);
}

// Go's entry.delete: value -> nil; nothing if already nil or expunged.
template <MapKey K, std::copy_constructible V>
std::optional<V> Map<K, V>::DeleteEntry(Entry* e, const K& key, const Site& site) {
  for (;;) {
    Box* p;
    {
      rt::Step step(id_);
      p = e->p.load();
      if (!Real(p)) {
        TraceValue(trace::EventKind::kMapDelete, site, key, nullptr, e, false);
        return std::nullopt;
      }
    }
    rt::Step step(id_);
    if (e->p.compare_exchange_strong(p, nullptr)) {
      TraceValue(trace::EventKind::kMapDelete, site, key, p, e, true);
      std::optional<V> out(p->value);
      RetireBox(p);
      return out;
    }
  }
}

// --- CompareAndSwap, CompareAndDelete ----------------------------------------------

template <MapKey K, std::copy_constructible V>
bool Map<K, V>::CompareAndSwap(const K& key, const V& old, V new_value, Site site)
  requires std::equality_comparable<V>
{
  rt::EpochGuard pin;
  auto [e, amended] = FindRead(key, site);
  if (e != nullptr) return TryCompareAndSwap(e, old, new_value, key, site);
  if (!amended) return false;  // No existing value for key.
  bool swapped = false;
  Locked(site, [&] {
    {
      rt::Step step(id_);
      e = View(read_.load()).Find(key);
      if (e != nullptr) TraceKey(trace::EventKind::kMapLookupRecheckHit, site, key);
    }
    if (e != nullptr) {
      swapped = TryCompareAndSwap(e, old, new_value, key, site);
      return;
    }
    {
      rt::TraceSection section(id_);
      e = FindDirty(key);
      TraceKey(trace::EventKind::kMapLookupDirty, site, key, e != nullptr);
    }
    if (e != nullptr) {
      swapped = TryCompareAndSwap(e, old, new_value, key, site);
      // We needed mu to load the entry and the set of keys did not change:
      // count a miss, so that we will eventually switch to the more
      // efficient steady state.
      MissLocked(site);
    }
  });
  return swapped;
}

// Go's entry.tryCompareAndSwap: never on a deleted or expunged entry.
template <MapKey K, std::copy_constructible V>
bool Map<K, V>::TryCompareAndSwap(Entry* e, const V& old, const V& new_value, const K& key,
                                  const Site& site) {
  Box* p;
  {
    rt::Step step(id_);
    p = e->p.load();
    if (!Real(p) || !(p->value == old)) {
      TraceValue(trace::EventKind::kMapCompareAndSwap, site, key, p, e, false);
      return false;
    }
  }
  // Allocated after the first comparison: a mismatch needs no copy.
  auto box = std::make_unique<Box>(new_value);
  for (;;) {
    {
      rt::Step step(id_);
      if (e->p.compare_exchange_strong(p, box.get())) {
        const Box* stored = box.release();  // the entry's now
        TraceValue(trace::EventKind::kMapCompareAndSwap, site, key, stored, e, true);
        RetireBox(p);
        return true;
      }
    }
    rt::Step step(id_);
    p = e->p.load();
    if (!Real(p) || !(p->value == old)) {  // box was never published
      TraceValue(trace::EventKind::kMapCompareAndSwap, site, key, p, e, false);
      return false;
    }
  }
}

template <MapKey K, std::copy_constructible V>
bool Map<K, V>::CompareAndDelete(const K& key, const V& old, Site site)
  requires std::equality_comparable<V>
{
  rt::EpochGuard pin;
  // Don't delete key from dirty: we still need to do the "compare" part of
  // the operation. The entry will eventually be expunged when the dirty map
  // is promoted to the read map.
  Entry* e = Lookup(key, DirtyLookup::kKeep, site).first;
  while (e != nullptr) {
    Box* p;
    {
      rt::Step step(id_);
      p = e->p.load();
      if (!Real(p) || !(p->value == old)) {
        TraceValue(trace::EventKind::kMapCompareAndDelete, site, key, p, e, false);
        return false;
      }
    }
    rt::Step step(id_);
    if (e->p.compare_exchange_strong(p, nullptr)) {
      TraceValue(trace::EventKind::kMapCompareAndDelete, site, key, p, e, true);
      RetireBox(p);
      return true;
    }
  }
  return false;
}

// --- Range, Clear ------------------------------------------------------------------

template <MapKey K, std::copy_constructible V>
template <typename F>
  requires std::is_invocable_r_v<bool, F&, const K&, const V&>
void Map<K, V>::Range(F&& f, Site site) {
  // The pin keeps the snapshot and the values f is given alive, however
  // long f takes.
  rt::EpochGuard pin;
  // We need to be able to iterate over all of the keys that were already
  // present at the start of the call to Range. If read.amended is false,
  // read.m satisfies that property without holding mu for a long time.
  View read = LoadReadOnly();
  if (read.amended) {
    // dirty contains keys not in read.m. Range is already O(n) (assuming the
    // caller does not break out early), so a call to Range amortizes an
    // entire copy of the map: promote the dirty copy immediately.
    Locked(site, [&] {
      read = LoadReadOnly();
      if (read.amended) {
        PromoteLocked(trace::EventKind::kMapRangePromote, site);
        read = View(read_.load(std::memory_order_relaxed));  // Go keeps the readOnly it stored
      }
    });
  }
  if (rt::Tracing()) {
    rt::TraceSection section(id_);
    Emit(trace::EventKind::kMapRangeBegin, site, Now(), std::int64_t(read.len()));
  }
  std::int64_t calls = 0;
  bool stopped = false;
  if (read.m != nullptr) {
    for (const auto& [k, e] : read.m->m) {
      const Box* p;
      {
        rt::Step step(id_);
        p = e->p.load();
        TraceValue(trace::EventKind::kMapRangeEntry, site, k, p, e, Real(p));
      }
      if (!Real(p)) continue;
      calls++;
      if (!std::invoke(f, k, p->value)) {
        stopped = true;
        break;
      }
    }
  }
  if (rt::Tracing()) {
    rt::TraceSection section(id_);
    Emit(trace::EventKind::kMapRangeEnd, site, Now(), calls, stopped);
  }
}

template <MapKey K, std::copy_constructible V>
void Map<K, V>::Clear(Site site) {
  rt::EpochGuard pin;
  {
    const View read = LoadReadOnly();
    // Avoid allocating a new readOnly when the map is already clear.
    if (read.len() == 0 && !read.amended) return;
  }
  Locked(site, [&] {
    const View read = LoadReadOnly();
    const bool store = read.len() > 0 || read.amended;
    auto fresh = store ? std::make_unique<ReadOnly>(nullptr, false) : nullptr;
    // What no map holds once cleared: read.m's entries and dirty's others.
    std::vector<Entry*> gone;
    if (store && read.m != nullptr) {
      for (const auto& [k, e] : read.m->m) gone.push_back(e);
    }
    if (dirty_ != nullptr) {
      for (const auto& [k, e] : dirty_->m) {
        if (!store || read.Find(k) != e) gone.push_back(e);
      }
    }
    const ReadOnly* old = nullptr;
    auto clear = [&] {
      if (store) old = StoreReadLocked(fresh.get());
      if (dirty_ != nullptr) {
        dirty_->m.clear();  // Go's clear(m.dirty): emptied, still allocated
        dirty_len_.store(0, std::memory_order_relaxed);
      }
      // Don't immediately promote the newly-cleared dirty map on the next
      // operation.
      misses_.store(0, std::memory_order_relaxed);
      expunged_.clear();
      if (rt::Tracing()) Emit(trace::EventKind::kMapClear, site, Now());
    };
    if (store) {
      rt::Step step(id_);  // the atomic store of read
      clear();
    } else {
      rt::TraceSection section(id_);
      clear();
    }
    if (store) RetireReadLocked(old, fresh.release());
    for (Entry* e : gone) reclaimer_.Retire(e);
  });
}

// --- under mu ------------------------------------------------------------------------

// Go's missLocked.
template <MapKey K, std::copy_constructible V>
void Map<K, V>::MissLocked(const Site& site) {
  const std::int64_t misses = misses_.load(std::memory_order_relaxed) + 1;
  if (misses < dirty_len_.load(std::memory_order_relaxed)) {
    rt::TraceSection section(id_);
    misses_.store(misses, std::memory_order_relaxed);
    if (rt::Tracing()) Emit(trace::EventKind::kMapMiss, site, Now());
    return;
  }
  PromoteLocked(trace::EventKind::kMapPromote, site);
}

// read = {m: dirty}, dirty = nil, misses = 0 (missLocked at its threshold,
// and Range).
template <MapKey K, std::copy_constructible V>
void Map<K, V>::PromoteLocked(trace::EventKind kind, const Site& site) {
  auto fresh = std::make_unique<ReadOnly>(dirty_, false);
  const ReadOnly* old;
  {
    rt::Step step(id_);
    old = StoreReadLocked(fresh.get());
    dirty_ = nullptr;
    dirty_len_.store(-1, std::memory_order_relaxed);
    misses_.store(0, std::memory_order_relaxed);
    if (rt::Tracing()) Emit(kind, site, Now());
  }
  RetireReadLocked(old, fresh.release());
  // The old read.m's entries that dirty lacked are the expunged ones (INV1,
  // INV2): they are in no map now. (An expunged entry changes only under mu,
  // by unexpungeLocked, which puts it back in dirty.)
  for (Entry* e : expunged_) {
    if (e->p.load(std::memory_order_relaxed) == Expunged()) reclaimer_.Retire(e);
  }
  expunged_.clear();
}

// Go's dirtyLocked: a new dirty with every entry of read.m but the deleted
// ones, which are expunged instead.
template <MapKey K, std::copy_constructible V>
void Map<K, V>::DirtyLocked(const Site& site) {
  if (dirty_ != nullptr) return;
  const View read = LoadReadOnly();
  auto table = std::make_unique<Table>();
  table->m.reserve(read.len());
  expunged_.reserve(read.len());  // so that recording an expunge cannot fail
  {
    rt::TraceSection section(id_);
    dirty_ = table.release();
    dirty_len_.store(0, std::memory_order_relaxed);
    if (rt::Tracing()) Emit(trace::EventKind::kMapDirtyInit, site, Now());
  }
  if (read.m == nullptr) return;
  for (const auto& [k, e] : read.m->m) CopyOrExpungeLocked(k, e, site);
}

// Go's tryExpungeLocked, and the copy into dirty when it reports false. The
// copy is made in the step of the load that found a value, so the trace
// shows it where it was decided.
template <MapKey K, std::copy_constructible V>
void Map<K, V>::CopyOrExpungeLocked(const K& key, Entry* e, const Site& site) {
  for (;;) {
    {
      rt::Step step(id_);
      Box* p = e->p.load();
      if (p == Expunged()) return;  // not copied (no entry is expunged while dirty is nil: INV2)
      if (p != nullptr) {
        dirty_->m.emplace(key, e);
        dirty_len_.fetch_add(1, std::memory_order_relaxed);
        TraceKey(trace::EventKind::kMapDirtyCopy, site, key, e->number);
        return;
      }
    }
    rt::Step step(id_);
    Box* expected = nullptr;
    if (e->p.compare_exchange_strong(expected, Expunged())) {
      expunged_.push_back(e);
      TraceKey(trace::EventKind::kMapExpunge, site, key, e->number);
      return;
    }
  }
}

// read = {m: read.m, amended: true}: the first new key since a promotion.
template <MapKey K, std::copy_constructible V>
void Map<K, V>::AmendLocked(const View& read, const Site& site) {
  auto fresh = std::make_unique<ReadOnly>(read.m, true);
  const ReadOnly* old;
  {
    rt::Step step(id_);
    old = StoreReadLocked(fresh.get());
    if (rt::Tracing()) Emit(trace::EventKind::kMapAmend, site, Now());
  }
  RetireReadLocked(old, fresh.release());  // the same table: only the readOnly goes
}

// dirty[key] = newEntry(value).
template <MapKey K, std::copy_constructible V>
void Map<K, V>::InsertLocked(const K& key, std::unique_ptr<Box> box, const Site& site) {
  auto e = std::make_unique<Entry>(box.get(), ++entries_made_);
  const Box* value = box.release();  // the entry's now
  rt::TraceSection section(id_);
  dirty_->m.emplace(key, e.get());
  dirty_len_.fetch_add(1, std::memory_order_relaxed);
  TraceValue(trace::EventKind::kMapInsert, site, key, value, e.release());
}

template <MapKey K, std::copy_constructible V>
Map<K, V>::~Map() {
  // No goroutine may use the Map now, so nothing is pinned on its behalf:
  // free what the maps hold; the reclaimer frees what was retired.
  const ReadOnly* r = read_.load(std::memory_order_relaxed);
  const View read(r);
  if (dirty_ != nullptr) {
    for (const auto& [k, e] : dirty_->m) {
      if (read.Find(k) != e) delete e;
    }
    delete dirty_;
  }
  if (read.m != nullptr) {
    for (const auto& [k, e] : read.m->m) delete e;
    delete read.m;
  }
  delete r;
}

}  // namespace synclab
