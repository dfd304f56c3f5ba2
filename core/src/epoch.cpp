// epoch.cpp: epoch-based reclamation (epoch.h).
#include "synclab/rt/epoch.h"

namespace synclab::rt {
namespace detail {

EpochStripe g_epoch_stripes[kEpochStripes];
alignas(64) std::atomic<std::uint64_t> g_epoch{0};

EpochStripe* AssignEpochStripe() noexcept {
  static std::atomic<std::size_t> next{0};
  tls_epoch_stripe = &g_epoch_stripes[next.fetch_add(1, std::memory_order_relaxed) % kEpochStripes];
  return tls_epoch_stripe;
}

}  // namespace detail

std::uint64_t TryAdvanceEpoch() noexcept {
  std::uint64_t e = detail::g_epoch.load(std::memory_order_seq_cst);
  // Readers of e - 1 share the parity of e + 1.
  for (const detail::EpochStripe& s : detail::g_epoch_stripes) {
    if (s.readers[(e + 1) & 1].load(std::memory_order_seq_cst) != 0) return e;
  }
  // Another writer may have moved it first: either way it moved.
  if (detail::g_epoch.compare_exchange_strong(e, e + 1, std::memory_order_seq_cst)) return e + 1;
  return e;
}

void Reclaimer::Push(Retired* first, Retired* last) noexcept {
  Retired* head = head_.load(std::memory_order_relaxed);
  do {
    last->next = head;
  } while (!head_.compare_exchange_weak(head, first, std::memory_order_release,
                                        std::memory_order_relaxed));
}

void Reclaimer::Retire(Retired* r) noexcept {
  // Read after the caller unlinked r: a reader counted in an epoch before
  // this one may hold r, later ones cannot reach it.
  r->epoch = detail::g_epoch.load(std::memory_order_seq_cst);
  pending_.fetch_add(1, std::memory_order_relaxed);
  Push(r, r);
  if ((retired_.fetch_add(1, std::memory_order_relaxed) + 1) % kBatch == 0) Collect();
}

std::size_t Reclaimer::Collect() noexcept {
  // One collector at a time; a writer that finds another collecting moves on.
  if (collecting_.exchange(true, std::memory_order_acquire)) return 0;
  const std::uint64_t e = TryAdvanceEpoch();
  Retired* list = head_.exchange(nullptr, std::memory_order_acquire);
  Retired* keep = nullptr;
  Retired* keep_last = nullptr;
  std::size_t freed = 0;
  while (list != nullptr) {
    Retired* r = list;
    list = r->next;
    if (r->epoch + 2 <= e) {  // INV3
      r->free(r);
      freed++;
    } else {
      r->next = keep;
      keep = r;
      if (keep_last == nullptr) keep_last = r;
    }
  }
  if (keep != nullptr) Push(keep, keep_last);
  pending_.fetch_sub(freed, std::memory_order_relaxed);
  collecting_.store(false, std::memory_order_release);
  return freed;
}

Reclaimer::~Reclaimer() {
  Retired* list = head_.exchange(nullptr, std::memory_order_acquire);
  while (list != nullptr) {
    Retired* r = list;
    list = r->next;
    r->free(r);
  }
}

}  // namespace synclab::rt
