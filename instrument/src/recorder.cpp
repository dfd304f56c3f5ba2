// recorder.cpp: per-thread event buffers and the dense renumbering.
#include "synclab/instrument/recorder.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <type_traits>
#include <unordered_map>

namespace synclab::instrument {

namespace {

// Events are kept in fixed-size chunks that outlive their recorder in a
// small process-wide pool. Fresh memory is expensive to touch (a page fault
// per 4 KiB: on the VMs we run on ~11 us, i.e. ~200 ns per event), and a
// growing vector also copies itself; a chunk from the pool has neither cost,
// which matters when a program records many runs (tests, schedule search).
struct Chunk {
  static constexpr std::size_t kBytes = 1 << 20;
  std::size_t used = 0;
  alignas(8) unsigned char bytes[kBytes];
};

// A small process-wide free list of fixed-size blocks (never destroyed:
// recorders may outlive statics).
template <typename T, std::size_t kKeep>
class FreeList {
 public:
  static FreeList& Get() {
    static FreeList* list = new FreeList;
    return *list;
  }
  std::unique_ptr<T> Take() {
    {
      std::lock_guard l(mu_);
      if (!free_.empty()) {
        std::unique_ptr<T> c = std::move(free_.back());
        free_.pop_back();
        return c;
      }
    }
    return std::unique_ptr<T>(new T);  // default-init: pages are touched on use
  }
  void Give(std::unique_ptr<T> c) {
    std::lock_guard l(mu_);
    if (free_.size() < kKeep) free_.push_back(std::move(c));
  }

 private:
  std::mutex mu_;
  std::vector<std::unique_ptr<T>> free_;
};

using ChunkPool = FreeList<Chunk, 96>;  // ~100 MiB at most stays cached

// An event as a chunk holds it: a fixed head, the event's own fields (its
// catalogue's count, not kMaxFields), then each str field's length and
// bytes (cut to kMaxTraceString), padded to 8. Most events take 56-88
// bytes instead of a trace::Event's ~140: recording is bound by the bytes
// it writes, so this is what keeps it cheap.
struct Head {
  std::uint64_t seq;
  std::int64_t t_ns;
  GoroutineId g;
  ObjectId obj;
  Site site;
  std::uint32_t kind;
  std::uint32_t size;  // of the whole record, in bytes
};
static_assert(std::is_trivially_copyable_v<Head> && std::is_trivially_copyable_v<Site>);
static_assert(offsetof(Head, site) == 32 && sizeof(Site) == 8 && offsetof(Head, size) == 44 && sizeof(Head) == 48,
              "Append writes Head field by field in this layout");
constexpr std::size_t Pad8(std::size_t n) { return (n + 7) & ~std::size_t(7); }
constexpr std::size_t kMaxRecord =
    sizeof(Head) + 8 * trace::kMaxFields + trace::kMaxStrFields * (8 + Pad8(kMaxTraceString));
static_assert(kMaxRecord <= Chunk::kBytes);

// The event at `at`; its str fields view the chunk's bytes.
trace::Event Decode(const unsigned char* at) {
  Head h;
  std::memcpy(&h, at, sizeof h);
  trace::Event e{h.seq, h.t_ns, h.g, h.obj, trace::EventKind(h.kind), h.site, {}, {}};
  const trace::EventInfo& info = trace::Info(e.kind);
  const unsigned char* p = at + sizeof h;
  std::memcpy(e.f.data(), p, 8 * info.field_count);
  p += 8 * info.field_count;
  for (std::size_t k = 0; k < info.str_count; k++) {
    std::uint64_t len = 0;
    std::memcpy(&len, p, 8);
    e.str[k] = {reinterpret_cast<const char*>(p + 8), std::size_t(len)};
    p += 8 + Pad8(std::size_t(len));
  }
  return e;
}

}  // namespace

// One thread's events, in seq order. Chunks come from the free list: the hot
// path touches no allocator.
struct Recorder::Buffer {
  std::vector<std::unique_ptr<Chunk>> chunks;
  Chunk* last = nullptr;

