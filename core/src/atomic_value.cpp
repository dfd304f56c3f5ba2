// atomic_value.cpp: Go's sync/atomic.Value (spec section 9, Go's value.go).
#include "synclab/atomic_value.h"

#include <cxxabi.h>

#include <cctype>
#include <cstdlib>

namespace synclab::atomic {

using detail::BoxPtr;
using detail::TypeOps;
using trace::EventKind;

namespace detail {

std::string ReadableTypeName(const char* mangled) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  std::string name = status == 0 && demangled != nullptr ? demangled : mangled;
  std::free(demangled);
  auto replace_all = [&](std::string_view from, std::string_view to) {
    for (std::size_t at = name.find(from); at != std::string::npos; at = name.find(from, at + to.size())) {
      name.replace(at, from.size(), to);
    }
  };
  replace_all("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string");
  replace_all("std::__cxx11::", "std::");
  // A type in an anonymous namespace is local to its file, as a Go type is
  // to its package: drop its qualification ("a::(anonymous namespace)::T" is T).
  constexpr std::string_view kAnonymous = "(anonymous namespace)::";
  for (std::size_t at = name.find(kAnonymous); at != std::string::npos; at = name.find(kAnonymous, at)) {
    std::size_t from = at;
    while (from > 0 && (std::isalnum(static_cast<unsigned char>(name[from - 1])) || name[from - 1] == '_' ||
                        name[from - 1] == ':')) {
      from--;
    }
    name.erase(from, at + kAnonymous.size() - from);
    at = from;
  }
  return name;
}

}  // namespace detail

namespace {

// Go's firstStoreInProgress: the type word while the first store runs. No
// value has this type.
const std::string& SentinelName() {
  static const std::string name = "firstStoreInProgress";
  return name;
}
const TypeOps kFirstStoreInProgress{&typeid(void), &SentinelName, nullptr, nullptr};

bool SameType(const TypeOps* a, const TypeOps* b) { return a == b || *a->type == *b->type; }

// Go's runtime_procPin/procUnpin around the first store: in sim the
// goroutine is not preempted meanwhile (as Go does not preempt an M with
// m.locks > 0), so the goroutines spinning on kFirstStoreInProgress wait
// for a few steps only.
class ProcPin {
 public:
  ProcPin() { rt::CurrentG()->locks++; }
  ~ProcPin() { rt::CurrentG()->locks--; }
  ProcPin(const ProcPin&) = delete;
  ProcPin& operator=(const ProcPin&) = delete;
};

}  // namespace

Value::Value(std::string_view name, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kAtomicValue, name, 0, site)) {}

void Value::Trace(EventKind kind, const Site& site, bool ok) const {
  if (!rt::Tracing()) return;
  const TypeOps* typ = typ_.load(std::memory_order_relaxed);
  const BoxPtr data = data_.load();
  const TraceText text = data ? data->ops->text(*data) : TraceText(std::string_view("nil"));
  const std::string_view typ_text = typ == nullptr ? std::string_view("nil") : std::string_view(typ->name());
  rt::Emit(kind, id_, site, typ_text, text.view(), ok);
}

// Go: Value.Load.
Any Value::Load(Site site) const {
  {
    rt::Step step(id_);
    const TypeOps* typ = typ_.load();
    if (typ == nullptr || typ == &kFirstStoreInProgress) {
      // First store not yet completed.
      Trace(EventKind::kValueLoad, site);
      return {};
    }
  }
  rt::Step step(id_);
  Any out(data_.load());
  Trace(EventKind::kValueLoad, site);
  return out;
}

const TypeOps* Value::TypeForStore(const BoxPtr& v, bool may_store_first, bool& stored, const Site& site) {
  stored = false;
  for (;;) {
    const TypeOps* typ;
    {
      rt::Step step(id_);
      typ = typ_.load();
      if (typ == &kFirstStoreInProgress) {
        // First store in progress. Wait: its goroutine is pinned, so an
        // active spin is short.
        Trace(EventKind::kValueFirstWait, site);
        continue;
      }
    }
    if (typ != nullptr) return typ;
    if (!may_store_first) return nullptr;
    // Attempt to start the first store, not preempted until it completes.
    ProcPin pin;
    {
      rt::Step step(id_);
      const TypeOps* empty = nullptr;
      if (!typ_.compare_exchange_strong(empty, &kFirstStoreInProgress)) continue;
      Trace(EventKind::kValueFirstBegin, site);
    }
    // Complete the first store: data, then typ.
    {
      rt::Step step(id_);
      data_.store(v);
      Trace(EventKind::kValueFirstData, site);
    }
    rt::Step step(id_);
    typ_.store(v->ops);
    Trace(EventKind::kValueFirstEnd, site);
    stored = true;
    return nullptr;
  }
}

// Go: Value.Store.
void Value::StoreBox(BoxPtr v, const Site& site) {
  if (!v) throw Panic("sync/atomic: store of nil value into Value");
  bool stored;
  const TypeOps* typ = TypeForStore(v, true, stored, site);
  if (stored) return;
  // First store completed. Check type and overwrite data.
  if (!SameType(typ, v->ops)) throw Panic("sync/atomic: store of inconsistently typed value into Value");
  rt::Step step(id_);
  data_.store(std::move(v));
  Trace(EventKind::kValueStore, site);
}

// Go: Value.Swap.
Any Value::SwapBox(BoxPtr v, const Site& site) {
  if (!v) throw Panic("sync/atomic: swap of nil value into Value");
  bool stored;
  const TypeOps* typ = TypeForStore(v, true, stored, site);
  if (stored) return {};
  if (!SameType(typ, v->ops)) throw Panic("sync/atomic: swap of inconsistently typed value into Value");
  rt::Step step(id_);
  Any old(data_.exchange(std::move(v)));
  Trace(EventKind::kValueSwap, site);
  return old;
}

// Go: Value.CompareAndSwap.
bool Value::CompareAndSwapBox(BoxPtr old, BoxPtr v, const Site& site) {
  if (!v) throw Panic("sync/atomic: compare and swap of nil value into Value");
  if (old && !SameType(old->ops, v->ops)) throw Panic("sync/atomic: compare and swap of inconsistently typed values");
  bool stored;
  const TypeOps* typ = TypeForStore(v, old == nullptr, stored, site);
  if (stored) return true;
  if (typ == nullptr) {  // empty, and old is not nil
    rt::TraceSection section(id_);
    Trace(EventKind::kValueCas, site, false);
    return false;
  }
  if (!SameType(typ, v->ops)) {
    throw Panic("sync/atomic: compare and swap of inconsistently typed value into Value");
  }
  // Compare old and current with the type's ==, as Go's runtime compares
  // two interfaces; the CAS below only makes sure data did not change since.
  BoxPtr data;
  {
    rt::Step step(id_);
    data = data_.load();
  }
  bool equal = false;  // a nil old never equals a stored value
  if (old) {
    if (typ->equal == nullptr) throw Panic("runtime error: comparing uncomparable type " + typ->name());
    equal = typ->equal(*data, *old);
  }
  if (!equal) {
    rt::TraceSection section(id_);
    Trace(EventKind::kValueCas, site, false);
    return false;
  }
  rt::Step step(id_);
  const bool ok = data_.compare_exchange_strong(data, std::move(v));
  Trace(EventKind::kValueCas, site, ok);
  return ok;
}

}  // namespace synclab::atomic
