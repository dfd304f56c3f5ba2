// timer.cpp: the fold of a runtime timer's owner (time.h): Go's timer
// states, pending or not, and what Stop and Reset report of them.
#include "synclab/instrument/kinds/timer.h"

#include "synclab/instrument/state.h"
#include "synclab/time.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string TimerState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const bool was = pending;
  switch (e.kind) {
    case EventKind::kTimerStart:
      if (started) return ctx.Fail(ctx.Self() + " is started twice");
      started = true;
      break;
    case EventKind::kTimerStop:
    case EventKind::kTimerReset:
      if (!started) return ctx.Fail(ctx.Self() + " is stopped or reset before it was started");
      // INV: Stop and Reset report whether it was pending.
      if (bool(ctx.Field("was")) != was) {
        return ctx.Fail(std::string(trace::Name(e.kind)) + " reports was=" +
                        std::to_string(ctx.Field("was")) + " but " + ctx.Self() +
                        (was ? " was pending" : " was not pending"));
      }
      break;
    case EventKind::kTimerSend:
    case EventKind::kTimerFunc:
      // INV: only a pending timer fires.
      if (!was) return ctx.Fail(ctx.Self() + " fires while not pending");
      fires++;
      last_fire = ctx.Field("now");
      if (e.kind == EventKind::kTimerSend && !ctx.Field("sent")) dropped++;
      break;
    default: break;
  }
  pending = bool(ctx.Field("pending"));
  when = ctx.Field("when");
  period = ctx.Field("period");
  c = Id(ctx.Field("c"));
  return "";
}

std::string TimerState::Describe(const ObjectView& v) const {
  std::string out = pending ? "pending" : "idle";
  out += " when=" + synclab::FormatTime(Time{when});
  if (period > 0) out += " period=" + synclab::FormatDuration(Duration(period));
  if (c != 0) out += " c=" + ObjectLabel(v.trace, c);
  out += " fires=" + std::to_string(fires);
  if (dropped > 0) out += " dropped=" + std::to_string(dropped);
  return out;
}

}  // namespace synclab::instrument::kinds
