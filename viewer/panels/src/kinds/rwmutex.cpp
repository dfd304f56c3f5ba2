// rwmutex.cpp: what the viewer shows of a sync.RWMutex.
#include "kinds/kinds.h"

namespace synclab::viewer {
namespace {

constexpr EventText kEvents[] = {
    {"rw.rlock.fast",
     "RLock added one to readerCount and found it positive: no writer is "
     "pending, the reader is in."},
    {"rw.rlock.slow",
     "RLock added one to readerCount and found it negative: a writer is "
     "pending or holds the lock, so the reader waits on readerSem."},
    {"rw.rlock.wake",
     "The writer's Unlock released readerSem for this reader: it is in."},
    {"rw.tryrlock",
     "TryRLock: one attempt that fails if a writer is pending (readerCount < "
     "0)."},
    {"rw.runlock.fast",
     "RUnlock took one off readerCount: no writer is waiting."},
    {"rw.runlock.slow",
     "RUnlock with a writer pending: the reader also takes one off "
     "readerWait."},
    {"rw.runlock.last_departing",
     "The last reader the pending writer waited for has left: readerWait is "
     "0 and the writer is woken on writerSem."},
    {"rw.lock.announce",
     "The writer holds w and subtracts 2^30 from readerCount: new readers "
     "now see a negative count and queue. readers: those still inside."},
    {"rw.lock.wait_readers",
     "The writer adds the readers still inside to readerWait and sleeps on "
     "writerSem until the last of them leaves."},
    {"rw.lock.acquire",
     "The writer holds the RWMutex: no reader is inside."},
    {"rw.trylock",
     "TryLock: fails if another writer holds w or any reader is inside."},
    {"rw.unlock",
     "Unlock adds 2^30 back to readerCount; readers: those that queued "
     "meanwhile, each released on readerSem. Then w is unlocked."},
};

constexpr ModeText kModes[] = {
    {"free", IM_COL32(120, 120, 120, 90),
     "Nobody holds it."},
    {"read", IM_COL32(110, 150, 240, 200),
     "Readers hold it together."},
    {"writer pending", IM_COL32(235, 200, 40, 255),
     "A writer has announced itself (readerCount < 0): new readers wait, and it waits for the readers inside."},
    {"write", IM_COL32(70, 110, 230, 255),
     "A writer holds it alone."},
};

}  // namespace

const KindView kRWMutexView{kEvents, {}, nullptr, kModes, "readers", "writer"};

}  // namespace synclab::viewer
