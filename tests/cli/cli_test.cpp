// Tests of the synclab command line: exit codes, outputs, replay, errors.
// Each test runs the real binary in a temporary directory.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>

namespace fs = std::filesystem;

namespace {

struct Result {
  int code = -1;  // exit status; -1 if killed by a signal
  std::string out, err;
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Sandbox {
 public:
  Sandbox() {
    dir_ = fs::temp_directory_path() / ("synclab-cli-" + std::to_string(::getpid()) + "-" +
                                         std::to_string(counter_++));
    fs::create_directories(dir_);
  }
  ~Sandbox() { fs::remove_all(dir_); }

  // Runs `synclab <args>` with optional stdin text, in the sandbox; its
  // standard output goes to a file read back, or to stdout_to.
  Result Run(const std::string& args, const std::string& input = "",
             const std::string& stdout_to = "") const {
    fs::path in = dir_ / "stdin", out = dir_ / "stdout", err = dir_ / "stderr";
    std::ofstream(in) << input;
    std::ofstream{out};  // empty, whatever an earlier run left
    std::string cmd = "cd '" + dir_.string() + "' && '" SYNCLAB_CLI "' " + args + " <'" +
                      in.string() + "' >'" + (stdout_to.empty() ? out.string() : stdout_to) +
                      "' 2>'" + err.string() + "'";
    int status = std::system(cmd.c_str());
    Result r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(out);
    r.err = Slurp(err);
    return r;
  }
  fs::path Path(const std::string& name) const { return dir_ / name; }
  std::string Read(const std::string& name) const { return Slurp(dir_ / name); }
  void Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

}  // namespace

TEST_SUITE("cli") {
  TEST_CASE("list names every scenario with a description") {
    Sandbox box;
    Result r = box.Run("list");
    CHECK(r.code == 0);
    for (const char* name : {"mutex/counter", "mutex/starvation", "mutex/trylock",
                             "mutex/unlock-unlocked", "mutex/not-reentrant",
                             "mutex/abba-deadlock", "mutex/forgotten-unlock", "counter/lost-update",
                             "waitgroup/negative-counter"}) {
      CHECK(r.out.find(name) != std::string::npos);
    }
  }

  TEST_CASE("run exits 0 for an ok outcome and writes a trace that validates") {
    Sandbox box;
    Result r = box.Run("run mutex/starvation -o t.json");
    CHECK(r.code == 0);
    CHECK(box.Read("t.json").find("\"format\": \"synclab-trace\"") != std::string::npos);
    Result v = box.Run("validate t.json");
    CHECK(v.code == 0);
    CHECK(v.out.find("valid") != std::string::npos);
  }

  TEST_CASE("run exits 3 for deadlock and fatal and assert and panic and leak and still writes the trace") {
    Sandbox box;
    for (const char* name : {"mutex/not-reentrant", "mutex/unlock-unlocked", "counter/lost-update",
                             "waitgroup/negative-counter", "mutex/forgotten-unlock"}) {
      CAPTURE(name);
      Result r = box.Run(std::string("run ") + name + " -o out.json");
      CHECK(r.code == 3);
      CHECK(r.err.find("outcome:") != std::string::npos);
      CHECK(box.Read("out.json").find("\"outcome\"") != std::string::npos);
    }
    Result r = box.Run("run mutex/not-reentrant -o out.json");
    CHECK(r.err.find("fatal error: all goroutines are asleep - deadlock!") != std::string::npos);
    CHECK(box.Run("run waitgroup/negative-counter").err.find("outcome: panic\n  panic: sync: negative WaitGroup counter") !=
          std::string::npos);
    CHECK(box.Run("run mutex/forgotten-unlock").err.find("outcome: leak\n") != std::string::npos);
    // The same run replayed from its trace ends the same way.
    REQUIRE(box.Run("run waitgroup/negative-counter -o panic.json").code == 3);
    CHECK(box.Run("run --replay panic.json -o again.json").code == 3);
    CHECK(box.Read("again.json") == box.Read("panic.json"));
  }

  TEST_CASE("run without -o prints the trace as JSON or as a terminal replay") {
    Sandbox box;
    Result json = box.Run("run mutex/trylock");
    CHECK(json.code == 0);
    CHECK(json.out.rfind("{", 0) == 0);
    Result text = box.Run("run mutex/starvation --format text");
    CHECK(text.code == 0);
    CHECK(text.out.find("mutex/starvation: sim, seed 1, random, procs 2") != std::string::npos);
    CHECK(text.out.find("mutex.starving.enter") != std::string::npos);
    CHECK(text.out.find("locked=1 woken=0 starving=1") != std::string::npos);
  }

  TEST_CASE("usage errors exit 2 with a message") {
    Sandbox box;
    for (const char* args : {"run no/such-scenario", "run mutex/counter --strategy bogus",
                             "run mutex/counter --procs 0", "run mutex/counter --runtime jvm",
                             "frobnicate", "", "run mutex/counter --runtime native --seed 3",
                             "run mutex/counter --runtime native --gc-every 1", "run --replay x.json --gc-every 1",
                             "run mutex/counter --replay x.json"}) {
      CAPTURE(args);
      Result r = box.Run(args);
      CHECK(r.code == 2);
      CHECK_FALSE(r.err.empty());
    }
    CHECK(box.Run("run no/such-scenario").err.find("unknown scenario \"no/such-scenario\"") !=
          std::string::npos);
  }

  TEST_CASE("numbers on the command line are decimal and within their range or exit 2") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o t.json").code == 0);
    const std::string seeds = " is not a decimal number from 0 to 18446744073709551615\n";
    for (const auto& [args, message] : {
             std::pair{"run mutex/trylock --seed -1", "--seed: \"-1\"" + seeds},
             std::pair{"run mutex/trylock --seed ''", "--seed: \"\"" + seeds},
             std::pair{"run mutex/trylock --seed 0x10", "--seed: \"0x10\"" + seeds},
             std::pair{"run mutex/trylock --seed ' 7'", "--seed: \" 7\"" + seeds},
             std::pair{"run mutex/trylock --seed 18446744073709551616",
                       std::string("--seed: 18446744073709551616 is out of range 0-18446744073709551615\n")},
             std::pair{"run mutex/trylock --procs 0", std::string("--procs: 0 is out of range 1-256\n")},
             std::pair{"run mutex/trylock --procs 257", std::string("--procs: 257 is out of range 1-256\n")},
             std::pair{"run mutex/trylock --procs 0x10", std::string("--procs: \"0x10\" is not a decimal number from 1 to 256\n")},
             std::pair{"run mutex/trylock --gc-every 1000001",
                       std::string("--gc-every: 1000001 is out of range 0-1000000\n")},
             std::pair{"run mutex/trylock --gc-every 1.5",
                       std::string("--gc-every: \"1.5\" is not a decimal number from 0 to 1000000\n")},
             std::pair{"run mutex/trylock --gc-every -1",
                       std::string("--gc-every: \"-1\" is not a decimal number from 0 to 1000000\n")},
             std::pair{"replay t.json --to -1", "--to: \"-1\"" + seeds},
             std::pair{"replay t.json --from 99999999999999999999",
                       std::string("--from: 99999999999999999999 is out of range 0-18446744073709551615\n")},
             std::pair{"replay t.json --from 5 --to 3", std::string("replay: --to 3 is before --from 5\n")},
             std::pair{"replay missing.json --from 5 --to 3", std::string("replay: --to 3 is before --from 5\n")},
         }) {
      CAPTURE(args);
      Result r = box.Run(args);
      CHECK(r.code == 2);
      CHECK(r.err.rfind("synclab: " + message, 0) == 0);
      CHECK(r.out.empty());
    }
    // What is in range is taken as it is.
    REQUIRE(box.Run("run mutex/trylock --seed 18446744073709551615 -o max.json").code == 0);
    CHECK(box.Read("max.json").find("\"seed\":18446744073709551615,") != std::string::npos);
    REQUIRE(box.Run("run mutex/trylock --seed 010 -o ten.json --procs 004").code == 0);
    CHECK(box.Read("ten.json").find("\"seed\":10,\"strategy\":\"random\",\"procs\":4}") != std::string::npos);
  }

