// teaching.h: what each status, event, field and Mutex bit means, in words a
// student can follow. The panels show these as tooltips.
#pragma once

#include <string_view>

#include "synclab/instrument/state.h"
#include "synclab/trace/event.h"

namespace synclab::viewer {

const char* StatusHelp(instrument::GStatus s);
const char* EventHelp(trace::EventKind k);
// "" when there is nothing to say.
const char* FieldHelp(trace::ObjectKind kind, std::string_view field);

// The Mutex state word's parts.
inline constexpr const char* kLockedHelp =
    "Bit 0, mutexLocked: the Mutex is held.";
inline constexpr const char* kWokenHelp =
    "Bit 1, mutexWoken: a goroutine is awake and competing for the lock (spinning or "
    "just woken), so Unlock need not wake another.";
inline constexpr const char* kStarvingHelp =
    "Bit 2, mutexStarving: starvation mode. Unlock hands the lock straight to the head "
    "waiter; newcomers neither spin nor grab it, they queue at the tail.";
inline constexpr const char* kWaitersHelp =
    "Bits 3-31, the waiter count: goroutines parked on the Mutex's semaphore, or about "
    "to park (counted by the CAS that registered them).";
inline constexpr const char* kHolderHelp =
    "The goroutine that locked it last. Go's Mutex has no owner (any goroutine may "
    "unlock it); the trace knows who locked it.";
inline constexpr const char* kQueueHelp =
    "The semaphore's wait queue, head first. Unlock wakes the head (normal mode) or "
    "hands it the lock (starvation mode). A woken waiter that loses the race goes back "
    "to the head (lifo); newcomers queue at the tail.";
inline constexpr const char* kWaitingHelp =
    "How long each waiter has been waiting since it first parked in Lock. A waiter that "
    "has waited more than 1 ms when it wakes switches the Mutex to starvation mode.";
inline constexpr const char* kNormalModeHelp =
    "Normal mode: waiters queue FIFO, but a woken waiter competes with newcomers, which "
    "usually win (they are already on a CPU). Fast, but a waiter can starve.";
inline constexpr const char* kStarvationModeHelp =
    "Starvation mode: ownership passes directly from the unlocking goroutine to the head "
    "waiter. Fair, but slower; left when a waiter gets the lock after under 1 ms or is "
    "the last one.";

}  // namespace synclab::viewer
