// atomic_value.cpp: what the viewer shows of sync/atomic's Value.
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"atomic.value.load",
     "Load reads the type word, then the data. While the type word is nil or "
     "firstStoreInProgress it returns nil, even if the data is already there."},
    {"atomic.value.first_store.begin",
     "The first store into an empty Value: one CAS moves the type word from nil to "
     "firstStoreInProgress. The goroutine is pinned to its processor (not preempted) until "
     "the first store ends. Store, Swap and CompareAndSwap all begin this way."},
    {"atomic.value.first_store.data",
     "The first store writes the data word. Loads still return nil: the type word says the "
     "store is in progress."},
    {"atomic.value.first_store.end",
     "The first store writes the type word: from now on every store must be of this type, "
     "and Load returns the value. (A first Swap returns nil, a first CompareAndSwap true.)"},
    {"atomic.value.first_store.wait",
     "Another goroutine's first store is in progress: this store spins until the type word is "
     "set. The other goroutine is pinned, so the wait is short."},
    {"atomic.value.store",
     "Store checks that the value has the Value's type and replaces the data in one atomic "
     "write. A different type panics, and so does nil."},
    {"atomic.value.swap",
     "Swap replaces the data and returns the previous value, in one atomic step."},
    {"atomic.value.cas",
     "CompareAndSwap compares the current value with the expected one by ==, then swaps the "
     "data only if it has not changed since: ok says whether it stored."},
};

constexpr FieldText kFields[] = {
    {"typ",
     "The type word: nil before any store, firstStoreInProgress during the first, then the "
     "type of the first value stored, for good."},
    {"data",
     "The data word: the value stored, as text."},
    {"ok",
     "Whether CompareAndSwap stored the new value."},
};

}  // namespace

const KindView kAtomicValueView{kEvents, kFields};

}  // namespace synclab::viewer
