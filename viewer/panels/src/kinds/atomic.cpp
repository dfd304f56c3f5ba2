// atomic.cpp: what the viewer shows of sync/atomic's typed values: the
// value at the cursor and the latest operation on it.
//
//   value  42
//   last   step 41 (now)  G3 counter  atomic.add  at add.cpp:24
//          Add(1): 41 -> 42
#include "kinds/atomic.h"

#include <string>

#include "synclab/viewer/style.h"
#include "kinds/kinds.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

inline constexpr const char* kValueHelp =
    "The value after the latest operation. Every operation on it is one indivisible step: "
    "nothing is ever half written.";
inline constexpr const char* kLastHelp =
    "The latest operation on it up to this step, who made it, and what it saw. An operation "
    "is atomic; a sequence of them (Load, then Store) is not.";

}  // namespace

Intent DrawAtomicWord(const Model& m, const Cursor& c, Id obj, trace::FieldType type) {
  using instrument::kinds::AtomicWord;
  Intent out;
  const Trace& t = m.trace();
  const Snapshot& snap = m.At(c.step);
  const instrument::ObjectState& st = snap.state.object(obj);
  const AtomicWord* word = nullptr;
  if (const auto* a = st.As<instrument::kinds::AtomicState>()) word = &a->word;
  if (const auto* p = st.As<instrument::kinds::AtomicPointerState>()) word = &p->word;
  auto show = [&](std::int64_t v) { return instrument::FormatField(t, type, v); };

  if (ImGui::BeginTable("atomic", 2, ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("what", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
    InspectorRow("value", kValueHelp);
    if (word == nullptr || !word->known) {
      ImGui::TextDisabled("(not seen yet: its first operation shows it)");
    } else {
      const std::string v = show(word->value);
      Chip(v.c_str(), HoldColor(), IM_COL32(255, 255, 255, 255));
      Explain(kValueHelp);
    }
    InspectorRow("last", kLastHelp);
    const std::optional<std::uint64_t> seq = DrawLastOperation(m, c, obj, out);
    if (seq && word != nullptr) {
      const TraceEvent& e = t.events[*seq];
      auto f = [&](std::string_view name) {
        const int i = trace::FieldIndex(e.kind, name);
        return i < 0 ? std::int64_t(0) : e.f[std::size_t(i)];
      };
      const std::string before = show(word->before), after = show(word->value);
      const std::string_view name = trace::Name(e.kind);
      std::string what;
      if (name.ends_with(".load")) {
        what = "Load returned " + after;
      } else if (name.ends_with(".store")) {
        what = "Store: " + before + " -> " + after;
      } else if (name.ends_with(".swap")) {
        what = "Swap: returned " + show(f("old")) + ", holds " + after;
      } else if (name.ends_with(".cas")) {
        what = "CompareAndSwap(" + show(f("expected")) + ", " + show(f("desired")) + "): " +
               (f("ok") != 0 ? "swapped, " + before + " -> " + after : "failed: it held " + after);
      } else if (name.ends_with(".add")) {
        what = "Add(" + std::to_string(f("delta")) + "): " + before + " -> " + after;
      } else if (name.ends_with(".and") || name.ends_with(".or")) {
        what = std::string(name.ends_with(".and") ? "And(" : "Or(") + std::to_string(f("mask")) + "): " +
               show(f("old")) + " -> " + after + ", returned " + show(f("old"));
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

namespace {

Intent DrawAtomicInspector(const Model& m, const Cursor& c, Id obj) {
  return DrawAtomicWord(m, c, obj, trace::FieldType::kInt);
}

constexpr EventText kEvents[] = {
    {"atomic.load",
     "An atomic read: it sees the last write, and nothing is torn."},
    {"atomic.store",
     "An atomic write. A Load then a Store is two steps: another goroutine "
     "can act in between."},
    {"atomic.swap",
     "Stores a new value and returns the old one, in one step."},
    {"atomic.cas",
     "CompareAndSwap: stores desired only if the value is still expected; ok "
     "says whether it did, in one step."},
    {"atomic.add",
     "Adds delta in one step: no update is lost."},
    {"atomic.and",
     "ANDs a mask in, in one step, returning the old value."},
    {"atomic.or",
     "ORs a mask in, in one step, returning the old value."},
};

constexpr FieldText kFields[] = {
    {"value", kValueHelp},
    {"old", "The value before the operation, which Swap, And and Or return."},
    {"expected", "The value CompareAndSwap compared with."},
    {"desired", "The value CompareAndSwap stores if the comparison holds."},
    {"ok", "Whether CompareAndSwap stored desired."},
    {"delta", "What Add added (an unsigned value wraps around, as in Go)."},
    {"mask", "The bits And keeps or Or sets."},
};

constexpr ModeText kModes[] = {
    {"value", IM_COL32(120, 120, 120, 90),
     "The value over time."},
};

}  // namespace

const KindView kAtomicView{kEvents, kFields, &DrawAtomicInspector, kModes, "value", nullptr};

}  // namespace synclab::viewer
