// The mutated-trace campaign: a few hundred seeded mutants of recorded
// traces (byte flips, truncation, ids out of range, wrong kinds, huge
// numbers, deep nesting, ...) go through everything that reads a trace, in
// process: the reader, the fold (CheckConsistency), the text replay and,
// when the viewer is built, the viewer's model. Each mutant is either read
// and shown or rejected with a message; none may crash, hang or trip a
// sanitizer (`make test-asan` runs this under ASan and UBSan).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "synclab/instrument/json.h"
#include "synclab/instrument/state.h"
#include "synclab/instrument/text.h"
#include "synclab/scenarios/scenario.h"
#if SYNCLAB_WITH_VIEWER_MODEL
#include "synclab/viewer/cursor.h"
#include "synclab/viewer/dump.h"
#include "synclab/viewer/model.h"
#endif

using namespace synclab;
using namespace synclab::instrument;

namespace {

using Rng = std::mt19937_64;

std::uint64_t Pick(Rng& rng, std::uint64_t n) { return n == 0 ? 0 : rng() % n; }

template <class T>
const T& OneOf(Rng& rng, const std::vector<T>& v) {
  return v[Pick(rng, v.size())];
}

// Seeded sim runs of scenarios that between them use every kind of object
// and end every way a run ends.
std::vector<Trace> Bases() {
  std::vector<Trace> bases;
  for (const char* name : {"mutex/starvation", "mutex/trylock", "mutex/abba-deadlock", "mutex/forgotten-unlock",
                           "waitgroup/negative-counter", "counter/lost-update", "rwmutex/writer-blocks-new-readers",
                           "cond/queue", "once/lazy-init", "atomic/value-config", "atomic/lost-update",
                           "pool/steal", "pool/victim-rotation", "map/expunge",
                           "semaphore/cancel-wakes-next"}) {  // semaphore
    scenarios::RunOptions o;
    o.seed = 3;
    bases.push_back(scenarios::Run(*scenarios::Find(name), o));
  }
  return bases;
}

// An id near the edges of a table of n entries.
Id EdgeId(Rng& rng, std::size_t n) {
  const std::vector<std::uint64_t> ids = {0, 1, n, n + 1, n + 2, 0xFFFFFFFF, Pick(rng, n + 3)};
  return Id(OneOf(rng, ids));
}

// An integer a field might be made to hold.
std::int64_t EdgeValue(Rng& rng, std::size_t n) {
  const std::vector<std::int64_t> values = {0, 1, -1, 2, 5, std::int64_t(n), std::int64_t(n) + 1,
                                            std::numeric_limits<std::int64_t>::min(),
                                            std::numeric_limits<std::int64_t>::max(),
                                            std::int64_t(Pick(rng, 1000))};
  return OneOf(rng, values);
}

// --- Mutations of the Trace, written by the writer (which never rejects).

void MutateEventIds(Trace& t, Rng& rng) {
  if (t.events.empty()) return;
  TraceEvent& e = t.events[Pick(rng, t.events.size())];
  switch (Pick(rng, 3)) {
    case 0: e.g = EdgeId(rng, t.goroutines.size()); break;
    case 1: e.obj = EdgeId(rng, t.objects.size()); break;
    default: e.site = EdgeId(rng, t.sites.size());
  }
}

void MutateEventField(Trace& t, Rng& rng) {
  if (t.events.empty()) return;
  TraceEvent& e = t.events[Pick(rng, t.events.size())];
  e.f[Pick(rng, trace::kMaxFields)] = EdgeValue(rng, t.goroutines.size());
}

void MutateEventKind(Trace& t, Rng& rng) {
  if (t.events.empty()) return;
  TraceEvent& e = t.events[Pick(rng, t.events.size())];
  e.kind = trace::EventKind(Pick(rng, std::size_t(trace::EventKind::kCount)));
}

void MutateEventOrder(Trace& t, Rng& rng) {
  if (t.events.size() < 2) return;
  const std::size_t i = Pick(rng, t.events.size()), j = Pick(rng, t.events.size());
  switch (Pick(rng, 5)) {
    case 0: std::swap(t.events[i], t.events[j]); break;                 // seq out of order
    case 1: std::swap(t.events[i].g, t.events[j].g); break;              // someone else acts
    case 2: t.events.erase(t.events.begin() + std::ptrdiff_t(i)); break;  // a lost event
    case 3: t.events.insert(t.events.begin() + std::ptrdiff_t(i), t.events[j]); break;
    default: t.events[i].t = EdgeValue(rng, 0);                          // time jumps
  }
  if (Pick(rng, 2) == 0) {  // renumbered, so that only the fold can object
    for (std::size_t k = 0; k < t.events.size(); k++) t.events[k].seq = k;
  }
}

// The clock jumps far ahead and goes on from there, still in order: times
// a double cannot tell apart any more.
void MutateClock(Trace& t, Rng& rng) {
  const std::int64_t jump = std::int64_t(1) << (40 + Pick(rng, 22));
  for (std::size_t k = Pick(rng, t.events.size()); k < t.events.size(); k++)
    t.events[k].t = t.events[k].t > std::numeric_limits<std::int64_t>::max() - jump
                        ? std::numeric_limits<std::int64_t>::max()
                        : t.events[k].t + jump;
}

void MutateTables(Trace& t, Rng& rng) {
  switch (Pick(rng, 6)) {
    case 0:
      if (!t.objects.empty()) {
        t.objects[Pick(rng, t.objects.size())].kind = trace::ObjectKind(Pick(rng, 7));  // 5, 6: no such kind
      }
      break;
    case 1:
      if (!t.objects.empty()) t.objects[Pick(rng, t.objects.size())].parent = EdgeId(rng, t.objects.size());
      break;
    case 2:
      if (!t.goroutines.empty()) {
        GoroutineInfo& g = t.goroutines[Pick(rng, t.goroutines.size())];
        (Pick(rng, 2) == 0 ? g.parent : g.id) = EdgeId(rng, t.goroutines.size());
      }
      break;
    case 3:  // a table shorter than the events think
      if (!t.goroutines.empty()) t.goroutines.pop_back();
      break;
    case 4:
      if (!t.objects.empty()) t.objects.pop_back();
      break;
    default:
      if (!t.sites.empty()) t.sites.erase(t.sites.begin());
  }
}

void MutateMeta(Trace& t, Rng& rng) {
  const std::vector<int> procs = {0, 1, 2, 256, 257, -1, 100000, std::numeric_limits<int>::max(),
                                  std::numeric_limits<int>::min()};
  const std::vector<std::string> runtimes = {"sim", "native", "", "jvm"};
  const std::vector<std::string> strategies = {"random", "rr", "", "fifo"};
  switch (Pick(rng, 4)) {
    case 0: t.meta.procs = OneOf(rng, procs); break;
    case 1: t.meta.runtime = OneOf(rng, runtimes); break;
    case 2: t.meta.strategy = OneOf(rng, strategies); break;
    default: t.meta.seed = rng();
  }
}

void MutateSchedule(Trace& t, Rng& rng) {
  switch (Pick(rng, 3)) {
    case 0:
      if (!t.schedule.empty()) t.schedule[Pick(rng, t.schedule.size())] = EdgeId(rng, t.goroutines.size());
      break;
    case 1: t.schedule.clear(); break;
    default: t.schedule.push_back(EdgeId(rng, t.goroutines.size()));
  }
}

void MutateOutcome(Trace& t, Rng& rng) {
  Outcome& o = t.outcome;
  switch (Pick(rng, 5)) {
    case 0: o.status = rt::Status(Pick(rng, 9)); break;  // 7, 8: no such status
    case 1: o.g = EdgeId(rng, t.goroutines.size()); break;
    case 2: o.seq = Pick(rng, 2) == 0 ? std::optional<std::uint64_t>() : t.events.size() - Pick(rng, 2); break;
    case 3:
      o.blocked.push_back({EdgeId(rng, t.goroutines.size()), EdgeId(rng, t.objects.size()),
                           trace::WaitReason(Pick(rng, 6)), EdgeId(rng, t.sites.size())});
      break;
    default: o.message = std::string(Pick(rng, 100000), 'm');
  }
}

void MutateNames(Trace& t, Rng& rng) {
  const std::string huge(Pick(rng, 2) == 0 ? 100000 : 40, 'n');
  const std::vector<std::string> names = {"", huge, "\x01\x1b[31m", "bad \xff utf-8", "a\"b\\c"};
  switch (Pick(rng, 4)) {
    case 0: if (!t.goroutines.empty()) t.goroutines[Pick(rng, t.goroutines.size())].name = OneOf(rng, names); break;
    case 1: if (!t.objects.empty()) t.objects[Pick(rng, t.objects.size())].name = OneOf(rng, names); break;
    case 2: if (!t.sites.empty()) t.sites[Pick(rng, t.sites.size())].file = OneOf(rng, names); break;
    default: t.meta.scenario = OneOf(rng, names);
  }
}

// --- Mutations of the text.

void FlipBytes(std::string& text, Rng& rng) {
  for (std::uint64_t n = 1 + Pick(rng, 4); n > 0; n--) text[Pick(rng, text.size())] = char(rng());
}

void Truncate(std::string& text, Rng& rng) { text.resize(Pick(rng, text.size())); }

// The start of a random number in the text (a digit after a ':', '[' or ',').
std::size_t SomeNumber(const std::string& text, Rng& rng) {
  for (int tries = 0; tries < 100; tries++) {
    const std::size_t at = Pick(rng, text.size());
    const std::size_t digit = text.find_first_of("0123456789", at);
    if (digit != std::string::npos && digit > 0 && std::string_view(":[,").find(text[digit - 1]) != std::string_view::npos)
      return digit;
  }
  return std::string::npos;
}

void HugeNumber(std::string& text, Rng& rng) {
  const std::vector<std::string> numbers = {"18446744073709551616", "-9223372036854775809", std::string(400, '9'),
                                            std::string(20000, '7'), "1e999", "-0", "0.5", "01", "4294967296"};
  const std::size_t at = SomeNumber(text, rng);
  if (at == std::string::npos) return;
  const std::size_t end = text.find_first_not_of("0123456789", at);
  text.replace(at, end - at, OneOf(rng, numbers));
}

void DeepNesting(std::string& text, Rng& rng) {
  const std::size_t at = SomeNumber(text, rng);
  if (at == std::string::npos) return;
  const std::size_t end = text.find_first_not_of("0123456789", at);
  const std::size_t depth = OneOf(rng, std::vector<std::size_t>{2, 5, 100, 100000});
  std::string deep;
  if (Pick(rng, 2) == 0) {
    deep = std::string(depth, '[') + "1" + std::string(depth, ']');
  } else {
    for (std::size_t i = 0; i < depth; i++) deep += "{\"a\":";
    deep += "1" + std::string(depth, '}');
  }
  text.replace(at, end - at, deep);
}

// A key or a name from the catalogue put where another one was: unknown,
// duplicate and missing keys, names of the wrong table.
void SwapWords(std::string& text, Rng& rng) {
  const std::vector<std::string> words = {"\"seq\"", "\"g\"", "\"obj\"", "\"ev\"", "\"state\"", "\"id\"",
                                          "\"kind\"", "\"x\"", "\"mutex\"", "\"sema\"", "\"goroutine\"",
                                          "\"go.ready\"", "\"mutex.lock.fast\"", "\"semacquire\"", "\"\""};
  for (int tries = 0; tries < 100; tries++) {
    const std::size_t at = text.find('"', Pick(rng, text.size()));
    if (at == std::string::npos) continue;
    const std::size_t end = text.find('"', at + 1);
    if (end == std::string::npos) continue;
    text.replace(at, end - at + 1, OneOf(rng, words));
    return;
  }
}

struct Mutation {
  const char* name;
  std::function<void(Trace&, Rng&)> on_trace;        // or
  std::function<void(std::string&, Rng&)> on_text;
};

const std::vector<Mutation>& Mutations() {
  static const std::vector<Mutation> all = {
      {"byte flips", nullptr, FlipBytes},
      {"truncation", nullptr, Truncate},
      {"huge numbers", nullptr, HugeNumber},
      {"deep nesting", nullptr, DeepNesting},
      {"swapped words", nullptr, SwapWords},
      {"event ids out of range", MutateEventIds, nullptr},
      {"event fields", MutateEventField, nullptr},
      {"wrong event kinds", MutateEventKind, nullptr},
      {"event order", MutateEventOrder, nullptr},
      {"clock jumps", MutateClock, nullptr},
      {"tables", MutateTables, nullptr},
      {"meta", MutateMeta, nullptr},
      {"schedule", MutateSchedule, nullptr},
      {"outcome", MutateOutcome, nullptr},
      {"names", MutateNames, nullptr},
  };
  return all;
}

#if SYNCLAB_WITH_VIEWER_MODEL
// What the panels ask of a model, at a few steps and zooms.
void Exercise(const viewer::Model& m, Rng& rng) {
  using namespace synclab::viewer;
  const std::vector<std::uint64_t> steps = {0, m.size() / 2, m.size() == 0 ? 0 : m.size() - 1,
                                            Pick(rng, m.size() + 1)};
  for (std::uint64_t step : steps) {
    CHECK(m.At(step).state.applied() == std::min<std::uint64_t>(step + 1, m.size()));
    CHECK_FALSE(DumpState(m, [&] {
                  Cursor c;
                  c.step = step;
                  return c;
                }()).empty());
  }
  std::vector<LaneBlock> blocks;
  std::vector<HoldBlock> holds;
  for (Id g = 1; g <= m.trace().goroutines.size(); g++) {
    for (Axis axis : {Axis::kSteps, Axis::kTime}) {
      const double extent = m.Extent(axis);
      for (double width : {extent / 800, extent / 3, 1.0}) {
        if (!(width > 0)) continue;
        m.Blocks(g, axis, 0, extent, width, blocks);
        m.HoldBlocks(g, axis, 0, extent, width, holds);
      }
    }
    m.Neighbour(Scope::kGoroutine, g, steps[1], +1);
    m.Neighbour(Scope::kGoroutine, g, steps[1], -1);
  }
  for (Id o = 1; o <= m.trace().objects.size(); o++) {
    m.Neighbour(Scope::kObject, o, steps[1], +1);
    m.PreviousOn(o, steps[1]);
  }
  Breakpoints b;
  b.kinds = {trace::EventKind::kGoPark, trace::EventKind::kMutexLockFast};
  if (!m.trace().goroutines.empty()) b.goroutines = {1};
  m.NextHit(b, steps[1], +1);
  m.NextHit(b, steps[1], -1);
  Cursor c;
  c.breakpoints = b;
  Apply(c, Intent(Continue{+1}) + Intent(Step{-3}) + Intent(Seek{steps[3]}) + Intent(StepWithin{Scope::kGoroutine, 1}), m);
}
#endif

struct Tally {
  int read = 0, shown = 0, rejected_by_reader = 0, rejected_by_fold = 0;
};

// One mutant through the reader, the fold, the text replay and the model.
void Check(const std::string& text, Rng& rng, Tally& tally) {
  Trace t;
  try {
    t = ReadJson(text);
  } catch (const TraceFormatError& e) {
    const std::string message = e.what();
    CHECK_FALSE(message.empty());
    CHECK(message.size() < 300);  // quotes only a prefix of what is bad
    tally.rejected_by_reader++;
    return;
  }
  tally.read++;
  REQUIRE(Validate(t) == "");  // whatever the reader accepts is valid
  const std::string fold = CheckConsistency(t);
  std::ostringstream replay;
  if (fold.empty()) {
    tally.shown++;
    CHECK_NOTHROW(WriteText(t, replay));
  } else {
    tally.rejected_by_fold++;
    CHECK(fold.rfind("events[", 0) == 0);
    CHECK_THROWS_WITH_AS(WriteText(t, replay), fold.c_str(), TraceFormatError);
  }
#if SYNCLAB_WITH_VIEWER_MODEL
  // The model shows exactly what the fold accepts, and refuses the rest with its message.
  try {
    const viewer::Model m = viewer::Build(t);
    CHECK(fold == "");
    Exercise(m, rng);
  } catch (const TraceFormatError& e) {
    CHECK(std::string(e.what()) == fold);
  }
#else
  (void)rng;
#endif
}

}  // namespace

