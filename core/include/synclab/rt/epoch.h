// epoch.h: epoch-based reclamation, for structures that readers walk without
// a lock (sync.Map's read map and entries).
//
// Go's sync.Map leans on the garbage collector: a Load may still hold the
// readOnly map or a value a Store has just replaced, and the old object lives
// as long as someone points to it. In C++ a writer that unlinks an object
// Retire()s it instead, and it is freed once no reader that could have seen
// it is left:
//
//   reader                               writer
//   EpochGuard pin;                      old = p.exchange(fresh);
//   T* x = p.load();  ... use *x ...     reclaimer.Retire(old);  // freed later
//   (pin ends)
//
// The scheme: a global epoch E, and per thread stripe two reader counts, one
// per parity of E. A reader adds itself to the count of E's parity, re-reads
// E (and moves if E moved meanwhile), and takes one off when it leaves. An
// object retired while E = r is freed once E >= r + 2. E moves from x to x+1
// only when no reader is counted under the parity of x-1, so E >= r + 2 means
// both parities have drained since the object was unlinked: every reader
// that could have loaded it has left. (Readers that come later cannot reach
// it.) All of it uses seq_cst atomics, so ThreadSanitizer sees every
// happens-before edge the argument uses.
//
// INV1 a reader is counted under the parity of an epoch e that E equalled
//      after its count was added (the re-read).
// INV2 E never moves from x while a reader counted under parity x-1 remains.
// INV3 an object retired at epoch r is freed only once E >= r + 2.
//
// Why this and not a library. Debian's liburcu (userspace RCU) was the
// candidate: its bp flavour needs no thread registration and call_rcu frees
// asynchronously. But its read side is built on membarrier/signal fences that
// ThreadSanitizer does not model (false reports on every freed object), it
// runs a call_rcu thread per process, and it pins per OS thread: under the
// sim every goroutine is a fiber on one thread, so a fiber parked inside a
// read section would keep its thread's whole grace period open. This file is
// ~100 lines: readers take no lock and do no contended read-modify-write (one
// add and one subtract on their own thread's cache line), a writer never
// waits for a reader (it frees what it can and leaves the rest for later,
// which the sim requires: a writer that waited for a reader fiber on the same
// thread would wait forever), and fibers on one thread are counted by epoch,
// so old readers drain while new ones arrive.
//
// Stripes: a thread takes a stripe when it first reads (round robin over
// kEpochStripes). Threads beyond that share stripes; sharing is only slower,
// never wrong, because the counts are changed with atomic read-modify-writes.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace synclab::rt {

// Something a Reclaimer frees later: an intrusive header (objects derive
// from it) and the function that deletes the whole object.
struct Retired {
  using FreeFn = void (*)(Retired*) noexcept;
  explicit Retired(FreeFn f) noexcept : free(f) {}
  FreeFn free;
  Retired* next = nullptr;
  std::uint64_t epoch = 0;  // E when it was retired
};

namespace detail {
inline constexpr std::size_t kEpochStripes = 64;
struct alignas(64) EpochStripe {
  std::atomic<std::int64_t> readers[2] = {0, 0};  // by parity of the epoch they read in
};
extern EpochStripe g_epoch_stripes[kEpochStripes];
extern std::atomic<std::uint64_t> g_epoch;
inline constinit thread_local EpochStripe* tls_epoch_stripe = nullptr;
EpochStripe* AssignEpochStripe() noexcept;
}  // namespace detail

// A read section: while it lives, nothing retired after it began is freed.
// Nests (a Range callback that calls Load), and fibers on one thread may
// hold several at once.
class EpochGuard {
 public:
  EpochGuard() noexcept {
    detail::EpochStripe* s = detail::tls_epoch_stripe;
    if (s == nullptr) s = detail::AssignEpochStripe();
    std::uint64_t e = detail::g_epoch.load(std::memory_order_seq_cst);
    for (;;) {
      s->readers[e & 1].fetch_add(1, std::memory_order_seq_cst);
      const std::uint64_t now = detail::g_epoch.load(std::memory_order_seq_cst);
      if (now == e) break;  // INV1
      s->readers[e & 1].fetch_sub(1, std::memory_order_seq_cst);
      e = now;
    }
    count_ = &s->readers[e & 1];
  }
  ~EpochGuard() { count_->fetch_sub(1, std::memory_order_seq_cst); }
  EpochGuard(const EpochGuard&) = delete;
  EpochGuard& operator=(const EpochGuard&) = delete;

 private:
  std::atomic<std::int64_t>* count_;
};

// The objects one structure has retired. Retire never blocks: it frees what
// no reader can still see, now or at a later Retire, and the destructor
// frees the rest (no reader may be left by then).
class Reclaimer {
 public:
  static constexpr std::uint32_t kBatch = 32;  // retires between collections

  Reclaimer() = default;
  ~Reclaimer();
  Reclaimer(const Reclaimer&) = delete;
  Reclaimer& operator=(const Reclaimer&) = delete;

  // `r` must be unlinked already: no reader that starts from now on can
  // reach it.
  void Retire(Retired* r) noexcept;
  // Frees what no reader can still see; returns how many it freed.
  std::size_t Collect() noexcept;
  // Retired and not freed yet (for tests).
  std::size_t pending() const noexcept { return pending_.load(std::memory_order_relaxed); }

 private:
  void Push(Retired* first, Retired* last) noexcept;

  std::atomic<Retired*> head_{nullptr};
  std::atomic<std::uint32_t> retired_{0};
  std::atomic<std::size_t> pending_{0};
  std::atomic<bool> collecting_{false};
};

// Moves E on by one if no reader of the epoch before it is left (INV2);
// returns E afterwards. Collect calls it; tests may too.
std::uint64_t TryAdvanceEpoch() noexcept;

}  // namespace synclab::rt
