// kinds.cpp: what every kind's fold shares: its context and the initial
// states (kinds.h).
#include "synclab/instrument/kinds.h"

#include "synclab/instrument/state.h"

namespace synclab::instrument {

KindState InitialState(trace::ObjectKind kind) {
  switch (kind) {
#define SYNCLAB_KIND(e, name) \
  case trace::ObjectKind::k##e: return kinds::e##State{};
#include "synclab/trace/kinds.def"
#undef SYNCLAB_KIND
    default: return kinds::EndOfList{};
  }
}

kinds::HolderList HoldersOf(const ObjectState& object) {
  kinds::HolderList out;
  std::visit([&](const auto& k) {
    if constexpr (requires { k.Holders(out); }) k.Holders(out);
  }, object.kind);
  return out;
}

std::optional<kinds::Summary> SummaryOf(const ObjectState& object) {
  return std::visit([&](const auto& k) -> std::optional<kinds::Summary> {
    if constexpr (requires { k.Summarize(object); }) {
      return k.Summarize(object);
    } else {
      return std::nullopt;
    }
  }, object.kind);
}

namespace kinds {

std::string FoldContext::Fail(std::string_view why) const {
  return "events[" + std::to_string(e.seq) + "]: " + std::string(why);
}

std::int64_t FoldContext::Field(std::string_view name) const {
  int i = trace::FieldIndex(e.kind, name);
  return i < 0 ? 0 : e.f[std::size_t(i)];
}

std::string FoldContext::G(Id g) const { return GoroutineLabel(trace, g); }
std::string FoldContext::Obj(Id obj) const { return ObjectLabel(trace, obj); }

void FoldContext::SetStatus(GStatus status) const {
  if (e.g == 0) return;
  instrument::GoroutineState& g = state.goroutines_[e.g - 1];
  g.status = status;
  g.since = e.t;
}

std::string ObjectView::Field(std::string_view name) const {
  const std::int64_t* v = object.Field(name);
  return v == nullptr ? "?" : std::to_string(*v);
}

}  // namespace kinds
}  // namespace synclab::instrument

namespace synclab::instrument::kinds {

// A variable's lane shows its value (var.h, atomic.h).
namespace {
Summary ValueSummary(const ObjectState& object) {
  const std::int64_t* v = object.Field("value");
  return {0, v != nullptr ? *v : 0, 0};
}
}  // namespace
Summary VarState::Summarize(const ObjectState& object) const { return ValueSummary(object); }
Summary AtomicState::Summarize(const ObjectState& object) const { return ValueSummary(object); }

}  // namespace synclab::instrument::kinds