  void Append(const trace::Event& e, std::uint64_t seq) {
    const trace::EventInfo& info = trace::Info(e.kind);
    std::array<std::string_view, trace::kMaxStrFields> strs;
    std::size_t size = sizeof(Head) + 8 * info.field_count;
    for (std::size_t k = 0; k < info.str_count; k++) {
      strs[k] = e.str[k].substr(0, kMaxTraceString);
      size += 8 + Pad8(strs[k].size());
    }
    if (last == nullptr || last->used + size > Chunk::kBytes) {
      chunks.push_back(ChunkPool::Get().Take());
      last = chunks.back().get();
      last->used = 0;
    }
    unsigned char* at = last->bytes + last->used;
    last->used += size;
    // Field by field, in Head's layout: the caller has just written e with
    // 8-byte stores, and reading it back in wider loads (a struct copy)
    // stalls on store forwarding, which cost more than all the rest.
    auto put = [&at](auto v) {
      std::memcpy(at, &v, sizeof v);
      at += sizeof v;
    };
    put(seq);
    put(e.t_ns);
    put(e.g);
    put(e.obj);
    put(e.site);
    put(std::uint32_t(e.kind));
    put(std::uint32_t(size));
    for (std::size_t i = 0; i < info.field_count; i++) put(e.f[i]);
    for (std::size_t k = 0; k < info.str_count; k++) {
      const std::uint64_t len = strs[k].size();
      std::memcpy(at, &len, 8);
      if (len != 0) std::memcpy(at + 8, strs[k].data(), len);  // an empty view's data may be null
      at += 8 + Pad8(len);
    }
  }
  ~Buffer() {
    for (auto& c : chunks) ChunkPool::Get().Give(std::move(c));
  }
};

namespace {

std::atomic<std::uint64_t> g_generation{1};

// The buffer this thread last used, tagged with its recorder's generation
// (a recorder at a reused address gets a new generation).
struct ThreadCache {
  std::uint64_t generation = 0;
  void* buffer = nullptr;
};
thread_local ThreadCache tl_cache;

// Dense ids for raw ids, in order of first use.
class Renumber {
 public:
  Id Map(std::uint64_t raw) const {
    auto it = ids_.find(raw);
    return it == ids_.end() ? 0 : it->second;
  }
  Id Add(std::uint64_t raw) {
    auto [it, inserted] = ids_.emplace(raw, Id(ids_.size() + 1));
    return it->second;
  }
  bool Has(std::uint64_t raw) const { return ids_.count(raw) != 0; }

 private:
  std::unordered_map<std::uint64_t, Id> ids_;
};

class SiteTable {
 public:
  explicit SiteTable(std::vector<SiteInfo>& out) : out_(out) {}
  Id Intern(const Site& s) {
    if (s.line() == 0 && *s.file_name() == '\0') return 0;
    auto key = std::make_tuple(std::string_view(s.file_name()), s.line(), s.column(),
                               std::string_view(s.function_name()));
    auto [it, inserted] = ids_.emplace(key, Id(out_.size() + 1));
    if (inserted) out_.push_back({s.file_name(), s.line(), s.column(), s.function_name()});
    return it->second;
  }

