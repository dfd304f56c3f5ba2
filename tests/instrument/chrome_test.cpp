// Tests of the Chrome Trace Event Format export (chrome.h): the format's
// rules on every golden trace, and the exact spans of a small known trace.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

#include "synclab/instrument/chrome.h"
#include "synclab/instrument/json.h"
#include "synclab/instrument/state.h"

using namespace synclab;
using namespace synclab::instrument;
using trace::EventKind;
using trace::ObjectKind;
using json = nlohmann::json;

namespace {

// The format's microseconds back to the trace's ns: ts is ns / 1000 as a
// double, which this undoes exactly for any time a run reaches.
std::int64_t Ns(const json& us) { return std::llround(us.get<double>() * 1000.0); }

// main and a worker contend for mu: the worker spins, parks, is readied by
// main's unlock and takes the lock (times in us: 1 event per us).
Trace Contended() {
  Trace t;
  t.meta = {"test/contended", "sim", 1, "random", 2};
  t.sites = {{"scenarios/test/contended.cpp", 30, 5, "void Main()"}};
  t.goroutines = {{1, 0, "main", 0}, {2, 1, "worker", 1}};
  t.objects = {{1, ObjectKind::kMutex, "mu", 0, 1}, {2, ObjectKind::kSema, "mu.sema", 1, 1}};
  const std::int64_t lock_wait = std::int64_t(trace::WaitReason::kSyncMutexLock);
  auto ev = [](std::int64_t t, Id g, Id obj, EventKind k, std::array<std::int64_t, trace::kMaxFields> f = {}) {
    return TraceEvent{0, t, g, obj, k, 1, f};
  };
  t.events = {
      ev(0, 1, 0, EventKind::kGoCreate, {2}),
      ev(1000, 1, 1, EventKind::kMutexLockFast, {1, 0}),
      ev(2000, 2, 0, EventKind::kGoStart, {0}),
      ev(3000, 2, 1, EventKind::kMutexSpin, {1, 0, 1}),
      ev(3500, 2, 1, EventKind::kMutexPark, {3, 0, 0}),
      ev(4000, 2, 2, EventKind::kGoPark, {lock_wait}),
      ev(5000, 1, 1, EventKind::kMutexUnlockSlow, {2, 0}),
      ev(6000, 1, 2, EventKind::kGoReady, {2}),
      ev(7000, 2, 0, EventKind::kGoRun, {0}),
      ev(8000, 2, 1, EventKind::kMutexLockAcquire, {1, 0}),
      ev(9000, 2, 1, EventKind::kMutexUnlockFast, {0, 0}),
      ev(10000, 2, 0, EventKind::kGoEnd),
      ev(11000, 1, 0, EventKind::kGoEnd),
  };
  for (std::size_t i = 0; i < t.events.size(); i++) t.events[i].seq = i;
  return t;
}

std::vector<std::filesystem::path> Goldens() {
  std::vector<std::filesystem::path> out;
  for (const auto& entry : std::filesystem::directory_iterator(SYNCLAB_SOURCE_DIR "/tests/golden")) {
    if (entry.path().extension() == ".json") out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The traces the rules are checked on: the known one and every golden.
std::vector<std::pair<std::string, Trace>> Traces() {
  std::vector<std::pair<std::string, Trace>> out{{"contended", Contended()}};
  for (const auto& p : Goldens()) out.emplace_back(p.filename().string(), ReadJsonFile(p.string()));
  return out;
}

std::vector<json> Records(const Trace& t) {
  return json::parse(ToChrome(t)).at("traceEvents").get<std::vector<json>>();
}

std::vector<json> Of(const std::vector<json>& records, std::string_view ph) {
  std::vector<json> out;
  for (const json& r : records)
    if (r.at("ph") == std::string(ph)) out.push_back(r);
  return out;
}

// A status span as (tid, name, begin ns, end ns).
using SpanRow = std::tuple<int, std::string, std::int64_t, std::int64_t>;

}  // namespace

TEST_SUITE("instrument.chrome") {
  TEST_CASE("the export is JSON in the object format with ns as display unit") {
    const json j = json::parse(ToChrome(Contended()));
    REQUIRE(j.is_object());
    CHECK(j.at("traceEvents").is_array());
    CHECK(j.at("displayTimeUnit") == "ns");
    CHECK(j.at("otherData").at("scenario") == "test/contended");
    CHECK(j.at("otherData").at("outcome") == "ok");
    CHECK(j.at("otherData").at("events") == 13);
  }

  TEST_CASE("every golden trace exports records that follow the format's rules") {
    const auto traces = Traces();
    CHECK(traces.size() > 50);  // the goldens were found
    for (const auto& [name, t] : traces) {
      CAPTURE(name);
      const std::vector<json> records = Records(t);
      std::set<int> named, used;
      std::map<std::uint64_t, std::pair<std::size_t, std::int64_t>> flow_starts;  // id: index, ts
      std::set<std::uint64_t> flow_ends;
      std::map<std::uint64_t, std::int64_t> hold_begins;
      std::size_t holds_ended = 0;
      bool process_named = false, metadata_done = false;
      std::int64_t last_ts = 0;
      for (std::size_t i = 0; i < records.size(); i++) {
        const json& r = records[i];
        REQUIRE(r.contains("ph"));
        REQUIRE(r.at("pid") == 1);
        REQUIRE(r.at("tid").is_number_integer());
        const std::string ph = r.at("ph");
        const int tid = r.at("tid");
        if (ph == "M") {
          CHECK_FALSE(metadata_done);  // metadata first
          if (r.at("name") == "process_name") process_named = true;
          if (r.at("name") == "thread_name") named.insert(tid);
          CHECK(r.at("args").at("name").is_string());
          continue;
        }
        metadata_done = true;
        used.insert(tid);
        REQUIRE(r.at("ts").is_number());
        const std::int64_t ts = Ns(r.at("ts"));
        CHECK(ts >= last_ts);  // ordered by time
        last_ts = ts;
        CHECK(r.at("name").is_string());
        if (ph == "X") {
          CHECK(r.at("dur").get<double>() >= 0);
        } else if (ph == "i") {
          CHECK(r.at("s") == "t");
        } else if (ph == "s") {
          CHECK(flow_starts.emplace(r.at("id").get<std::uint64_t>(), std::pair{i, ts}).second);
        } else if (ph == "f") {
          const std::uint64_t id = r.at("id");
          CHECK(r.at("bp") == "e");
          REQUIRE(flow_starts.count(id) == 1);
          CHECK(flow_starts[id].first < i);
          CHECK(flow_starts[id].second <= ts);
          CHECK(flow_ends.insert(id).second);
        } else if (ph == "b") {
          CHECK(r.at("cat") == "lock");
          CHECK(hold_begins.emplace(r.at("id").get<std::uint64_t>(), ts).second);
        } else if (ph == "e") {
          const std::uint64_t id = r.at("id");
          REQUIRE(hold_begins.count(id) == 1);
          CHECK(hold_begins[id] <= ts);
          holds_ended++;
        } else {
          FAIL("unexpected ph " << ph);
        }
      }
      CHECK(process_named);
      CHECK(flow_ends.size() == flow_starts.size());  // every arrow has both ends
      CHECK(holds_ended == hold_begins.size());
      for (int tid : used) {
        CAPTURE(tid);
        CHECK(named.count(tid) == 1);
      }
    }
  }

  TEST_CASE("the instants match the trace's events one for one in seq order") {
    for (const auto& [name, t] : Traces()) {
      CAPTURE(name);
      const std::vector<json> instants = Of(Records(t), "i");
      REQUIRE(instants.size() == t.events.size());
      for (std::size_t i = 0; i < instants.size(); i++) {
        const json& r = instants[i];
        const TraceEvent& e = t.events[i];
        CAPTURE(i);
        CHECK(r.at("args").at("seq") == e.seq);
        CHECK(r.at("name") == std::string(trace::Name(e.kind)));
        CHECK(r.at("tid") == e.g);
        CHECK(Ns(r.at("ts")) == e.t);
        if (e.obj != 0) CHECK(r.at("args").at("object") == ObjectLabel(t, e.obj));
        // Its fields by name, and nothing else but object, site and seq.
        CHECK(r.at("args").size() ==
              trace::Info(e.kind).field_count + (e.obj != 0) + (e.site != 0) + 1);
      }
    }
  }

  TEST_CASE("the status spans of a goroutine tile its life without overlap") {
    for (const auto& [name, t] : Traces()) {
      CAPTURE(name);
      std::map<int, std::vector<std::pair<std::int64_t, std::int64_t>>> by_tid;
      for (const json& r : Of(Records(t), "X")) {
        by_tid[r.at("tid").get<int>()].emplace_back(Ns(r.at("ts")), Ns(r.at("ts")) + Ns(r.at("dur")));
      }
      for (auto& [tid, spans] : by_tid) {
        CAPTURE(tid);
        CHECK(tid != 0);  // the runtime has no status
        std::sort(spans.begin(), spans.end());
        for (std::size_t k = 1; k < spans.size(); k++) CHECK(spans[k].first == spans[k - 1].second);
      }
    }
  }

  TEST_CASE("a known small trace gives the expected spans and holds and arrow") {
    const std::vector<json> records = Records(Contended());
    std::vector<SpanRow> spans;
    for (const json& r : Of(records, "X")) {
      spans.emplace_back(r.at("tid").get<int>(), r.at("name").get<std::string>(), Ns(r.at("ts")),
                         Ns(r.at("ts")) + Ns(r.at("dur")));
    }
    // The records are by time: by track, each track's spans stay in time order.
    std::stable_sort(spans.begin(), spans.end(),
                     [](const SpanRow& x, const SpanRow& y) { return std::get<0>(x) < std::get<0>(y); });
    const std::vector<SpanRow> expected = {
        {1, "running", 0, 11000},
        {2, "running", 2000, 3000},
        {2, "spinning", 3000, 3500},
        {2, "running", 3500, 4000},
        {2, "waiting", 4000, 6000},
        {2, "runnable", 6000, 7000},
        {2, "running", 7000, 10000},
    };
    CHECK(spans == expected);
    for (const json& r : Of(records, "X")) {
      if (r.at("name") == "waiting") {
        CHECK(r.at("args") == json{{"reason", "sync.Mutex.Lock"}, {"object", "mu.sema"}});
      }
    }

    // (tid, name, begin, end) of each hold, by its id.
    std::map<std::uint64_t, SpanRow> holds;
    for (const json& r : Of(records, "b")) {
      holds[r.at("id").get<std::uint64_t>()] = {r.at("tid").get<int>(), r.at("name").get<std::string>(),
                                                Ns(r.at("ts")), -1};
    }
    for (const json& r : Of(records, "e")) std::get<3>(holds.at(r.at("id").get<std::uint64_t>())) = Ns(r.at("ts"));
    std::vector<SpanRow> hold_rows;
    for (const auto& [id, row] : holds) hold_rows.push_back(row);
    CHECK(hold_rows == std::vector<SpanRow>{{1, "holds mu", 1000, 5000}, {2, "holds mu", 8000, 9000}});

    // main's go.ready at 6 us points to the worker's running span from 7 us.
    const std::vector<json> s = Of(records, "s"), f = Of(records, "f");
    REQUIRE(s.size() == 1);
    REQUIRE(f.size() == 1);
    CHECK(s[0].at("id") == f[0].at("id"));
    CHECK(std::pair{s[0].at("tid").get<int>(), Ns(s[0].at("ts"))} == std::pair{1, std::int64_t(6000)});
    CHECK(std::pair{f[0].at("tid").get<int>(), Ns(f[0].at("ts"))} == std::pair{2, std::int64_t(7000)});

    // An instant carries the event's fields by name, its object and site.
    const json park = Of(records, "i")[4];
    CHECK(park.at("name") == "mutex.lock.slow.park");
    CHECK(park.at("args") == json{{"state", 3}, {"sema", 0}, {"lifo", false}, {"object", "mu"},
                                  {"site", "scenarios/test/contended.cpp:30"}, {"seq", 4}});

    // Metadata: the process after the scenario, each thread after its goroutine.
    std::map<int, std::string> threads;
    for (const json& r : Of(records, "M")) {
      if (r.at("name") == "thread_name") threads[r.at("tid").get<int>()] = r.at("args").at("name").get<std::string>();
      if (r.at("name") == "process_name") CHECK(r.at("args").at("name") == "test/contended");
    }
    CHECK(threads == std::map<int, std::string>{{1, "G1 main"}, {2, "G2 worker"}});
  }

  TEST_CASE("the same trace gives the same bytes") {
    const Trace t = ReadJsonFile(SYNCLAB_SOURCE_DIR "/tests/golden/mutex_starvation.json");
    const std::string once = ToChrome(t);
    CHECK(ToChrome(t) == once);
    CHECK(ToChrome(ReadJson(ToJson(t))) == once);  // and after a round trip through the file
    std::ostringstream out;
    WriteChrome(t, out);
    CHECK(out.str() == once);
  }

  TEST_CASE("an invalid or contradictory trace is rejected and nothing is written") {
    Trace contradictory = Contended();
    contradictory.events[7].f[0] = 1;  // main readies itself, which is not blocked
    std::ostringstream out;
    CHECK_THROWS_WITH_AS(WriteChrome(contradictory, out), "events[7]: go.ready of G1 main, which is not blocked",
                         TraceFormatError);
    CHECK(out.str().empty());
    Trace invalid = Contended();
    invalid.events[1].g = 9;
    CHECK_THROWS_AS(WriteChrome(invalid, out), TraceFormatError);
    CHECK(out.str().empty());
  }

  TEST_CASE("no catalogue field is named like the args the export adds to an instant") {
    for (const trace::EventInfo& info : trace::kEventInfo) {
      for (std::size_t i = 0; i < info.field_count; i++) {
        CAPTURE(info.name);
        CHECK(info.fields[i].name != "object");
        CHECK(info.fields[i].name != "site");
        CHECK(info.fields[i].name != "seq");
      }
    }
  }
}
