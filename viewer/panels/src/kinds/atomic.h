// atomic.h: the inspector sync/atomic's typed words share (integers, Bool,
// Pointer[T]): the value and the latest operation, who made it and what it
// saw. kinds/atomic.cpp draws it; kinds/atomic_pointer.cpp uses it too.
#pragma once

#include "synclab/trace/event.h"
#include "synclab/viewer/panels.h"

namespace synclab::viewer {

// `type` says how the values read: kInt for integers, kPtr for pointers.
Intent DrawAtomicWord(const Model& m, const Cursor& c, Id obj, trace::FieldType type);

}  // namespace synclab::viewer
