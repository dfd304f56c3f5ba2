// recorder.cpp: per-thread event buffers and the dense renumbering.
#include "synclab/instrument/recorder.h"

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <unordered_map>

namespace synclab::instrument {

namespace {

// Events are kept in fixed-size chunks that outlive their recorder in a
// small process-wide pool. Fresh memory is expensive to touch (a page fault
// per 4 KiB: on the VMs we run on ~11 us, i.e. ~200 ns per event), and a
// growing vector also copies itself; a chunk from the pool has neither cost,
// which matters when a program records many runs (tests, schedule search).
struct Chunk {
  static constexpr std::size_t kEvents = 8192;  // ~600 KiB
  std::size_t used = 0;
  trace::Event events[kEvents];
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

using ChunkPool = FreeList<Chunk, 128>;  // ~75 MiB at most stays cached

// The bytes of str fields, copied out of the event (its views die with the
// call). Strings are cut to kMaxTraceString, so one always fits a block.
struct StringBlock {
  static constexpr std::size_t kBytes = 64 << 10;
  char bytes[kBytes];
};
static_assert(kMaxTraceString <= StringBlock::kBytes);
using BlockPool = FreeList<StringBlock, 16>;

}  // namespace

// One thread's events, in seq order, and the bytes of their strings. Both
// come from the free lists: the hot path touches no allocator.
struct Recorder::Buffer {
  std::vector<std::unique_ptr<Chunk>> chunks;
  Chunk* last = nullptr;
  std::vector<std::unique_ptr<StringBlock>> blocks;
  std::size_t block_used = StringBlock::kBytes;

  void Append(trace::Event e) {
    for (std::size_t k = 0, n = trace::Info(e.kind).str_count; k < n; k++) e.str[k] = Copy(e.str[k]);
    if (last == nullptr || last->used == Chunk::kEvents) {
      chunks.push_back(ChunkPool::Get().Take());
      last = chunks.back().get();
      last->used = 0;
    }
    last->events[last->used++] = e;
  }
  std::string_view Copy(std::string_view s) {
    s = s.substr(0, kMaxTraceString);
    if (s.empty()) return {};
    if (block_used + s.size() > StringBlock::kBytes) {
      blocks.push_back(BlockPool::Get().Take());
      block_used = 0;
    }
    char* at = blocks.back()->bytes + block_used;
    std::copy(s.begin(), s.end(), at);
    block_used += s.size();
    return {at, s.size()};
  }
  void ReleaseChunks() {
    for (auto& c : chunks) ChunkPool::Get().Give(std::move(c));
    chunks.clear();
    last = nullptr;
  }
  ~Buffer() {
    ReleaseChunks();
    for (auto& b : blocks) BlockPool::Get().Give(std::move(b));
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

void Recorder::OnEvent(trace::Event e) noexcept {
  if (closed_.load(std::memory_order_relaxed)) return;
  Buffer* b = tl_cache.generation == generation_ ? static_cast<Buffer*>(tl_cache.buffer)
                                                 : ThisThreadBuffer();
  e.seq = next_seq_.fetch_add(1, std::memory_order_relaxed);
  b->Append(e);
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
  std::vector<trace::Event> raw;
  raw.reserve(next_seq_.load());
  for (const auto& b : buffers_) {
    for (const auto& c : b->chunks) raw.insert(raw.end(), c->events, c->events + c->used);
  }
  const bool merged = buffers_.size() > 1;  // one buffer is in seq order already
  // The chunks go back to the pool now; the string blocks stay until the
  // strings the events point into are interned (the end of Finish).
  for (const auto& b : buffers_) b->ReleaseChunks();
  if (merged) {
    std::sort(raw.begin(), raw.end(),
              [](const trace::Event& a, const trace::Event& b) { return a.seq < b.seq; });
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

  t.events.reserve(raw.size());
  std::int64_t last_t = 0;
  for (const trace::Event& e : raw) {
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
  buffers_.clear();  // the string blocks go back to the pool
  return t;
}

}  // namespace synclab::instrument
