// Tests of the replay model: seeking, spans, holds, waiters, level of detail,
// sources, and the rejection of traces that contradict themselves.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <array>
#include <cstdlib>
#include <random>

#include "synclab/instrument/json.h"
#include "synclab/mutex.h"
#include "synclab/viewer/dump.h"
#include "synclab/viewer/model.h"
#include "traces.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::AtStep;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::ObjectNamed;
using synclab::viewer::testing::Record;
using trace::EventKind;

namespace {

// Two snapshots describe the same run state.
void CheckSame(const Snapshot& a, const Snapshot& b) {
  REQUIRE(a.state.applied() == b.state.applied());
  CHECK(a.state.time() == b.state.time());
  REQUIRE(a.state.goroutines().size() == b.state.goroutines().size());
  for (std::size_t i = 0; i < a.state.goroutines().size(); ++i) {
    const auto& x = a.state.goroutines()[i];
    const auto& y = b.state.goroutines()[i];
    CHECK(x.status == y.status);
    CHECK(x.wait_obj == y.wait_obj);
    CHECK(x.reason == y.reason);
    CHECK(x.site == y.site);
    CHECK(x.since == y.since);
    CHECK(x.last_seq == y.last_seq);
  }
  REQUIRE(a.state.objects().size() == b.state.objects().size());
  for (std::size_t i = 0; i < a.state.objects().size(); ++i) {
    const auto& x = a.state.objects()[i];
    const auto& y = b.state.objects()[i];
    CHECK(x.fields == y.fields);
    CHECK(x.last_seq == y.last_seq);
    CHECK(x.kind == y.kind);  // every kind's own fold state
  }
}

// The state after events 0..step, folded from scratch.
Snapshot Fold(const instrument::Trace& t, std::uint64_t step) {
  Snapshot s(t);
  for (std::uint64_t seq = 0; seq <= step; ++seq) REQUIRE(s.Apply(t.events[seq]) == "");
  return s;
}


}  // namespace

