// cond.cpp: what the viewer shows of a sync.Cond.
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"cond.wait.ticket",
     "Wait takes the next ticket from the notify list while it still holds "
     "L: a Signal after its Unlock is meant for this ticket or an earlier "
     "one."},
    {"cond.wait.early",
     "The ticket was notified between Unlock and sleeping (a Signal ran "
     "ahead): Wait does not sleep."},
    {"cond.wait.park",
     "Wait puts its ticket at the tail of the notify list and sleeps."},
    {"cond.wait.wake",
     "A Signal or Broadcast woke this waiter; it now locks L again."},
    {"cond.signal.none",
     "Every ticket handed out has been notified: nobody to wake."},
    {"cond.signal.wake",
     "Signal notifies the oldest outstanding ticket and wakes its waiter."},
    {"cond.signal.ahead",
     "Signal notified a ticket whose waiter has not gone to sleep yet: it "
     "will see itself notified and not sleep."},
    {"cond.broadcast.none",
     "Every ticket handed out has been notified: nobody to wake."},
    {"cond.broadcast",
     "Broadcast notifies every ticket handed out so far and wakes every "
     "sleeping waiter."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90),
     "Nobody is parked in Wait."},
    {"waiters", IM_COL32(215, 45, 45, 220),
     "Goroutines are parked in Wait, in ticket order."},
};

}  // namespace

const KindView kCondView{kEvents, {}, nullptr, kModes, "parked", nullptr};

}  // namespace synclab::viewer
