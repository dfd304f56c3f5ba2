// context.cpp: the fold of a context tree, node by node (spec section 12).
// A parent's children are changed by its children's events (attach) as
// well as its own (cancel, child.remove): the fold reaches the parent
// through FoldContext::Other.
#include "synclab/instrument/kinds/context.h"

#include <algorithm>

#include "synclab/instrument/state.h"
#include "synclab/time.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

std::string_view ContextState::NodeName(Node n) {
  static constexpr std::string_view kNames[] = {"?",        "context.Background", "context.TODO",
                                                "WithCancel", "WithDeadline",      "WithValue",
                                                "WithoutCancel", "AfterFunc"};
  return kNames[std::size_t(n)];
}

namespace {

bool IsCreation(EventKind k) {
  switch (k) {
    case EventKind::kCtxBackground:
    case EventKind::kCtxTodo:
    case EventKind::kCtxWithCancel:
    case EventKind::kCtxWithDeadline:
    case EventKind::kCtxWithValue:
    case EventKind::kCtxWithoutCancel:
    case EventKind::kCtxAfterFunc: return true;
    default: return false;
  }
}

ContextState::Node NodeOf(EventKind k) {
  using N = ContextState::Node;
  switch (k) {
    case EventKind::kCtxBackground: return N::kBackground;
    case EventKind::kCtxTodo: return N::kTodo;
    case EventKind::kCtxWithCancel: return N::kCancel;
    case EventKind::kCtxWithDeadline: return N::kDeadline;
    case EventKind::kCtxWithValue: return N::kValue;
    case EventKind::kCtxWithoutCancel: return N::kWithoutCancel;
    default: return N::kAfterFunc;
  }
}

}  // namespace

std::string ContextState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  if (IsCreation(e.kind)) {
    if (node != Node::kUnknown) return ctx.Fail(ctx.Self() + " is created twice");
    node = NodeOf(e.kind);
    parent = Id(ctx.Field("parent"));
    deadline = ctx.Field("deadline");
    key = ctx.Field("key");
    val = ctx.Field("val");
    return "";
  }
  if (node == Node::kUnknown) return ctx.Fail(ctx.Self() + " is used before it was created");
  switch (e.kind) {
    case EventKind::kCtxPropagateNone: propagation = Propagation::kNone; break;
    case EventKind::kCtxPropagateNow: propagation = Propagation::kImmediate; break;
    case EventKind::kCtxPropagateAfter: propagation = Propagation::kAfterFunc; break;
    case EventKind::kCtxPropagateGo: propagation = Propagation::kGoroutine; break;
    case EventKind::kCtxPropagateAttach: {
      propagation = Propagation::kAttach;
      attached_to = Id(ctx.Field("to"));
      ContextState* p = ctx.Other<ContextState>(attached_to);
      if (p == nullptr) return ctx.Fail(ctx.Self() + " attaches to " + ctx.Obj(attached_to) + ", not a context");
      if (p->cancelled) return ctx.Fail(ctx.Self() + " attaches to " + ctx.Obj(attached_to) + ", which is cancelled");
      p->children.push_back(e.obj);
      if (std::int64_t(p->children.size()) != ctx.Field("children")) {
        return ctx.Fail(ctx.Obj(attached_to) + " has " + std::to_string(p->children.size()) +
                        " children, not " + std::to_string(ctx.Field("children")));
      }
      break;
    }
    case EventKind::kCtxCancel:
      // INV: the first cancel wins; a later one is ctx.cancel.again.
      if (cancelled) return ctx.Fail(ctx.Self() + " is cancelled twice");
      if (std::int64_t(children.size()) != ctx.Field("children")) {
        return ctx.Fail(ctx.Self() + " cancels " + std::to_string(ctx.Field("children")) +
                        " children, but has " + std::to_string(children.size()));
      }
      cancelled = true;
      err = ctx.Field("err");
      cause = ctx.Field("cause");
      cancelled_by = Id(ctx.Field("by"));
      children.clear();  // Go: c.children = nil
      break;
    case EventKind::kCtxCancelAgain:
      if (!cancelled) return ctx.Fail(ctx.Self() + " is cancelled again, but never was");
      break;
    case EventKind::kCtxChildRemove: {
      const Id child = Id(ctx.Field("child"));
      auto it = std::find(children.begin(), children.end(), child);
      if (it == children.end()) {
        return ctx.Fail(ctx.Obj(child) + " leaves " + ctx.Self() + ", which it is not a child of");
      }
      children.erase(it);
      break;
    }
    case EventKind::kCtxDoneMake:
      if (done != 0) return ctx.Fail(ctx.Self() + " makes its done channel twice");
      if (bool(ctx.Field("closed")) != cancelled) {
        return ctx.Fail(ctx.Self() + "'s done channel is made " +
                        (cancelled ? "open after its cancel" : "closed before its cancel"));
      }
      done = Id(ctx.Field("done"));
      break;
    case EventKind::kCtxTimerArm: timer = Id(ctx.Field("timer")); break;
    case EventKind::kCtxTimerStop: timer = 0; break;
    case EventKind::kCtxValue: lookups++; break;
    case EventKind::kCtxAfterFuncRun:
      if (afterfunc_ran) return ctx.Fail(ctx.Self() + " runs its function twice");
      afterfunc_ran = true;
      break;
    default: break;
  }
  return "";
}

std::string ContextState::Describe(const ObjectView& v) const {
  std::string out(NodeName(node));
  if (parent != 0) out += " parent=" + ObjectLabel(v.trace, parent);
  if (node == Node::kDeadline) out += " deadline=" + synclab::FormatTime(Time{deadline});
  if (node == Node::kValue) {
    out += " key=" + std::string(v.trace.str(key)) + " val=" + std::string(v.trace.str(val));
  }
  if (cancelled) {
    out += " cancelled err=\"" + std::string(v.trace.str(err)) + "\"";
    if (cause != err) out += " cause=\"" + std::string(v.trace.str(cause)) + "\"";
  }
  if (!children.empty()) {
    out += " children=[";
    for (std::size_t i = 0; i < children.size(); i++) {
      if (i != 0) out += ' ';
      out += ObjectLabel(v.trace, children[i]);
    }
    out += "]";
  }
  return out;
}

}  // namespace synclab::instrument::kinds
