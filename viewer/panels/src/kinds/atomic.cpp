// atomic.cpp: what the viewer shows of sync/atomic's typed values.
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"atomic.load",
     "An atomic read: it sees the last write, and nothing is torn."},
    {"atomic.store",
     "An atomic write. A Load then a Store is two steps: another goroutine "
     "can act in between."},
    {"atomic.swap",
     "Stores a new value and returns the old one, in one step."},
    {"atomic.cas",
     "CompareAndSwap: stores desired only if the value is still expected; ok "
     "says whether it did, in one step."},
    {"atomic.add",
     "Adds delta in one step: no update is lost."},
    {"atomic.and",
     "ANDs a mask in, in one step, returning the old value."},
    {"atomic.or",
     "ORs a mask in, in one step, returning the old value."},
};

constexpr ModeText kModes[] = {
    {"value", IM_COL32(120, 120, 120, 90),
     "The value over time."},
};

}  // namespace

const KindView kAtomicView{kEvents, {}, nullptr, kModes, "value", nullptr};

}  // namespace synclab::viewer