  TEST_CASE("an empty file name is an error and not the default") {
    Sandbox box;
    Result both = box.Run("run mutex/trylock --replay ''");
    CHECK(both.code == 2);
    CHECK(both.err == "synclab: give a scenario NAME or --replay FILE, not both\n");
    Result replay = box.Run("run --replay ''");
    CHECK(replay.code == 1);
    CHECK(replay.err == "synclab: cannot open : No such file or directory\n");
    Result out = box.Run("run mutex/trylock -o ''");
    CHECK(out.code == 2);
    CHECK(out.err == "synclab: -o: give a file name, or - for stdout\n");
    CHECK(out.out.empty());
  }

  TEST_CASE("an unknown command or option exits 2 and says what there is") {
    Sandbox box;
    for (const auto& [args, message] : {
             std::pair{"frobnicate",
                       "synclab: unknown command \"frobnicate\" "
                       "(commands: list, run, replay, validate, explore, export)\n"
                       "(run `synclab --help` for usage)\n"},
             std::pair{"--bogus", "synclab: unknown option \"--bogus\"\n(run `synclab --help` for usage)\n"},
             std::pair{"", "synclab: give a command: list, run, replay, validate, explore, export\n"
                           "(run `synclab --help` for usage)\n"},
             std::pair{"run mutex/trylock --bogus",
                       "synclab: The following argument was not expected: --bogus\n"
                       "(run `synclab run --help` for usage)\n"},
             std::pair{"list extra",
                       "synclab: The following argument was not expected: extra\n"
                       "(run `synclab list --help` for usage)\n"},
         }) {
      CAPTURE(args);
      Result r = box.Run(args);
      CHECK(r.code == 2);
      CHECK(r.err == message);
    }
  }

