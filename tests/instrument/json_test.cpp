// Tests of the JSON trace file: round trips, layout, every error message,
// hostile input, file I/O, and that the docs and schema match the catalogue.
#include <doctest/doctest.h>

#include <algorithm>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "synclab/instrument/json.h"
#include "synclab/instrument/state.h"

using namespace synclab;
using namespace synclab::instrument;
using trace::EventKind;
using trace::ObjectKind;
using trace::WaitReason;

namespace {

TraceEvent Ev(std::int64_t t, Id g, Id obj, EventKind kind, Id site,
              std::array<std::int64_t, trace::kMaxFields> f = {}) {
  return {0, t, g, obj, kind, site, f};
}

// Numbers events by position, as a recorder does.
Trace Numbered(Trace t) {
  for (std::size_t i = 0; i < t.events.size(); i++) t.events[i].seq = i;
  return t;
}

// A small trace using every field type the catalogue's events use (int,
// bool, g, ns, reason) and every optional part of the file.
Trace Sample() {
  Trace t;
  t.meta = {"mutex/starvation", "sim", 1, "random", 2};
  t.sites = {{"scenarios/mutex_starvation.cpp", 30, 5, "void Starve(synclab::Go&)"},
             {"scenarios/mutex_starvation.cpp", 12, 3, "int main()"},
             {"core/src/mutex.cpp", 88, 7, "void synclab::Mutex::Lock()"}};
  t.goroutines = {{1, 0, "main", 2}, {2, 1, "worker \"A\"\t\\ \xC3\xA9 \x01", 1}};
  t.objects = {{1, ObjectKind::kMutex, "mu", 0, 1}, {2, ObjectKind::kSema, "mu.sema", 1, 3}};
  t.events = {
      Ev(0, 1, 0, EventKind::kGoCreate, 1, {2}),                         // g
      Ev(0, 2, 0, EventKind::kGoStart, 1, {1}),                          // int
      Ev(10, 1, 1, EventKind::kMutexLockFast, 3, {1, 0}),                // int, int
      Ev(20, 2, 1, EventKind::kMutexPark, 3, {3, 0, 0}),                 // bool false
      Ev(20, 2, 2, EventKind::kGoPark, 3, {std::int64_t(WaitReason::kSyncMutexLock)}),  // reason
      Ev(1020, 2, 1, EventKind::kMutexWake, 3, {5, 0, 1000, 1}),         // ns, bool true
      Ev(1030, 1, 2, EventKind::kSemaReleaseWake, 3, {0, 0, 2}),         // g
      Ev(1040, 2, 1, EventKind::kMutexTryLock, 0, {1, 0, 0}),
  };
  t.schedule = {1, 2, 1, 2, 2};
  t.outcome = {rt::Status::kDeadlock, "fatal error: all goroutines are asleep - deadlock!", 0, 5,
               {{2, 1, WaitReason::kSyncMutexLock, 3}, {1, 0, WaitReason::kNone, 0}}};
  return Numbered(t);
}

// The message ReadJson throws for text.
std::string ReadError(std::string_view text) {
  try {
    ReadJson(text);
  } catch (const TraceFormatError& e) {
    return e.what();
  }
  return "(read without error)";
}

// text with its first `from` replaced; the test fails if there is none.
std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const std::size_t pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, "not in the text: " << from);
  return text.replace(pos, from.size(), to);
}

// The sample as text, with the first `from` replaced by `to`.
std::string SampleWith(std::string_view from, std::string_view to) {
  return Replace(ToJson(Sample()), from, to);
}

// A temporary directory, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("synclab_json_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

}  // namespace

