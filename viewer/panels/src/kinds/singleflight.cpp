// singleflight.cpp: what the viewer shows of a singleflight.Group: its calls
// in flight by key, each with the goroutine that leads it and the callers
// waiting for its result, then the results the latest calls shared.
//
//   [1 call in flight]  2 waiting
//   "user:42"   G2 request leads (Do)       running fn
//     waiting   G3 request  G4 request (DoChan)
//   results     "user:42" -> profile of user:42  shared by 6
//   mu          free
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::MutexState;
using instrument::kinds::SingleFlightState;

inline constexpr const char* kCallHelp =
    "A call in flight for this key: the first caller (the leader) runs fn; every Do or DoChan "
    "for the same key while it runs joins it instead of running fn again (dups++).";
inline constexpr const char* kLeaderHelp =
    "The leader: the goroutine whose Do found no call for the key and runs fn (a DoChan "
    "leader runs it in a new goroutine). Its own shared is true only if someone joined.";
inline constexpr const char* kWaitersHelp =
    "The duplicates, in the order they joined: a Do waits on the call's WaitGroup, a DoChan on "
    "its own channel (capacity 1). They all get the leader's result, with shared = true.";
inline constexpr const char* kForgottenHelp =
    "Forget took this call out of the map: it still runs and answers the callers who joined "
    "it, but the next Do for the key starts a new call.";
inline constexpr const char* kResultsHelp =
    "The latest calls that ended: fn's value (or error, or panic) and how many callers shared "
    "it. A panic reaches every Do caller as a panicError; with DoChan callers it crashes the "
    "program instead.";
inline constexpr const char* kMuHelp =
    "mu: the Group's Mutex. It guards the map and each call's dups and channels; fn runs "
    "without it.";
inline constexpr const char* kIdleHelp = "No call in flight: the next Do for any key leads a new call.";
inline constexpr const char* kBusyHelp = "Calls in flight: a Do for one of their keys joins it.";

constexpr ImU32 kCallColor = IM_COL32(70, 110, 230, 255);
constexpr ImU32 kPanicColor = IM_COL32(200, 50, 50, 255);