  TEST_CASE("I/O errors exit 1 with the path in the message") {
    Sandbox box;
    Result r = box.Run("run mutex/trylock -o no/such/dir/t.json");
    CHECK(r.code == 1);
    CHECK(r.err.find("no/such/dir/t.json") != std::string::npos);
    Result v = box.Run("validate missing.json");
    CHECK(v.code == 1);
    CHECK(v.err.find("missing.json") != std::string::npos);
  }

  TEST_CASE("output to a device is written in place and a failed write exits 1 with the reason") {
    Sandbox box;
    if (!fs::is_character_file("/dev/full") || !fs::is_character_file("/dev/null")) return;
    for (const char* format : {"json", "text", "chrome"}) {
      CAPTURE(format);
      Result full = box.Run(std::string("run mutex/trylock --format ") + format + " -o /dev/full");
      CHECK(full.code == 1);
      CHECK(full.err == "synclab: cannot write /dev/full: No space left on device\n");
      CHECK(fs::is_character_file("/dev/full"));
      Result null = box.Run(std::string("run mutex/trylock --format ") + format + " -o /dev/null");
      CHECK(null.code == 0);
      CHECK(fs::is_character_file("/dev/null"));
    }
  }

  TEST_CASE("every command exits 1 with a message when stdout cannot be written") {
    Sandbox box;
    if (!fs::is_character_file("/dev/full")) return;
    REQUIRE(box.Run("run mutex/trylock -o t.json").code == 0);
    for (const char* args : {"list", "validate t.json", "replay t.json", "replay t.json -i",
                             "run mutex/trylock", "run mutex/trylock --format text",
                             "run mutex/trylock --format chrome", "export t.json"}) {
      CAPTURE(args);
      Result r = box.Run(args, "\n\n\n", "/dev/full");
      CHECK(r.code == 1);
      CHECK(r.err.find("synclab: cannot write ") != std::string::npos);
      CHECK(r.err.find(" stdout\n") != std::string::npos);
    }
  }

  TEST_CASE("validate of an endless device ends with a message") {
    Sandbox box;
    if (!fs::is_character_file("/dev/zero")) return;
    Result r = box.Run("validate /dev/zero");
    CHECK(r.code == 1);
    CHECK(r.err == "synclab: /dev/zero: line 1 column 1: unexpected NUL byte\n");
  }

  TEST_CASE("the same seed gives the same bytes and another seed another trace") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/counter --seed 4 -o a.json").code == 0);
    REQUIRE(box.Run("run mutex/counter --seed 4 -o b.json").code == 0);
    REQUIRE(box.Run("run mutex/counter --seed 5 -o c.json").code == 0);
    CHECK(box.Read("a.json") == box.Read("b.json"));
    CHECK(box.Read("a.json") != box.Read("c.json"));
  }

