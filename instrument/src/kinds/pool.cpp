// pool.cpp: the fold of a sync.Pool (spec section 8). Each event is checked
// against the rule of Go's algorithm that produced it: a Get takes private
// before shared, pops its own chain at the head and others' at the tail,
// pushes go to the head dequeue and never into a slot still being handed
// back, a chain grows only when its head dequeue is full, doubling, and
// drops only an empty dequeue that is not its head.
#include "synclab/instrument/kinds/pool.h"

#include <algorithm>

#include "synclab/instrument/state.h"
#include "synclab/pool.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

namespace {

using Item = PoolState::Item;
using Deque = PoolState::Deque;
using Local = PoolState::Local;

std::string ItemText(const Trace& t, const Item& item) {
  std::string_view label = t.str(item.label);
  return label.empty() ? "#" + std::to_string(item.id) : std::string(label);
}

std::string P(std::int64_t p) { return "P" + std::to_string(p); }

bool Contains(const std::vector<std::uint32_t>& v, std::uint32_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

std::uint32_t SlotOf(const Deque& d, std::uint32_t index) { return index & (d.size - 1); }

}  // namespace

std::size_t PoolState::Local::items() const {
  std::size_t n = priv ? 1 : 0;
  for (const Deque& d : chain) n += d.items.size();
  return n;
}

std::string PoolState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const std::int64_t p = ctx.Field("p");
  const Item item{ctx.Field("item"), ctx.Field("label")};
  const auto deque = std::uint32_t(ctx.Field("deque"));
  const auto head = std::uint32_t(ctx.Field("head"));
  const auto tail = std::uint32_t(ctx.Field("tail"));
  const std::string self = ctx.Self();

  // local[i] / victim[i], checked.
  auto local_of = [&](std::int64_t i) -> Local* {
    return i >= 0 && std::size_t(i) < local.size() ? &local[std::size_t(i)] : nullptr;
  };
  auto no_local = [&](std::int64_t i) {
    return ctx.Fail(self + " has no local cache for " + P(i) + " (localSize " + std::to_string(local.size()) + ")");
  };
  auto chain_of = [&](bool in_victim, std::int64_t i) -> Local* {
    std::vector<Local>& array = in_victim ? victim : local;
    return i >= 0 && std::size_t(i) < array.size() ? &array[std::size_t(i)] : nullptr;
  };
  // What a Get has found empty before it steals or looks at the victim.
  auto slow_path = [&](const char* path) -> std::string {
    Local* own = local_of(p);
    if (own == nullptr) return no_local(p);
    if (own->items() != 0) {
      return ctx.Fail(std::string("Get ") + path + " while " + P(p) + "'s own cache holds " +
                      std::to_string(own->items()) + " item(s) (private and its own chain come first)");
    }
    return "";
  };
  auto victim_reachable = [&]() -> std::string {
    if (p < 0 || std::size_t(p) >= victim_size) {
      return ctx.Fail("Get uses the victim cache of " + self + " from " + P(p) + " with victimSize " +
                      std::to_string(victim_size));
    }
    return "";
  };