 private:
  std::vector<SiteInfo>& out_;
  std::map<std::tuple<std::string_view, std::uint32_t, std::uint32_t, std::string_view>, Id> ids_;
};

}  // namespace

Recorder::Recorder() : generation_(g_generation.fetch_add(1)) {}
Recorder::~Recorder() = default;

Recorder::Buffer* Recorder::ThisThreadBuffer() {
  std::lock_guard l(mu_);
  buffers_.push_back(std::make_unique<Buffer>());
  Buffer* b = buffers_.back().get();
  tl_cache = {generation_, b};
  return b;
}

void Recorder::OnEvent(const trace::Event& e) noexcept {
  if (closed_.load(std::memory_order_relaxed)) return;
  Buffer* b = tl_cache.generation == generation_ ? static_cast<Buffer*>(tl_cache.buffer)
                                                 : ThisThreadBuffer();
  b->Append(e, next_seq_.fetch_add(1, std::memory_order_relaxed));
}

void Recorder::OnGoroutine(GoroutineId id, GoroutineId parent, std::string_view name,
                           Site site) noexcept {
  if (closed_.load(std::memory_order_relaxed)) return;
  std::lock_guard l(mu_);
  goroutines_.push_back({id, parent, trace::ObjectKind::kGoroutine, std::string(name), site});
}

void Recorder::OnObject(ObjectId id, trace::ObjectKind kind, std::string_view name,
                        ObjectId parent, Site site) noexcept {
  if (closed_.load(std::memory_order_relaxed)) return;
  std::lock_guard l(mu_);
  objects_.push_back({id, parent, kind, std::string(name), site});
}

Trace Recorder::Finish(Meta meta, const rt::Outcome& outcome,
                       const std::vector<GoroutineId>& schedule) {
  std::lock_guard l(mu_);
  Trace t;
  t.meta = std::move(meta);
  SiteTable sites(t.sites);

  closed_.store(true);  // no event may arrive now: the buffers go away
  // Where each event's record is, in seq order (one buffer is in seq order
  // already). The records stay in their chunks until the end: str fields
  // view their bytes until they are interned.
  struct Ref {
    std::uint64_t seq;
    const unsigned char* at;
  };
  std::vector<Ref> refs;
  refs.reserve(next_seq_.load());
  for (const auto& b : buffers_) {
    for (const auto& c : b->chunks) {
      for (std::size_t off = 0; off < c->used;) {
        Head h;
        std::memcpy(&h, c->bytes + off, sizeof h);
        refs.push_back({h.seq, c->bytes + off});
        off += h.size;
      }
    }
  }
  if (buffers_.size() > 1) {
    std::sort(refs.begin(), refs.end(), [](const Ref& a, const Ref& b) { return a.seq < b.seq; });
  }

  Renumber gs, objs, ptrs;
  std::unordered_map<std::string_view, Id> string_ids;
  auto intern = [&](std::string_view s) -> Id {
    auto [it, inserted] = string_ids.emplace(s, Id(t.strings.size() + 1));
    if (inserted) t.strings.emplace_back(s);
    return it->second;
  };
  for (const Registered& r : goroutines_) {
    if (gs.Has(r.raw)) continue;
    Id id = gs.Add(r.raw);
    t.goroutines.push_back({id, gs.Map(r.parent), r.name, sites.Intern(r.site)});
  }
  for (const Registered& r : objects_) {
    if (objs.Has(r.raw)) continue;
    Id id = objs.Add(r.raw);
    t.objects.push_back({id, r.kind, r.name, objs.Map(r.parent), sites.Intern(r.site)});
  }
  // Ids seen only in events (a goroutine or object from before recording).
  auto goroutine = [&](std::uint64_t raw) -> Id {
    if (raw == 0) return 0;
    if (!gs.Has(raw)) t.goroutines.push_back({gs.Add(raw), 0, "", 0});
    return gs.Map(raw);
  };
  auto object = [&](std::uint64_t raw, trace::ObjectKind kind) -> Id {
    if (raw == 0) return 0;
    if (!objs.Has(raw)) t.objects.push_back({objs.Add(raw), kind, "", 0, 0});
    return objs.Map(raw);
  };

  t.events.reserve(refs.size());
  std::int64_t last_t = 0;
  for (const Ref& ref : refs) {
    const trace::Event e = Decode(ref.at);
    const trace::EventInfo& info = trace::Info(e.kind);
    TraceEvent te;
    te.seq = t.events.size();
    te.t = last_t = std::max(last_t, clock_.ToNs(e.t_ns));
    te.g = goroutine(e.g);
    // Goroutine events refer to the object waited on: always a sema so far.
    te.obj = object(e.obj, info.object == trace::ObjectKind::kGoroutine ? trace::ObjectKind::kSema
                                                                         : info.object);
    te.kind = e.kind;
    te.site = sites.Intern(e.site);
    for (std::size_t i = 0; i < info.field_count; i++) {
      switch (info.fields[i].type) {
        case trace::FieldType::kG: te.f[i] = goroutine(std::uint64_t(e.f[i])); break;
        case trace::FieldType::kObj:
          te.f[i] = object(std::uint64_t(e.f[i]), trace::ObjectKind::kSema);
          break;
        case trace::FieldType::kStr: te.f[i] = intern(e.Str(i)); break;
        case trace::FieldType::kPtr: te.f[i] = e.f[i] == 0 ? 0 : ptrs.Add(std::uint64_t(e.f[i])); break;
        default: te.f[i] = e.f[i];
      }
    }
    t.events.push_back(te);
  }

  // A part of a primitive (its sema, an RWMutex's w) is registered with the
  // part's name: it is called "<owner>.<part>" (parents come first).
  for (ObjectInfo& o : t.objects) {
    if (o.parent == 0 || o.parent >= o.id) continue;
    const ObjectInfo& owner = t.objects[o.parent - 1];
    std::string owner_label = owner.name;
    if (owner_label.empty()) owner_label = std::string(trace::Name(owner.kind)) + "#" + std::to_string(owner.id);
    o.name = owner_label + "." + o.name;
  }

  for (GoroutineId g : schedule) t.schedule.push_back(goroutine(g));

  t.outcome.status = outcome.status;
  t.outcome.message = outcome.message;
  t.outcome.g = goroutine(outcome.g);
  for (const rt::Blocked& b : outcome.blocked) {
    t.outcome.blocked.push_back(
        {goroutine(b.g), object(b.obj, trace::ObjectKind::kSema), b.reason, sites.Intern(b.site)});
  }
  if (outcome.status != rt::Status::kOk && !t.events.empty()) {
    // The event to jump to: the failing goroutine's last, else the last one.
    std::uint64_t seq = t.events.size() - 1;
    if (t.outcome.g != 0) {
      for (auto it = t.events.rbegin(); it != t.events.rend(); ++it) {
        if (it->g == t.outcome.g) {
          seq = it->seq;
          break;
        }
      }
    }
    t.outcome.seq = seq;
  }
  buffers_.clear();  // the chunks go back to the pool
  return t;
}

}  // namespace synclab::instrument
