// once.cpp: what the viewer shows of a sync.Once.
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"once.fast",
     "done is 1: f has run, Do returns at once without the lock."},
    {"once.slow",
     "done was 0: Do takes m and looks at done again (another goroutine may "
     "have run f meanwhile)."},
    {"once.run.begin",
     "This goroutine runs f, holding m: every other Do waits on m."},
    {"once.run.end",
     "f returned: done is 1, m is unlocked and the waiting Do calls return."},
    {"once.run.panic",
     "f panicked: the Once still counts as done and the panic goes on to "
     "Do's caller. f is never called again."},
};

constexpr ModeText kModes[] = {
    {"not done", IM_COL32(120, 120, 120, 90),
     "f has not run yet."},
    {"running f", IM_COL32(235, 200, 40, 255),
     "One goroutine runs f; every other Do waits on m."},
    {"done", IM_COL32(40, 160, 80, 220),
     "done is 1: Do returns at once."},
};

}  // namespace

const KindView kOnceView{kEvents, {}, nullptr, kModes, nullptr, "running"};

}  // namespace synclab::viewer