TEST_SUITE("instrument.mutants") {
  TEST_CASE("every mutant of a recorded trace is shown or rejected with a message and nothing crashes") {
    // SYNCLAB_MUTANTS and SYNCLAB_MUTANT_SEED run a longer or another
    // campaign by hand; the test itself is always the same one.
    const char* count = std::getenv("SYNCLAB_MUTANTS");
    const char* seed = std::getenv("SYNCLAB_MUTANT_SEED");
    const int kMutants = count != nullptr ? std::atoi(count) : 420;
    const std::vector<Trace> bases = Bases();
    Rng rng(seed != nullptr ? std::strtoull(seed, nullptr, 10) : 20240611);
    std::map<std::string, Tally> by_mutation;
    Tally all;
    for (const Trace& base : bases) Check(ToJson(base), rng, all);  // the originals
    REQUIRE(all.shown == int(bases.size()));

    for (int i = 0; i < kMutants; i++) {
      const Mutation& mutation = Mutations()[std::size_t(i) % Mutations().size()];
      Trace t = bases[Pick(rng, bases.size())];
      std::string text;
      if (mutation.on_trace) {
        for (std::uint64_t n = 1 + Pick(rng, 2); n > 0; n--) mutation.on_trace(t, rng);
        text = ToJson(t);
      } else {
        text = ToJson(t);
        mutation.on_text(text, rng);
      }
      CAPTURE(i);
      CAPTURE(mutation.name);
      Check(text, rng, by_mutation[mutation.name]);
    }

    std::ostringstream summary;
    for (const auto& [name, n] : by_mutation) {
      summary << "\n  " << name << ": " << n.shown << " shown, " << n.rejected_by_reader << " rejected by the reader, "
              << n.rejected_by_fold << " by the fold";
      all.shown += n.shown;
      all.rejected_by_reader += n.rejected_by_reader;
      all.rejected_by_fold += n.rejected_by_fold;
    }
    MESSAGE(kMutants << " mutants:" << summary.str());
    // The campaign reaches every stage: some mutants pass, some fail each check.
    CHECK(all.shown > int(bases.size()));
    CHECK(all.rejected_by_reader > 0);
    CHECK(all.rejected_by_fold > 0);
  }
}