  switch (e.kind) {
    case EventKind::kPoolPinAlloc: {
      const std::int64_t n = ctx.Field("local_size");
      if (n < 1 || n > kMaxLocals) return ctx.Fail("pinSlow allocates a localSize of " + std::to_string(n));
      if (!local.empty()) {
        return ctx.Fail("pinSlow allocates a local for " + self + ", which has one of " +
                        std::to_string(local.size()) + " (it is allocated only when nil)");
      }
      if (p < 0 || p >= n) return ctx.Fail("pinSlow for " + P(p) + " allocates only " + std::to_string(n) + " Ps");
      local.assign(std::size_t(n), Local{});
      break;
    }

    case EventKind::kPoolPutPrivate: {
      Local* l = local_of(p);
      if (l == nullptr) return no_local(p);
      if (l->priv) {
        return ctx.Fail("Put stores " + ItemText(ctx.trace, item) + " in " + P(p) + "'s private, which holds " +
                        ItemText(ctx.trace, *l->priv));
      }
      l->priv = item;
      break;
    }

    case EventKind::kPoolChainGrow: {
      Local* l = local_of(p);
      if (l == nullptr) return no_local(p);
      if (!l->priv) return ctx.Fail("the chain of " + P(p) + " grows while its private is empty (Put would store there)");
      const auto size = std::uint32_t(std::clamp<std::int64_t>(ctx.Field("size"), 0, synclab::detail::kDequeueLimit));
      if (l->chain.empty()) {
        if (deque != 0 || size != synclab::detail::kChainInitSize) {
          return ctx.Fail("a chain starts with dequeue " + std::to_string(deque) + " of " +
                          std::to_string(ctx.Field("size")) + " slots (Go's first is dequeue 0 of 8)");
        }
      } else {
        const Deque& d = l->chain.back();
        if (deque != d.serial + 1) {
          return ctx.Fail("the chain of " + P(p) + " makes dequeue " + std::to_string(deque) + " after dequeue " +
                          std::to_string(d.serial));
        }
        if (size != synclab::detail::NextDequeueSize(d.size) || size != ctx.Field("size")) {
          return ctx.Fail("the chain of " + P(p) + " grows from " + std::to_string(d.size) + " to " +
                          std::to_string(ctx.Field("size")) + " slots (twice as many, at most 2^30)");
        }
        if (d.items.size() < d.size && !d.head_taken) {
          return ctx.Fail("the chain of " + P(p) + " grows while its head dequeue has room (" +
                          std::to_string(d.items.size()) + " of " + std::to_string(d.size) + " slots used)");
        }
      }
      l->chain.push_back(Deque{deque, size, 0, 0, {}, {}, false});
      break;
    }

    case EventKind::kPoolPutShared: {
      Local* l = local_of(p);
      if (l == nullptr) return no_local(p);
      if (!l->priv) return ctx.Fail("Put pushes to " + P(p) + "'s shared chain while its private is empty");
      if (l->chain.empty() || l->chain.back().serial != deque) {
        return ctx.Fail("Put pushes to dequeue " + std::to_string(deque) + ", which is not the head of " + P(p) +
                        "'s chain");
      }
      Deque& d = l->chain.back();
      if (d.items.size() >= d.size) return ctx.Fail("Put pushes to a full dequeue");
      if (Contains(d.releasing, SlotOf(d, d.head))) {
        return ctx.Fail("Put pushes into slot " + std::to_string(SlotOf(d, d.head)) +
                        ", which a popTail has not handed back (its type word is set)");
      }
      if (head != d.head + 1 || tail != d.tail) {
        return ctx.Fail("pushHead leaves head " + std::to_string(head) + " tail " + std::to_string(tail) +
                        " after head " + std::to_string(d.head) + " tail " + std::to_string(d.tail));
      }
      d.items.push_back(item);
      d.head = head;
      d.head_taken = Contains(d.releasing, SlotOf(d, d.head));
      break;
    }

    case EventKind::kPoolGetPrivate: {
      Local* l = local_of(p);
      if (l == nullptr) return no_local(p);
      if (!l->priv || l->priv->id != item.id) {
        return ctx.Fail("Get takes " + ItemText(ctx.trace, item) + " from " + P(p) + "'s private, which holds " +
                        (l->priv ? ItemText(ctx.trace, *l->priv) : "nothing"));
      }
      l->priv.reset();
      break;
    }

    case EventKind::kPoolGetShared: {
      Local* l = local_of(p);
      if (l == nullptr) return no_local(p);
      if (l->priv) {
        return ctx.Fail("Get pops " + P(p) + "'s shared chain while its private holds " +
                        ItemText(ctx.trace, *l->priv) + " (private comes first)");
      }
      auto it = std::find_if(l->chain.begin(), l->chain.end(), [&](const Deque& d) { return d.serial == deque; });
      if (it == l->chain.end()) return ctx.Fail("Get pops dequeue " + std::to_string(deque) + ", which is not in " + P(p) + "'s chain");
      for (auto later = it + 1; later != l->chain.end(); ++later) {
        if (!later->items.empty()) {
          return ctx.Fail("popHead takes from dequeue " + std::to_string(deque) + " while the newer dequeue " +
                          std::to_string(later->serial) + " holds items (it starts at the head)");
        }
      }
      Deque& d = *it;
      if (d.items.empty() || d.items.back().id != item.id) {
        return ctx.Fail("popHead takes " + ItemText(ctx.trace, item) + ", which is not at the head of dequeue " +
                        std::to_string(deque));
      }
      if (head != d.head - 1 || tail != d.tail) {
        return ctx.Fail("popHead leaves head " + std::to_string(head) + " tail " + std::to_string(tail) +
                        " after head " + std::to_string(d.head) + " tail " + std::to_string(d.tail));
      }
      d.items.pop_back();
      d.head = head;
      d.head_taken = false;  // the slot popHead just emptied
      break;
    }

    case EventKind::kPoolGetSteal:
    case EventKind::kPoolGetVictimSteal: {
      const bool in_victim = e.kind == EventKind::kPoolGetVictimSteal;
      if (std::string err = slow_path(in_victim ? "takes from the victim" : "steals"); !err.empty()) return err;
      if (in_victim) {
        if (std::string err = victim_reachable(); !err.empty()) return err;
        if (victim[std::size_t(p)].priv) {
          return ctx.Fail("Get steals from the victim while " + P(p) + "'s victim private holds " +
                          ItemText(ctx.trace, *victim[std::size_t(p)].priv) + " (it comes first)");
        }
      }
      const std::int64_t from = ctx.Field("from");
      Local* l = chain_of(in_victim, from);
      if (l == nullptr) return ctx.Fail("Get steals from " + P(from) + ", which " + self + " has no cache for");
      if (l->chain.empty() || l->chain.front().serial != deque) {
        return ctx.Fail("popTail takes from dequeue " + std::to_string(deque) + ", which is not the tail of " +
                        P(from) + "'s chain");
      }
      Deque& d = l->chain.front();
      if (d.items.empty() || d.items.front().id != item.id) {
        return ctx.Fail("popTail takes " + ItemText(ctx.trace, item) + ", which is not at the tail of dequeue " +
                        std::to_string(deque));
      }
      if (tail != d.tail + 1 || head != d.head) {
        return ctx.Fail("popTail leaves head " + std::to_string(head) + " tail " + std::to_string(tail) +
                        " after head " + std::to_string(d.head) + " tail " + std::to_string(d.tail));
      }
      d.releasing.push_back(SlotOf(d, d.tail));
      d.head_taken = d.head_taken || SlotOf(d, d.tail) == SlotOf(d, d.head);
      d.items.erase(d.items.begin());
      d.tail = tail;
      break;
    }

    case EventKind::kPoolDequeueRelease: {
      Local* l = chain_of(ctx.Field("victim") != 0, ctx.Field("from"));
      const auto slot = std::uint32_t(ctx.Field("slot"));
      if (l != nullptr) {
        for (std::vector<Deque>* list : {&l->chain, &l->unlinked}) {
          auto it = std::find_if(list->begin(), list->end(), [&](const Deque& d) {
            return d.serial == deque && Contains(d.releasing, slot);
          });
          if (it == list->end()) continue;
          std::erase(it->releasing, slot);
          if (list == &l->unlinked && it->releasing.empty()) list->erase(it);
          return "";
        }
      }
      return ctx.Fail("popTail hands back slot " + std::to_string(slot) + " of dequeue " + std::to_string(deque) +
                      ", which no popTail has taken");
    }

    case EventKind::kPoolChainDrop: {
      const std::int64_t from = ctx.Field("from");
      Local* l = chain_of(ctx.Field("victim") != 0, from);
      if (l == nullptr || l->chain.size() < 2 || l->chain.front().serial != deque) {
        return ctx.Fail("popTail drops dequeue " + std::to_string(deque) + ", which is not the tail of " + P(from) +
                        "'s chain with a dequeue after it");
      }
      if (!l->chain.front().items.empty()) {
        return ctx.Fail("popTail drops dequeue " + std::to_string(deque) + ", which holds " +
                        std::to_string(l->chain.front().items.size()) + " item(s)");
      }
      if (!l->chain.front().releasing.empty()) l->unlinked.push_back(std::move(l->chain.front()));
      l->chain.erase(l->chain.begin());
      break;
    }

    case EventKind::kPoolGetVictimPrivate: {
      if (std::string err = slow_path("takes from the victim"); !err.empty()) return err;
      if (std::string err = victim_reachable(); !err.empty()) return err;
      Local& v = victim[std::size_t(p)];
      if (!v.priv || v.priv->id != item.id) {
        return ctx.Fail("Get takes " + ItemText(ctx.trace, item) + " from " + P(p) + "'s victim private, which holds " +
                        (v.priv ? ItemText(ctx.trace, *v.priv) : "nothing"));
      }
      v.priv.reset();
      break;
    }

    case EventKind::kPoolVictimExhausted:
      if (std::string err = slow_path("gives up on the victim"); !err.empty()) return err;
      if (ctx.Field("victim_size") != 0) return ctx.Fail("the victim is marked exhausted with victimSize " + std::to_string(ctx.Field("victim_size")));
      victim_size = 0;
      break;

    case EventKind::kPoolGcRotate: {
      for (const std::vector<Local>* array : {&local, &victim}) {
        for (const Local& l : *array) {
          if (!l.unlinked.empty() || std::any_of(l.chain.begin(), l.chain.end(), [](const Deque& d) { return !d.releasing.empty(); })) {
            return ctx.Fail("a GC rotates " + self + " while a popTail is handing a slot back (the world is stopped)");
          }
        }
      }
      if (ctx.Field("local_size") != 0 || std::size_t(ctx.Field("victim_size")) != local.size()) {
        return ctx.Fail("a GC leaves localSize " + std::to_string(ctx.Field("local_size")) + " victimSize " +
                        std::to_string(ctx.Field("victim_size")) + " (local becomes the victim: 0 and " +
                        std::to_string(local.size()) + ")");
      }
      dropped = 0;
      for (const Local& l : victim) dropped += l.items();
      victim = std::move(local);
      local.clear();
      victim_size = victim.size();
      rotations++;
      break;
    }

    default: break;
  }
  return "";
}