TEST_SUITE("instrument.json") {
  TEST_CASE("a trace with every field type and optional part reads back equal") {
    const Trace t = Sample();
    REQUIRE(Validate(t) == "");
    CHECK(ReadJson(ToJson(t)) == t);
  }

  TEST_CASE("every event of the catalogue reads back equal") {
    Trace t;
    t.meta = {"all", "sim", 0, "rr", 1};
    t.goroutines = {{1, 0, "main", 0}, {2, 1, "g2", 0}};
    t.strings = {"nil", "text with \"quotes\""};
    // One object per kind, so every event finds its kind: id = kind.
    for (std::size_t k = 1; k < std::size_t(ObjectKind::kCount); k++)
      t.objects.push_back({Id(k), ObjectKind(k), std::string(trace::kObjectKindNames[k]), 0, 0});
    for (std::size_t k = 0; k < std::size(trace::kEventInfo); k++) {
      const trace::EventInfo& info = trace::kEventInfo[k];
      TraceEvent e = Ev(std::int64_t(k), 1 + k % 2, Id(info.object), EventKind(k), 0);
      for (std::size_t i = 0; i < info.field_count; i++) {
        switch (info.fields[i].type) {
          case trace::FieldType::kBool: e.f[i] = std::int64_t((k + i) % 2); break;
          case trace::FieldType::kG: e.f[i] = 2; break;
          case trace::FieldType::kObj: e.f[i] = 1; break;
          case trace::FieldType::kReason: e.f[i] = std::int64_t((k + i) % std::size_t(WaitReason::kCount)); break;
          case trace::FieldType::kStr: e.f[i] = std::int64_t(1 + (k + i) % 2); break;
          case trace::FieldType::kPtr: e.f[i] = (k % 3 == 0) ? 0 : std::numeric_limits<std::int64_t>::max() - std::int64_t(i); break;
          default: e.f[i] = (k % 3 == 0) ? std::numeric_limits<std::int64_t>::min() + std::int64_t(i)
                                         : std::numeric_limits<std::int64_t>::max() - std::int64_t(i);
        }
      }
      t.events.push_back(e);
    }
    t = Numbered(t);
    REQUIRE(Validate(t) == "");
    CHECK(ReadJson(ToJson(t)) == t);
  }

  TEST_CASE("extreme values read back equal") {
    Trace t = Sample();
    t.meta.seed = std::numeric_limits<std::uint64_t>::max();
    t.meta.procs = kMaxProcs;
    t.sites[0].line = t.sites[0].column = std::numeric_limits<std::uint32_t>::max();
    t.events.back().t = std::numeric_limits<std::int64_t>::max();
    t.events[2].f[0] = std::numeric_limits<std::int64_t>::min();
    t.outcome.seq = 0;  // present and zero is not absent
    t.outcome.g = 2;
    CHECK(ReadJson(ToJson(t)) == t);
    t.outcome.seq.reset();
    CHECK(ReadJson(ToJson(t)) == t);
  }

  TEST_CASE("an empty trace reads back equal") {
    Trace t;
    t.meta = {"", "sim", 0, "rr", 1};
    CHECK(ReadJson(ToJson(t)) == t);
  }

  TEST_CASE("the same trace is written as the same bytes") {
    const Trace t = Sample();
    const std::string text = ToJson(t);
    CHECK(ToJson(Sample()) == text);
    CHECK(ToJson(ReadJson(text)) == text);
    std::ostringstream out;
    WriteJson(t, out);
    CHECK(out.str() == text);
  }

  TEST_CASE("a trace is written in the documented layout") {
    Trace t;
    t.meta = {"tiny", "sim", 7, "rr", 1};
    t.sites = {{"a.cpp", 3, 5, "main"}};
    t.goroutines = {{1, 0, "main", 1}};
    t.objects = {{1, ObjectKind::kMutex, "mu", 0, 1}};
    t.events = {Ev(0, 1, 1, EventKind::kMutexLockFast, 1, {1, 0}),
                Ev(5, 1, 1, EventKind::kMutexUnlockFast, 1, {0, 0})};
    t.schedule = {1, 1};
    t = Numbered(t);
    CHECK(ToJson(t) ==
          "{\n"
          "  \"format\": \"synclab-trace\",\n"
          "  \"version\": 2,\n"
          "  \"meta\": {\"scenario\":\"tiny\",\"runtime\":\"sim\",\"seed\":7,\"strategy\":\"rr\",\"procs\":1},\n"
          "  \"sites\": [\n"
          "    {\"id\":1,\"file\":\"a.cpp\",\"line\":3,\"column\":5,\"function\":\"main\"}\n"
          "  ],\n"
          "  \"strings\": [],\n"
          "  \"goroutines\": [\n"
          "    {\"id\":1,\"parent\":0,\"name\":\"main\",\"site\":1}\n"
          "  ],\n"
          "  \"objects\": [\n"
          "    {\"id\":1,\"kind\":\"mutex\",\"name\":\"mu\",\"parent\":0,\"site\":1}\n"
          "  ],\n"
          "  \"events\": [\n"
          "    {\"seq\":0,\"t\":0,\"g\":1,\"obj\":1,\"ev\":\"mutex.lock.fast\",\"site\":1,\"state\":1,\"sema\":0},\n"
          "    {\"seq\":1,\"t\":5,\"g\":1,\"obj\":1,\"ev\":\"mutex.unlock.fast\",\"site\":1,\"state\":0,\"sema\":0}\n"
          "  ],\n"
          "  \"schedule\": [\n"
          "    1,1\n"
          "  ],\n"
          "  \"outcome\": {\"status\":\"ok\",\"message\":\"\"}\n"
          "}\n");
  }

  TEST_CASE("the schedule is written 32 ids to a line") {
    Trace t;
    t.meta = {"", "sim", 0, "rr", 1};
    t.goroutines = {{1, 0, "main", 0}};
    t.schedule.assign(33, 1);
    const std::string text = ToJson(t);
    CHECK(text.find("\n    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,\n    1\n  ]") !=
          std::string::npos);
    CHECK(ReadJson(text) == t);
  }

  TEST_CASE("the outcome leaves out g and seq and blocked when they are empty") {
    Trace t = Sample();
    t.outcome = {rt::Status::kPanic, "panic: boom", 0, std::nullopt, {}};
    const std::string text = ToJson(t);
    CHECK(text.find("\"outcome\": {\"status\":\"panic\",\"message\":\"panic: boom\"}") != std::string::npos);
    CHECK(ReadJson(text) == t);
    t.outcome.g = 2;
    CHECK(ToJson(t).find("{\"status\":\"panic\",\"message\":\"panic: boom\",\"g\":2}") != std::string::npos);
    // An empty "blocked" is read as none.
    CHECK(ReadJson(Replace(ToJson(t), "\"g\":2}", "\"g\":2,\"blocked\":[]}")) == t);
  }

  TEST_CASE("a native trace has no seed or strategy") {
    Trace t = Sample();
    t.meta = {"mutex/starvation", "native", 0, "", 8};
    t.schedule.clear();
    const std::string text = ToJson(t);
    CHECK(text.find("\"meta\": {\"scenario\":\"mutex/starvation\",\"runtime\":\"native\",\"procs\":8},") !=
          std::string::npos);
    CHECK(ReadJson(text) == t);
    // Set anyway, they are written, so the trace still reads back equal.
    t.meta.seed = 3;
    CHECK(ReadJson(ToJson(t)) == t);
  }

  TEST_CASE("a sim meta without a seed reads as seed 0") {
    const Trace t = ReadJson(SampleWith(",\"seed\":1", ""));
    CHECK(t.meta.seed == 0);
    CHECK(t.meta.strategy == "random");
    CHECK(t.meta.procs == 2);
  }

  TEST_CASE("meta is held to the bounds the command line takes") {
    CHECK(ReadError(SampleWith("\"procs\":2", "\"procs\":2147483647")) == "meta.procs: 2147483647 is out of range 1-256");
    CHECK(ReadError(SampleWith("\"procs\":2", "\"procs\":100000")) == "meta.procs: 100000 is out of range 1-256");
    CHECK(ReadError(SampleWith("\"procs\":2", "\"procs\":257")) == "meta.procs: 257 is out of range 1-256");
    CHECK(ReadError(SampleWith("\"procs\":2", "\"procs\":0")) == "meta.procs: 0 is out of range 1-256");
    CHECK(ReadError(SampleWith("\"procs\":2", "\"procs\":-1")) == "meta.procs: -1 is out of range 1-256");
    CHECK(ReadError(SampleWith("\"procs\":2", "\"procs\":99999999999999999999")) ==
          "meta.procs: 99999999999999999999 is out of range 1-256");
    CHECK(ReadError(SampleWith("\"procs\":2", "\"procs\":\"2\"")) == "meta.procs: expected an integer, got a string");
    CHECK(ReadJson(SampleWith("\"procs\":2", "\"procs\":256")).meta.procs == 256);
    CHECK(ReadJson(SampleWith("\"procs\":2", "\"procs\":1")).meta.procs == 1);

    CHECK(ReadError(SampleWith("\"runtime\":\"sim\"", "\"runtime\":\"jvm\"")) ==
          "meta.runtime: unknown runtime \"jvm\" (sim or native)");
    CHECK(ReadError(SampleWith("\"strategy\":\"random\"", "\"strategy\":\"fifo\"")) ==
          "meta.strategy: unknown strategy \"fifo\" (random or rr)");
    CHECK(ReadError(SampleWith(",\"strategy\":\"random\"", "")) ==
          "meta.strategy: missing (a sim trace names its strategy: random or rr)");
    CHECK(ReadJson(SampleWith("\"strategy\":\"random\"", "\"strategy\":\"rr\"")).meta.strategy == "rr");
  }

  TEST_CASE("gc_every_ns is written only when set and held to the command line's bounds") {
    Trace t = Sample();
    CHECK(ToJson(t).find("gc_every_ns") == std::string::npos);
    t.meta.gc_every_ns = 2'000'000;
    const std::string text = ToJson(t);
    CHECK(text.find("\"procs\":2,\"gc_every_ns\":2000000}") != std::string::npos);
    CHECK(ReadJson(text) == t);
    CHECK(ReadJson(Replace(text, "\"gc_every_ns\":2000000", "\"gc_every_ns\":1000000000000")).meta.gc_every_ns ==
          kMaxGcEveryNs);
    CHECK(ReadError(Replace(text, "\"gc_every_ns\":2000000", "\"gc_every_ns\":1000000000001")) ==
          "meta.gc_every_ns: 1000000000001 is out of range 0-1000000000000");
    CHECK(ReadError(Replace(text, "\"gc_every_ns\":2000000", "\"gc_every_ns\":-1")) ==
          "meta.gc_every_ns: -1 is out of range 0-1000000000000");
    CHECK(FirstDifference(t, Sample()) == "meta.gc_every_ns");
    Trace native = Sample();
    native.meta = {"mutex/starvation", "native", 0, "", 8};
    native.schedule.clear();
    CHECK(ReadError(Replace(ToJson(native), "\"procs\":8", "\"procs\":8,\"gc_every_ns\":5")) ==
          "meta.gc_every_ns: in a native trace (only sim runs collect on a schedule)");
  }

  TEST_CASE("a native trace has neither a strategy nor a schedule") {
    Trace t = Sample();
    t.meta = {"mutex/starvation", "native", 0, "", 8};
    t.schedule.clear();
    const std::string text = ToJson(t);
    CHECK(ReadError(Replace(text, "\"procs\":8", "\"strategy\":\"rr\",\"procs\":8")) ==
          "meta.strategy: \"rr\" in a native trace (only sim runs have a strategy)");
    CHECK(ReadError(Replace(text, "\"schedule\": []", "\"schedule\": [1,2,1]")) ==
          "schedule: a native trace has no schedule, got 3 decisions");
  }

  TEST_CASE("strings are escaped and invalid UTF-8 is written as U+FFFD") {
    Trace t = Sample();
    const std::string text = ToJson(t);
    CHECK(text.find(R"("name":"worker \"A\"\t\\ é \u0001")") != std::string::npos);
    t.goroutines[0].name = "bad \xFF byte";
    CHECK(ReadJson(ToJson(t)).goroutines[0].name == "bad \xEF\xBF\xBD byte");
  }

  TEST_CASE("a reader does not rely on key order") {
    // Every object's keys reversed: version and format last, "ev" after
    // the fields it names.
    const Trace t = Sample();
    std::function<nlohmann::ordered_json(const nlohmann::ordered_json&)> reverse =
        [&](const nlohmann::ordered_json& j) {
          if (j.is_array()) {
            nlohmann::ordered_json a = nlohmann::ordered_json::array();
            for (const auto& x : j) a.push_back(reverse(x));
            return a;
          }
          if (!j.is_object()) return j;
          nlohmann::ordered_json o = nlohmann::ordered_json::object();
          std::vector<std::string> keys;
          for (const auto& item : j.items()) keys.push_back(item.key());
          for (auto k = keys.rbegin(); k != keys.rend(); ++k) o[*k] = reverse(j[*k]);
          return o;
        };
    const std::string reversed = reverse(nlohmann::ordered_json::parse(ToJson(t))).dump();
    REQUIRE(reversed.find(R"({"sema":0,"state":1,"site":3,"ev":"mutex.lock.fast")") != std::string::npos);
    CHECK(ReadJson(reversed) == t);

    SUBCASE("a wrong version at the end wins over an earlier problem") {
      std::string bad = Replace(reversed, "\"version\":2", "\"version\":7");
      bad = Replace(bad, "\"ev\":\"mutex.lock.fast\"", "\"ev\":\"mutex.lok\"");
      CHECK(ReadError(bad) == "version: unsupported version 7 (this synclab reads version 2)");
      CHECK(ReadError(Replace(bad, "\"version\":7", "\"version\":2")) ==
            "events[2].ev: unknown event \"mutex.lok\"");
    }
    SUBCASE("a field an event does not have is named once ev is known") {
      CHECK(ReadError(Replace(reversed, "\"sema\":0,\"state\":1", "\"foo\":0,\"state\":1")) ==
            "events[2].foo: unknown field for mutex.lock.fast");
    }
  }

  TEST_CASE("a truncated trace is rejected with its line and column") {
    const std::string text = ToJson(Sample());
    const std::size_t cut = text.find("\"meta\": {") + 9;
    CHECK(ReadError(text.substr(0, cut)) == "line 4 column 12: unexpected end of input; expected string literal");
    CHECK(ReadError("") == "line 1 column 1: unexpected end of input; expected '[', '{', or a literal");
  }

  TEST_CASE("a trace cut at any byte is rejected and never crashes") {
    const std::string text = ToJson(Sample());
    for (std::size_t n = 0; n + 1 < text.size(); n++) {  // without the final newline it is still whole
      CAPTURE(n);
      CHECK_THROWS_AS(ReadJson(std::string_view(text).substr(0, n)), TraceFormatError);
    }
    CHECK(ReadJson(std::string_view(text).substr(0, text.size() - 1)) == Sample());
  }

  TEST_CASE("random byte changes are rejected or read and never crash") {
    const std::string text = ToJson(Sample());
    std::mt19937 rng(12345);
    int rejected = 0, read = 0;
    for (int round = 0; round < 20000; round++) {
      std::string bad = text;
      const int flips = 1 + int(rng() % 3);
      for (int i = 0; i < flips; i++) bad[rng() % bad.size()] = char(rng() % 256);
      try {
        const Trace t = ReadJson(bad);
        CHECK(Validate(t) == "");  // whatever was read is a valid trace
        CHECK(ReadJson(ToJson(t)) == t);
        read++;
      } catch (const TraceFormatError& e) {
        CHECK(std::string(e.what()) != "");
        rejected++;
      }
    }
    MESSAGE(rejected << " rejected, " << read << " read");
    CHECK(rejected > 0);
    CHECK(read > 0);
  }

  TEST_CASE("syntax errors give the line and column and the gist") {
    const std::string text = ToJson(Sample());
    const std::size_t lines = std::size_t(std::count(text.begin(), text.end(), '\n'));
    CHECK(ReadError(text + "x") ==
          "line " + std::to_string(lines + 1) + " column 1: invalid literal; expected end of input");
    CHECK(ReadError("{\"format\": \"synclab-trace\",\n \"version\": 2 1}") ==
          "line 2 column 15: unexpected number literal; expected '}'");
    CHECK(ReadError(std::string("\x00\xFF{", 3)) == "line 1 column 1: unexpected NUL byte");
    CHECK(ReadError(text + std::string("\0x", 2)) ==
          "line " + std::to_string(lines + 1) + " column 1: unexpected NUL byte");
    CHECK(ReadError(Replace(text, "\"version\": 2,", std::string("\"version\": 2,\0", 15))) ==
          "line 3 column 16: unexpected NUL byte");
    CHECK(ReadError("{\"a\": \"x\ny\"}") ==
          "line 1 column 9: invalid string: control character U+000A (LF) must be escaped to \\u000A or \\n");
  }

  TEST_CASE("a file that is not a synclab trace says so") {
    CHECK(ReadError(SampleWith("\"format\": \"synclab-trace\"", "\"format\": \"foo\"")) ==
          "format: expected \"synclab-trace\", got \"foo\"");
    CHECK(ReadError(SampleWith("\"format\": \"synclab-trace\"", "\"format\": 3")) ==
          "format: expected \"synclab-trace\", got an integer");
    CHECK(ReadError(SampleWith("\"format\": \"synclab-trace\",", "")) == "format: missing (not a synclab trace)");
    CHECK(ReadError("{}") == "format: missing (not a synclab trace)");
    CHECK(ReadError("{\"name\": \"package.json\"}") == "format: missing (not a synclab trace)");
    CHECK(ReadError("[1, 2]") == "not a synclab trace: expected an object at the top level, got an array");
    CHECK(ReadError("42") == "not a synclab trace: expected an object at the top level, got an integer");
    // The wrong format wins over a syntax error later on.
    CHECK(ReadError("{\"format\": \"foo\", \"version\": ") == "format: expected \"synclab-trace\", got \"foo\"");
  }

  TEST_CASE("another version is rejected before anything else") {
    const std::string text = ToJson(Sample());
    CHECK(ReadError(Replace(text, "\"version\": 2", "\"version\": 7")) ==
          "version: unsupported version 7 (this synclab reads version 2)");
    CHECK(ReadError(Replace(Replace(text, "\"version\": 2", "\"version\": 1"), "\"meta\": {", "\"meta\": [")) ==
          "version: unsupported version 1 (this synclab reads version 2)");
    CHECK(ReadError(Replace(text, "\"version\": 2", "\"version\": \"1\"")) ==
          "version: expected an integer, got a string");
    CHECK(ReadError(Replace(text, "\"version\": 2", "\"version\": 2.0")) ==
          "version: expected an integer, got a float");
    CHECK(ReadError(Replace(text, "\"version\": 2,\n", "")) == "version: missing");
    CHECK(ReadError(Replace(text, "\"version\": 2", "\"version\": -1")) ==
          "version: unsupported version -1 (this synclab reads version 2)");
  }

  TEST_CASE("a problem in an event names the event and the field") {
    // Event 3 of the sample is this line:
    const std::string park =
        R"({"seq":3,"t":20,"g":2,"obj":1,"ev":"mutex.lock.slow.park","site":3,"state":3,"sema":0,"lifo":false})";
    auto with = [&](std::string_view from, std::string_view to) { return SampleWith(park, Replace(park, from, to)); };
    CHECK(ReadError(with("mutex.lock.slow.park", "mutex.lok")) == "events[3].ev: unknown event \"mutex.lok\"");
    CHECK(ReadError(with("\"state\":3,", "")) == "events[3].state: missing");
    CHECK(ReadError(with("\"state\":3", "\"state\":\"3\"")) == "events[3].state: expected an integer, got a string");
    CHECK(ReadError(with("\"state\":3", "\"state\":[3]")) == "events[3].state: expected an integer, got an array");
    CHECK(ReadError(with("\"state\":3", "\"state\":null")) == "events[3].state: expected an integer, got null");
    CHECK(ReadError(with("\"site\":3,", "\"site\":3,\"foo\":1,")) ==
          "events[3].foo: unknown field for mutex.lock.slow.park");
    CHECK(ReadError(with("\"site\":3,", "\"site\":3,\"a b\":1,")) ==
          "events[3][\"a b\"]: unknown field for mutex.lock.slow.park");
    CHECK(ReadError(with("\"site\":3,", "\"site\":3,\"\":1,")) ==
          "events[3][\"\"]: unknown field for mutex.lock.slow.park");
    CHECK(ReadError(with("\"lifo\":false", "\"lifo\":0")) == "events[3].lifo: expected true or false, got an integer");
    CHECK(ReadError(with("\"seq\":3,", "\"seq\":3,\"seq\":3,")) == "events[3].seq: duplicate key");
    CHECK(ReadError(with("\"sema\":0,", "\"sema\":0,\"sema\":0,")) == "events[3].sema: duplicate key");
    CHECK(ReadError(with("\"ev\":\"mutex.lock.slow.park\",", "")) == "events[3].ev: missing");
    CHECK(ReadError(with("\"ev\":\"mutex.lock.slow.park\"", "\"ev\":7")) == "events[3].ev: expected a string, got an integer");
    CHECK(ReadError(with("\"t\":20", "\"t\":20.5")) == "events[3].t: expected an integer, got a float");
    CHECK(ReadError(with("{\"seq\":3,", "{")) == "events[3].seq: missing");
    CHECK(ReadError(SampleWith(park, "5")) == "events[3]: expected an object, got an integer");
    CHECK(ReadError(SampleWith(park, "[]")) == "events[3]: expected an object, got an array");
    CHECK(ReadError(SampleWith("\"sync.Mutex.Lock\"},", "\"nap\"},")) == "events[4].reason: unknown wait reason \"nap\"");
  }

  TEST_CASE("fields before ev are held until ev names them") {
    const std::string park =
        R"({"seq":3,"t":20,"g":2,"obj":1,"ev":"mutex.lock.slow.park","site":3,"state":3,"sema":0,"lifo":false})";
    const std::string late =
        R"({"lifo":false,"sema":0,"state":3,"seq":3,"t":20,"g":2,"obj":1,"site":3,"ev":"mutex.lock.slow.park"})";
    CHECK(ReadJson(SampleWith(park, late)) == Sample());
    CHECK(ReadError(SampleWith(park, Replace(late, "\"lifo\":false", "\"lifo\":1"))) ==
          "events[3].lifo: expected true or false, got an integer");
    CHECK(ReadError(SampleWith(park, Replace(late, "{", "{\"x\":1,"))) ==
          "events[3].x: unknown field for mutex.lock.slow.park");
    std::string extra;  // one field more than any event has
    for (std::size_t i = 0; i < trace::kMaxFields; i++) extra += "\"x" + std::to_string(i) + "\":1,";
    CHECK(ReadError(SampleWith(park, Replace(late, "{", "{" + extra))) ==
          "events[3].lifo: too many fields (an event has at most " + std::to_string(trace::kMaxFields) + ")");
    CHECK(ReadError(SampleWith(park, Replace(late, "{", "{\"sema\":1,"))) == "events[3].sema: duplicate key");
    CHECK(ReadError(SampleWith(park, Replace(late, "\"sema\":0", "\"sema\":{}"))) ==
          "events[3].sema: expected a field value, got an object");
  }

  TEST_CASE("integers out of range are rejected") {
    const std::string text = ToJson(Sample());
    CHECK(ReadError(Replace(text, "\"seq\":1,\"t\":0,\"g\":2", "\"seq\":1,\"t\":0,\"g\":4294967296")) ==
          "events[1].g: 4294967296 is out of range (0 to 4294967295)");
    CHECK(ReadError(Replace(text, "\"seq\":1,", "\"seq\":-1,")) ==
          "events[1].seq: -1 is out of range (0 to 18446744073709551615)");
    CHECK(ReadError(Replace(text, "\"t\":1040", "\"t\":9223372036854775808")) ==
          "events[7].t: 9223372036854775808 is out of range (-9223372036854775808 to 9223372036854775807)");
    CHECK(ReadError(Replace(text, "\"t\":1040", "\"t\":99999999999999999999")) ==
          "events[7].t: 99999999999999999999 is out of range (-9223372036854775808 to 9223372036854775807)");
    CHECK(ReadError(Replace(text, "\"seed\":1", "\"seed\":18446744073709551616")) ==
          "meta.seed: 18446744073709551616 is out of range (0 to 18446744073709551615)");
    CHECK(ReadError(Replace(text, "\"schedule\": [\n    1,2,", "\"schedule\": [\n    1,-1,")) ==
          "schedule[1]: -1 is out of range (0 to 4294967295)");
  }

  TEST_CASE("a problem in a table names the entry and the key") {
    const std::string text = ToJson(Sample());
    CHECK(ReadError(Replace(text, "\"name\":\"main\"", "\"name\":5")) ==
          "goroutines[0].name: expected a string, got an integer");
    CHECK(ReadError(Replace(text, "\"id\":1,\"file\"", "\"id\":2,\"file\"")) ==
          "sites[0].id: expected 1 (ids are 1, 2, ... in order), got 2");
    CHECK(ReadError(Replace(text, "\"kind\":\"mutex\"", "\"kind\":\"mutexx\"")) ==
          "objects[0].kind: unknown object kind \"mutexx\"");
    CHECK(ReadError(Replace(text, "\"status\":\"deadlock\"", "\"status\":\"bad\"")) ==
          "outcome.status: unknown status \"bad\"");
    CHECK(ReadError(Replace(text, ",\"procs\":2", "")) == "meta.procs: missing");
    CHECK(ReadError(Replace(text, "\"procs\":2", "\"procs\":2,\"color\":1")) == "meta.color: unknown key");
    CHECK(ReadError(Replace(text, "\"procs\":2", "\"procs\":2,\"a b\":1")) == "meta[\"a b\"]: unknown key");
    CHECK(ReadError(Replace(text, "\"procs\":2", "\"procs\":2,\"seed\":1")) == "meta.seed: duplicate key");
    CHECK(ReadError(Replace(text, "\"reason\":\"\"", "\"reason\":\"x\"")) ==
          "outcome.blocked[1].reason: unknown wait reason \"x\"");
    CHECK(ReadError(Replace(text, "\"blocked\":[", "\"blocked\":[7,")) ==
          "outcome.blocked[0]: expected an object, got an integer");
    CHECK(ReadError(Replace(text, "\"meta\": {", "\"meta\": [], \"x\": {")) == "meta: expected an object, got an array");
    CHECK(ReadError(Replace(text, "\"sites\": [", "\"sites\": [7,")) == "sites[0]: expected an object, got an integer");
    CHECK(ReadError(Replace(text, "\"schedule\": [", "\"schedule\": [[],")) ==
          "schedule[0]: expected an integer, got an array");
  }

  TEST_CASE("a problem in the top level names the key") {
    const std::string text = ToJson(Sample());
    CHECK(ReadError(Replace(text, "\"version\": 2,", "\"version\": 2, \"extra\": [],")) == "extra: unknown key");
    CHECK(ReadError(Replace(text, "\n}\n", ",\n  \"meta\": {}\n}\n")) == "meta: duplicate key");
    const std::size_t schedule = text.find(",\n  \"schedule\"");
    const std::size_t outcome = text.find(",\n  \"outcome\"");
    CHECK(ReadError(text.substr(0, schedule) + text.substr(outcome)) == "schedule: missing");
    CHECK(ReadError(Replace(text, "\"events\": [", "\"events\": {}, \"x\": [")) == "events: expected an array, got an object");
  }

  TEST_CASE("the first problem in file order is the one reported") {
    std::string text = ToJson(Sample());
    text = Replace(text, "\"name\":\"main\"", "\"name\":5");              // goroutines[0]
    text = Replace(text, "\"ev\":\"go.start\"", "\"ev\":\"go.stat\"");    // events[1], later
    CHECK(ReadError(text) == "goroutines[0].name: expected a string, got an integer");
  }

  TEST_CASE("problems Validate finds are reported") {
    Trace t = Sample();
    for (int i = 0; i < 5; i++) t.events.push_back(Ev(2000, 1, 1, EventKind::kMutexLockFast, 3, {1, 0}));
    t = Numbered(t);
    REQUIRE(ReadJson(ToJson(t)) == t);
    t.events[12].g = 9;
    CHECK(ReadError(ToJson(t)) == "events[12].g: no goroutine 9");
    t = Sample();
    t.schedule[0] = 0;
    CHECK(ReadError(ToJson(t)) == "schedule[0]: no goroutine 0");
  }

  TEST_CASE("an event with g 0 is rejected unless the runtime makes it") {
    // One object per kind, so every event finds its kind: id = kind.
    Trace base;
    base.meta = {"all", "sim", 0, "rr", 1};
    base.goroutines = {{1, 0, "main", 0}, {2, 1, "g2", 0}};
    for (std::size_t k = 1; k < std::size_t(ObjectKind::kCount); k++)
      base.objects.push_back({Id(k), ObjectKind(k), std::string(trace::kObjectKindNames[k]), 0, 0});
    for (std::size_t k = 0; k < std::size(trace::kEventInfo); k++) {
      const trace::EventInfo& info = trace::kEventInfo[k];
      CAPTURE(info.name);
      TraceEvent e = Ev(0, 0, Id(info.object), EventKind(k), 0);
      for (std::size_t i = 0; i < info.field_count; i++)
        if (info.fields[i].type == trace::FieldType::kG) e.f[i] = 2;
      Trace t = base;
      t.events = {e};
      // A timer readies a sleeper; a runtime timer (rt/timer.h) also starts
      // AfterFunc's goroutine and sends on its channel, and that send takes
      // off the queue a select's record that another case has claimed.
      static constexpr std::string_view kByRuntime[] = {
          "go.ready", "go.create", "timer.send", "timer.func",
          "chan.send.direct", "chan.send.buffer", "chan.send.full", "chan.dequeue.skip"};
      if (EventKind(k) == EventKind::kGoReady) {
        CHECK(ReadError(ToJson(t)) == "(read without error)");
      } else if (std::find(std::begin(kByRuntime), std::end(kByRuntime), info.name) != std::end(kByRuntime)) {
        CHECK(ReadError(ToJson(t)).find("(the runtime) cannot make") == std::string::npos);
      } else {
        CHECK(ReadError(ToJson(t)) == "events[0].g: 0 (the runtime) cannot make a " + std::string(info.name));
        CHECK(CheckConsistency(t) == "events[0].g: 0 (the runtime) cannot make a " + std::string(info.name));
      }
    }
  }

  TEST_CASE("a goroutine field of 0 is rejected") {
    Trace t = Sample();
    t.events[0].f[0] = 0;  // go.create's child
    CHECK(ReadError(ToJson(t)) == "events[0].child: no goroutine 0");
    t = Sample();
    t.events[6].f[2] = 0;  // sema.release.wake's waiter
    CHECK(ReadError(ToJson(t)) == "events[6].waiter: no goroutine 0");
  }

  TEST_CASE("an invalid trace is still written and the reader names its problem") {
    Trace t = Sample();
    t.events[3].f[2] = 5;                          // a bool field holding 5
    t.events[4].f[0] = 99;                         // no such wait reason
    t.events[5].kind = EventKind(9999);            // no such event
    t.objects[0].kind = ObjectKind(200);
    t.outcome.status = rt::Status(77);
    t.outcome.blocked[0].reason = WaitReason(66);
    const std::string text = ToJson(t);
    CHECK(text.find("\"lifo\":5") != std::string::npos);
    CHECK(text.find("\"reason\":99") != std::string::npos);
    CHECK(text.find("\"ev\":9999") != std::string::npos);
    CHECK(ReadError(text) == "objects[0].kind: expected a string, got an integer");
  }

  TEST_CASE("a message quotes at most a short prefix of a bad key or value") {
    const std::string text = ToJson(Sample());
    // (Beyond about 309 digits nlohmann cannot even make a double of a number:
    // that is a syntax error, below.)
    const std::string key(10'000'000, 'k'), odd = "a b" + key, digits(300, '9');
    const std::string head = "{\"format\": \"synclab-trace\", \"version\": 2, ";
    const std::string park = "\"ev\":\"mutex.lock.slow.park\",\"site\":3,";
    const std::string prefix40 = key.substr(0, 40);
    for (const auto& [bad, message] : {
             std::pair{Replace(text, "\"version\": 2,", "\"version\": 2, \"" + key + "\": 1,"),
                       "[\"" + prefix40 + "\"...]: unknown key"},
             std::pair{Replace(text, "\"procs\":2", "\"procs\":2,\"" + key + "\":1"),
                       "meta[\"" + prefix40 + "\"...]: unknown key"},
             std::pair{Replace(text, "\"procs\":2", "\"procs\":2,\"" + odd + "\":1"),
                       "meta[\"a b" + key.substr(0, 37) + "\"...]: unknown key"},
             std::pair{Replace(text, park, park + "\"" + key + "\":1,"),
                       "events[3][\"" + prefix40 + "\"...]: unknown field for mutex.lock.slow.park"},
             std::pair{Replace(text, "\"t\":1040", "\"t\":" + digits),
                       "events[7].t: " + digits.substr(0, 40) + "... is out of range (-9223372036854775808 to 9223372036854775807)"},
             std::pair{Replace(text, "\"procs\":2", "\"procs\":" + digits),
                       "meta.procs: " + digits.substr(0, 40) + "... is out of range 1-256"},
             std::pair{Replace(text, "\"version\": 2", "\"version\": " + digits),
                       "version: unsupported version " + digits.substr(0, 40) + "... (this synclab reads version 2)"},
             std::pair{Replace(text, "\"ev\":\"mutex.lock.slow.park\"", "\"ev\":\"" + key + "\""),
                       "events[3].ev: unknown event \"" + prefix40 + "\"..."},
             std::pair{head + "\"" + key + "\": " + std::string(1'000'000, '['), "[\"" + prefix40 + "\"...]: unknown key"},
         }) {
      const std::string got = ReadError(bad);
      CHECK(got.size() < 200);
      CHECK(got == message);
    }
    const std::string huge(10'000'000, '9');
    const std::string got = ReadError(Replace(text, "\"t\":1040", "\"t\":" + huge));
    CHECK(got.size() < 200);
    CHECK(got.find(": number overflow parsing '" + huge.substr(0, 40) + "...'") != std::string::npos);
  }

  TEST_CASE("a version with a leading zero is a syntax error and not version 0") {
    const std::string text = ToJson(Sample());
    CHECK(ReadError(Replace(text, "\"version\": 2", "\"version\": 01")) ==
          "line 3 column 15: unexpected number literal; expected '}'");
    CHECK(ReadError(Replace(text, "\"version\": 2", "\"version\": 07")) ==
          "line 3 column 15: unexpected number literal; expected '}'");
    // Cut right after it, a version may be the start of a longer number.
    CHECK(ReadError(text.substr(0, text.find("\"version\": 2") + 12)) ==
          "line 3 column 15: unexpected end of input; expected '}'");
    // Followed by anything valid, it is the version.
    CHECK(ReadError(Replace(text, "\"version\": 2", "\"version\": 7 ")) ==
          "version: unsupported version 7 (this synclab reads version 2)");
  }

  TEST_CASE("problems Validate finds in a trace in memory name the value") {
    // "(sema, mutex, ... or atomic)": every kind but goroutine, from kinds.def.
    std::string kinds;
    for (std::size_t k = 1; k < std::size(trace::kObjectKindNames); ++k) {
      kinds += k == 1 ? "" : k + 1 == std::size(trace::kObjectKindNames) ? " or " : ", ";
      kinds += trace::kObjectKindNames[k];
    }
    Trace t = Sample();
    t.objects[0].kind = ObjectKind::kGoroutine;
    CHECK(Validate(t) == "objects[0].kind: goroutine is not an object kind (" + kinds + ")");
    CHECK(ReadError(ToJson(t)) == "objects[0].kind: goroutine is not an object kind (" + kinds + ")");
    t.objects[0].kind = ObjectKind(200);
    CHECK(Validate(t) == "objects[0].kind: 200 is not an object kind (" + kinds + ")");
    t = Sample();
    t.events[3].f[2] = 5;
    CHECK(Validate(t) == "events[3].lifo: 5 is not a bool");
    t = Sample();
    t.events[4].f[0] = 99;
    CHECK(Validate(t) == "events[4].reason: 99 is not a wait reason");
    t = Sample();
    t.events[5].kind = EventKind(9999);
    CHECK(Validate(t) == "events[5].ev: 9999 is not an event");
    t = Sample();
    t.outcome.status = rt::Status(77);
    CHECK(Validate(t) == "outcome.status: 77 is not a status");
    t = Sample();
    t.outcome.blocked[0].reason = WaitReason(66);
    CHECK(Validate(t) == "outcome.blocked[0].reason: 66 is not a wait reason");
  }

  TEST_CASE("deep nesting is rejected without exhausting the stack") {
    const std::string deep(1'000'000, '[');
    const std::string head = "{\"format\": \"synclab-trace\", \"version\": 2, ";
    CHECK(ReadError(deep) == "not a synclab trace: expected an object at the top level, got an array");
    CHECK(ReadError(head + "\"meta\": " + deep) == "meta[0][0][0]: nested too deeply");
    CHECK(ReadError(head + "\"outcome\": {\"blocked\": [{\"g\": " + deep) == "outcome.blocked[0].g: nested too deeply");
    CHECK(ReadError(head + "\"events\": [{\"seq\": " + deep) == "events[0].seq: expected an integer, got an array");
    CHECK(ReadError(head + "\"schedule\": " + deep) == "schedule[0]: expected an integer, got an array");
    CHECK(ReadError(head + "\"x\": " + deep) == "x: unknown key");
    CHECK(ReadError(head + "\"format\": " + deep) == "format: duplicate key");
    std::string objects;
    for (int i = 0; i < 100000; i++) objects += "{\"a\":";
    CHECK(ReadError(head + "\"meta\": " + objects) == "meta.a.a.a: nested too deeply");
  }

  TEST_CASE("a trace file is written and read back") {
    TempDir dir;
    const std::string path = dir / "trace.json";
    WriteJsonFile(Sample(), path);
    CHECK(ReadJsonFile(path) == Sample());
    CHECK(ReadText(path) == ToJson(Sample()));
    // Written again over the old one, still nothing else in the directory.
    Trace t = Sample();
    t.meta.seed = 2;
    WriteJsonFile(t, path);
    CHECK(ReadJsonFile(path) == t);
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path), {}) == 1);
  }

  TEST_CASE("a missing file is reported with its path") {
    TempDir dir;
    const std::string path = dir / "trace.json";
    CHECK_THROWS_WITH_AS(ReadJsonFile(path), ("cannot open " + path + ": No such file or directory").c_str(),
                         TraceIoError);
  }

  TEST_CASE("reading a directory is reported with its path") {
    TempDir dir;
    CHECK_THROWS_WITH_AS(ReadJsonFile(dir.path.string()),
                         ("cannot read " + dir.path.string() + ": Is a directory").c_str(), TraceIoError);
  }

  TEST_CASE("a bad file is reported as a format error and not an I/O error") {
    TempDir dir;
    WriteText(dir / "bad.json", "{\"format\": \"foo\"}");
    CHECK_THROWS_WITH_AS(ReadJsonFile(dir / "bad.json"), "format: expected \"synclab-trace\", got \"foo\"",
                         TraceFormatError);
  }

  TEST_CASE("writing into a missing directory is reported with its path") {
    TempDir dir;
    const std::string path = dir / "no/such/dir/trace.json";
    CHECK_THROWS_WITH_AS(WriteJsonFile(Sample(), path),
                         ("cannot write " + path + ": No such file or directory").c_str(), TraceIoError);
  }

  TEST_CASE("a failed write leaves neither the file nor a temporary behind") {
    TempDir dir;
    const std::string target = dir / "taken";
    std::filesystem::create_directory(target);  // rename onto a directory fails
    CHECK_THROWS_WITH_AS(WriteJsonFile(Sample(), target), ("cannot write " + target + ": Is a directory").c_str(),
                         TraceIoError);
    CHECK_FALSE(std::filesystem::exists(target + ".tmp"));
    CHECK(std::filesystem::is_directory(target));
  }

  TEST_CASE("a FIFO is written in place and not replaced by a file") {
    TempDir dir;
    const std::string fifo = dir / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);  // so the writer does not wait
    REQUIRE(reader >= 0);
    WriteJsonFile(Sample(), fifo);  // a small trace: it fits in the pipe
    std::string got;
    char buf[4096];
    for (ssize_t n; (n = ::read(reader, buf, sizeof buf)) > 0;) got.append(buf, std::size_t(n));
    ::close(reader);
    CHECK(std::filesystem::is_fifo(std::filesystem::symlink_status(fifo)));
    CHECK(got == ToJson(Sample()));
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path), {}) == 1);
  }

  TEST_CASE("a symlink is written through and stays a symlink") {
    TempDir dir;
    WriteText(dir / "target.json", "old");
    std::filesystem::create_symlink("target.json", dir / "link.json");
    WriteJsonFile(Sample(), dir / "link.json");
    CHECK(std::filesystem::is_symlink(dir / "link.json"));
    CHECK(ReadText(dir / "target.json") == ToJson(Sample()));
  }

  TEST_CASE("a write to a full device fails with the reason and leaves the device alone") {
    if (!std::filesystem::is_character_file("/dev/full")) return;  // not on this system
    CHECK_THROWS_WITH_AS(WriteJsonFile(Sample(), "/dev/full"), "cannot write /dev/full: No space left on device",
                         TraceIoError);
    CHECK(std::filesystem::is_character_file("/dev/full"));
    CHECK_FALSE(std::filesystem::exists("/dev/full.tmp"));
  }

  TEST_CASE("reading stops at a NUL byte so that an endless device ends with a message") {
    TempDir dir;
    const std::string text = ToJson(Sample());
    WriteText(dir / "nul.json", text + std::string("\0", 1) + "{\"format\": \"foo\"}");
    const std::size_t lines = std::size_t(std::count(text.begin(), text.end(), '\n'));
    CHECK_THROWS_WITH_AS(ReadJsonFile(dir / "nul.json"),
                         ("line " + std::to_string(lines + 1) + " column 1: unexpected NUL byte").c_str(),
                         TraceFormatError);
    if (std::filesystem::is_character_file("/dev/zero")) {
      CHECK_THROWS_WITH_AS(ReadJsonFile("/dev/zero"), "line 1 column 1: unexpected NUL byte", TraceFormatError);
    }
  }

  TEST_CASE("a trace is read from stdin for the path -") {
    TempDir dir;
    WriteText(dir / "in.json", ToJson(Sample()));
    REQUIRE(std::freopen((dir / "in.json").c_str(), "rb", stdin) != nullptr);
    CHECK(ReadJsonFile("-") == Sample());
  }
}

