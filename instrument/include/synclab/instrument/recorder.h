// recorder.h: the sink that turns a live run into a Trace.
//
// Attach it through sim::Options::sink or native::Options::sink. OnEvent is
// safe from many threads: each thread appends to its own buffer and takes a
// sequence number from one counter, so Finish() can merge by seq. (In a
// native run the runtime holds the object's trace stripe around the step and
// its event, so per-object order is the order the state changed.)
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "synclab/instrument/trace.h"
#include "synclab/rt/runtime.h"

namespace synclab::instrument {

class Recorder final : public rt::Sink {
 public:
  Recorder();
  ~Recorder() override;
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  void OnEvent(const trace::Event& e) noexcept override;
  void OnGoroutine(GoroutineId id, GoroutineId parent, std::string_view name,
                   Site site) noexcept override;
  void OnObject(ObjectId id, trace::ObjectKind kind, std::string_view name, ObjectId parent,
                Site site) noexcept override;
  void OnRunEnd(const rt::TraceClock& clock) noexcept override {
    clock_ = clock;
    closed_.store(true, std::memory_order_relaxed);
  }

  // Builds the trace: merges the threads' buffers in seq order, renumbers
  // goroutines, objects and sites densely in order of first appearance,
  // makes time non-decreasing (native clocks are read before seq is taken)
  // and points the outcome at the event that caused it. Call once, after
  // the run has ended.
  Trace Finish(Meta meta, const rt::Outcome& outcome, const std::vector<GoroutineId>& schedule);

  std::uint64_t event_count() const { return next_seq_.load(std::memory_order_relaxed); }

 private:
  struct Buffer;
  struct Registered {
    std::uint64_t raw;
    std::uint64_t parent;
    trace::ObjectKind kind;
    std::string name;
    Site site;
  };
  Buffer* ThisThreadBuffer();

  const std::uint64_t generation_;
  std::atomic<std::uint64_t> next_seq_{0};
  std::atomic<bool> closed_{false};
  rt::TraceClock clock_;  // set by OnRunEnd, before Finish
  std::mutex mu_;  // guards the vectors below
  std::vector<std::unique_ptr<Buffer>> buffers_;
  std::vector<Registered> goroutines_;
  std::vector<Registered> objects_;
};

}  // namespace synclab::instrument
