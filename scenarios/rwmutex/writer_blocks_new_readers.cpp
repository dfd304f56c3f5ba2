// rwmutex/writer-blocks-new-readers: once a writer waits, new readers wait
// behind it, although only readers hold the lock.
//
// A slow report holds the read lock. The writer arrives and waits for it.
// Then a dashboard asks to read: it could share the lock with the report,
// but RWMutex prefers the writer, so the dashboard waits until the writer
// has written. That is what keeps a stream of readers from starving writers,
// and what makes a nested RLock deadlock (rwmutex/recursive-rlock-deadlock).
#include <chrono>

#include "synclab/rwmutex.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {
namespace {

using namespace std::chrono_literals;

void Main(const Config&) {
  RWMutex mu{"mu"};
  int version = 1;  // guarded by mu
  int dashboard_saw = 0;
  WaitGroup wg{"wg"};
  wg.Add(3);
  go([&] {
    mu.RLock();
    sleep(1ms);  // a slow report
    mu.RUnlock();
    wg.Done();
  }, "report");
  sleep(100us);
  go([&] {
    mu.Lock();  // pending: waits for the report
    version = 2;
    mu.Unlock();
    wg.Done();
  }, "writer");
  sleep(100us);
  go([&] {
    mu.RLock();  // a writer is pending: wait for it
    dashboard_saw = version;
    mu.RUnlock();
    wg.Done();
  }, "dashboard");
  wg.Wait();
  check(dashboard_saw == 2, "the dashboard read before the pending writer");
}

}  // namespace

extern const Scenario kRWMutexWriterBlocksNewReaders{
    "rwmutex/writer-blocks-new-readers",
    "A pending writer keeps new readers out: a reader arriving after it waits for it",
    "The report's RLock leaves readerCount at 1. The writer's announcement "
    "(rw.lock.announce) makes it 1 - 2^30, negative, and the writer sleeps for the "
    "one reader inside. The dashboard's RLock adds one and finds the count still "
    "negative (rw.rlock.slow): it sleeps on readerSem, although only a reader "
    "holds the lock. When the report leaves (rw.runlock.last_departing) the writer "
    "writes; its Unlock adds 2^30 back and releases the one reader that queued "
    "(rw.unlock, readers=1). The dashboard reads the new version.",
    std::source_location::current().file_name(),
    2,
    &Main,
};

}  // namespace synclab::scenarios