// The generated parts of docs/trace-format.md and docs/trace.schema.json.
// Run with SYNCLAB_REGENERATE=1 to rewrite them after changing events.def:
//   SYNCLAB_REGENERATE=1 build/tests/instrument/instrument_tests -ts=instrument.json.docs
namespace {

using ojson = nlohmann::ordered_json;

bool Regenerate() {
  const char* v = std::getenv("SYNCLAB_REGENERATE");
  return v != nullptr && std::string_view(v) == "1";
}

const std::string kDoc = SYNCLAB_SOURCE_DIR "/docs/trace-format.md";
const std::string kSchema = SYNCLAB_SOURCE_DIR "/docs/trace.schema.json";
const std::string kBegin = "<!-- BEGIN GENERATED EVENT TABLE";
const std::string kEnd = "<!-- END GENERATED EVENT TABLE -->";

std::string EventTable() {
  std::string s = "| event | object | fields |\n|---|---|---|\n";
  for (const trace::EventInfo& e : trace::kEventInfo) {
    // Appended piece by piece: GCC 12 warns (-Wrestrict) on long operator+ chains.
    s.append("| `").append(e.name).append("` | ").append(trace::Name(e.object)).append(" | ");
    for (std::size_t i = 0; i < e.field_count; i++) {
      if (i > 0) s += ", ";
      s.append("`").append(e.fields[i].name).append("` ");
      s.append(trace::kFieldTypeNames[std::size_t(e.fields[i].type)]);
    }
    s += e.field_count == 0 ? "none |\n" : " |\n";
  }
  return s;
}

template <std::size_t N>
ojson Enum(const std::string_view (&names)[N]) {
  ojson list = ojson::array();
  for (std::string_view n : names) list.push_back(std::string(n));
  return {{"enum", list}};
}

// The $defs the catalogue decides; the rest of the schema is written by hand.
ojson GeneratedDefs() {
  ojson names = ojson::array();
  ojson fields = ojson::array();
  for (const trace::EventInfo& e : trace::kEventInfo) {
    names.push_back(std::string(e.name));
    ojson props = ojson::object();
    ojson required = ojson::array();
    for (std::size_t i = 0; i < e.field_count; i++) {
      const std::string name(e.fields[i].name);
      props[name] = {{"$ref", "#/$defs/" + std::string(trace::kFieldTypeNames[std::size_t(e.fields[i].type)])}};
      required.push_back(name);
    }
    fields.push_back({{"if", {{"properties", {{"ev", {{"const", std::string(e.name)}}}}}}},
                      {"then", {{"properties", props}, {"required", required}}}});
  }
  return {{"eventName", {{"enum", names}}},
          {"eventFields", {{"allOf", fields}}},
          {"objectKind", Enum(trace::kObjectKindNames)},
          {"waitReason", Enum(trace::kWaitReasonNames)},
          {"status", Enum(rt::kStatusNames)}};
}

}  // namespace