Summary PoolState::Summarize(const ObjectState&) const {
  std::size_t in_local = 0, in_victim = 0;
  for (const Local& l : local) in_local += l.items();
  for (const Local& l : victim) in_victim += l.items();
  return {std::uint8_t(in_victim != 0 ? 2 : in_local != 0 ? 1 : 0), std::int64_t(in_local + in_victim), 0};
}

std::size_t PoolState::Weight() const {
  std::size_t n = local.size() + victim.size();
  for (const std::vector<Local>* array : {&local, &victim}) {
    for (const Local& l : *array) {
      for (const Deque& d : l.chain) n += 1 + d.items.size() + d.releasing.size();
      n += l.unlinked.size();
    }
  }
  return n;
}

std::string PoolState::Describe(const ObjectView& v) const {
  auto locals = [&](const std::vector<Local>& array) {
    std::string out;
    for (std::size_t i = 0; i < array.size(); i++) {
      const Local& l = array[i];
      out += " P" + std::to_string(i) + "{";
      if (l.priv) out += "private=" + ItemText(v.trace, *l.priv);
      for (const Deque& d : l.chain) {
        out += (out.back() == '{' ? "d" : " d") + std::to_string(d.serial) + "[";
        for (std::size_t k = 0; k < d.items.size(); k++) out += (k ? " " : "") + ItemText(v.trace, d.items[k]);
        out += "]";
      }
      out += "}";
    }
    return out;
  };
  std::string out = "local_size=" + std::to_string(local.size()) + locals(local);
  out += " victim_size=" + std::to_string(victim_size);
  if (!victim.empty()) out += " victim:" + locals(victim);
  return out;
}

}  // namespace synclab::instrument::kinds
