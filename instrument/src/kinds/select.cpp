// select.cpp: the fold of a goroutine's select object (spec section 11):
// the cases of its latest select with their poll and lock positions, and
// which one ran and how.
#include "synclab/instrument/kinds/select.h"

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string SelectState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  auto check_case = [&](std::int64_t i) -> std::string {
    if (i < 0 || std::size_t(i) >= cases.size()) return ctx.Fail("select case " + std::to_string(i) + " does not exist");
    if (cases[std::size_t(i)].chan != Id(ctx.Field("chan"))) {
      return ctx.Fail("select case " + std::to_string(i) + " is on " + ctx.Obj(cases[std::size_t(i)].chan) +
                      ", not " + ctx.Obj(Id(ctx.Field("chan"))));
    }
    return "";
  };
  switch (e.kind) {
    case EventKind::kSelectBegin:
      // (A select that panicked in pass 1, a send on a closed channel, was
      // left polling; a recovered goroutine may select again.)
      if (phase == Phase::kParked) return ctx.Fail("a select begins while the goroutine sleeps in another");
      *this = SelectState{};
      cases.reserve(std::size_t(ctx.Field("cases")));
      has_default = ctx.Field("default") != 0;
      phase = Phase::kPolling;
      break;
    case EventKind::kSelectCase:
      if (phase != Phase::kPolling || ctx.Field("case") != std::int64_t(cases.size())) {
        return ctx.Fail("select case " + std::to_string(ctx.Field("case")) + " out of order");
      }
      cases.push_back({Id(ctx.Field("chan")), ctx.Field("send") != 0, int(ctx.Field("poll")),
                       int(ctx.Field("lock")), ctx.Field("elem")});
      break;
    case EventKind::kSelectReady: {
      if (std::string err = check_case(ctx.Field("case")); !err.empty()) return err;
      chosen = int(ctx.Field("case"));
      how = ctx.Field("how");
      ok = ctx.Field("ok") != 0;
      phase = Phase::kDone;
      break;
    }
    case EventKind::kSelectDefault:
      if (!has_default) return ctx.Fail("a select without default runs its default");
      chosen = -1;
      phase = Phase::kDone;
      break;
    case EventKind::kSelectPark: phase = Phase::kParked; break;
    case EventKind::kSelectWake: {
      if (phase != Phase::kParked) return ctx.Fail("a select wakes without having parked");
      if (std::string err = check_case(ctx.Field("case")); !err.empty()) return err;
      chosen = int(ctx.Field("case"));
      woken = true;
      ok = ctx.Field("ok") != 0;
      phase = Phase::kDone;
      break;
    }
    default: break;
  }
  return "";
}

std::string SelectState::Describe(const ObjectView& v) const {
  std::string out = "cases=[";
  for (std::size_t i = 0; i < cases.size(); i++) {
    if (i != 0) out += ' ';
    const Case& c = cases[i];
    if (int(i) == chosen) out += '*';
    out += c.chan == 0 ? std::string("nil") : ObjectLabel(v.trace, c.chan);
    out += c.send ? "<-" : ".recv";
    if (c.poll >= 0) out += "@" + std::to_string(c.poll);
  }
  out += "]";
  if (has_default) out += chosen == -1 ? " *default" : " default";
  switch (phase) {
    case Phase::kPolling: out += " polling"; break;
    case Phase::kParked: out += " parked"; break;
    case Phase::kDone:
      if (chosen >= 0) out += woken ? " woken" : " ready:" + std::string(v.trace.str(how));
      break;
    default: break;
  }
  return out;
}

}  // namespace synclab::instrument::kinds
