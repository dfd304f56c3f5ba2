// waitgroup.cpp: what the viewer shows of a sync.WaitGroup.
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"wg.add",
     "Add(delta) changes the counter by delta (Done is Add(-1))."},
    {"wg.release_waiters",
     "The counter reached zero with waiters: the state is reset and every "
     "waiter is released."},
    {"wg.wait.fast",
     "Wait with the counter at zero returns at once."},
    {"wg.wait.park",
     "Wait counts itself as a waiter and parks on the semaphore."},
    {"wg.wait.wake",
     "The waiter was released: the counter reached zero."},
};

constexpr FieldText kFields[] = {
    {"counter",
     "Tasks added and not yet Done. Wait returns when it is zero."},
    {"waiters",
     "Goroutines blocked in Wait."},
    {"delta",
     "The last Add's delta (Done adds -1)."},
    {"released",
     "How many waiters the counter reaching zero woke."},
    {"sema",
     "The count of the WaitGroup's semaphore."},
};

constexpr ModeText kModes[] = {
    {"zero", IM_COL32(120, 120, 120, 90),
     "The counter is 0: Wait returns at once."},
    {"pending", IM_COL32(110, 150, 240, 200),
     "Tasks added and not yet Done."},
    {"waited on", IM_COL32(215, 45, 45, 220),
     "Goroutines are blocked in Wait until the counter reaches 0."},
};

}  // namespace

const KindView kWaitGroupView{kEvents, kFields, nullptr, kModes, "counter", nullptr};

}  // namespace synclab::viewer