  TEST_CASE("run --gc-every collects every MS ms of virtual time and the trace says so") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/starvation --gc-every 1 -o gc.json").code == 0);
    const std::string json = box.Read("gc.json");
    CHECK(json.find("\"procs\":2,\"gc_every_ns\":1000000}") != std::string::npos);
    std::size_t gcs = 0;
    for (std::size_t at = json.find("\"go.gc\""); at != std::string::npos; at = json.find("\"go.gc\"", at + 1)) gcs++;
    CHECK(gcs >= 3);  // the run lasts over 3 ms
    REQUIRE(box.Run("run mutex/starvation --gc-every 0 -o none.json").code == 0);
    CHECK(box.Read("none.json").find("go.gc") == std::string::npos);
  }

  TEST_CASE("run --replay re-executes the recorded schedule and gives the same trace") {
    Sandbox box;
    for (const char* args : {"mutex/abba-deadlock --seed 9", "counter/lost-update --seed 2 --procs 4",
                             "mutex/starvation --strategy rr", "pool/steal --seed 4 --gc-every 1"}) {
      CAPTURE(args);
      int code = box.Run(std::string("run ") + args + " -o rec.json").code;
      Result r = box.Run("run --replay rec.json -o again.json");
      CHECK(r.code == code);
      CHECK(box.Read("again.json") == box.Read("rec.json"));
    }
  }

  TEST_CASE("run --replay of a trace whose schedule does not fit fails with a message") {
    Sandbox box;
    REQUIRE(box.Run("run counter/lost-update -o rec.json").code == 3);
    std::string json = box.Read("rec.json");
    std::size_t at = json.find("\"schedule\": [");
    REQUIRE(at != std::string::npos);
    // Point the first decision at a goroutine that cannot run then.
    json.replace(at, std::string("\"schedule\": [").size(), "\"schedule\": [1, 1, 1, 1, ");
    box.Write("bad.json", json);
    Result r = box.Run("run --replay bad.json");
    CHECK(r.code == 1);
    CHECK(r.err.find("bad.json") != std::string::npos);
    CHECK((r.err.find("replay") != std::string::npos));
  }

  TEST_CASE("run --replay of a trace whose meta is out of bounds fails with the field and value") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o rec.json").code == 0);
    const std::string json = box.Read("rec.json");
    for (const auto& [from, to, message] :
         {std::tuple{"\"procs\":2", "\"procs\":2147483647", "meta.procs: 2147483647 is out of range 1-256"},
          std::tuple{"\"procs\":2", "\"procs\":100000", "meta.procs: 100000 is out of range 1-256"},
          std::tuple{"\"runtime\":\"sim\"", "\"runtime\":\"jvm\"", "meta.runtime: unknown runtime \"jvm\""},
          std::tuple{"\"strategy\":\"random\"", "\"strategy\":\"lifo\"", "meta.strategy: unknown strategy \"lifo\""}}) {
      CAPTURE(to);
      std::string bad = json;
      bad.replace(bad.find(from), std::string(from).size(), to);
      box.Write("bad.json", bad);
      Result r = box.Run("run --replay bad.json -o out.json");
      CHECK(r.code == 1);
      CHECK(r.err.find(std::string("synclab: bad.json: ") + message) != std::string::npos);
      CHECK_FALSE(fs::exists(box.Path("out.json")));
    }
  }

  TEST_CASE("run --replay that differs from the recording says where") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o rec.json").code == 0);
    const std::string json = box.Read("rec.json");
    auto differs = [&](const std::string& from, const std::string& to) {
      std::string bad = json;
      const std::size_t at = bad.rfind(from);  // the last: the last event, the last site
      REQUIRE(at != std::string::npos);
      box.Write("bad.json", bad.replace(at, from.size(), to));
      Result r = box.Run("run --replay bad.json -o out.json");
      CHECK(r.code == 1);
      CHECK_FALSE(fs::exists(box.Path("out.json")));
      return r.err;
    };
    // The last event a little later: still a valid trace, but not what the run does.
    const std::size_t last = json.rfind("{\"seq\":");
    const std::string seq = json.substr(last + 7, json.find(',', last) - last - 7);
    const std::size_t t = json.find("\"t\":", last);
    const std::string time = json.substr(t, json.find(',', t) - t);
    CHECK(differs(time, time + "0") ==
          "synclab: bad.json: the replay differs from the recording at events[" + seq +
              "] (was the scenario changed since?)\n");
    CHECK(differs("\"line\":", "\"line\":1").find("differs from the recording at sites[") != std::string::npos);
    CHECK(differs("\"message\":\"\"", "\"message\":\"x\"").find("differs from the recording at outcome.message") !=
          std::string::npos);
  }

  TEST_CASE("an unknown scenario is named in a message of bounded size") {
    Sandbox box;
    const std::string name(100000, 'x');
    Result r = box.Run("run " + name);
    CHECK(r.code == 2);
    CHECK(r.err.size() < 200);
    CHECK(r.err.find("unknown scenario \"" + name.substr(0, 40) + "\"...") != std::string::npos);
    REQUIRE(box.Run("run mutex/trylock -o rec.json").code == 0);
    std::string json = box.Read("rec.json");
    json.replace(json.find("mutex/trylock"), 13, name);
    box.Write("bad.json", json);
    Result p = box.Run("run --replay bad.json");
    CHECK(p.code == 1);
    CHECK(p.err.size() < 200);
    CHECK(p.err.find("bad.json: unknown scenario \"" + name.substr(0, 40) + "\"...") != std::string::npos);
  }

  TEST_CASE("a native trace cannot be replayed") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock --runtime native -o n.json").code == 0);
    Result r = box.Run("run --replay n.json");
    CHECK(r.code == 1);
    CHECK(r.err.find("only sim traces") != std::string::npos);
  }

  TEST_CASE("replay prints the chosen range as one line per event with decoded state") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/starvation -o t.json").code == 0);
    Result r = box.Run("replay t.json --from 3 --to 5");
    CHECK(r.code == 0);
    CHECK(r.out.find("\n     3 ") != std::string::npos);
    CHECK(r.out.find("\n     5 ") != std::string::npos);
    CHECK(r.out.find("\n     2 ") == std::string::npos);
    CHECK(r.out.find("\n     6 ") == std::string::npos);
    CHECK(r.out.find("outcome: ok") != std::string::npos);
    Result all = box.Run("replay t.json");
    CHECK(all.out.find("mutex.starving.enter") != std::string::npos);
  }

  TEST_CASE("replay --interactive shows one event per Enter and stops at q") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/starvation -o t.json").code == 0);
    Result r = box.Run("replay t.json --interactive", "\n\nq\n");
    CHECK(r.code == 0);
    CHECK(r.out.find("     0 ") != std::string::npos);
    CHECK(r.out.find("     2 ") != std::string::npos);
    CHECK(r.out.find("     3 ") == std::string::npos);
  }

  TEST_CASE("validate and replay reject a malformed trace with its place and exit 1") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o t.json").code == 0);
    std::string json = box.Read("t.json");
    box.Write("truncated.json", json.substr(0, json.size() / 2));
    Result v = box.Run("validate truncated.json");
    CHECK(v.code == 1);
    CHECK(v.err.find("line ") != std::string::npos);
    CHECK(v.err.find("column ") != std::string::npos);
    Result p = box.Run("replay truncated.json");
    CHECK(p.code == 1);

    std::string wrong = json;
    wrong.replace(wrong.find("\"version\": 2"), 12, "\"version\": 7");
    box.Write("v7.json", wrong);
    CHECK(box.Run("validate v7.json").err.find("version") != std::string::npos);

    box.Write("garbage.json", std::string("\x00\xff{[", 4));
    CHECK(box.Run("validate garbage.json").code == 1);
  }

  TEST_CASE("validate and replay reject an event with g 0 that needs a goroutine") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/starvation -o t.json").code == 0);
    const std::string json = box.Read("t.json");
    for (const char* ev : {"go.start", "go.run", "go.yield", "go.preempt", "go.end", "go.park",
                           "mutex.lock.slow.spin"}) {
      CAPTURE(ev);
      // The first such event, made by the runtime instead of its goroutine.
      // (The run has no go.preempt: a go.yield, which has no fields either, becomes one.)
      std::string bad = json;
      const std::string name = std::string("\"ev\":\"") + ev + "\"";
      if (std::string_view(ev) == "go.preempt") bad.replace(bad.find("\"ev\":\"go.yield\""), 15, name);
      const std::size_t at = bad.find(name);
      REQUIRE(at != std::string::npos);
      const std::size_t g = bad.rfind("\"g\":", at);
      bad.replace(g, bad.find(',', g) - g, "\"g\":0");
      box.Write("bad.json", bad);
      for (const char* cmd : {"validate", "replay"}) {
        CAPTURE(cmd);
        Result r = box.Run(std::string(cmd) + " bad.json");
        CHECK(r.code == 1);
        CHECK(r.err.find("bad.json: events[") != std::string::npos);
        CHECK(r.err.find("].g: 0 (the runtime) cannot make a " + std::string(ev)) != std::string::npos);
      }
    }
  }

  TEST_CASE("replay of a trace whose events contradict each other names the file and prints nothing") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o t.json").code == 0);
    std::string json = box.Read("t.json");
    // Late in the trace, so a replay would have printed much before it.
    std::size_t at = json.rfind("\"ev\":\"mutex.unlock.fast\"");
    REQUIRE(at != std::string::npos);
    json.replace(at, std::string("\"ev\":\"mutex.unlock.fast\"").size(), "\"ev\":\"mutex.lock.fast\"");
    box.Write("bad.json", json);
    for (const char* args : {"replay bad.json", "replay bad.json --to 2", "replay bad.json -i"}) {
      CAPTURE(args);
      Result r = box.Run(args, "\n");
      CHECK(r.code == 1);
      CHECK(r.err.rfind("synclab: bad.json: events[", 0) == 0);
      CHECK(r.err.find("held by") != std::string::npos);
      CHECK(r.out.empty());
    }
  }

  TEST_CASE("validate rejects a trace whose events contradict each other") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o t.json").code == 0);
    std::string json = box.Read("t.json");
    // Turn the first unlock into a second lock: "locks mu held by G.."
    std::size_t at = json.find("\"ev\":\"mutex.unlock.fast\"");
    REQUIRE(at != std::string::npos);
    json.replace(at, std::string("\"ev\":\"mutex.unlock.fast\"").size(), "\"ev\":\"mutex.lock.fast\"");
    box.Write("bad.json", json);
    Result v = box.Run("validate bad.json");
    CHECK(v.code == 1);
    CHECK(v.err.find("held by") != std::string::npos);
  }

  TEST_CASE("explore exits 3 and writes a counterexample trace that replays to the same failure") {
    Sandbox box;
    Result r = box.Run("explore mutex/abba-deadlock -o abba.json");
    CHECK(r.code == 3);
    CHECK(r.out.find("explore mutex/abba-deadlock: dfs, preemption bound 2") != std::string::npos);
    CHECK(r.out.find("exhausted: no, stopped at the first failure") != std::string::npos);
    CHECK(r.out.find("failure 1: outcome: deadlock") != std::string::npos);
    CHECK(r.out.find("trace: abba.json") != std::string::npos);
    CHECK(box.Run("validate abba.json").code == 0);
    Result replay = box.Run("run --replay abba.json -o again.json");
    CHECK(replay.code == 3);
    CHECK(box.Read("again.json") == box.Read("abba.json"));
  }

  TEST_CASE("explore of a proof exits 0 and says the space was exhausted") {
    Sandbox box;
    Result r = box.Run("explore proof/once --strategy dfs --preemption-bound 2");
    CHECK(r.code == 0);
    CHECK(r.out.find("exhausted: yes") != std::string::npos);
    CHECK(r.out.find("outcomes: ok ") != std::string::npos);
    CHECK(r.out.find("failure") == std::string::npos);
    CHECK_FALSE(fs::exists(box.Path("proof_once.counterexample.json")));
  }

  TEST_CASE("explore without -o names the counterexample after the scenario and --all numbers the rest") {
    Sandbox box;
    Result r = box.Run("explore counter/lost-update --max-schedules 50");
    CHECK(r.code == 3);
    CHECK(fs::exists(box.Path("counter_lost-update.counterexample.json")));
    Result all = box.Run("explore classic/dining-philosophers --all --max-schedules 200 -o d.json");
    CHECK(all.code == 3);
    CHECK(fs::exists(box.Path("d.json")));
    if (all.out.find("failure 2:") != std::string::npos) CHECK(fs::exists(box.Path("d.2.json")));
  }

  TEST_CASE("explore usage errors exit 2 with a message") {
    Sandbox box;
    const std::tuple<std::string, std::string> cases[] = {
        {"explore", "give a scenario NAME"},
        {"explore nosuch/thing", "unknown scenario"},
        {"explore proof/mutex --strategy bfs", "bfs"},
        {"explore proof/mutex --strategy random --preemption-bound 1", "--preemption-bound applies to --strategy dfs only"},
        {"explore proof/mutex --depth 2", "--depth applies to --strategy pct only"},
        {"explore proof/mutex --preemption-bound -1", "not a decimal number"},
        {"explore proof/mutex --max-schedules 0", "out of range"},
        {"explore proof/mutex -o ''", "-o: give a file name"},
    };
    for (const auto& [args, message] : cases) {
      CAPTURE(args);
      Result r = box.Run(args);
      CHECK(r.code == 2);
      CHECK(r.err.find(message) != std::string::npos);
    }
  }

  TEST_CASE("explore --jobs runs the parts at once and finds what one job finds") {
    Sandbox box;
    Result one = box.Run("explore proof/waitgroup");
    Result two = box.Run("explore proof/waitgroup --jobs 2");
    CHECK(one.code == 0);
    CHECK(two.code == 0);
    auto line = [](const std::string& out, const std::string& head) {
      const std::size_t at = out.find(head);
      return at == std::string::npos ? std::string() : out.substr(at, out.find('\n', at) - at);
    };
    CHECK_FALSE(line(one.out, "schedules: ").empty());
    CHECK(line(one.out, "schedules: ") == line(two.out, "schedules: "));
    CHECK(line(two.out, "exhausted: ") == "exhausted: yes, every schedule within the bound was run");
    Result bug = box.Run("explore mutex/abba-deadlock --jobs 2 -o abba.json");
    CHECK(bug.code == 3);
    CHECK(box.Run("validate abba.json").code == 0);
  }

  TEST_CASE("explore --shard parts written with --report merge into the whole search") {
    Sandbox box;
    for (int k = 1; k <= 3; k++) {
      Result r = box.Run("explore proof/once --shard " + std::to_string(k) + "/3 --report p" + std::to_string(k) + ".json");
      CHECK(r.code == 0);
      CHECK(r.out.find("part " + std::to_string(k) + "/3") != std::string::npos);
    }
    Result merged = box.Run("explore --merge p1.json p2.json p3.json");
    Result whole = box.Run("explore proof/once");
    CHECK(merged.code == 0);
    CHECK(merged.out.find("exhausted: yes") != std::string::npos);
    const std::size_t a = merged.out.find("schedules: "), b = whole.out.find("schedules: ");
    REQUIRE(a != std::string::npos);
    REQUIRE(b != std::string::npos);
    CHECK(merged.out.substr(a, merged.out.find('\n', a) - a) == whole.out.substr(b, whole.out.find('\n', b) - b));
    Result partial = box.Run("explore --merge p1.json p3.json");
    CHECK(partial.code == 0);
    CHECK(partial.err.find("1 of 3 parts are missing") != std::string::npos);
    CHECK(partial.out.find("exhausted: no") != std::string::npos);
    Result twice = box.Run("explore --merge p1.json p1.json");
    CHECK(twice.code == 1);
    CHECK(twice.err.find("p1.json: part 1/3 is given twice") != std::string::npos);
    REQUIRE(box.Run("explore proof/mutex --shard 1/3 --report other.json").code == 0);
    Result other = box.Run("explore --merge p1.json other.json");
    CHECK(other.code == 1);
    CHECK(other.err.find("other.json: a part of another search") != std::string::npos);
    box.Write("bad.json", "{\"format\": \"synclab-trace\"}");
    Result bad = box.Run("explore --merge bad.json");
    CHECK(bad.code == 1);
    CHECK(bad.err.find("bad.json: not a synclab explore report") != std::string::npos);
    Result usage = box.Run("explore proof/once --shard 4/3 --report x.json");
    CHECK(usage.code == 2);
    CHECK(usage.err.find("1 <= K <= N") != std::string::npos);
    CHECK(box.Run("explore --merge p1.json --seed 3").code == 2);
    CHECK(box.Run("explore proof/once --jobs 2 --shard 1/2").code == 2);
  }

  TEST_CASE("run --format chrome writes Chrome trace events to a file or to stdout") {
    Sandbox box;
    Result r = box.Run("run mutex/starvation --format chrome -o c.json");
    CHECK(r.code == 0);
    const std::string chrome = box.Read("c.json");
    CHECK(chrome.rfind("{\"traceEvents\":[\n", 0) == 0);
    CHECK(chrome.find("\"displayTimeUnit\":\"ns\"") != std::string::npos);
    CHECK(chrome.find("\"name\":\"mutex.starving.enter\"") != std::string::npos);
    CHECK(chrome.find("\"name\":\"holds mu\"") != std::string::npos);
    Result out = box.Run("run mutex/starvation --format chrome");
    CHECK(out.code == 0);
    CHECK(out.out == chrome);
    // An outcome other than ok still exits 3 and writes the file.
    CHECK(box.Run("run mutex/not-reentrant --format chrome -o d.json").code == 3);
    CHECK(box.Read("d.json").rfind("{\"traceEvents\":[", 0) == 0);
  }

  TEST_CASE("export converts a trace file to the bytes run writes in that format") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/starvation -o t.json").code == 0);
    REQUIRE(box.Run("run mutex/starvation --format chrome -o direct.json").code == 0);
    Result r = box.Run("export t.json --format chrome -o c.json");
    CHECK(r.code == 0);
    CHECK(r.out.empty());
    CHECK(box.Read("c.json") == box.Read("direct.json"));
    CHECK(box.Run("export t.json").out == box.Read("direct.json"));  // chrome is the default
    CHECK(box.Run("export t.json --format json").out == box.Read("t.json"));
    CHECK(box.Run("export t.json --format text").out == box.Run("replay t.json").out);
    CHECK(box.Run("export - -o s.json", box.Read("t.json")).code == 0);
    CHECK(box.Read("s.json") == box.Read("direct.json"));
  }

  TEST_CASE("export of a malformed or missing trace exits 1 with the path") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o t.json").code == 0);
    const std::string json = box.Read("t.json");
    box.Write("truncated.json", json.substr(0, json.size() / 2));
    Result r = box.Run("export truncated.json -o c.json");
    CHECK(r.code == 1);
    CHECK(r.err.rfind("synclab: truncated.json: line ", 0) == 0);
    CHECK_FALSE(fs::exists(box.Path("c.json")));
    Result missing = box.Run("export missing.json");
    CHECK(missing.code == 1);
    CHECK(missing.err == "synclab: cannot open missing.json: No such file or directory\n");
    CHECK(missing.out.empty());
  }

  TEST_CASE("export and run reject a bad --format or output with exit 2") {
    Sandbox box;
    REQUIRE(box.Run("run mutex/trylock -o t.json").code == 0);
    for (const char* args : {"export t.json --format svg", "run mutex/trylock --format svg", "export",
                             "export t.json -o ''"}) {
      CAPTURE(args);
      Result r = box.Run(args);
      CHECK(r.code == 2);
      CHECK(r.err.rfind("synclab: ", 0) == 0);
      CHECK(r.out.empty());
    }
  }

  TEST_CASE("run on a terminal prints the text replay unless --format json says otherwise") {
    Sandbox box;
    // script(1) gives the command a terminal for stdout; without it there is
    // nothing to test here.
    if (std::system("command -v script >/dev/null 2>&1") != 0) return;
    auto on_terminal = [&](const std::string& args) {
      const std::string cmd = "cd '" + box.Path("").string() + "' && script -qec \"'" SYNCLAB_CLI "' " + args +
                              "\" /dev/null </dev/null >tty.out 2>&1";
      CHECK(std::system(cmd.c_str()) == 0);
      return box.Read("tty.out");
    };
    const std::string text = on_terminal("run mutex/trylock");
    CHECK(text.find("mutex/trylock: sim, seed 1") != std::string::npos);
    CHECK(text.find("\"format\": \"synclab-trace\"") == std::string::npos);
    CHECK(on_terminal("run mutex/trylock --format json").find("\"format\": \"synclab-trace\"") != std::string::npos);
  }
}
