// context.cpp: what the viewer shows of a context: the tree it is part of
// at the cursor, every node with its state (live, or cancelled and why),
// deadlines counting down in the run's time and values; then the selected
// node's own fields, as Go's context.go keeps them.
//
//   tree   [background]
//            [root WithCancel]  live  children 2
//              [request WithCancel]  cancelled: context canceled
//                [user WithValue]  UserKey{} = alice
//                  [db WithDeadline]  cancelled  (deadline m=+3600.0 in 59m59s)
//   err    context canceled   cause  disk full
//   ...
#include <map>
#include <string>
#include <vector>

#include "synclab/time.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::ContextState;
using Node = ContextState::Node;
using Propagation = ContextState::Propagation;

inline constexpr const char* kTreeHelp =
    "The context tree at the cursor: each node under the Context it was made from. Green: live. "
    "Red: cancelled (its done channel closed, Err set). Cancelling a node cancels every node "
    "below it. Click a node to inspect it.";
inline constexpr const char* kErrHelp =
    "err: nil while live; set once by the first cancel to context.Canceled (a cancel func) or "
    "context.DeadlineExceeded (the deadline). Later cancels change nothing.";
inline constexpr const char* kCauseHelp =
    "cause: what Cause(ctx) returns: the cause given to WithCancelCause's cancel or to "
    "With*Cause, else err. Children inherit their parent's cause.";
inline constexpr const char* kDeadlineHelp =
    "A timerCtx's deadline on the run's clock, and how long until it from the cursor. An "
    "AfterFunc timer cancels the context with DeadlineExceeded then.";
inline constexpr const char* kChildrenHelp =
    "The cancelCtx's children set: the cancelable nodes that attached to it (propagateCancel), "
    "through value and withoutCancel nodes in between. Its cancel cancels each of them, then "
    "clears the set; a child cancelled on its own leaves it (removeChild).";
inline constexpr const char* kPropagationHelp =
    "How propagateCancel tied this node to its parent: none (the parent is never done), "
    "immediate (already done: cancelled at once), attach (joined the nearest cancelCtx's "
    "children), afterfunc (the parent's AfterFunc will cancel it), goroutine (a goroutine "
    "waits for either Done: a parent of the user's own type).";
inline constexpr const char* kDoneHelp =
    "The done channel, made on the first Done() call and closed by the cancel; every select "
    "on ctx.Done() waits on it.";
inline constexpr const char* kValueHelp =
    "A WithValue node's key and value (as text). Value(key) is answered by the nearest node "
    "up the chain whose key equals it (same type and ==).";

constexpr ImU32 kLive = IM_COL32(40, 150, 80, 255);
constexpr ImU32 kCancelled = IM_COL32(200, 50, 50, 255);
constexpr ImU32 kRoot = IM_COL32(110, 110, 110, 255);

const ContextState* ContextOf(const Snapshot& snap, Id obj) {
  if (obj == 0 || obj > snap.state.objects().size()) return nullptr;
  const ContextState* f = snap.state.object(obj).As<ContextState>();
  return f != nullptr && f->node != Node::kUnknown ? f : nullptr;
}

std::string_view PropagationName(Propagation p) {
  static constexpr std::string_view kNames[] = {"-", "none", "immediate", "attach", "afterfunc", "goroutine"};
  return kNames[std::size_t(p)];
}

struct Tree {
  std::map<Id, std::vector<Id>> below;  // node -> the nodes made from it, in id order
};

Tree BuildTree(const Model& m, const Snapshot& snap) {
  Tree t;
  for (const instrument::ObjectInfo& o : m.trace().objects) {
    if (o.kind != trace::ObjectKind::kContext) continue;
    if (const ContextState* f = ContextOf(snap, o.id); f != nullptr && f->parent != 0) {
      t.below[f->parent].push_back(o.id);
    }
  }
  return t;
}

// "in 4.5ms" / "passed" from the cursor's time.
std::string Countdown(const Snapshot& snap, std::int64_t when) {
  const std::int64_t left = when - snap.state.time();
  return left > 0 ? "in " + FormatDuration(Duration(left)) : "passed";
}