TEST_SUITE("instrument.json.docs") {
  TEST_CASE("docs/trace-format.md lists every event of the catalogue") {
    std::string doc = ReadText(kDoc);
    const std::size_t begin = doc.find(kBegin), end = doc.find(kEnd);
    REQUIRE_MESSAGE((begin != std::string::npos && end != std::string::npos && begin < end),
                    kDoc << " has lost its markers " << kBegin << " ... " << kEnd);
    const std::size_t start = doc.find('\n', begin) + 1;
    const std::string want = EventTable();
    if (doc.compare(start, end - start, want) == 0) return;
    if (Regenerate()) {
      WriteText(kDoc, doc.replace(start, end - start, want));
      MESSAGE("rewrote the event table in " << kDoc);
      return;
    }
    FAIL_CHECK(kDoc << "'s event table does not match events.def; rerun this test with SYNCLAB_REGENERATE=1");
  }

  TEST_CASE("the example in docs/trace-format.md is a trace in the written layout") {
    const std::string doc = ReadText(kDoc);
    const std::size_t begin = doc.find("```json\n"), end = doc.find("```\n", begin + 8);
    REQUIRE((begin != std::string::npos && end != std::string::npos));
    const std::string example = doc.substr(begin + 8, end - begin - 8);
    CHECK(ToJson(ReadJson(example)) == example);
  }

  TEST_CASE("docs/trace.schema.json matches the catalogue") {
    const std::string text = ReadText(kSchema);
    ojson schema = ojson::parse(text, nullptr, /*allow_exceptions=*/false);
    REQUIRE_MESSAGE(schema.is_object(), kSchema << " is not JSON");
    REQUIRE(schema.contains("$defs"));
    for (std::string_view type : trace::kFieldTypeNames)
      CHECK_MESSAGE(schema["$defs"].contains(std::string(type)), "no $defs entry for field type " << type);
    const ojson generated = GeneratedDefs();
    for (const auto& item : generated.items()) schema["$defs"][item.key()] = item.value();
    const std::string want = schema.dump(2) + "\n";
    if (text == want) return;
    if (Regenerate()) {
      WriteText(kSchema, want);
      MESSAGE("rewrote " << kSchema);
      return;
    }
    FAIL_CHECK(kSchema << " does not match events.def (or is not in dump(2) layout); rerun this test with "
                          "SYNCLAB_REGENERATE=1");
  }
}

