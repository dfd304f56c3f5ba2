// var.cpp: what the viewer shows of a plain shared variable.
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"var.load",
     "A plain read of a shared variable: no synchronisation."},
    {"var.store",
     "A plain write of a shared variable: without a lock, concurrent "
     "read-modify-writes lose updates."},
};

constexpr FieldText kFields[] = {
    {"value",
     "The variable's value after the access."},
};

constexpr ModeText kModes[] = {
    {"value", IM_COL32(120, 120, 120, 90),
     "The variable's value over time."},
};

}  // namespace

const KindView kVarView{kEvents, kFields, nullptr, kModes, "value", nullptr};

}  // namespace synclab::viewer