void DrawNode(const Model& m, const Snapshot& snap, const Tree& tree, Id node, Id selected, int depth,
              Intent& out) {
  const ContextState* f = ContextOf(snap, node);
  if (f == nullptr || depth > 64) return;
  ImGui::PushID(int(node));
  ChipFlow flow;
  const std::string label = instrument::ObjectLabel(m.trace(), node) + " " +
                            std::string(ContextState::NodeName(f->node));
  const bool root = f->node == Node::kBackground || f->node == Node::kTodo;
  const ImU32 fill = f->cancelled ? kCancelled : root ? kRoot : kLive;
  const std::string shown = node == selected ? "> " + label : label;
  if (flow.Chip(shown.c_str(), fill, IM_COL32(255, 255, 255, 255), kTreeHelp)) out += SelectObject{node};
  if (f->cancelled) {
    const std::string why = "cancelled: " + std::string(m.trace().str(f->err));
    flow.Text(why.c_str());
  }
  if (f->node == Node::kDeadline) {
    const std::string d = "deadline " + Countdown(snap, f->deadline);
    flow.Text(d.c_str());
  }
  if (f->node == Node::kValue) {
    const std::string kv = std::string(m.trace().str(f->key)) + " = " + std::string(m.trace().str(f->val));
    flow.Text(kv.c_str());
  }
  ImGui::PopID();
  if (auto it = tree.below.find(node); it != tree.below.end()) {
    ImGui::Indent(ImGui::GetFontSize() * 1.2f);
    for (Id child : it->second) DrawNode(m, snap, tree, child, selected, depth + 1, out);
    ImGui::Unindent(ImGui::GetFontSize() * 1.2f);
  }
}

Intent DrawContextInspector(const Model& m, const Cursor& c, Id obj) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const ContextState* fold = ContextOf(snap, obj);
  if (fold == nullptr) {
    ImGui::TextDisabled("not created yet at this step");
    return out;
  }
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  ChipFlow top;
  const std::string kind(ContextState::NodeName(fold->node));
  top.Chip(kind.c_str(), fold->cancelled ? kCancelled : kLive, white, kTreeHelp);
  top.Text(fold->cancelled ? "cancelled" : "live");

  // The tree first, from the root of the selected node's chain: it is what
  // to look at; the node's own fields follow.
  Id root = obj;
  for (int guard = 0; guard < 1000; guard++) {
    const ContextState* f = ContextOf(snap, root);
    if (f == nullptr || ContextOf(snap, f->parent) == nullptr) break;
    root = f->parent;
  }
  ImGui::TextDisabled("tree");
  Explain(kTreeHelp);
  DrawNode(m, snap, BuildTree(m, snap), root, obj, 0, out);
  ImGui::Separator();

  if (ImGui::BeginTable("context", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    if (fold->node != Node::kBackground && fold->node != Node::kTodo) {
      InspectorRow("parent", kTreeHelp);
      {
        ChipFlow flow;
        const std::string p = instrument::ObjectLabel(m.trace(), fold->parent);
        if (flow.Chip(p.c_str(), kRoot, white, kTreeHelp)) out += SelectObject{fold->parent};
      }
    }
    if (fold->node == Node::kCancel || fold->node == Node::kDeadline || fold->node == Node::kAfterFunc) {
      InspectorRow("err", kErrHelp);
      ImGui::TextUnformatted(fold->cancelled ? std::string(m.trace().str(fold->err)).c_str() : "nil");
      Explain(kErrHelp);
      InspectorRow("cause", kCauseHelp);
      ImGui::TextUnformatted(fold->cancelled ? std::string(m.trace().str(fold->cause)).c_str() : "nil");
      Explain(kCauseHelp);
      InspectorRow("propagation", kPropagationHelp);
      {
        ChipFlow flow;
        const std::string p(PropagationName(fold->propagation));
        flow.Text(p.c_str());
        if (fold->attached_to != 0) {
          const std::string to = instrument::ObjectLabel(m.trace(), fold->attached_to);
          flow.Text("to");
          if (flow.Chip(to.c_str(), kRoot, white, kPropagationHelp)) out += SelectObject{fold->attached_to};
        }
      }
      InspectorRow("children", kChildrenHelp);
      {
        ChipFlow flow;
        if (fold->children.empty()) flow.Text("(none)");
        for (Id child : fold->children) {
          ImGui::PushID(int(child));
          const std::string name = instrument::ObjectLabel(m.trace(), child);
          if (flow.Chip(name.c_str(), kLive, white, kChildrenHelp)) out += SelectObject{child};
          ImGui::PopID();
        }
      }
      InspectorRow("done", kDoneHelp);
      ImGui::TextUnformatted(fold->done == 0 ? "not made yet (nobody asked for Done)"
                                             : instrument::ObjectLabel(m.trace(), fold->done).c_str());
      Explain(kDoneHelp);
    }
    if (fold->node == Node::kDeadline) {
      InspectorRow("deadline", kDeadlineHelp);
      const std::string d = FormatTime(Time{fold->deadline}) + "  " + Countdown(snap, fold->deadline);
      ImGui::TextUnformatted(d.c_str());
      Explain(kDeadlineHelp);
    }
    if (fold->node == Node::kValue) {
      InspectorRow("value", kValueHelp);
      const std::string kv = std::string(m.trace().str(fold->key)) + " = " + std::string(m.trace().str(fold->val));
      ImGui::TextUnformatted(kv.c_str());
      Explain(kValueHelp);
    }
    ImGui::EndTable();
  }

  return out;
}

