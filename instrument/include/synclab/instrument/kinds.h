// kinds.h: instrument/'s one list of kinds: each kind's fold.
//
// Every kind of kinds.def has a struct <Kind>State in kinds/<noun>.h (see
// kinds/fold.h for what it provides); KindState holds one of them per
// object. Adding a kind: its header and source under kinds/, and one
// #include line here.
#pragma once

#include <optional>
#include <variant>

#include "synclab/instrument/kinds/atomic.h"
#include "synclab/instrument/kinds/atomic_pointer.h"
#include "synclab/instrument/kinds/atomic_value.h"
#include "synclab/instrument/kinds/chan.h"
#include "synclab/instrument/kinds/cond.h"
#include "synclab/instrument/kinds/context.h"
#include "synclab/instrument/kinds/goroutine.h"
#include "synclab/instrument/kinds/map.h"
#include "synclab/instrument/kinds/mutex.h"
#include "synclab/instrument/kinds/once.h"
#include "synclab/instrument/kinds/pool.h"
#include "synclab/instrument/kinds/rwmutex.h"
#include "synclab/instrument/kinds/sema.h"
#include "synclab/instrument/kinds/select.h"
#include "synclab/instrument/kinds/timer.h"
#include "synclab/instrument/kinds/var.h"
#include "synclab/instrument/kinds/waitgroup.h"
#include "synclab/instrument/kinds/semaphore.h"  // semaphore
// singleflight, errgroup
#include "synclab/instrument/kinds/singleflight.h"
#include "synclab/instrument/kinds/errgroup.h"
// barrier, recursive_mutex
#include "synclab/instrument/kinds/barrier.h"
#include "synclab/instrument/kinds/recursive_mutex.h"
#include "synclab/trace/event.h"

namespace synclab::instrument {

namespace kinds {
struct EndOfList {  // closes the X-macro's list; never an object's state
  friend bool operator==(const EndOfList&, const EndOfList&) = default;
};
}  // namespace kinds

// Alternative i is the state of ObjectKind(i).
using KindState = std::variant<
#define SYNCLAB_KIND(e, name) kinds::e##State,
#include "synclab/trace/kinds.def"
#undef SYNCLAB_KIND
    kinds::EndOfList>;
static_assert(std::variant_size_v<KindState> == std::size_t(trace::ObjectKind::kCount) + 1);

// The initial state of an object of that kind.
KindState InitialState(trace::ObjectKind kind);

}  // namespace synclab::instrument

namespace synclab::instrument {
struct ObjectState;
// Who holds the object now, and how (empty for kinds that cannot be held).
kinds::HolderList HoldersOf(const ObjectState& object);
// What the object's lane draws now; nullopt for kinds without a lane.
std::optional<kinds::Summary> SummaryOf(const ObjectState& object);
}  // namespace synclab::instrument
