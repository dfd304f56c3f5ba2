// chan.cpp: the fold of a channel (spec section 10): the ring buffer's
// values slot by slot and who waits in recvq and sendq, checked against the
// hchan fields every event reports.
#include "synclab/instrument/kinds/chan.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

namespace {

std::string Text(const Trace& t, std::int64_t id) { return "\"" + std::string(t.str(id)) + "\""; }

}  // namespace

std::string ChanState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  // An offered value, or 0 for none (a receiver's record has "").
  const std::int64_t elem = ctx.Str("elem").empty() ? 0 : ctx.Field("elem");
  // The slot a buffered send just filled or a receive just emptied: the one
  // before sendx or recvx.
  auto before = [&](std::string_view index) -> std::int64_t* {
    if (cap <= 0) return nullptr;
    const std::int64_t i = ctx.Field(index);
    if (i < 0 || i >= cap) return nullptr;
    return &slots[std::size_t((i + cap - 1) % cap)];
  };
  auto pop = [&](std::vector<Waiter>& q, std::string_view queue, Id who) -> std::string {
    if (q.empty()) return ctx.Fail(ctx.Self() + " dequeues " + ctx.G(who) + " from an empty " + std::string(queue));
    if (q.front().g != who) {
      return ctx.Fail(ctx.Self() + " dequeues " + ctx.G(who) + " but " + ctx.G(q.front().g) + " is first in " +
                      std::string(queue));
    }
    q.erase(q.begin());
    return "";
  };
  std::string err;
  switch (e.kind) {
    case EventKind::kChanMake:
      cap = ctx.Field("dataqsiz");
      if (cap < 0) return ctx.Fail("a channel of capacity " + std::to_string(cap));
      slots.assign(std::size_t(cap), 0);
      return "";
    case EventKind::kChanSendDirect: err = pop(recvq, "recvq", Id(ctx.Field("receiver"))); break;
    case EventKind::kChanSendBuffer:
      if (std::int64_t* slot = before("sendx")) {
        *slot = elem;
      } else {
        return ctx.Fail("a buffered send on " + ctx.Self() + ", whose capacity is " + std::to_string(cap));
      }
      break;
    case EventKind::kChanSendPark: sendq.push_back({e.g, elem, false}); break;
    case EventKind::kChanRecvDirect: err = pop(sendq, "sendq", Id(ctx.Field("sender"))); break;
    case EventKind::kChanRecvRotate: {
      std::int64_t* slot = before("recvx");
      if (slot == nullptr || sendq.empty()) return ctx.Fail("a rotate on " + ctx.Self() + " with no full buffer and sender");
      if (*slot != elem) {
        return ctx.Fail("receives " + Text(ctx.trace, elem) + " but the slot holds " + Text(ctx.trace, *slot));
      }
      *slot = sendq.front().elem;  // the sender's value takes the freed slot
      err = pop(sendq, "sendq", Id(ctx.Field("sender")));
      break;
    }
    case EventKind::kChanRecvBuffer: {
      std::int64_t* slot = before("recvx");
      if (slot == nullptr) return ctx.Fail("a buffered receive on " + ctx.Self() + ", which has no buffer");
      if (*slot != elem) {
        return ctx.Fail("receives " + Text(ctx.trace, elem) + " but the slot holds " + Text(ctx.trace, *slot));
      }
      *slot = 0;
      break;
    }
    case EventKind::kChanRecvPark: recvq.push_back({e.g, 0, false}); break;
    case EventKind::kChanCloseRelease:
      if (!ctx.Field("closed")) return ctx.Fail(ctx.Self() + " releases a waiter before it is closed");
      err = pop(ctx.Field("send") ? sendq : recvq, ctx.Field("send") ? "sendq" : "recvq", Id(ctx.Field("waiter")));
      (ctx.Field("send") ? released_senders : released_receivers)++;
      break;
    case EventKind::kChanClose:
      // Every waiter was released (or skipped) before this event.
      if (!recvq.empty() || !sendq.empty() || ctx.Field("receivers") != released_receivers ||
          ctx.Field("senders") != released_senders) {
        return ctx.Fail("close of " + ctx.Self() + " releases " + std::to_string(ctx.Field("receivers")) +
                        " receivers and " + std::to_string(ctx.Field("senders")) + " senders, but " +
                        std::to_string(released_receivers) + " and " + std::to_string(released_senders) +
                        " were released and " + std::to_string(recvq.size() + sendq.size()) + " still wait");
      }
      released_receivers = released_senders = 0;
      break;
    case EventKind::kChanSelectEnqueue:
      (ctx.Field("send") ? sendq : recvq).push_back({e.g, elem, true});
      break;
    case EventKind::kChanSelectDequeue: {
      std::vector<Waiter>& q = ctx.Field("send") ? sendq : recvq;
      auto it = std::find_if(q.begin(), q.end(), [&](const Waiter& w) { return w.g == e.g && w.select; });
      if (it == q.end()) return ctx.Fail(ctx.G(e.g) + " takes a select record off " + ctx.Self() + " it never queued");
      q.erase(it);
      break;
    }
    case EventKind::kChanDequeueSkip:
      err = pop(ctx.Field("send") ? sendq : recvq, ctx.Field("send") ? "sendq" : "recvq", Id(ctx.Field("skipped")));
      break;
    default: break;
  }
  if (!err.empty()) return err;
  // What the event reports must be what the fold holds.
  if (std::size_t(ctx.Field("recvq")) != recvq.size() || std::size_t(ctx.Field("sendq")) != sendq.size()) {
    return ctx.Fail(ctx.Self() + " reports recvq=" + std::to_string(ctx.Field("recvq")) + " sendq=" +
                    std::to_string(ctx.Field("sendq")) + ", but " + std::to_string(recvq.size()) + " and " +
                    std::to_string(sendq.size()) + " wait");
  }
  const std::int64_t qcount = ctx.Field("qcount");
  if (qcount < 0 || qcount > cap) {
    return ctx.Fail(ctx.Self() + " reports qcount=" + std::to_string(qcount) + " with capacity " + std::to_string(cap));
  }
  if (cap > 0 && (ctx.Field("recvx") + qcount) % cap != ctx.Field("sendx")) {
    return ctx.Fail(ctx.Self() + ": sendx is not recvx + qcount (mod dataqsiz)");
  }
  if (ctx.Field("closed") != 0 && !sendq.empty()) return ctx.Fail(ctx.Self() + " is closed with senders waiting");
  return "";
}