TEST_SUITE("viewer.model") {
  TEST_CASE("seeking to any step gives the state of folding the events up to it") {
    for (const char* name : {"mutex/starvation", "mutex/counter"}) {
      CAPTURE(name);
      const Model m = Build(Record(name));
      REQUIRE(m.size() > 0);
      std::vector<std::uint64_t> steps;
      for (std::uint64_t k = 0; k < m.size(); k += m.size() > 500 ? 37 : 1) steps.push_back(k);
      steps.push_back(m.size() - 1);
      // In a shuffled order, so the cache is hit from before, after and far away.
      std::shuffle(steps.begin(), steps.end(), std::mt19937(7));
      for (std::uint64_t k : steps) {
        CAPTURE(k);
        CheckSame(m.At(k), Fold(m.trace(), k));
      }
    }
  }

  TEST_CASE("seeking to k equals stepping k times from 0") {
    const instrument::Trace t = Record("mutex/counter");
    const Model stepped = Build(t);
    const Model seeked = Build(t);
    Cursor c;
    for (std::uint64_t k = 0; k + 1 < stepped.size(); ++k) {
      const Snapshot& s = stepped.At(c.step);  // continues from the previous step
      if (k % 101 == 0 || k + 2 == stepped.size()) {
        CAPTURE(k);
        CheckSame(s, seeked.At(k));  // from a keyframe
        CHECK(DumpState(stepped, c) == DumpState(seeked, AtStep(k)));
      }
      c = Apply(c, Step{+1}, stepped);
      REQUIRE(c.step == k + 1);
    }
  }

  TEST_CASE("stepping back undoes stepping forward") {
    const Model m = Build(Record("mutex/starvation"));
    for (std::uint64_t k = 0; k + 1 < m.size(); ++k) {
      const Cursor at = AtStep(k);
      const Cursor back = Apply(Apply(at, Step{+1}, m), Step{-1}, m);
      CHECK(back == at);
    }
  }

  TEST_CASE("stepping back folds the state again from a keyframe") {
    // mutex/counter is long enough to cross keyframes. The model's cache
    // holds the step ahead when the cursor comes back: the state at the
    // step must be folded again, not the cached one shown.
    const instrument::Trace t = Record("mutex/counter");
    const Model m = Build(t);
    REQUIRE(m.size() > 2 * kKeyframeInterval);
    const Model fresh = Build(t);  // seeked once per step, never stepped back
    for (std::uint64_t k : {std::uint64_t(1), kKeyframeInterval - 1, kKeyframeInterval,
                            kKeyframeInterval + 1, 2 * kKeyframeInterval + 7, m.size() - 2}) {
      CAPTURE(k);
      const Cursor ahead = Apply(AtStep(k), Step{+1}, m);
      (void)m.At(ahead.step);  // the cache now holds step k + 1
      const Cursor back = Apply(ahead, Step{-1}, m);
      REQUIRE(back.step == k);
      CheckSame(m.At(back.step), Fold(t, k));
      CHECK(DumpState(m, back) == DumpState(fresh, AtStep(k)));
    }
  }

  TEST_CASE("a trace whose events contradict each other is rejected with a message") {
    instrument::Trace t = Record("mutex/starvation");
    // Make a goroutine act while it sleeps: the event after the late
    // goroutine parks (on its sleep) is attributed to it.
    std::uint64_t park = 0;
    for (const auto& e : t.events) {
      if (e.kind == EventKind::kGoPark && e.g == 4) {
        park = e.seq;
        break;
      }
    }
    REQUIRE(park > 0);
    t.events[park + 1].g = 4;
    const std::string expected = "events[" + std::to_string(park + 1) + "]: G4 late acts";
    CHECK_THROWS_WITH_AS(Build(t), doctest::Contains(expected.c_str()), instrument::TraceFormatError);
  }

  TEST_CASE("a trace that breaks the format's invariants is rejected with a message") {
    instrument::Trace t = Record("mutex/starvation");
    t.events[3].g = 99;
    CHECK_THROWS_WITH_AS(Build(t), doctest::Contains("events[3].g"), instrument::TraceFormatError);
  }

  TEST_CASE("a trace with g 0 where a goroutine must act is rejected with a message") {
    instrument::Trace t = Record("mutex/starvation");
    const std::uint64_t start = FirstOf(t, EventKind::kGoStart);
    t.events[start].g = 0;
    const std::string expected = "events[" + std::to_string(start) + "].g: 0 (the runtime) cannot make a go.start";
    CHECK_THROWS_WITH_AS(Build(t), expected.c_str(), instrument::TraceFormatError);
  }

  TEST_CASE("the queue the viewer shows puts a LIFO waiter first") {
    // G2 queues (FIFO), then G3 at the head (LIFO, as a waiter that has
    // waited before), then G4 at the tail.
    instrument::Trace t;
    t.meta = {"test", "sim", 1, "random", 2};
    t.goroutines = {{1, 0, "main", 0}, {2, 1, "a", 0}, {3, 1, "b", 0}, {4, 1, "c", 0}};
    t.objects = {{1, trace::ObjectKind::kMutex, "mu", 0, 0}, {2, trace::ObjectKind::kSema, "mu.sema", 1, 0}};
    for (auto [g, lifo] : {std::pair<Id, bool>{2, false}, {3, true}, {4, false}}) {
      t.events.push_back({0, 0, g, 2, EventKind::kSemaEnqueue, 0, {0, 1, lifo}});
      t.events.push_back({0, 0, g, 2, EventKind::kGoPark, 0, {std::int64_t(trace::WaitReason::kSemacquire)}});
    }
    for (std::size_t i = 0; i < t.events.size(); ++i) t.events[i].seq = i;
    const Model m = Build(t);
    const nlohmann::json j = nlohmann::json::parse(DumpState(m, AtStep(m.size() - 1)));
    CHECK(j["objects"][0]["mutex"]["queue"] == nlohmann::json::array({3, 2, 4}));
    CHECK(j["objects"][1]["queue"] == nlohmann::json::array({3, 2, 4}));
    CHECK(nlohmann::json::parse(DumpState(m, AtStep(3)))["objects"][1]["queue"] == nlohmann::json::array({3, 2}));
  }

  TEST_CASE("a goroutine's spans give its status at every step") {
    const Model m = Build(Record("mutex/starvation"));
    for (Id g = 1; g <= m.trace().goroutines.size(); ++g) {
      const std::vector<Span>& spans = m.Spans(g);
      REQUIRE(!spans.empty());
      CHECK(spans.back().end == m.size());
      for (std::size_t i = 0; i < spans.size(); ++i) {
        CHECK(spans[i].begin < spans[i].end);
        if (i > 0) CHECK(spans[i].begin == spans[i - 1].end);
      }
      for (std::uint64_t k = 0; k < m.size(); ++k) {
        CAPTURE(g);
        CAPTURE(k);
        const auto& gs = m.At(k).state.goroutine(g);
        auto it = std::find_if(spans.begin(), spans.end(),
                               [&](const Span& s) { return s.begin <= k && k < s.end; });
        if (it == spans.end()) {
          CHECK(gs.status == GStatus::kNotStarted);
        } else {
          CHECK(it->status == gs.status);
          CHECK(it->obj == gs.wait_obj);
        }
      }
    }
  }

  TEST_CASE("holds run from the lock to the unlock") {
    const Model m = Build(Record("mutex/starvation"));
    const instrument::Trace& t = m.trace();
    const Id mu = ObjectNamed(t, "mu");
    const std::uint64_t first_lock = FirstOf(t, EventKind::kMutexLockFast);
    const std::uint64_t first_unlock = FirstOf(t, EventKind::kMutexUnlockSlow);
    const Id greedy = t.events[first_lock].g;
    auto hold = m.HoldAt(greedy, mu, first_lock + 1);
    REQUIRE(hold.has_value());
    CHECK(hold->begin == first_lock);
    CHECK(hold->end == first_unlock);
    CHECK(!m.HoldAt(greedy, mu, first_unlock).has_value());
    for (std::uint64_t k = 0; k < m.size(); ++k) {
      // Whoever the fold says holds mu has a hold covering k, and nobody else.
      Id holder = m.At(k).state.object(mu).As<instrument::kinds::MutexState>()->holder;
      for (Id g = 1; g <= t.goroutines.size(); ++g) {
        CAPTURE(k);
        CHECK(m.HoldAt(g, mu, k).has_value() == (g == holder));
      }
    }
  }

  TEST_CASE("a Mutex waiter's wait starts when it first parks and survives being woken") {
    const Model m = Build(Record("mutex/starvation"));
    const instrument::Trace& t = m.trace();
    const Id mu = ObjectNamed(t, "mu");
    const std::uint64_t starve = FirstOf(t, EventKind::kMutexStarvingEnter);
    const Id polite = t.events[starve].g;
    std::uint64_t first_park = FirstOf(t, EventKind::kMutexPark);
    REQUIRE(t.events[first_park].g == polite);
    const Snapshot& s = m.At(starve);
    const auto& waiters = s.state.object(mu).As<instrument::kinds::MutexState>()->waiters;
    REQUIRE(waiters.size() == 1);
    CHECK(waiters[0].g == polite);
    CHECK(waiters[0].since == t.events[first_park].t);
    // Go measured the same wait when it woke polite and decided to starve,
    // give or take the few scheduling points between the park event and its
    // clock read.
    std::uint64_t wake = starve;
    while (t.events[wake].kind != EventKind::kMutexWake) --wake;
    CHECK(std::abs(t.events[wake].t - waiters[0].since - t.events[wake].f[2]) < 1000);
    CHECK(s.state.time() - waiters[0].since > Mutex::kStarvationThresholdNs);
    CHECK(m.At(m.size() - 1).state.object(mu).As<instrument::kinds::MutexState>()->waiters.empty());
  }

  TEST_CASE("zoomed-out lanes draw a bounded number of blocks that tile the lane") {
    const Model m = Build(Record("mutex/counter"));
    for (Axis axis : {Axis::kSteps, Axis::kTime}) {
      const double extent = m.Extent(axis);
      std::vector<LaneBlock> blocks;
      for (Id g = 1; g <= m.trace().goroutines.size(); ++g) {
        CAPTURE(g);
        const double pixel = extent / 200;
        m.Blocks(g, axis, 0, extent, pixel, blocks);
        CHECK(blocks.size() <= 2 * 200 + 2);
        for (std::size_t i = 1; i < blocks.size(); ++i) CHECK(blocks[i].from >= blocks[i - 1].from);
        // Zoomed in to the last detail every span is its own block.
        m.Blocks(g, Axis::kSteps, 0, double(m.size()), 0.5, blocks);
        CHECK(blocks.size() == m.Spans(g).size());
        for (const LaneBlock& b : blocks) CHECK(b.span != nullptr);
      }
      std::vector<HoldBlock> holds;
      m.HoldBlocks(2, axis, 0, extent, extent / 200, holds);
      CHECK(!holds.empty());
      CHECK(holds.size() <= 2 * 200 + 2);
    }
  }

  TEST_CASE("lanes end when the clock is too far on for a double to tell events apart") {
    // Past 2^53 ns adding a small width to a time leaves it as it was.
    instrument::Trace t = Record("mutex/starvation");
    for (std::size_t k = 10; k < t.events.size(); ++k) t.events[k].t += std::int64_t(1) << 60;
    const Model m = Build(t);
    const double extent = m.Extent(Axis::kTime);
    std::vector<LaneBlock> blocks;
    std::vector<HoldBlock> holds;
    for (Id g = 1; g <= t.goroutines.size(); ++g) {
      CAPTURE(g);
      m.Blocks(g, Axis::kTime, 0, extent, 1.0, blocks);
      CHECK(blocks.size() <= m.Spans(g).size());
      m.HoldBlocks(g, Axis::kTime, 0, extent, 1.0, holds);
      CHECK(holds.size() <= m.size());
    }
  }

  TEST_CASE("a merged block takes the status its spans spent most of it in") {
    // Checked against the spans each merged block covers, at many zooms on
    // both axes: the status chosen has the most extent inside the block
    // (not the first span's, nor the most frequent).
    const Model m = Build(Record("mutex/counter"));
    int merged = 0, not_first = 0;
    for (Axis axis : {Axis::kSteps, Axis::kTime}) {
      const double extent = m.Extent(axis);
      for (double pixels : {40.0, 150.0, 600.0, 2000.0}) {
        std::vector<LaneBlock> blocks;
        for (Id g = 1; g <= m.trace().goroutines.size(); ++g) {
          m.Blocks(g, axis, 0, extent, extent / pixels, blocks);
          for (const LaneBlock& b : blocks) {
            if (b.span != nullptr) continue;
            std::array<double, kStatusCount> in{};
            const Span* first = nullptr;
            for (const Span& s : m.Spans(g)) {
              const double s0 = m.Position(axis, s.begin), s1 = m.Position(axis, s.end);
              if (s0 >= b.from && s1 <= b.to) {
                in[std::size_t(s.status)] += s1 - s0;
                if (first == nullptr) first = &s;
              }
            }
            CAPTURE(g);
            CAPTURE(b.from);
            CHECK(in[std::size_t(b.status)] == *std::max_element(in.begin(), in.end()));
            ++merged;
            if (first != nullptr && first->status != b.status) ++not_first;
          }
        }
      }
    }
    CHECK(merged > 100);
    CHECK(not_first > 10);  // the rule was put to the test
  }

  TEST_CASE("next and previous events of a goroutine or an object") {
    const Model m = Build(Record("mutex/starvation"));
    const instrument::Trace& t = m.trace();
    const Id mu = ObjectNamed(t, "mu");
    const Id sema = m.Part(mu, trace::ObjectKind::kSema);
    REQUIRE(sema != 0);
    auto next = m.Neighbour(Scope::kGoroutine, 4, 0, +1);
    REQUIRE(next);
    CHECK(t.events[*next].g == 4);
    // An object's parts count: mu's events include its sema's.
    for (std::uint64_t k = 0, n = 0; n < 40; ++n) {
      auto on = m.Neighbour(Scope::kObject, mu, k, +1);
      REQUIRE(on);
      CHECK((t.events[*on].obj == mu || t.events[*on].obj == sema));
      for (std::uint64_t j = k + 1; j < *on; ++j) CHECK((t.events[j].obj != mu && t.events[j].obj != sema));
      k = *on;
    }
    CHECK(!m.Neighbour(Scope::kGoroutine, 1, 0, -1));
  }

  TEST_CASE("fields an event changed are flagged") {
    const Model m = Build(Record("mutex/starvation"));
    const instrument::Trace& t = m.trace();
    const std::uint64_t lock = FirstOf(t, EventKind::kMutexLockFast);
    CHECK(m.Changed(lock) == 0b11);  // state and sema, both first seen
    const std::uint64_t spin = FirstOf(t, EventKind::kMutexSpin);
    CHECK((m.Changed(spin + 1) & 1) == 0);  // the next spin leaves the word alone
  }

  TEST_CASE("the scenario's source is found and each goroutine is on a line of it") {
    const Model m = Build(Record("mutex/starvation"));
    REQUIRE(m.main_source() >= 0);
    const SourceFile& src = m.sources()[std::size_t(m.main_source())];
    CHECK(src.path == "scenarios/mutex/starvation.cpp");
    const std::uint64_t starve = FirstOf(m.trace(), EventKind::kMutexStarvingEnter);
    const TraceEvent& e = m.trace().events[starve];
    CHECK(m.SourceOf(e.site) == m.main_source());
    const auto line = m.trace().site(e.site)->line;
    REQUIRE(line <= src.lines.size());
    CHECK(src.lines[line - 1].find("mu.Lock()") != std::string::npos);
  }

  TEST_CASE("the dump agrees with the trace at the step the Mutex starts starving") {
    const Model m = Build(Record("mutex/starvation"));
    const std::uint64_t starve = FirstOf(m.trace(), EventKind::kMutexStarvingEnter);
    auto j = nlohmann::json::parse(DumpState(m, AtStep(starve)));
    CHECK(j["cursor"]["step"] == starve);
    CHECK(j["event"]["ev"] == "mutex.starving.enter");
    const auto& mu = j["objects"][0];
    CHECK(mu["kind"] == "mutex");
    CHECK(mu["mutex"]["starving"] == true);
    CHECK(mu["mutex"]["locked"] == true);
    CHECK(mu["mutex"]["waiting"].size() == 1);
    const Id g = m.trace().events[starve].g;
    CHECK(j["goroutines"][g - 1]["line"] == m.trace().site(m.trace().events[starve].site)->line);
  }

  TEST_CASE("an empty trace builds and has one step") {
    instrument::Trace t;
    const Model m = Build(t);
    CHECK(m.size() == 0);
    CHECK(m.At(0).state.applied() == 0);
    CHECK(Apply(Cursor{}, Step{+1}, m).step == 0);
    CHECK(!DumpState(m, Cursor{}).empty());
  }
}

