// outcome.h: how a run ended, as both runtimes report it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "synclab/trace/event.h"

namespace synclab::rt {

enum class Status : std::uint8_t {
  kOk,        // main returned and nothing went wrong
  kDeadlock,  // every goroutine blocked, no timer pending (Go's fatal error)
  kFatal,     // a Go fatal error, e.g. "sync: unlock of unlocked mutex"
  kPanic,     // an unrecovered panic (or C++ exception) in a goroutine
  kLeak,      // main returned while goroutines were still blocked
  kAssert,    // a scenario check() failed
  kLimit,     // the sim step limit was reached (a livelock, or a too small limit)
  kCount
};
inline constexpr std::string_view kStatusNames[] = {"ok",   "deadlock", "fatal", "panic",
                                                    "leak", "assert",   "limit"};
static_assert(std::size(kStatusNames) == std::size_t(Status::kCount));
constexpr std::string_view Name(Status s) { return kStatusNames[std::size_t(s)]; }

// A goroutine that was blocked when the run ended (deadlock or leak).
struct Blocked {
  GoroutineId g = 0;
  ObjectId obj = 0;
  trace::WaitReason reason = trace::WaitReason::kNone;
  Site site{};
};

struct Outcome {
  Status status = Status::kOk;
  // The line Go prints, e.g. "fatal error: all goroutines are asleep - deadlock!".
  std::string message;
  GoroutineId g = 0;             // the goroutine that failed (0 for deadlock/leak)
  Site site{};                   // assert: the failed check() (line 0 when unknown)
  std::vector<Blocked> blocked;  // deadlock: everyone; leak: who was left behind
};

}  // namespace synclab::rt
