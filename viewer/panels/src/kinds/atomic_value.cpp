// atomic_value.cpp: what the viewer shows of sync/atomic's Value: its two
// words at the cursor, as Go's value.go sees them, and what a Load returns.
//
//   [Settings]
//   typ    Settings
//   data   {v2 timeout=50ms}
//   Load   returns {v2 timeout=50ms}
//   last   step 35  G1 main  atomic.value.store  at value_config.cpp:66
//          Store: {v1 timeout=100ms} -> {v2 timeout=50ms}
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

using instrument::kinds::AtomicValueState;

inline constexpr const char* kTypHelp =
    "typ, the type word: nil before any store; firstStoreInProgress while the first store "
    "runs (its goroutine is pinned, so others spin only briefly); then the type of the first "
    "value stored, for good. Every later store must be of that type.";
inline constexpr const char* kDataHelp = "data, the data word: the value stored, as text.";
inline constexpr const char* kLoadHelp =
    "What a Load returns now: nil while typ is nil or firstStoreInProgress (even if data is "
    "already written), else data.";
inline constexpr const char* kStorerHelp = "The goroutine making the first store.";
inline constexpr const char* kLastHelp = "The latest operation on the Value up to this step, and who made it.";

Intent DrawAtomicValueInspector(const Model& m, const Cursor& c, Id obj) {
  Intent out;
  const Trace& t = m.trace();
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(obj);
  const AtomicValueState& fold = *st.As<AtomicValueState>();
  const std::int64_t* typ_field = st.Field("typ");
  const std::int64_t* data_field = st.Field("data");
  const std::string typ(typ_field != nullptr ? t.str(*typ_field) : "nil");
  const std::string data(data_field != nullptr ? t.str(*data_field) : "nil");
  const bool typed = fold.typ == AtomicValueState::Typ::kTyped;
  const ImU32 white = IM_COL32(255, 255, 255, 255);

  ChipFlow top;
  if (typed) {
    top.Chip(typ.c_str(), HoldColor(), white, kTypHelp);
  } else if (fold.typ == AtomicValueState::Typ::kFirstStoreInProgress) {
    top.Chip("first store in progress", StatusColor(GStatus::kRunnable), StatusTextColor(GStatus::kRunnable),
             kTypHelp);
  } else {
    top.Chip("empty", StatusColor(GStatus::kDone), white, kTypHelp);
  }

  if (ImGui::BeginTable("value", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("typ", kTypHelp);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(typ.c_str());
    ImGui::PopTextWrapPos();
    Explain(kTypHelp);
    InspectorRow("data", kDataHelp);
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(data.c_str());
    ImGui::PopTextWrapPos();
    Explain(kDataHelp);
    if (fold.first_storer != 0) {
      InspectorRow("storing", kStorerHelp);
      ChipFlow flow;
      flow.Goroutine(m, snap, fold.first_storer, kStorerHelp, out);
      flow.Text("pinned");
    }
    InspectorRow("Load", kLoadHelp);
    ImGui::PushTextWrapPos(0);
    if (typed) {
      ImGui::Text("returns %s", data.c_str());
    } else {
      ImGui::TextUnformatted("returns nil");
    }
    ImGui::PopTextWrapPos();
    Explain(kLoadHelp);
    InspectorRow("last", kLastHelp);
    if (const std::optional<std::uint64_t> seq = DrawLastOperation(m, c, obj, out)) {
      const TraceEvent& e = t.events[*seq];
      const std::string before(fold.before != 0 ? t.str(fold.before) : "nil");
      const int ok = trace::FieldIndex(e.kind, "ok");
      std::string what;
      switch (e.kind) {
        case trace::EventKind::kValueLoad: what = "Load returned " + (typed ? data : std::string("nil")); break;
        case trace::EventKind::kValueStore: what = "Store: " + before + " -> " + data; break;
        case trace::EventKind::kValueSwap: what = "Swap returned " + before + ", holds " + data; break;
        case trace::EventKind::kValueCas:
          what = ok >= 0 && e.f[std::size_t(ok)] != 0 ? "CompareAndSwap: swapped, " + before + " -> " + data
                                                       : "CompareAndSwap failed: it holds " + data;
          break;
        case trace::EventKind::kValueFirstBegin: what = "first store begins: typ nil -> firstStoreInProgress"; break;
        case trace::EventKind::kValueFirstData: what = "first store writes data; Load still returns nil"; break;
        case trace::EventKind::kValueFirstEnd: what = "first store ends: typ is " + typ + " for good"; break;
        case trace::EventKind::kValueFirstWait: what = "waits: another goroutine's first store is in progress"; break;
        default: break;
      }
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(what.c_str());
      ImGui::PopTextWrapPos();
      Explain(EventHelp(e.kind));
    }
    ImGui::EndTable();
  }
  return out;
}

constexpr EventText kEvents[] = {
    {"atomic.value.load",
     "Load reads the type word, then the data. While the type word is nil or "
     "firstStoreInProgress it returns nil, even if the data is already there."},
    {"atomic.value.first_store.begin",
     "The first store into an empty Value: one CAS moves the type word from nil to "
     "firstStoreInProgress. The goroutine is pinned to its processor (not preempted) until "
     "the first store ends. Store, Swap and CompareAndSwap all begin this way."},
    {"atomic.value.first_store.data",
     "The first store writes the data word. Loads still return nil: the type word says the "
     "store is in progress."},
    {"atomic.value.first_store.end",
     "The first store writes the type word: from now on every store must be of this type, "
     "and Load returns the value. (A first Swap returns nil, a first CompareAndSwap true.)"},
    {"atomic.value.first_store.wait",
     "Another goroutine's first store is in progress: this store spins until the type word is "
     "set. The other goroutine is pinned, so the wait is short."},
    {"atomic.value.store",
     "Store checks that the value has the Value's type and replaces the data in one atomic "
     "write. A different type panics, and so does nil."},
    {"atomic.value.swap",
     "Swap replaces the data and returns the previous value, in one atomic step."},
    {"atomic.value.cas",
     "CompareAndSwap compares the current value with the expected one by ==, then swaps the "
     "data only if it has not changed since: ok says whether it stored."},
};

constexpr FieldText kFields[] = {
    {"typ", kTypHelp},
    {"data", kDataHelp},
    {"ok",
     "Whether CompareAndSwap stored the new value."},
};

constexpr ModeText kModes[] = {
    {"empty", IM_COL32(120, 120, 120, 90),
     "Nothing stored yet: Load returns nil."},
    {"first store", IM_COL32(235, 200, 40, 255),
     "The first store is in progress (typ is firstStoreInProgress): Load still returns nil and "
     "other stores wait."},
    {"typed", IM_COL32(110, 150, 240, 200),
     "The Value holds a value; its type is fixed for good."},
};

}  // namespace

const KindView kAtomicValueView{kEvents, kFields, &DrawAtomicValueInspector, kModes, nullptr, "storing"};

}  // namespace synclab::viewer
