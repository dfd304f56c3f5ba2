// registry.cpp: the list of built-in scenarios and how they run.
#include <algorithm>
#include <thread>

#include "synclab/instrument/recorder.h"
#include "synclab/native.h"
#include "synclab/scenarios/scenario.h"

namespace synclab::scenarios {

// Each is defined in its own file under scenarios/.
extern const Scenario kMutexCounter;
extern const Scenario kMutexStarvation;
extern const Scenario kMutexTryLock;
extern const Scenario kMutexUnlockUnlocked;
extern const Scenario kMutexNotReentrant;
extern const Scenario kMutexAbbaDeadlock;
extern const Scenario kMutexForgottenUnlock;
extern const Scenario kCounterLostUpdate;
extern const Scenario kWaitGroupNegativeCounter;
extern const Scenario kRWMutexReadersTogether;
extern const Scenario kRWMutexWriterBlocksNewReaders;
extern const Scenario kRWMutexRecursiveRLockDeadlock;
extern const Scenario kRWMutexUnlockUnlocked;
extern const Scenario kWaitGroupFanOut;
extern const Scenario kWaitGroupAddInsideGoroutine;
extern const Scenario kWaitGroupReuseTooEarly;
extern const Scenario kCondSignalVsBroadcast;
extern const Scenario kCondWaitWithoutLoop;
extern const Scenario kCondQueue;
extern const Scenario kOnceLazyInit;
extern const Scenario kOnceBrokenCasOnce;
extern const Scenario kOnceNestedDeadlock;
extern const Scenario kOncePanicStillDone;
extern const Scenario kAtomicLostUpdate;
extern const Scenario kAtomicAdd;
extern const Scenario kAtomicValueConfig;
extern const Scenario kAtomicPointerPublish;
extern const Scenario kPoolPerPReuse;
extern const Scenario kPoolSteal;
extern const Scenario kPoolVictimRotation;
extern const Scenario kMapReadMostly;
extern const Scenario kMapPromotion;
extern const Scenario kMapExpunge;
extern const Scenario kMapRangePromotes;
extern const Scenario kChanPingPong;
extern const Scenario kChanBufferedProducerConsumer;
extern const Scenario kChanRangeUntilClosed;
extern const Scenario kChanDrainAfterClose;
extern const Scenario kChanRotate;
extern const Scenario kChanAsMutex;
extern const Scenario kChanUnbufferedDeadlockInMain;
extern const Scenario kChanCloseTwice;
extern const Scenario kChanSendOnClosed;
extern const Scenario kChanNilChannelBlocks;
extern const Scenario kChanLeak;
extern const Scenario kSelectFanIn;
extern const Scenario kSelectDefaultNonblocking;
extern const Scenario kSelectRandomChoice;
extern const Scenario kSelectTimeout;
extern const Scenario kTimerTickerStop;
extern const Scenario kContextCancelTree;
extern const Scenario kContextTimeoutCancelsWorkers;
extern const Scenario kContextValueLookup;
extern const Scenario kContextCause;
extern const Scenario kPipelineCancel;
extern const Scenario kPipelineLeak;
// semaphore
extern const Scenario kSemaphoreWorkerPool;
extern const Scenario kSemaphoreBigWaiterFifo;
extern const Scenario kSemaphoreCancelWakesNext;
extern const Scenario kSemaphoreChannelVsWeighted;
extern const Scenario kSemaphoreChannelHoldAndWait;
// singleflight, errgroup
extern const Scenario kSingleFlightCacheStampede;
extern const Scenario kSingleFlightForget;
extern const Scenario kSingleFlightSlowLeader;
extern const Scenario kSingleFlightSlowLeaderDoChan;
extern const Scenario kErrGroupFirstErrorCancels;
extern const Scenario kErrGroupLimit;
// barrier, recursive_mutex (and the course's queue)
extern const Scenario kBarrierReuse;
extern const Scenario kBarrierBroken;
extern const Scenario kMutexMetrics;
extern const Scenario kMutexRecursiveOwner;
extern const Scenario kMutexRecursiveReentry;
extern const Scenario kMutexTokenRecursive;
extern const Scenario kQueueMutexSlice;
// the classic problems
extern const Scenario kClassicH2o;
extern const Scenario kClassicH2oWithoutBarrier;
extern const Scenario kClassicDiningPhilosophers;
extern const Scenario kClassicDiningPhilosophersOrdered;
extern const Scenario kClassicDiningPhilosophersWaiter;
extern const Scenario kClassicDiningPhilosophersTrylock;
extern const Scenario kClassicBarbershop;
extern const Scenario kClassicProducerConsumer;
extern const Scenario kClassicProducerConsumerLockFirst;
// the explorer's proofs
extern const Scenario kProofMutex;
extern const Scenario kProofRWMutex;
extern const Scenario kProofWaitGroup;
extern const Scenario kProofCond;
extern const Scenario kProofOnce;
extern const Scenario kProofChan;

namespace {
const Scenario* const kAll[] = {
    &kMutexCounter,       &kMutexStarvation,   &kMutexTryLock,      &kMutexUnlockUnlocked,
    &kMutexNotReentrant,  &kMutexAbbaDeadlock, &kMutexForgottenUnlock, &kCounterLostUpdate,
    &kWaitGroupNegativeCounter,
    // sync's other primitives and sync/atomic, each kind's correct use first.
    &kRWMutexReadersTogether, &kRWMutexWriterBlocksNewReaders, &kRWMutexRecursiveRLockDeadlock,
    &kRWMutexUnlockUnlocked, &kWaitGroupFanOut, &kWaitGroupAddInsideGoroutine, &kWaitGroupReuseTooEarly,
    &kCondSignalVsBroadcast, &kCondQueue, &kCondWaitWithoutLoop, &kOnceLazyInit, &kOnceBrokenCasOnce,
    &kOnceNestedDeadlock, &kOncePanicStillDone, &kAtomicAdd, &kAtomicLostUpdate, &kAtomicValueConfig,
    &kAtomicPointerPublish,
    &kPoolPerPReuse, &kPoolSteal, &kPoolVictimRotation,
    &kMapReadMostly, &kMapPromotion, &kMapExpunge, &kMapRangePromotes,
    // Channels and select, each kind's correct use first.
    &kChanPingPong, &kChanBufferedProducerConsumer, &kChanRangeUntilClosed, &kChanDrainAfterClose,
    &kChanRotate, &kChanAsMutex, &kChanUnbufferedDeadlockInMain, &kChanCloseTwice, &kChanSendOnClosed,
    &kChanNilChannelBlocks, &kChanLeak,
    &kSelectFanIn, &kSelectDefaultNonblocking, &kSelectRandomChoice,
    // Timers and context.
    &kSelectTimeout, &kTimerTickerStop, &kContextCancelTree, &kContextTimeoutCancelsWorkers,
    &kContextValueLookup, &kContextCause, &kPipelineCancel, &kPipelineLeak,
    // semaphore: x/sync's Weighted, its correct use first.
    &kSemaphoreWorkerPool, &kSemaphoreBigWaiterFifo, &kSemaphoreCancelWakesNext,
    &kSemaphoreChannelVsWeighted, &kSemaphoreChannelHoldAndWait,
    // singleflight, errgroup
    &kSingleFlightCacheStampede, &kSingleFlightForget, &kSingleFlightSlowLeader,
    &kSingleFlightSlowLeaderDoChan, &kErrGroupFirstErrorCancels, &kErrGroupLimit,
    // barrier, recursive_mutex (and the course's queue), correct use first.
    &kBarrierReuse, &kBarrierBroken, &kMutexMetrics, &kMutexRecursiveReentry, &kMutexRecursiveOwner,
    &kMutexTokenRecursive, &kQueueMutexSlice,
    // the classic problems, each broken version before its fixes
    &kClassicH2oWithoutBarrier, &kClassicH2o, &kClassicDiningPhilosophers,
    &kClassicDiningPhilosophersOrdered, &kClassicDiningPhilosophersWaiter,
    &kClassicDiningPhilosophersTrylock, &kClassicBarbershop, &kClassicProducerConsumerLockFirst,
    &kClassicProducerConsumer,
    // the explorer's proofs: ok on every schedule within the bound
    &kProofMutex, &kProofRWMutex, &kProofWaitGroup, &kProofCond, &kProofOnce, &kProofChan,
};
}  // namespace

std::span<const Scenario* const> All() { return kAll; }

const Scenario* Find(std::string_view name) {
  for (const Scenario* s : kAll)
    if (s->name == name) return s;
  return nullptr;
}

std::string_view Source(const Scenario& s) { return EmbeddedSource(s.source_file); }

instrument::Trace Run(const Scenario& s, const RunOptions& o) {
  instrument::Recorder recorder;
  Config config{o.runtime == Runtime::kNative};
  auto main = [&] { s.main(config); };
  instrument::Meta meta;
  meta.scenario = std::string(s.name);
  if (o.runtime == Runtime::kSim) {
    sim::Options so;
    so.seed = o.seed;
    so.strategy = o.strategy;
    so.procs = o.procs > 0 ? o.procs : s.default_procs;
    so.replay.assign(o.replay.begin(), o.replay.end());
    so.max_steps = o.max_steps;
    so.gc_every_ns = o.gc_every_ns;
    so.sink = &recorder;
    sim::Result r = sim::Run(main, so);
    meta.runtime = "sim";
    meta.seed = o.seed;
    meta.strategy = std::string(sim::Name(o.strategy));
    meta.procs = so.procs;
    meta.gc_every_ns = o.gc_every_ns;
    return recorder.Finish(std::move(meta), r.outcome, r.schedule);
  }
  native::Options no;
  // The CPUs, within what a trace may say (a reader rejects more).
  no.procs = o.procs > 0 ? o.procs
                         : std::clamp(int(std::thread::hardware_concurrency()), instrument::kMinProcs,
                                      instrument::kMaxProcs);
  no.sink = &recorder;
  native::Result r = native::Run(main, no);
  meta.runtime = "native";
  meta.procs = no.procs;
  return recorder.Finish(std::move(meta), r.outcome, {});
}

}  // namespace synclab::scenarios
