// atomic_pointer.cpp: what the viewer shows of sync/atomic's Pointer[T].
#include "kinds/atomic.h"
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

// Pointers read as their identities: p1, p2, ... and nil.
Intent DrawAtomicPointerInspector(const Model& m, const Cursor& c, Id obj) {
  return DrawAtomicWord(m, c, obj, trace::FieldType::kPtr);
}

constexpr EventText kEvents[] = {
    {"atomic.pointer.load",
     "An atomic read of the pointer: it sees the last pointer stored, never half of one."},
    {"atomic.pointer.store",
     "An atomic write of the pointer. Readers that load it from now on see the new object."},
    {"atomic.pointer.swap",
     "Stores a new pointer and returns the old one, in one step."},
    {"atomic.pointer.cas",
     "CompareAndSwap: stores desired only if the pointer is still expected (the same object, "
     "not an equal one); ok says whether it did, in one step."},
};

constexpr FieldText kFields[] = {
    {"value",
     "The pointer after the operation, as an identity: p1, p2, ... in the order the trace "
     "first saw each object, nil for none. Never an address, so traces diff."},
    {"old",
     "The pointer Swap replaced and returned."},
    {"expected",
     "The pointer CompareAndSwap compared with."},
    {"desired",
     "The pointer CompareAndSwap stores if the comparison holds."},
    {"ok",
     "Whether CompareAndSwap stored desired."},
};

constexpr ModeText kModes[] = {
    {"nil", IM_COL32(120, 120, 120, 90),
     "The pointer is nil."},
    {"set", IM_COL32(110, 150, 240, 200),
     "The pointer points at an object; the number is its identity (p1, p2, ...)."},
};

}  // namespace

const KindView kAtomicPointerView{kEvents, kFields, &DrawAtomicPointerInspector, kModes, "p", nullptr};

}  // namespace synclab::viewer
