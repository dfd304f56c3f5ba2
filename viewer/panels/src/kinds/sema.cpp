// sema.cpp: what the viewer shows of a runtime semaphore: its queue.
#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/style.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

constexpr const char* kQueueHelp = "The goroutines parked on this semaphore, head first.";

Intent DrawSemaInspector(const Model& m, const Cursor& c, Id sema) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const auto& fold = *snap.state.object(sema).As<instrument::kinds::SemaState>();
  ImGui::TextUnformatted("queue:");
  Explain(kQueueHelp);
  if (fold.queue.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("(empty)");
  }
  for (Id g : fold.queue) {
    ImGui::SameLine();
    ImGui::PushID(int(g));
    const GStatus s = snap.state.goroutine(g).status;
    if (Chip(instrument::GoroutineLabel(m.trace(), g).c_str(), StatusColor(s), StatusTextColor(s))) {
      out += SelectGoroutine{g};
    }
    ImGui::PopID();
    Explain(kQueueHelp);
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"sema.acquire.fast",
     "semacquire found the count above zero and took one without waiting."},
    {"sema.acquire.recheck",
     "semacquire counted itself as a waiter and checks the count once more "
     "before sleeping."},
    {"sema.acquire.enqueue",
     "semacquire queues the goroutine on the semaphore: at the tail, or at "
     "the head (lifo) if it has waited before."},
    {"sema.acquire.handoff",
     "The releaser handed its count straight to this waiter: it owns it as "
     "soon as it runs."},
    {"sema.acquire.wake",
     "The waiter woke up and took the count."},
    {"sema.acquire.retry",
     "Woken, but the count was taken by someone else: it queues again."},
    {"sema.release",
     "semrelease adds one to the count."},
    {"sema.release.wake",
     "semrelease takes the head waiter off the queue and readies it."},
    {"sema.release.handoff",
     "semrelease hands the count directly to the head waiter, so no newcomer "
     "can take it first."},
    {"sema.release.yield",
     "After a handoff the releaser yields its processor so that the waiter "
     "runs at once."},
};

constexpr FieldText kFields[] = {
    {"value",
     "The semaphore's count: how many semacquires can return without "
     "sleeping."},
    {"waiters",
     "Goroutines queued on this semaphore, or about to queue."},
    {"lifo",
     "Queued at the head because it had waited before (else at the tail)."},
    {"waiter",
     "The goroutine woken or handed the count."},
};

}  // namespace

const KindView kSemaView{kEvents, kFields, &DrawSemaInspector};

}  // namespace synclab::viewer
