// goroutine.cpp: what the viewer shows of goroutines (their events: go.*).
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"go.create",
     "go f(): a new goroutine is created. It is runnable, not yet running."},
    {"go.start",
     "The new goroutine gets a processor (a P) and starts running."},
    {"go.run",
     "A runnable goroutine gets a processor and runs again."},
    {"go.preempt",
     "The scheduler takes the processor away: the goroutine is runnable "
     "again."},
    {"go.yield",
     "runtime.Gosched(): the goroutine gives up its processor and stays "
     "runnable."},
    {"go.park",
     "The goroutine blocks (gopark): it will not run until another goroutine "
     "or a timer readies it."},
    {"go.ready",
     "goready: a blocked goroutine becomes runnable. It runs once it gets a "
     "processor."},
    {"go.sleep",
     "time.Sleep: the goroutine parks until a timer fires."},
    {"go.work",
     "The goroutine computes for a while without touching shared state."},
    {"go.end",
     "The goroutine's function returned."},
    {"go.gc",
     "A garbage collection, run by this goroutine with the world stopped (runtime.GC, or "
     "one the runtime started): every Pool's cache moves to its victim and the old victim "
     "is dropped (the pool.gc.rotate events that follow)."},
};

constexpr FieldText kFields[] = {
    {"child", "The goroutine that go f() created."},
    {"p", "The processor (P) the goroutine runs on: Go runs at most GOMAXPROCS goroutines at once, one per P."},
    {"reason", "Why the goroutine blocks, in Go's own words (runtime2.go's waitReason: sync.Mutex.Lock, ...)."},
    {"target", "The goroutine made runnable."},
    {"duration", "How long, in virtual time."},
    {"cycle", "The garbage collection's number: 1 for the first GC of the run."},
};

}  // namespace

const KindView kGoroutineView{kEvents, kFields};

}  // namespace synclab::viewer
