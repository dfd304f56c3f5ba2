// once.cpp: the fold of a sync.Once (spec section 6).
#include "synclab/instrument/kinds/once.h"

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string OnceState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  switch (e.kind) {
    case EventKind::kOnceRunBegin:
      if (running != 0) return ctx.Fail(ctx.G(e.g) + " runs f of " + ctx.Self() + " while " + ctx.G(running) + " does");
      running = e.g;
      break;
    case EventKind::kOnceRunEnd:
    case EventKind::kOnceRunPanic:
      running = 0;
      panicked = e.kind == EventKind::kOnceRunPanic;
      break;
    default: break;
  }
  return "";
}

Summary OnceState::Summarize(const ObjectState& object) const {
  const std::int64_t* done = object.Field("done");
  const std::uint8_t mode = running != 0 ? 1 : done != nullptr && *done != 0 ? 2 : 0;
  return {mode, 0, running};
}

std::string OnceState::Describe(const ObjectView& v) const {
  std::string out = "done=" + v.Field("done");
  if (running != 0) out += " running=G" + std::to_string(running);
  if (panicked) out += " (f panicked)";
  return out;
}

}  // namespace synclab::instrument::kinds