// Not a check, a measurement: run it with
//   build/tests/instrument/instrument_tests -tc="a million events*" --no-skip
TEST_SUITE("instrument.json.bench") {
  TEST_CASE("a million events are written and read" * doctest::skip()) {
    using Clock = std::chrono::steady_clock;
    auto ms = [](Clock::duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
    Trace t;
    t.meta = {"bench", "sim", 1, "random", 4};
    t.sites = {{"bench.cpp", 1, 1, "main"}};
    for (Id g = 1; g <= 8; g++) t.goroutines.push_back({g, Id(g == 1 ? 0 : 1), "worker", 1});
    for (Id o = 1; o <= 8; o += 2) {
      t.objects.push_back({o, ObjectKind::kMutex, "mu", 0, 1});
      t.objects.push_back({o + 1, ObjectKind::kSema, "mu.sema", o, 1});
    }
    std::mt19937 rng(1);
    const std::size_t n = 1'000'000;
    for (std::size_t i = 0; i < n; i++) {
      const Id g = 1 + rng() % 8, mu = 1 + 2 * (rng() % 4);
      const std::int64_t t_ns = std::int64_t(i) * 137;
      switch (i % 4) {
        case 0: t.events.push_back(Ev(t_ns, g, mu, EventKind::kMutexLockFast, 1, {1, 0})); break;
        case 1: t.events.push_back(Ev(t_ns, g, mu, EventKind::kMutexPark, 1, {std::int64_t(rng() % 64), 1, 0})); break;
        case 2: t.events.push_back(Ev(t_ns, g, mu + 1, EventKind::kGoPark, 1, {2})); break;
        case 3: t.events.push_back(Ev(t_ns, g, mu, EventKind::kMutexWake, 1, {5, 0, 123456, 1})); break;
      }
      t.schedule.push_back(g);
    }
    t = Numbered(t);
    REQUIRE(Validate(t) == "");

    auto t0 = Clock::now();
    const std::string text = ToJson(t);
    auto t1 = Clock::now();
    const Trace back = ReadJson(text);
    auto t2 = Clock::now();
    CHECK(back == t);
    TempDir dir;
    auto t3 = Clock::now();
    WriteJsonFile(t, dir / "big.json");
    auto t4 = Clock::now();
    const Trace from_file = ReadJsonFile(dir / "big.json");
    auto t5 = Clock::now();
    CHECK(from_file == t);
    std::ostringstream report;
    report << n << " events, " << text.size() / 1000000 << " MB: ToJson " << ms(t1 - t0) << " ms, ReadJson "
           << ms(t2 - t1) << " ms, WriteJsonFile " << ms(t4 - t3) << " ms, ReadJsonFile " << ms(t5 - t4) << " ms";
    MESSAGE(report.str());
  }
}
