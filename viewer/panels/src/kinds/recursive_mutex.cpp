// recursive_mutex.cpp: what the viewer shows of the course's RecursiveMutex
// and TokenRecursiveMutex: the owner (goroutine or token), its depth, and
// the inner Mutex it holds.
//
//   [Held, depth 2]
//   owner      G2 worker            (token mutex: token 7, locked by G2)
//   depth      [1][2]   Locks not yet undone by Unlock
//   mu         held by G2; waiting: G3 G4
//   next Lock  by G2: reenters (depth 3); by another: waits on mu
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::MutexState;
using instrument::kinds::RecursiveMutexState;

inline constexpr const char* kOwnerHelp =
    "owner: the goroutine that holds the lock (RecursiveMutex keeps its goroutine id; the course "
    "stores -1 after the last Unlock). A Lock by the owner only counts one level deeper.";
inline constexpr const char* kTokenHelp =
    "token: the holder's token (TokenRecursiveMutex), passed by the caller instead of a goroutine "
    "id. A Lock with the same token reenters, from any goroutine; token 0 means free.";
inline constexpr const char* kDepthHelp =
    "recursion: the holder's Locks not yet undone by an Unlock. The Unlock that takes it to 0 "
    "releases the inner Mutex.";
inline constexpr const char* kMuHelp =
    "mu: the sync.Mutex inside. The owner's first Lock takes it; a non-owner's Lock waits on it; "
    "the last Unlock releases it.";
inline constexpr const char* kNextHelp = "What a Lock called now would do.";
inline constexpr const char* kFreeHelp = "Nobody holds it: the next Lock takes the inner Mutex.";
inline constexpr const char* kHeldHelp = "Held once: the owner's next Unlock releases it.";
inline constexpr const char* kReenteredHelp = "The owner has reentered: it must Unlock as many times as it locked.";

Intent DrawRecursiveMutexInspector(const Model& m, const Cursor& c, Id obj) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const RecursiveMutexState& r = *snap.state.object(obj).As<RecursiveMutexState>();
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  const std::string depth_text = "depth " + std::to_string(r.recursion);
  if (r.holder == 0) {
    top.Chip("Free", StatusColor(GStatus::kDone), white, kFreeHelp);
  } else {
    top.Chip(r.recursion > 1 ? "Reentered" : "Held", HoldColor(), white, r.recursion > 1 ? kReenteredHelp : kHeldHelp);
    top.Text(depth_text.c_str());
  }
  top.Text(r.token_mode ? "TokenRecursiveMutex" : "RecursiveMutex");

  const Id mutex = m.Part(obj, trace::ObjectKind::kMutex);
  const MutexState* mu = mutex != 0 ? snap.state.object(mutex).As<MutexState>() : nullptr;
  const std::vector<Id>& queue = SemaQueue(snap, mutex != 0 ? m.Part(mutex, trace::ObjectKind::kSema) : 0);

  if (ImGui::BeginTable("recursive_mutex", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow(r.token_mode ? "token" : "owner", r.token_mode ? kTokenHelp : kOwnerHelp);
    {
      ChipFlow flow;
      if (r.holder == 0) {
        flow.Text("none");
      } else if (r.token_mode) {
        const std::string t = "token " + std::to_string(r.token) + ", locked by";
        flow.Text(t.c_str());
        flow.Holder(m, r.holder, false, kTokenHelp, out);
      } else {
        flow.Holder(m, r.owner, false, kOwnerHelp, out);
      }
    }
    InspectorRow("depth", kDepthHelp);
    {
      ChipFlow flow;
      for (std::int64_t i = 1; i <= r.recursion && i <= 16; i++) {
        flow.Chip(std::to_string(i).c_str(), HoldColor(), white, kDepthHelp);
      }
      if (r.recursion > 16) flow.Text("...");
      const std::string n = std::to_string(r.recursion) + (r.recursion == 1 ? " Lock" : " Locks") + " to undo";
      flow.Text(r.recursion > 0 ? n.c_str() : "0");
    }
    InspectorRow("mu", kMuHelp);
    {
      ChipFlow flow;
      if (mu != nullptr && mu->holder != 0) {
        flow.Text("held by");
        flow.Holder(m, mu->holder, false, kMuHelp, out);
      } else {
        flow.Text("free");
      }
    }
    InspectorRow("waiting", kMuHelp);
    {
      ChipFlow flow;
      if (queue.empty()) flow.Text("(nobody)");
      for (Id g : queue) flow.Goroutine(m, snap, g, kMuHelp, out);
    }
    InspectorRow("next Lock", kNextHelp);
    ImGui::PushTextWrapPos(0);
    std::string next;
    if (r.holder == 0) {
      next = r.token_mode ? "takes mu (a Lock(0) would not: 0 means free)" : "takes mu and records its caller";
    } else {
      next = std::string(r.token_mode ? "with token " + std::to_string(r.token) : "by the owner") +
             ": reenters (depth " + std::to_string(r.recursion + 1) + "); otherwise: waits on mu";
    }
    ImGui::TextUnformatted(next.c_str());
    ImGui::PopTextWrapPos();
    Explain(kNextHelp);
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"rmutex.lock.reenter", "The owner locks again: only the depth goes up; the inner Mutex is untouched."},
    {"rmutex.lock.acquire", "A goroutine that did not own it got the inner Mutex and records itself as owner, depth 1."},
    {"rmutex.unlock.partial", "The owner undoes one Lock; it still holds the lock."},
    {"rmutex.unlock.release", "The owner's last Unlock: owner cleared (-1 in the course's code), then the inner Mutex unlocked."},
    {"rmutex.unlock.not_owner", "Unlock by a goroutine that is not the owner: the course panics \"wrong the owner\"; here it is fatal."},
    {"tmutex.lock.reenter", "Lock with the holder's token: only the depth goes up, from whichever goroutine."},
    {"tmutex.lock.acquire", "Lock with another token got the inner Mutex and records the token, depth 1."},
    {"tmutex.unlock.partial", "The token undoes one Lock; it still holds the lock."},
    {"tmutex.unlock.release", "The token's last Unlock: token back to 0, then the inner Mutex unlocked."},
    {"tmutex.unlock.not_owner", "Unlock with a token that does not hold the lock: fatal."},
};

constexpr FieldText kFields[] = {
    {"owner", kOwnerHelp},
    {"token", kTokenHelp},
    {"recursion", kDepthHelp},
    {"caller", "Who tried to unlock: its goroutine (RecursiveMutex) or its token."},
    {"by", "The owner whose last Unlock released the lock."},
    {"held", "Whether any goroutine held the lock when the wrong one tried to unlock it."},
};

constexpr ModeText kModes[] = {
    {"free", IM_COL32(120, 120, 120, 90), kFreeHelp},
    {"held", IM_COL32(70, 110, 230, 255), kHeldHelp},
    {"reentered", IM_COL32(150, 90, 205, 255), kReenteredHelp},
};

}  // namespace

const KindView kRecursiveMutexView{kEvents, kFields, &DrawRecursiveMutexInspector, kModes, "depth", "holder"};

}  // namespace synclab::viewer
