// errgroup.cpp: the fold of an errgroup.Group (spec section 15).
#include "synclab/instrument/kinds/errgroup.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

namespace {
bool Erase(std::vector<Id>& v, Id g) {
  auto it = std::find(v.begin(), v.end(), g);
  if (it == v.end()) return false;
  v.erase(it);
  return true;
}
bool Has(const std::vector<Id>& v, Id g) { return std::find(v.begin(), v.end(), g) != v.end(); }
}  // namespace

std::string ErrGroupState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const std::int64_t active = ctx.Field("active");
  const std::int64_t lim = ctx.Field("limit");
  const std::int64_t tasks = ctx.Field("tasks");
  // INV1: at most `limit` tasks hold a slot.
  if (lim >= 0 && active > lim) {
    return ctx.Fail(ctx.Self() + " has " + std::to_string(active) + " tasks holding slots, over its limit " +
                    std::to_string(lim));
  }
  switch (e.kind) {
    case EventKind::kEgWithContext: context = Id(ctx.Field("ctx")); break;
    case EventKind::kEgSetLimit:
      limit = lim;
      sem = Id(ctx.Field("sem"));
      break;
    case EventKind::kEgGoWaitSlot: waiting_slot.push_back(e.g); break;
    case EventKind::kEgGo:
      Erase(waiting_slot, e.g);
      if (tasks < 1) return ctx.Fail(ctx.G(e.g) + " starts a task of " + ctx.Self() + " but its WaitGroup counts none");
      started++;
      break;
    case EventKind::kEgTryGoFull: try_failed++; break;
    case EventKind::kEgTaskBegin:
      if (Has(running, e.g)) return ctx.Fail(ctx.G(e.g) + " begins a second task of " + ctx.Self());
      running.push_back(e.g);
      break;
    case EventKind::kEgFirstError:
      // errOnce: one first error per group.
      if (has_err) {
        return ctx.Fail(ctx.G(e.g) + " sets the error of " + ctx.Self() + " after " + ctx.G(err_g) + " did");
      }
      if (!Has(running, e.g)) return ctx.Fail(ctx.G(e.g) + " sets the error of " + ctx.Self() + " outside a task");
      has_err = true;
      err = ctx.Field("err");
      err_g = e.g;
      break;
    case EventKind::kEgTaskEnd: {
      if (!Erase(running, e.g)) return ctx.Fail(ctx.G(e.g) + " ends a task of " + ctx.Self() + " it never began");
      ended++;
      if (ctx.Field("failed") != 0) {
        failed++;
        // INV2: the first failure is recorded before its task is done.
        if (!has_err) return ctx.Fail(ctx.G(e.g) + "'s task fails but " + ctx.Self() + " has no error");
      }
      break;
    }
    case EventKind::kEgWaitBegin: in_wait.push_back(e.g); break;
    case EventKind::kEgWaitEnd: {
      if (!Erase(in_wait, e.g)) return ctx.Fail(ctx.G(e.g) + " returns from a Wait on " + ctx.Self() + " it never began");
      if (tasks != 0) {
        return ctx.Fail(ctx.G(e.g) + "'s Wait on " + ctx.Self() + " returns with " + std::to_string(tasks) +
                        " tasks not done");
      }
      if (has_err ? ctx.Field("err") != err : !ctx.Str("err").empty()) {
        return ctx.Fail("Wait on " + ctx.Self() + " returns \"" + std::string(ctx.Str("err")) +
                        "\", not the first error");
      }
      break;
    }
    default: break;
  }
  return "";
}

Summary ErrGroupState::Summarize(const ObjectState& object) const {
  const std::int64_t* t = object.Field("tasks");
  const std::int64_t tasks = t != nullptr ? *t : 0;
  const std::uint8_t mode = has_err ? 2 : tasks > 0 ? 1 : 0;
  return {mode, tasks, err_g, {limit, std::int64_t(waiting_slot.size())}};
}

std::string ErrGroupState::Describe(const ObjectView& v) const {
  std::string out = "active=" + v.Field("active") + " limit=" + v.Field("limit") + " tasks=" + v.Field("tasks");
  out += " running=" + std::to_string(running.size());
  if (!waiting_slot.empty()) out += " waiting_for_slot=" + std::to_string(waiting_slot.size());
  if (has_err) out += " err=\"" + std::string(v.trace.str(err)) + "\" (G" + std::to_string(err_g) + ")";
  return out;
}

}  // namespace synclab::instrument::kinds
