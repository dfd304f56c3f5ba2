// singleflight.cpp: the fold of a singleflight.Group (spec section 14).
#include "synclab/instrument/kinds/singleflight.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::size_t SingleFlightState::InMap() const {
  return std::size_t(std::count_if(calls.begin(), calls.end(), [](const Call& c) { return !c.forgotten; }));
}

std::string SingleFlightState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  const std::int64_t key = ctx.Field("key");
  const Id wg = Id(ctx.Field("wg"));
  const std::string quoted = "\"" + std::string(ctx.trace.str(key)) + "\"";
  auto in_map = [&](std::int64_t k) {
    return std::find_if(calls.begin(), calls.end(), [&](const Call& c) { return c.key == k && !c.forgotten; });
  };
  auto by_wg = std::find_if(calls.begin(), calls.end(), [&](const Call& c) { return c.wg == wg; });
  switch (e.kind) {
    case EventKind::kSfDoLeader: {
      if (auto it = in_map(key); it != calls.end()) {
        return ctx.Fail(ctx.G(e.g) + " starts a second call of " + quoted + " on " + ctx.Self() +
                        " while " + ctx.G(it->leader) + "'s is in flight");
      }
      calls.push_back({wg, key, e.g, ctx.Field("chan") != 0, false, {}});
      started++;
      break;
    }
    case EventKind::kSfDoDup: {
      if (by_wg == calls.end() || by_wg->forgotten || by_wg->key != key) {
        return ctx.Fail(ctx.G(e.g) + " joins a call of " + quoted + " on " + ctx.Self() + " that is not in its map");
      }
      by_wg->waiters.push_back({e.g, ctx.Field("chan") != 0});
      joined++;
      if (std::int64_t(by_wg->waiters.size()) != ctx.Field("dups")) {
        return ctx.Fail("the call of " + quoted + " on " + ctx.Self() + " has " +
                        std::to_string(by_wg->waiters.size()) + " duplicates, not " + std::to_string(ctx.Field("dups")));
      }
      break;
    }
    case EventKind::kSfCallDone: {
      if (by_wg == calls.end()) {
        return ctx.Fail("a call of " + quoted + " on " + ctx.Self() + " ends that never began");
      }
      const bool removed = ctx.Field("removed") != 0;
      if (removed == by_wg->forgotten) {
        return ctx.Fail("the call of " + quoted + " on " + ctx.Self() +
                        (removed ? " leaves the map, but Forget had taken it out"
                                 : " ends, but stays in the map"));
      }
      const std::int64_t chans =
          std::count_if(by_wg->waiters.begin(), by_wg->waiters.end(), [](const Waiter& w) { return w.chan; }) +
          (by_wg->chan ? 1 : 0);
      if (std::int64_t(by_wg->waiters.size()) != ctx.Field("dups") || chans != ctx.Field("chans")) {
        return ctx.Fail("the call of " + quoted + " on " + ctx.Self() + " ends with " +
                        std::to_string(ctx.Field("dups")) + " duplicates and " + std::to_string(ctx.Field("chans")) +
                        " channels, but " + std::to_string(by_wg->waiters.size()) + " and " +
                        std::to_string(chans) + " joined");
      }
      finished.push_back({wg, key, ctx.Field("result"), by_wg->leader, ctx.Field("dups"), chans,
                          ctx.Field("panicked") != 0});
      if (finished.size() > kKeepFinished) finished.erase(finished.begin());
      calls.erase(by_wg);
      break;
    }
    case EventKind::kSfForget: {
      auto it = in_map(key);
      const bool removed = ctx.Field("removed") != 0;
      if (removed != (it != calls.end()) || (removed && it->wg != wg)) {
        return ctx.Fail("Forget(" + quoted + ") on " + ctx.Self() +
                        (removed ? " removes a call that is not in its map" : " removes nothing, but a call is in flight"));
      }
      if (removed) it->forgotten = true;
      forgets++;
      break;
    }
    default: return "";
  }
  if (std::int64_t(InMap()) != ctx.Field("calls")) {
    return ctx.Fail(ctx.Self() + " has " + std::to_string(InMap()) + " calls in its map, not " +
                    std::to_string(ctx.Field("calls")));
  }
  return "";
}

Summary SingleFlightState::Summarize(const ObjectState&) const {
  std::int64_t waiting = 0;
  for (const Call& c : calls) waiting += std::int64_t(c.waiters.size());
  const std::uint8_t mode = calls.empty() ? 0 : waiting > 0 ? 2 : 1;
  return {mode, std::int64_t(calls.size()), calls.empty() ? 0 : calls.front().leader,
          {waiting, started - std::int64_t(calls.size())}};
}

std::string SingleFlightState::Describe(const ObjectView& v) const {
  std::string out = "calls=" + std::to_string(calls.size());
  for (const Call& c : calls) {
    out += " [\"" + std::string(v.trace.str(c.key)) + "\" leader=G" + std::to_string(c.leader) +
           " dups=" + std::to_string(c.waiters.size());
    if (c.forgotten) out += " forgotten";
    out += "]";
  }
  if (!finished.empty()) {
    const Finished& f = finished.back();
    out += " last=\"" + std::string(v.trace.str(f.key)) + "\"->" + std::string(v.trace.str(f.result));
    if (f.dups > 0) out += " (shared by " + std::to_string(f.dups + 1) + ")";
  }
  return out;
}

}  // namespace synclab::instrument::kinds
