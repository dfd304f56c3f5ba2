// pool/steal: a producer fills its P's cache; a consumer on another P finds
// its own P empty and steals from the tail of the producer's shared chain.
//
// The producer's first Put fills its private slot; the rest go to its
// shared chain: 8 into the first dequeue, then, that one full, into a new
// dequeue of 16 (poolchain.grow). The consumer steals them oldest first
// (popTail at the chain's tail), drops the drained dequeue (poolchain.drop)
// and goes on in the next. The private buffer cannot be stolen.
#include <chrono>
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

using namespace std::chrono_literals;

void Main(const Config& config) {
  Pool<Buffer> pool(nullptr, "pool");
  WaitGroup filled{"filled"}, done{"done"};
  constexpr int kBuffers = 11;  // 1 private, 8 in dequeue 0, 2 in dequeue 1
  int got = 0;
  bool in_order = true;
  filled.Add(1);
  done.Add(2);
  go([&] {
    for (int i = 1; i <= kBuffers; i++) pool.Put(std::make_unique<Buffer>(Buffer{i, {}}));
    filled.Done();
    work(2ms);  // stay on this P: the consumer runs on another
    done.Done();
  }, "producer");
  go([&] {
    filled.Wait();
    for (int i = 0; i < kBuffers; i++) {
      std::unique_ptr<Buffer> b = pool.Get();  // steals the oldest first
      if (b == nullptr) break;
      in_order = in_order && b->id == got + 2;
      got++;
    }
    done.Done();
  }, "consumer");
  done.Wait();
  // Natively the consumer may pin the producer's P and take its private
  // buffer too, newest first.
  if (config.native) {
    check(got >= kBuffers - 1, "the consumer got " + std::to_string(got) + " buffers");
  } else {
    check(got == kBuffers - 1 && in_order,
          "the consumer got " + std::to_string(got) + " buffers, want buf2 to buf11 in order");
  }
}

}  // namespace

extern const Scenario kPoolSteal{
    "pool/steal",
    "A consumer on another P steals a producer's pooled buffers from the tail of its chain",
    "The producer's Puts: buf1 goes to its P's private slot (pool.put.private), buf2-buf9 "
    "fill the first dequeue of its shared chain (pool.put.shared, head going up), and the "
    "full dequeue makes the chain grow a second one of 16 slots (poolchain.grow). The "
    "consumer, on the other P, finds its own cache empty and steals (pool.get.steal from "
    "P n): popTail takes the oldest buffer at the tail, and each steal hands its slot back "
    "(pooldequeue.release). When the first dequeue is drained the consumer drops it from "
    "the chain (poolchain.drop) and steals on in the second. buf1 stays behind: a private "
    "item is never stolen.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