Summary ChanState::Summarize(const ObjectState& object) const {
  const std::int64_t* q = object.Field("qcount");
  const std::int64_t* closed = object.Field("closed");
  const std::int64_t qcount = q != nullptr ? *q : 0;
  const std::uint8_t mode = closed != nullptr && *closed != 0 ? 3
                            : !recvq.empty() || !sendq.empty() ? 2
                            : qcount > 0                       ? 1
                                                               : 0;
  Summary s{mode, qcount, 0};
  s.also = {std::int64_t(recvq.size()), std::int64_t(sendq.size())};
  return s;
}

std::string ChanState::Describe(const ObjectView& v) const {
  std::string out = "qcount=" + v.Field("qcount") + "/" + std::to_string(cap) + " sendx=" + v.Field("sendx") +
                    " recvx=" + v.Field("recvx") + " closed=" + v.Field("closed");
  if (cap > 0) {
    out += " buf=[";
    for (std::size_t i = 0; i < slots.size(); i++) {
      if (i != 0) out += ' ';
      out += slots[i] == 0 ? "_" : std::string(v.trace.str(slots[i]));
    }
    out += "]";
  }
  auto queue = [&](std::string_view name, const std::vector<Waiter>& q) {
    out += " " + std::string(name) + "=[";
    for (std::size_t i = 0; i < q.size(); i++) {
      if (i != 0) out += ' ';
      out += "G" + std::to_string(q[i].g) + (q[i].select ? "(select)" : "");
      if (q[i].elem != 0) out += ":" + std::string(v.trace.str(q[i].elem));
    }
    out += "]";
  };
  queue("recvq", recvq);
  queue("sendq", sendq);
  return out;
}

}  // namespace synclab::instrument::kinds
