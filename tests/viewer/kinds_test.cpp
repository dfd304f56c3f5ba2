// The module rule: every kind of kinds.def is whole in every layer. Each
// layer's list is sized by a static_assert; these check what a size cannot:
// that what a kind's modules say agrees with the event catalogue.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <type_traits>
#include <variant>

#include "kinds/kinds.h"
#include "synclab/instrument/kinds.h"
#include "synclab/instrument/state.h"

using namespace synclab;
using namespace synclab::viewer;
using trace::ObjectKind;

namespace {

// The names of the fields of every event of `kind`.
std::set<std::string> FieldsOf(ObjectKind kind) {
  std::set<std::string> out;
  for (const trace::EventInfo& info : trace::kEventInfo) {
    if (info.object != kind) continue;
    for (std::size_t i = 0; i < info.field_count; ++i) out.emplace(info.fields[i].name);
  }
  return out;
}

// The fold's kStateFields for `kind`.
std::vector<std::string> StateFieldsOf(ObjectKind kind) {
  std::vector<std::string> out;
  std::visit([&](const auto& k) {
    using K = std::decay_t<decltype(k)>;
    if constexpr (!std::is_same_v<K, instrument::kinds::EndOfList>) {
      for (std::string_view f : K::kStateFields) out.emplace_back(f);
    }
  }, instrument::InitialState(kind));
  return out;
}

}  // namespace

TEST_SUITE("viewer.kinds") {
  TEST_CASE("every event of the catalogue is explained by its kind's view") {
    for (const trace::EventInfo& info : trace::kEventInfo) {
      CAPTURE(info.name);
      const KindView& view = ViewOf(info.object);
      bool found = false;
      for (const EventText& e : view.events) found |= e.event == info.name;
      CHECK(found);
    }
    for (std::size_t k = 0; k < std::size_t(ObjectKind::kCount); ++k) {
      for (const EventText& e : ViewOf(ObjectKind(k)).events) {
        CAPTURE(e.event);
        auto kind = trace::EventKindByName(e.event);
        REQUIRE(kind.has_value());  // no text for an event that does not exist
        CHECK(trace::Info(*kind).object == ObjectKind(k));
      }
    }
  }

  TEST_CASE("every kind's fold state is of its own kind and its state fields are its events' fields") {
    for (std::size_t k = 0; k < std::size_t(ObjectKind::kCount); ++k) {
      const ObjectKind kind = ObjectKind(k);
      CAPTURE(trace::Name(kind));
      CHECK(instrument::InitialState(kind).index() == k);
      const std::set<std::string> fields = FieldsOf(kind);
      for (const std::string& f : StateFieldsOf(kind)) {
        CAPTURE(f);
        CHECK(fields.count(f) == 1);
      }
    }
  }

  TEST_CASE("a kind has modes for its lane exactly when its fold summarizes") {
    for (std::size_t k = 1; k < std::size_t(ObjectKind::kCount); ++k) {
      const ObjectKind kind = ObjectKind(k);
      CAPTURE(trace::Name(kind));
      const instrument::ObjectState fresh{{}, -1, instrument::InitialState(kind)};
      const bool has_lane = instrument::SummaryOf(fresh).has_value();
      CHECK(has_lane == !ViewOf(kind).modes.empty());
    }
  }

  TEST_CASE("the fields a kind's view explains are its events' fields") {
    for (std::size_t k = 0; k < std::size_t(ObjectKind::kCount); ++k) {
      const ObjectKind kind = ObjectKind(k);
      const std::set<std::string> fields = FieldsOf(kind);
      for (const FieldText& f : ViewOf(kind).fields) {
        CAPTURE(trace::Name(kind));
        CAPTURE(f.field);
        CHECK(fields.count(std::string(f.field)) == 1);
      }
    }
  }

  TEST_CASE("every kind but the goroutine and a plain variable has an inspector of its own") {
    // A goroutine is drawn by the goroutine panel; a Var is one value, which
    // the generic table of fields shows whole.
    for (std::size_t k = 0; k < std::size_t(ObjectKind::kCount); ++k) {
      const ObjectKind kind = ObjectKind(k);
      CAPTURE(trace::Name(kind));
      const bool exempt = kind == ObjectKind::kGoroutine || kind == ObjectKind::kVar;
      CHECK((ViewOf(kind).inspector != nullptr) == !exempt);
    }
  }

  TEST_CASE("every field of every event is explained by its kind's view") {
    for (std::size_t k = 0; k < std::size_t(ObjectKind::kCount); ++k) {
      const ObjectKind kind = ObjectKind(k);
      std::set<std::string> explained;
      for (const FieldText& f : ViewOf(kind).fields) explained.emplace(f.field);
      for (const std::string& f : FieldsOf(kind)) {
        CAPTURE(trace::Name(kind));
        CAPTURE(f);
        CHECK(explained.count(f) == 1);
      }
    }
  }
}