Intent DrawSingleFlightInspector(const Model& m, const Cursor& c, Id group) {
  Intent out;
  const Snapshot& snap = m.At(c.step);
  const SingleFlightState& fold = *snap.state.object(group).As<SingleFlightState>();
  const ImU32 white = IM_COL32(255, 255, 255, 255);
  std::size_t waiting = 0;
  for (const auto& call : fold.calls) waiting += call.waiters.size();

  ChipFlow top;
  if (fold.calls.empty()) {
    top.Chip("Idle", StatusColor(GStatus::kDone), white, kIdleHelp);
  } else {
    const std::string busy = std::to_string(fold.calls.size()) +
                             (fold.calls.size() == 1 ? " call in flight" : " calls in flight");
    top.Chip(busy.c_str(), kCallColor, white, kBusyHelp);
    const std::string w = std::to_string(waiting) + " waiting";
    top.Text(w.c_str());
  }

  if (ImGui::BeginTable("singleflight", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    for (const auto& call : fold.calls) {
      ImGui::PushID(int(call.wg));
      const std::string key = "\"" + std::string(m.trace().str(call.key)) + "\"";
      InspectorRow(key.c_str(), kCallHelp);
      {
        ChipFlow flow;
        flow.Goroutine(m, snap, call.leader, kLeaderHelp, out);
        flow.Text(call.chan ? "leads (DoChan)" : "leads (Do)");
        if (call.forgotten) flow.Chip("forgotten", StatusColor(GStatus::kBlocked), white, kForgottenHelp);
      }
      InspectorRow("  waiting", kWaitersHelp);
      {
        ChipFlow flow;
        if (call.waiters.empty()) flow.Text("(nobody joined)");
        // A DoChan waiter is marked; a Do waiter (on the call's WaitGroup) is not.
        for (const auto& w : call.waiters) {
          flow.Goroutine(m, snap, w.g, kWaitersHelp, out);
          if (w.chan) flow.Text("(DoChan)");
        }
      }
      ImGui::PopID();
    }
    InspectorRow("results", kResultsHelp);
    if (fold.finished.empty()) {
      ImGui::TextDisabled("(no call ended yet)");
    } else {
      // Newest first: the one that just ended is the one to look at. Wrapped:
      // a value is as long as the user's type makes it.
      ImGui::PushTextWrapPos(0);
      for (auto it = fold.finished.rbegin(); it != fold.finished.rend(); ++it) {
        const std::string line = "\"" + std::string(m.trace().str(it->key)) + "\" -> " +
                                 std::string(m.trace().str(it->result)) +
                                 (it->dups > 0 ? "  (shared by " + std::to_string(it->dups + 1) + ")"
                                               : std::string("  (not shared)"));
        if (it->panicked) ImGui::PushStyleColor(ImGuiCol_Text, kPanicColor);
        ImGui::TextUnformatted(line.c_str());
        if (it->panicked) ImGui::PopStyleColor();
        Explain(kResultsHelp);
      }
      ImGui::PopTextWrapPos();
    }
    InspectorRow("mu", kMuHelp);
    {
      const Id mu = m.Part(group, trace::ObjectKind::kMutex);
      const MutexState* mu_fold = mu != 0 ? snap.state.object(mu).As<MutexState>() : nullptr;
      ChipFlow flow;
      if (mu_fold != nullptr && mu_fold->holder != 0) {
        flow.Text("held by");
        flow.Holder(m, mu_fold->holder, false, kMuHelp, out);
      } else {
        flow.Text("free");
      }
    }
    InspectorRow("so far", kCallHelp);
    ImGui::PushTextWrapPos(0);
    ImGui::Text("%lld calls, %lld joined, %lld forgets", static_cast<long long>(fold.started),
                static_cast<long long>(fold.joined), static_cast<long long>(fold.forgets));
    ImGui::PopTextWrapPos();
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"sf.do.leader",
     "No call for the key in the map: this caller registers one (wg.Add(1)) and leads it: "
     "it runs fn (DoChan: in a new goroutine)."},
    {"sf.do.dup",
     "A call for the key is in flight: this caller joins it (dups++) and waits for its result "
     "instead of running fn: Do on the call's WaitGroup, DoChan on its channel."},
    {"sf.call.done",
     "fn returned (or panicked). Under mu: wg.Done releases the Do waiters, the key leaves the "
     "map if it still maps to this call, and every DoChan channel gets the result."},
    {"sf.forget",
     "Forget(key): the key's call leaves the map. It runs on, but the next Do for the key "
     "starts a new call."},
};

constexpr FieldText kFields[] = {
    {"key", "The call's key."},
    {"calls", "Calls in the Group's map after the step."},
    {"wg", "The call's WaitGroup: it names the call (a forgotten call and the next one share a key)."},
    {"chan", "This caller came through DoChan (else Do)."},
    {"dups", "The callers that joined the call (Go's call.dups)."},
    {"chans", "DoChan channels waiting for the call's result."},
    {"result", "fn's value, its error or its panic, as text."},
    {"removed", "The key still mapped to this call and was deleted (false after a Forget)."},
    {"panicked", "fn panicked: Do callers re-panic with the panicError; with DoChan callers the program crashes."},
};

constexpr ModeText kModes[] = {
    {"idle", IM_COL32(120, 120, 120, 90), "No call in flight."},
    {"in flight", IM_COL32(110, 150, 240, 200), "A call runs; nobody has joined it yet."},
    {"shared", IM_COL32(235, 200, 40, 255), "Callers have joined a call in flight and wait for its result."},
};

}  // namespace

const KindView kSingleFlightView{kEvents, kFields, &DrawSingleFlightInspector, kModes, "calls", "leader",
                                 {"waiting", "ended"}};

}  // namespace synclab::viewer