constexpr EventText kEvents[] = {
    {"ctx.background", "context.Background(): a root that is never done, with no deadline and no values."},
    {"ctx.todo", "context.TODO(): a root like Background, for code not yet given a context."},
    {"ctx.with_cancel", "WithCancel (or WithCancelCause): a cancelCtx under parent."},
    {"ctx.with_deadline", "WithDeadline / WithTimeout: a timerCtx, a cancelCtx that its deadline cancels."},
    {"ctx.with_value", "WithValue: a node carrying one key and its value."},
    {"ctx.without_cancel", "WithoutCancel: the parent's values, but never done and no deadline."},
    {"ctx.after_func", "AfterFunc(ctx, f): an afterFuncCtx that runs f once ctx is done."},
    {"ctx.propagate.none", "propagateCancel: the parent is never done (its Done() is nil): nothing to tie."},
    {"ctx.propagate.immediate", "propagateCancel: the parent is already done: this node is cancelled at once with its err and cause."},
    {"ctx.propagate.attach", "propagateCancel: the node joins the children set of the nearest cancelCtx above it (to)."},
    {"ctx.propagate.afterfunc", "propagateCancel: the parent has an AfterFunc method: it will cancel this node when done."},
    {"ctx.propagate.goroutine", "propagateCancel: a parent of an unknown type: a goroutine waits for the parent's or this node's Done."},
    {"ctx.cancel", "The first cancel: err and cause are set, the done channel closed (waking every select on it), and each child cancelled with the same err and cause."},
    {"ctx.cancel.again", "A cancel of a node already cancelled: nothing changes (the first cancel wins)."},
    {"ctx.child.remove", "removeChild: a child cancelled on its own (or freed) leaves this node's children set."},
    {"ctx.done.make", "The first Done() call made the done channel (closed at once if the node is already cancelled)."},
    {"ctx.timer.arm", "The timerCtx armed an AfterFunc timer for its deadline."},
    {"ctx.timer.stop", "The timerCtx's cancel stopped its deadline timer (was: it had not fired yet)."},
    {"ctx.value", "Value(key) was asked of this node: found, and the value node that answered (at)."},
    {"ctx.afterfunc.run", "The afterFuncCtx was cancelled: f starts in a goroutine of its own (once)."},
    {"ctx.afterfunc.stop", "AfterFunc's stop() ran: stopped is true if it kept f from starting."},
};

constexpr FieldText kFields[] = {
    {"parent", "The Context this node was made from."},
    {"deadline", kDeadlineHelp},
    {"key", kValueHelp},
    {"val", kValueHelp},
    {"to", "The cancelCtx whose children set the node joined (the parent, or a cancelCtx above it)."},
    {"children", kChildrenHelp},
    {"err", kErrHelp},
    {"cause", kCauseHelp},
    {"by", "The context whose cancel reached this one (none: its own cancel func, deadline or stop)."},
    {"done", kDoneHelp},
    {"child", "The child that left the children set."},
    {"closed", "The done channel was made after the cancel, so it is closed at once."},
    {"timer", "The deadline's AfterFunc timer."},
    {"was", "The deadline timer had not fired yet when the cancel stopped it."},
    {"found", "Some node up the chain had an equal key."},
    {"at", "The value node that answered (none: not found)."},
    {"stopped", "stop() kept f from starting (it had not started yet)."},
};

constexpr ModeText kModes[] = {
    {"live", IM_COL32(40, 150, 80, 200), "Not cancelled: Err is nil, Done is open."},
    {"cancelled", IM_COL32(200, 50, 50, 220), "Cancelled: Done is closed and Err is set."},
};

}  // namespace

const KindView kContextView{kEvents, kFields, &DrawContextInspector, kModes, "children", nullptr};

}  // namespace synclab::viewer
