// atomic_value.cpp: the fold of sync/atomic's Value (spec section 9): the
// type word goes nil -> firstStoreInProgress -> a type once, by one
// goroutine, and only a typed Value is stored into.
#include "synclab/instrument/kinds/atomic_value.h"

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

namespace {
constexpr std::string_view kNil = "nil";
constexpr std::string_view kInProgress = "firstStoreInProgress";
}  // namespace

std::string AtomicValueState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const std::string_view typ_text = ctx.Str("typ");
  // The type word each event must show, given the state before it.
  auto expect_typ = [&](Typ want) -> std::string {
    const bool ok = want == Typ::kNil                    ? typ_text == kNil
                    : want == Typ::kFirstStoreInProgress ? typ_text == kInProgress
                                                         : ctx.Field("typ") == type;
    if (ok) return "";
    return ctx.Fail(std::string(trace::Name(e.kind)) + " on " + ctx.Self() + " shows typ " + std::string(typ_text) +
                    ", which it cannot hold now");
  };
  std::string err;
  switch (e.kind) {
    case EventKind::kValueFirstBegin:
      if (typ != Typ::kNil) {
        return ctx.Fail(ctx.G(e.g) + " begins a first store into " + ctx.Self() + ", which is not empty");
      }
      err = expect_typ(Typ::kFirstStoreInProgress);
      typ = Typ::kFirstStoreInProgress;
      first_storer = e.g;
      break;
    case EventKind::kValueFirstData:
    case EventKind::kValueFirstEnd:
      if (typ != Typ::kFirstStoreInProgress || first_storer != e.g) {
        return ctx.Fail(ctx.G(e.g) + " completes a first store into " + ctx.Self() + " it did not begin");
      }
      if (e.kind == EventKind::kValueFirstData) {
        err = expect_typ(Typ::kFirstStoreInProgress);
        break;
      }
      if (typ_text == kNil || typ_text == kInProgress) return expect_typ(Typ::kTyped);
      typ = Typ::kTyped;
      type = ctx.Field("typ");
      first_storer = 0;
      break;
    case EventKind::kValueFirstWait:
      if (typ != Typ::kFirstStoreInProgress) {
        return ctx.Fail(ctx.G(e.g) + " waits for a first store into " + ctx.Self() + " that is not in progress");
      }
      err = expect_typ(typ);
      break;
    case EventKind::kValueStore:
    case EventKind::kValueSwap:
      if (typ != Typ::kTyped) {
        return ctx.Fail(ctx.G(e.g) + " stores into " + ctx.Self() + " before its first store completed");
      }
      err = expect_typ(typ);
      break;
    case EventKind::kValueCas:
      // A failed CAS of a non-nil old into an empty Value leaves it empty.
      if (typ != Typ::kTyped && ctx.Field("ok") != 0) {
        return ctx.Fail(ctx.G(e.g) + " compares and swaps into " + ctx.Self() + " before its first store completed");
      }
      err = expect_typ(typ);
      if (err.empty() && ctx.Field("ok") == 0 && ctx.Field("data") != data && data != 0) {
        err = ctx.Fail("a failed CompareAndSwap changes the data of " + ctx.Self());
      }
      break;
    case EventKind::kValueLoad: err = expect_typ(typ); break;
    default: break;
  }
  if (!err.empty()) return err;
  before = data;
  data = ctx.Field("data");
  return "";
}

std::string AtomicValueState::Describe(const ObjectView& v) const {
  const std::int64_t* t = v.object.Field("typ");
  const std::int64_t* d = v.object.Field("data");
  std::string out = "typ=" + std::string(t != nullptr ? v.trace.str(*t) : kNil) +
                    " data=" + std::string(d != nullptr ? v.trace.str(*d) : kNil);
  if (first_storer != 0) out += " first store by G" + std::to_string(first_storer);
  return out;
}

}  // namespace synclab::instrument::kinds