TEST_SUITE("viewer.model") {
  // mu's lane in mutex/starvation: the Mutex's own fold decides each step's
  // mode; the lane's changes must say the same at every step.
  TEST_CASE("an object lane shows the Mutex starving exactly where its word has the starving bit") {
    const Model m = Build(Record("mutex/starvation"));
    const instrument::Trace& t = m.trace();
    const Id mu = ObjectNamed(t, "mu");
    REQUIRE(m.HasLane(mu));
    const std::vector<ObjectChange>& changes = m.Changes(mu);
    REQUIRE(!changes.empty());
    bool saw_starving = false;
    std::size_t k = 0;
    for (std::uint64_t step = changes[0].seq; step < m.size(); ++step) {
      while (k + 1 < changes.size() && changes[k + 1].seq <= step) ++k;
      const instrument::ObjectState& st = m.At(step).state.object(mu);
      const Mutex::State d = Mutex::Decode(std::int32_t(*st.Field("state")));
      CAPTURE(step);
      CHECK(changes[k].summary.mode == (d.starving ? 2 : d.locked ? 1 : 0));
      CHECK(changes[k].summary.count == d.waiters);
      CHECK(changes[k].summary.who == st.As<instrument::kinds::MutexState>()->holder);
      saw_starving |= d.starving;
    }
    CHECK(saw_starving);
    for (std::size_t i = 1; i < changes.size(); ++i) CHECK(!(changes[i].summary == changes[i - 1].summary));
  }

  TEST_CASE("M walks through every change of the selected object's mode and Shift+M walks back") {
    const Model m = Build(Record("mutex/starvation"));
    const Id mu = ObjectNamed(m.trace(), "mu");
    std::vector<std::uint64_t> mode_changes;  // the steps where mu's mode differs from before
    std::uint8_t mode = 0;
    for (const ObjectChange& ch : m.Changes(mu)) {
      if (ch.summary.mode != mode) mode_changes.push_back(ch.seq);
      mode = ch.summary.mode;
    }
    REQUIRE(mode_changes.size() > 3);
    Cursor c;
    c.object = mu;
    std::vector<std::uint64_t> forward;
    for (;;) {
      Cursor next = Apply(c, StepModeChange{+1}, m);
      if (next.step == c.step) break;
      forward.push_back(next.step);
      c = next;
    }
    CHECK(forward == mode_changes);
    std::vector<std::uint64_t> back;
    for (;;) {
      Cursor prev = Apply(c, StepModeChange{-1}, m);
      if (prev.step == c.step) break;
      back.push_back(prev.step);
      c = prev;
    }
    std::vector<std::uint64_t> want(mode_changes.rbegin() + 1, mode_changes.rend());
    CHECK(back == want);
  }

  TEST_CASE("a zoomed-out object lane shows the highest mode of what it merges") {
    const Model m = Build(Record("mutex/starvation"));
    const Id mu = ObjectNamed(m.trace(), "mu");
    std::vector<ObjectBlock> blocks;
    m.ObjectBlocks(mu, Axis::kSteps, 0, double(m.size()), double(m.size()) / 4, blocks);
    REQUIRE(!blocks.empty());
    CHECK(blocks.size() <= 8);
    const std::vector<ObjectChange>& changes = m.Changes(mu);
    for (const ObjectBlock& b : blocks) {
      std::uint8_t highest = 0;
      for (std::size_t i = 0; i < changes.size(); ++i) {
        const double begin = changes[i].seq, end = i + 1 < changes.size() ? changes[i + 1].seq : double(m.size());
        if (begin < b.to && end > b.from) highest = std::max(highest, changes[i].summary.mode);
      }
      CAPTURE(b.from);
      CHECK(b.summary.mode == highest);
    }
  }

  TEST_CASE("the first lanes are the primitives with a lane and lanes can be toggled") {
    const Model m = Build(Record("mutex/starvation"));
    const Id mu = ObjectNamed(m.trace(), "mu"), wg = ObjectNamed(m.trace(), "wg");
    const std::vector<Id> lanes = m.DefaultObjectLanes();
    CHECK(std::find(lanes.begin(), lanes.end(), mu) != lanes.end());
    CHECK(std::find(lanes.begin(), lanes.end(), wg) != lanes.end());
    for (Id obj : lanes) CHECK(m.trace().object(obj)->parent == 0);  // no sema lanes
    Cursor c;
    c.object_lanes = lanes;
    c = Apply(c, ToggleObjectLane{mu}, m);
    CHECK(std::find(c.object_lanes.begin(), c.object_lanes.end(), mu) == c.object_lanes.end());
    c = Apply(c, ToggleObjectLane{mu}, m);
    CHECK(c.object_lanes.back() == mu);
    const Id sema = m.Part(mu, trace::ObjectKind::kSema);
    c = Apply(c, ToggleObjectLane{sema}, m);  // a sema has no lane
    CHECK(std::find(c.object_lanes.begin(), c.object_lanes.end(), sema) == c.object_lanes.end());
  }
}
