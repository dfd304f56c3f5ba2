// pool/victim-rotation: a pooled buffer survives one GC in the victim
// cache, and is dropped by the second.
//
// A GC (poolCleanup) moves every pool's local cache to its victim cache and
// drops the old victim. A Get that finds nothing in any local cache looks
// in the victim: the buffer Put before one GC is still found there. Put
// back and left through two GCs, it is gone, and Get has to call New.
#include <memory>
#include <string>

#include "synclab/pool.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

struct Buffer {
  int id;
  char bytes[64];
};

}  // namespace
}  // namespace synclab::scenarios

// How a Buffer shows in the trace: "buf1".
template <>
struct fmt::formatter<synclab::scenarios::Buffer> {
  constexpr auto parse(format_parse_context& ctx) { return ctx.begin(); }
  template <class Ctx>
  auto format(const synclab::scenarios::Buffer& b, Ctx& ctx) const {
    return fmt::format_to(ctx.out(), "buf{}", b.id);
  }
};

namespace synclab::scenarios {
namespace {

void Main(const Config&) {
  int made = 0;
  Pool<Buffer> pool([&] { return std::make_unique<Buffer>(Buffer{++made, {}}); }, "pool");

  std::unique_ptr<Buffer> b = pool.Get();  // New: buf1
  pool.Put(std::move(b));                  // into local, P0's private slot
  gc();                                    // local becomes the victim
  b = pool.Get();                          // not in local: found in the victim
  check(b->id == 1, "after one GC Get returned buf" + std::to_string(b->id) + ", want buf1");

  pool.Put(std::move(b));  // back into (a new) local
  gc();                    // into the victim again
  gc();                    // the victim is dropped: buf1 is deleted
  b = pool.Get();          // nothing anywhere: New
  check(b->id == 2, "after two GCs Get returned buf" + std::to_string(b->id) + ", want a new buf2");
}

}  // namespace

extern const Scenario kPoolVictimRotation{
    "pool/victim-rotation",
    "A pooled buffer survives one GC in the victim cache and is dropped by the second",
    "Watch the pool's local and victim caches. After gc() (go.gc, then pool.gc.rotate) the "
    "local cache, holding buf1, has become the victim and local is nil. The next Get "
    "allocates a new local (pool.pin.alloc), finds nothing there, and takes buf1 from the "
    "victim (pool.get.victim_private): it survived one GC. Put back, buf1 is in local again; "
    "the first of the next two GCs moves it to the victim, the second drops the victim and "
    "buf1 with it. The last Get finds nothing and calls New (pool.get.new): buf2.",
    std::source_location::current().file_name(),
    1,
    &Main,
};

}  // namespace synclab::scenarios
