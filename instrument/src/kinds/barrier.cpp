// barrier.cpp: the fold of marusama's CyclicBarrier (spec section 16).
#include "synclab/instrument/kinds/barrier.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string BarrierState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const std::int64_t f_round = ctx.Field("round");
  const std::int64_t f_count = ctx.Field("count");
  const bool f_broken = ctx.Field("broken") != 0;
  // Events that carry the state must agree with it (those of the lock holder).
  auto same_round = [&]() -> std::string {
    if (f_round != round) return ctx.Fail(ctx.Self() + " is in round " + std::to_string(round) + ", not " + std::to_string(f_round));
    if (ctx.Field("parties") != parties) return ctx.Fail(ctx.Self() + " has " + std::to_string(parties) + " parties");
    return "";
  };
  // The waiter record of the acting goroutine, removed.
  auto take_waiter = [&](std::optional<BarrierWaiter>& out) {
    auto it = std::find_if(waiters.begin(), waiters.end(), [&](const BarrierWaiter& w) { return w.g == e.g; });
    if (it != waiters.end() && it->round == ctx.Field("of_round")) {
      out = *it;
      waiters.erase(it);
    }
  };
  switch (e.kind) {
    case EventKind::kCbNew:
      parties = ctx.Field("parties");
      if (parties <= 0) return ctx.Fail(ctx.Self() + " made with " + std::to_string(parties) + " parties");
      break;
    case EventKind::kCbRoundNew:
      if (f_round != round + 1) return ctx.Fail(ctx.Self() + " skips from round " + std::to_string(round) + " to " + std::to_string(f_round));
      if (f_count != 0 || f_broken) return ctx.Fail(ctx.Self() + "'s new round is not fresh");
      round = f_round;
      count = 0;
      broken = false;
      wait_ch = Id(ctx.Field("wait"));
      broke_ch = Id(ctx.Field("broke"));
      break;
    case EventKind::kCbAwaitBroken:
      if (auto err = same_round(); !err.empty()) return err;
      if (!broken) return ctx.Fail(ctx.G(e.g) + " finds " + ctx.Self() + " broken, but it is not");
      break;
    case EventKind::kCbAwaitArrive:
      if (auto err = same_round(); !err.empty()) return err;
      if (broken) return ctx.Fail(ctx.G(e.g) + " arrives at " + ctx.Self() + ", which is broken");
      if (f_count != count + 1) return ctx.Fail(ctx.G(e.g) + " arrives as party " + std::to_string(f_count) + " after " + std::to_string(count));
      count = f_count;
      // The last party does not wait; one beyond parties panics.
      if (count < parties) waiters.push_back({e.g, round, false, false});
      break;
    case EventKind::kCbActionRun:
      if (action_by != 0) return ctx.Fail(ctx.G(e.g) + " runs the action of " + ctx.Self() + " while " + ctx.G(action_by) + " does");
      action_by = e.g;
      break;
    case EventKind::kCbActionError:
      if (action_by != e.g) return ctx.Fail(ctx.G(e.g) + " ends an action of " + ctx.Self() + " it does not run");
      action_by = 0;
      break;
    case EventKind::kCbTrip:
      if (auto err = same_round(); !err.empty()) return err;
      if (count != parties) return ctx.Fail(ctx.Self() + " trips with " + std::to_string(count) + " of " + std::to_string(parties) + " parties");
      if (action_by == e.g) action_by = 0;
      trips++;
      for (BarrierWaiter& w : waiters) w.released |= w.round == round;
      break;
    case EventKind::kCbBreak:
      if (auto err = same_round(); !err.empty()) return err;
      if (broken) return ctx.Fail(ctx.Self() + " breaks twice in round " + std::to_string(round));
      if (!f_broken) return ctx.Fail(ctx.Self() + " breaks but is not broken");
      broken = true;
      for (BarrierWaiter& w : waiters) w.broken |= w.round == round;
      break;
    case EventKind::kCbReset:
      if (auto err = same_round(); !err.empty()) return err;
      break;
    case EventKind::kCbAwaitPass:
    case EventKind::kCbAwaitBrokenWake:
    case EventKind::kCbAwaitCtx: {
      std::optional<BarrierWaiter> w;
      take_waiter(w);
      if (!w) return ctx.Fail(ctx.G(e.g) + " wakes from round " + std::to_string(ctx.Field("of_round")) + " of " + ctx.Self() + " without waiting in it");
      if (e.kind == EventKind::kCbAwaitPass && !w->released) return ctx.Fail(ctx.G(e.g) + " passes " + ctx.Self() + " before its round tripped");
      if (e.kind == EventKind::kCbAwaitBrokenWake && !w->broken) return ctx.Fail(ctx.G(e.g) + " sees " + ctx.Self() + " broken before its round broke");
      break;
    }
    default: break;
  }
  return "";
}

Summary BarrierState::Summarize(const ObjectState&) const {
  const std::uint8_t mode = broken ? 2 : count > 0 ? 1 : 0;
  return {mode, count, action_by, {round, parties}};
}

std::string BarrierState::Describe(const ObjectView&) const {
  std::string out = "round=" + std::to_string(round) + " count=" + std::to_string(count) + "/" +
                    std::to_string(parties) + " broken=" + std::to_string(int(broken));
  if (!waiters.empty()) {
    out += " waiting=";
    for (std::size_t i = 0; i < waiters.size(); i++) {
      if (i > 0) out += ",";
      out += "G" + std::to_string(waiters[i].g);
      if (waiters[i].round != round) out += "(round " + std::to_string(waiters[i].round) + ")";
    }
  }
  if (action_by != 0) out += " action=G" + std::to_string(action_by);
  return out;
}

}  // namespace synclab::instrument::kinds
