// atomic.cpp: the fold of sync/atomic's typed values (integers, Bool,
// Pointer[T]): each operation is one indivisible step, so what it saw is
// the value the previous operation left.
#include "synclab/instrument/kinds/atomic.h"

#include "synclab/instrument/kinds/atomic_pointer.h"
#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;
using trace::FieldType;

namespace {

// Integers as the trace shows them, or a pointer's identity.
std::string Show(const FoldContext& ctx, std::int64_t v) {
  return FormatField(ctx.trace, trace::Info(ctx.e.kind).fields[0].type, v);
}

}  // namespace

std::string ApplyAtomicWord(AtomicWord& w, FoldContext& ctx, const AtomicWordEvents& events, bool* handled) {
  const TraceEvent& e = ctx.e;
  const std::int64_t value = ctx.Field("value");
  *handled = true;
  // What the operation saw must be the value before it.
  auto saw = [&](std::int64_t seen, const std::string& how) -> std::string {
    if (!w.known || seen == w.value) return "";
    return ctx.Fail(how + ", but " + ctx.Self() + " holds " + Show(ctx, w.value));
  };
  const std::string who = ctx.G(e.g);
  std::string err;
  if (e.kind == events.load) {
    err = saw(value, who + " loads " + Show(ctx, value));
  } else if (e.kind == events.swap) {
    err = saw(ctx.Field("old"), who + " swaps out " + Show(ctx, ctx.Field("old")));
  } else if (e.kind == events.cas) {
    const std::int64_t expected = ctx.Field("expected");
    if (ctx.Field("ok") != 0) {
      err = saw(expected, who + "'s CompareAndSwap of " + Show(ctx, expected) + " succeeds");
      if (err.empty() && value != ctx.Field("desired")) {
        err = ctx.Fail("a successful CompareAndSwap on " + ctx.Self() + " leaves " + Show(ctx, value) +
                       ", not the desired " + Show(ctx, ctx.Field("desired")));
      }
    } else {
      err = saw(value, who + "'s CompareAndSwap fails seeing " + Show(ctx, value));
      if (err.empty() && value == expected) {
        err = ctx.Fail("CompareAndSwap on " + ctx.Self() + " fails although it holds the expected " +
                       Show(ctx, expected));
      }
    }
  } else if (e.kind != events.store) {
    *handled = false;  // not one of the four: the caller folds it
    return "";
  }
  if (!err.empty()) return err;
  w.before = w.known ? w.value : value;
  w.value = value;
  w.known = true;
  return "";
}

std::string AtomicState::Apply(FoldContext& ctx) {
  bool handled = false;
  std::string err = ApplyAtomicWord(
      word, ctx, {EventKind::kAtomicLoad, EventKind::kAtomicStore, EventKind::kAtomicSwap, EventKind::kAtomicCas},
      &handled);
  if (handled) return err;
  // Add, And, Or: from the value the previous operation left.
  const TraceEvent& e = ctx.e;
  const std::int64_t value = ctx.Field("value");
  auto fail = [&](std::int64_t before) {
    return ctx.Fail(ctx.G(e.g) + "'s " + std::string(trace::Name(e.kind)) + " on " + ctx.Self() + " leaves " +
                    std::to_string(value) + " from " + std::to_string(before));
  };
  if (e.kind == EventKind::kAtomicAdd) {
    // Every atomic integer is 32 or 64 bits wide and wraps: compare the low 32 bits.
    if (word.known && std::uint32_t(std::uint64_t(value) - std::uint64_t(ctx.Field("delta"))) !=
                          std::uint32_t(std::uint64_t(word.value))) {
      return fail(word.value);
    }
  } else if (e.kind == EventKind::kAtomicAnd || e.kind == EventKind::kAtomicOr) {
    const std::int64_t old = ctx.Field("old"), mask = ctx.Field("mask");
    if (word.known && old != word.value) return fail(word.value);
    if (value != (e.kind == EventKind::kAtomicAnd ? (old & mask) : (old | mask))) return fail(old);
  }
  word.before = word.known ? word.value : value;
  word.value = value;
  word.known = true;
  return "";
}

std::string AtomicPointerState::Apply(FoldContext& ctx) {
  bool handled = false;
  return ApplyAtomicWord(word, ctx,
                         {EventKind::kAtomicPointerLoad, EventKind::kAtomicPointerStore,
                          EventKind::kAtomicPointerSwap, EventKind::kAtomicPointerCas},
                         &handled);
}

Summary AtomicPointerState::Summarize(const ObjectState&) const {
  return {std::uint8_t(word.known && word.value != 0 ? 1 : 0), word.known ? word.value : 0, 0};
}

std::string AtomicPointerState::Describe(const ObjectView& v) const {
  const std::int64_t* p = v.object.Field("value");
  return "value=" + (p == nullptr ? std::string("?") : FormatField(v.trace, FieldType::kPtr, *p));
}

}  // namespace synclab::instrument::kinds
