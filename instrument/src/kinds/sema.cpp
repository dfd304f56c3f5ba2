// sema.cpp: the fold of a runtime semaphore (spec section 1).
#include "synclab/instrument/kinds/sema.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string SemaState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  switch (e.kind) {
    case EventKind::kSemaEnqueue: {
      if (std::find(queue.begin(), queue.end(), e.g) != queue.end()) {
        return ctx.Fail(ctx.G(e.g) + " queues on " + ctx.Self() + " twice");
      }
      if (ctx.Field("lifo") != 0) {
        queue.insert(queue.begin(), e.g);  // the waiter that waited before goes first
      } else {
        queue.push_back(e.g);
      }
      break;
    }
    case EventKind::kSemaReleaseWake: {
      Id waiter = Id(ctx.Field("waiter"));
      auto it = std::find(queue.begin(), queue.end(), waiter);
      if (it == queue.end()) {
        return ctx.Fail("wakes " + ctx.G(waiter) + ", which is not queued on " + ctx.Self());
      }
      queue.erase(it);
      break;
    }
    default: break;
  }
  return "";
}

std::string SemaState::Describe(const ObjectView& v) const {
  std::string out = "value=" + v.Field("value") + " queue=[";
  for (std::size_t i = 0; i < queue.size(); i++) {
    if (i != 0) out += ' ';
    out += "G" + std::to_string(queue[i]);
  }
  return out + "]";
}

}  // namespace synclab::instrument::kinds
