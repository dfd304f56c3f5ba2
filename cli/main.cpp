// synclab: the command line.
//
//   synclab list
//   synclab run NAME [--seed N] [--strategy random|rr] [--runtime sim|native]
//                    [--procs N] [--gc-every MS] [-o FILE] [--format json|text|chrome]
//   synclab run --replay FILE [-o FILE] [--format json|text|chrome]
//   synclab replay FILE [--from N] [--to N] [--interactive]
//   synclab validate FILE
//   synclab export FILE [--format chrome|json|text] [-o FILE]
//   synclab explore NAME [--strategy dfs|random|pct] [--preemption-bound K]
//                        [--depth D] [--max-schedules N] [--max-steps N]
//                        [--time-limit S] [--seed N] [--procs N] [--all]
//                        [--minimize] [--why] [-o FILE]
//                        [--shard K/N --report FILE | --jobs N]
//   synclab explore --merge FILES... [-o FILE] [--minimize] [--why]
//
// Exit status: 0 ok (explore: nothing failed within the bounds); 3 the run ended in deadlock, fatal, panic, leak, assert
// or limit (the trace is still written); 2 usage errors; 1 I/O errors and bad
// trace files.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <sys/wait.h>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <tuple>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "synclab/instrument/chrome.h"
#include "synclab/instrument/explore.h"
#include "synclab/instrument/json.h"
#include "synclab/instrument/text.h"
#include "synclab/scenarios/scenario.h"

namespace {

using namespace synclab;
using instrument::Trace;

constexpr int kExitOk = 0;
constexpr int kExitIo = 1;
constexpr int kExitUsage = 2;
constexpr int kExitOutcome = 3;

// A failure with its exit status; main prints the message.
struct Failure {
  int code;
  std::string message;
};

int Fail(int code, const std::string& message) {
  std::cerr << "synclab: " << message << '\n';
  return code;
}

Trace Load(const std::string& path) {
  try {
    return instrument::ReadJsonFile(path);
  } catch (const instrument::TraceIoError& e) {
    throw Failure{kExitIo, e.what()};
  } catch (const instrument::TraceFormatError& e) {
    throw Failure{kExitIo, path + ": " + e.what()};
  }
}

// ": No space left on device", or "" when errno says nothing.
std::string Reason(int err) { return err != 0 ? std::string(": ") + std::strerror(err) : ""; }

// What a command printed must have reached stdout: a full disk is an I/O
// error, not a success. (The stream keeps no errno to say why.)
void FlushStdout(const std::string& what = "to stdout") {
  if (!std::cout.flush()) throw Failure{kExitIo, "cannot write " + what};
}

void WriteTrace(const Trace& t, const std::string& format, const std::string& out_path) {
  const bool to_stdout = out_path.empty() || out_path == "-";
  if (format == "text" || format == "chrome") {
    auto write = [&](std::ostream& out) {
      format == "text" ? instrument::WriteText(t, out) : instrument::WriteChrome(t, out);
    };
    if (to_stdout) {
      write(std::cout);
      return FlushStdout();
    }
    // In place: a text replay or a Chrome view is for reading, not for reading back.
    errno = 0;
    std::ofstream out(out_path);
    if (out) write(out);
    if (!out.flush()) throw Failure{kExitIo, "cannot write " + out_path + Reason(errno)};
    return;
  }
  if (to_stdout) {
    instrument::WriteJson(t, std::cout);
    return FlushStdout("the trace to stdout");
  }
  try {
    instrument::WriteJsonFile(t, out_path);
  } catch (const instrument::TraceIoError& e) {
    throw Failure{kExitIo, e.what()};
  }
}

int OutcomeStatus(const Trace& t) {
  if (t.outcome.status == rt::Status::kOk) return kExitOk;
  std::cerr << instrument::FormatOutcome(t) << '\n';
  return kExitOutcome;
}

// A number option, in decimal digits only, from lo to hi. (CLI11 alone wraps
// -1 to 2^64-1, clamps what is too big, reads "" as 0 and 010 as octal.)
template <class T>
CLI::Option* AddNumber(CLI::App* cmd, const std::string& name, T& out, std::uint64_t lo,
                       std::uint64_t hi, const std::string& help) {
  auto parse = [&out, name, lo, hi](const std::string& text) {
    const bool digits = !text.empty() && std::all_of(text.begin(), text.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
    if (!digits) {
      throw CLI::ValidationError(name, instrument::QuoteShort(text) + " is not a decimal number from " +
                                           std::to_string(lo) + " to " + std::to_string(hi));
    }
    std::uint64_t v = 0;
    const auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (err != std::errc() || v < lo || v > hi) {
      const std::string shown = text.size() <= 40 ? text : text.substr(0, 40) + "...";
      throw CLI::ValidationError(name, shown + " is out of range " + std::to_string(lo) + "-" +
                                           std::to_string(hi));
    }
    out = T(v);
  };
  return cmd->add_option_function<std::string>(name, parse, help)->type_name("N");
}

struct RunArgs {
  std::string name;
  std::uint64_t seed = 1;
  std::string strategy = "random";
  std::string runtime = "sim";
  int procs = 0;
  std::int64_t gc_every_ms = 0;
  std::string out;
  std::string format;  // "": text on a terminal without -o, else json
  std::string replay;
};

int Run(const RunArgs& a, const CLI::App& cmd) {
  scenarios::RunOptions options;
  const scenarios::Scenario* scenario = nullptr;
  std::optional<Trace> recorded;
  if (cmd.count("--output") > 0 && a.out.empty()) throw Failure{kExitUsage, "-o: give a file name, or - for stdout"};
  if (cmd.count("--replay") > 0) {
    for (const char* flag : {"--seed", "--strategy", "--runtime", "--procs", "--gc-every"}) {
      if (cmd.count(flag) > 0) {
        throw Failure{kExitUsage, std::string(flag) + " cannot be combined with --replay (the trace says)"};
      }
    }
    if (!a.name.empty()) throw Failure{kExitUsage, "give a scenario NAME or --replay FILE, not both"};
    recorded = Load(a.replay);
    if (recorded->meta.runtime != "sim") {
      throw Failure{kExitIo, a.replay + ": a " + recorded->meta.runtime +
                                 " trace has no schedule to replay (only sim traces do)"};
    }
    scenario = scenarios::Find(recorded->meta.scenario);
    if (scenario == nullptr) {
      throw Failure{kExitIo, a.replay + ": unknown scenario " + instrument::QuoteShort(recorded->meta.scenario)};
    }
    // The reader held meta to the bounds of our own options.
    options.seed = recorded->meta.seed;
    options.strategy = *sim::StrategyByName(recorded->meta.strategy);
    options.procs = recorded->meta.procs;
    options.gc_every_ns = recorded->meta.gc_every_ns;
    options.replay = recorded->schedule;
  } else {
    if (a.name.empty()) throw Failure{kExitUsage, "run: give a scenario NAME (see `synclab list`) or --replay FILE"};
    scenario = scenarios::Find(a.name);
    if (scenario == nullptr) {
      throw Failure{kExitUsage, "unknown scenario " + instrument::QuoteShort(a.name) + " (see `synclab list`)"};
    }
    options.runtime = a.runtime == "native" ? scenarios::Runtime::kNative : scenarios::Runtime::kSim;
    options.seed = a.seed;
    options.strategy = *sim::StrategyByName(a.strategy);  // CLI11 checked the name
    options.procs = a.procs;
    options.gc_every_ns = a.gc_every_ms * 1'000'000;
    if (options.runtime == scenarios::Runtime::kNative &&
        (cmd.count("--seed") > 0 || cmd.count("--strategy") > 0 || cmd.count("--gc-every") > 0)) {
      throw Failure{kExitUsage, "--seed, --strategy and --gc-every apply to the sim runtime only"};
    }
  }

  Trace t;
  try {
    t = scenarios::Run(*scenario, options);
  } catch (const sim::ReplayError& e) {
    throw Failure{kExitIo, a.replay + ": " + e.what()};
  }
  if (recorded) {
    if (std::string where = instrument::FirstDifference(*recorded, t); !where.empty()) {
      throw Failure{kExitIo, a.replay + ": the replay differs from the recording at " + where +
                                 " (was the scenario changed since?)"};
    }
  }
  // A terminal gets something to read; a file or a pipe gets the trace.
  const std::string format =
      !a.format.empty() ? a.format : cmd.count("--output") == 0 && isatty(STDOUT_FILENO) ? "text" : "json";
  WriteTrace(t, format, a.out);
  return OutcomeStatus(t);
}

int Replay(const std::string& path, std::uint64_t from, std::optional<std::uint64_t> to,
           bool interactive) {
  if (to && *to < from) {
    throw Failure{kExitUsage,
                  "replay: --to " + std::to_string(*to) + " is before --from " + std::to_string(from)};
  }
  Trace t = Load(path);
  // A trace is shown right or not at all: check it all before printing any of it.
  if (std::string err = instrument::CheckConsistency(t); !err.empty()) {
    throw Failure{kExitIo, path + ": " + err};
  }
  instrument::TextRange range{from, to.value_or(std::numeric_limits<std::uint64_t>::max())};
  if (!interactive) {
    instrument::WriteText(t, std::cout, range);
    return kExitOk;
  }
  std::cout << instrument::FormatHeader(t) << "\n(Enter: next event, q Enter: quit)\n";
  instrument::State state(t);
  for (const instrument::TraceEvent& e : t.events) {
    if (e.seq > range.to) break;
    state.Apply(e);  // consistent: checked above
    if (e.seq < range.from) continue;
    std::cout << instrument::FormatEventLine(t, state, e) << std::flush;
    std::string line;
    if (!std::getline(std::cin, line) || line == "q") return kExitOk;
  }
  std::cout << instrument::FormatOutcome(t) << '\n';
  return kExitOk;
}

// A trace file in another format (chrome: for Perfetto and chrome://tracing),
// checked as replay checks it.
int Export(const std::string& path, const std::string& format, const std::string& out, const CLI::App& cmd) {
  if (cmd.count("--output") > 0 && out.empty()) throw Failure{kExitUsage, "-o: give a file name, or - for stdout"};
  Trace t = Load(path);
  if (std::string err = instrument::CheckConsistency(t); !err.empty()) throw Failure{kExitIo, path + ": " + err};
  WriteTrace(t, format, out);
  return kExitOk;
}

int Validate(const std::string& path) {
  Trace t = Load(path);
  std::string err = instrument::CheckConsistency(t);
  if (!err.empty()) throw Failure{kExitIo, path + ": " + err};
  std::cout << path << ": valid synclab trace, " << t.events.size() << " events\n";
  return kExitOk;
}

struct ExploreArgs {
  std::string name;
  std::string strategy = "dfs";
  int preemption_bound = 2;
  int depth = 3;
  std::uint64_t max_schedules = 0;
  std::uint64_t max_steps = 1'000'000;
  std::uint64_t time_limit_s = 0;
  std::uint64_t seed = 1;
  int procs = 0;
  bool all = false;
  bool minimize = false;
  bool why = false;
  std::string out;
  std::string shard;   // "K/N"
  std::string report;  // write the part's report here instead of traces
  int jobs = 1;
  std::vector<std::string> merge;
};

// The n-th (1-based) counterexample's file: FILE, then FILE.2.json, ...
std::string NthPath(const std::string& path, std::size_t n) {
  if (n == 1) return path;
  std::string stem = path, ext;
  if (const std::size_t dot = path.rfind('.'); dot != std::string::npos && path.find('/', dot) == std::string::npos) {
    stem = path.substr(0, dot);
    ext = path.substr(dot);
  }
  return stem + "." + std::to_string(n) + ext;
}

// On a terminal, one line redrawn in place; otherwise a line every 10 s.
class ExploreProgress {
 public:
  void operator()(const instrument::ExploreReport& r) {
    const auto now = std::chrono::steady_clock::now();
    if (now < next_) return;
    next_ = now + (tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(10'000));
    const double rate = r.seconds > 0 ? double(r.schedules) / r.seconds : 0;
    std::fprintf(stderr, "%sexploring: %llu schedules, %.0f/s, %.1f s%s", tty_ ? "\r" : "",
                 static_cast<unsigned long long>(r.schedules), rate, r.seconds, tty_ ? "" : "\n");
    drawn_ = tty_;
  }
  // Clears the line before the summary is printed.
  void Done() {
    if (drawn_) std::fputs("\r\033[K", stderr);
    drawn_ = false;
  }

 private:
  bool tty_ = isatty(STDERR_FILENO) != 0;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point next_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
};

// --why: where the failure became inevitable, and the choice that avoids it.
void PrintWhy(const std::function<void()>& program, const instrument::ExploreOptions& o,
              const instrument::FoundFailure& f, const Trace& t) {
  const instrument::NoReturn n = instrument::PointOfNoReturn(program, o, f);
  const std::vector<std::uint64_t> at = instrument::DecisionEvents(program, o, f.schedule);
  const std::string outcome(rt::Name(f.outcome.status));
  auto event = [&](std::size_t decision) {
    const std::uint64_t seq = decision < at.size() ? at[decision] : t.events.size();
    std::string s = "event " + std::to_string(seq);
    if (seq < t.events.size()) {
      const instrument::TraceEvent& e = t.events[seq];
      s += " (G" + std::to_string(e.g) + " " + std::string(trace::Name(e.kind));
      if (e.site > 0 && e.site <= t.sites.size()) {
        const instrument::SiteInfo& site = t.sites[e.site - 1];
        s += " at " + site.file.substr(site.file.rfind('/') + 1) + ":" + std::to_string(site.line);
      }
      s += ")";
    }
    return s;
  };
  if (n.decision == 0) {
    std::cout << "why: every schedule within the bound ends in " << outcome
              << " this way: it is certain from the start (" << n.schedules << " schedules run)\n";
    return;
  }
  std::cout << "why: the point of no return is decision " << n.decision << " of " << f.schedule.size()
            << ", before " << event(n.decision) << ": from there every schedule within the bound ends in "
            << outcome << " (" << n.schedules << " schedules run)\n";
  const std::size_t d = n.decision - 1;
  if (d < n.escape.size() && d < f.schedule.size()) {
    std::cout << "  the choice that saves it: at decision " << d << ", before " << event(d) << ", run G"
              << n.escape[d] << " instead of G" << f.schedule[d] << " (that schedule ends "
              << rt::Name(n.escape_outcome.status) << ")\n";
  } else {
    // The search before the point ran out of schedules: the point is proven,
    // but it may be later than the true one.
    std::cout << "  (the search one choice earlier stopped at its limit before it found a way out:"
                 " raise --max-schedules to look further)\n";
  }
}

instrument::SearchSpec SpecOf(const std::string& scenario, const instrument::ExploreOptions& o) {
  return {scenario, o.strategy, o.preemption_bound, o.pct_depth, o.seed, o.procs,
          o.max_steps, o.max_schedules, o.shard, o.shards};
}
instrument::ExploreOptions OptionsOf(const instrument::SearchSpec& s) {
  instrument::ExploreOptions o;
  o.strategy = s.strategy;
  o.preemption_bound = s.preemption_bound;
  o.pct_depth = s.pct_depth;
  o.seed = s.seed;
  o.procs = s.procs;
  o.max_steps = s.max_steps;
  o.max_schedules = s.max_schedules;
  return o;
}

std::string ReadText(const std::string& path) {
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Failure{kExitIo, "cannot read " + path + Reason(errno)};
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteText(const std::string& path, const std::string& text) {
  errno = 0;
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out.flush()) throw Failure{kExitIo, "cannot write " + path + Reason(errno)};
}

// --merge: the parts of one search, each once.
instrument::PartReport MergeParts(const std::vector<std::string>& files) {
  std::vector<instrument::PartReport> parts;
  std::vector<instrument::ExploreReport> reports;
  std::vector<bool> have;
  for (const std::string& file : files) {
    instrument::PartReport p;
    try {
      p = instrument::ParseReportJson(ReadText(file));
    } catch (const std::runtime_error& e) {
      throw Failure{kExitIo, file + ": " + e.what()};
    }
    if (!parts.empty()) {
      instrument::SearchSpec want = parts[0].spec;
      want.shard = p.spec.shard;
      if (!(p.spec == want)) {
        throw Failure{kExitIo, file + ": a part of another search than " + files[0] +
                                   " (scenario, strategy, bounds, seed, procs and shards must agree)"};
      }
    }
    have.resize(std::size_t(p.spec.shards));
    if (have[std::size_t(p.spec.shard)]) {
      throw Failure{kExitIo, file + ": part " + std::to_string(p.spec.shard + 1) + "/" +
                                 std::to_string(p.spec.shards) + " is given twice"};
    }
    have[std::size_t(p.spec.shard)] = true;
    reports.push_back(p.report);
    parts.push_back(std::move(p));
  }
  instrument::PartReport all{parts[0].spec, instrument::MergeReports(reports)};
  all.spec.shard = 0;
  all.spec.shards = 1;
  const auto missing = std::count(have.begin(), have.end(), false);
  if (missing > 0) {
    std::cerr << "synclab: explore --merge: " << missing << " of " << have.size()
              << " parts are missing: the result covers only part of the space\n";
    all.report.exhausted = false;
  }
  return all;
}

// --jobs N: this command N times as parts 1/N ... N/N, in parallel, merged.
instrument::PartReport RunJobs(int jobs, const std::vector<std::string>& argv) {
  char dir_template[] = "/tmp/synclab-jobs-XXXXXX";
  if (::mkdtemp(dir_template) == nullptr) throw Failure{kExitIo, "cannot make a temporary directory" + Reason(errno)};
  const std::string dir = dir_template;
  std::vector<pid_t> pids;
  std::vector<std::string> reports;
  for (int k = 0; k < jobs; k++) {
    const std::string report = dir + "/part" + std::to_string(k + 1) + ".json";
    const std::string log = dir + "/part" + std::to_string(k + 1) + ".log";
    std::vector<std::string> args;  // argv without --jobs: each job is one part
    for (std::size_t i = 0; i < argv.size(); i++) {
      if (argv[i] == "--jobs") {
        i++;
      } else if (argv[i].rfind("--jobs=", 0) != 0) {
        args.push_back(argv[i]);
      }
    }
    args.insert(args.end(), {"--shard", std::to_string(k + 1) + "/" + std::to_string(jobs), "--report", report});
    std::vector<char*> cargs;
    for (std::string& x : args) cargs.push_back(x.data());
    cargs.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) throw Failure{kExitIo, "cannot start a job" + Reason(errno)};
    if (pid == 0) {
      if (std::freopen("/dev/null", "w", stdout) == nullptr || std::freopen(log.c_str(), "w", stderr) == nullptr) _exit(1);
      ::execv("/proc/self/exe", cargs.data());
      _exit(127);
    }
    pids.push_back(pid);
    reports.push_back(report);
  }
  std::string failed;
  for (std::size_t k = 0; k < pids.size(); k++) {
    int status = 0;
    ::waitpid(pids[k], &status, 0);
    const int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (code != kExitOk && code != kExitOutcome && failed.empty()) {
      failed = "job " + std::to_string(k + 1) + "/" + std::to_string(jobs) + " failed: " +
               ReadText(dir + "/part" + std::to_string(k + 1) + ".log");
    }
  }
  // The parts' files go whatever happens; a merge error is thrown after.
  struct RemoveDir {
    const std::string& dir;
    ~RemoveDir() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } remove{dir};
  if (!failed.empty()) throw Failure{kExitIo, failed};
  return MergeParts(reports);
}

// The summary, then each counterexample recorded as a trace (and minimized
// and explained when asked).
int ReportSearch(const instrument::PartReport& part, const scenarios::Scenario& scenario, const ExploreArgs& a) {
  const instrument::ExploreReport& report = part.report;
  instrument::ExploreOptions o = OptionsOf(part.spec);
  const std::string strategy(instrument::Name(o.strategy));
  std::cout << "explore " << scenario.name << ": " << strategy;
  if (o.strategy == instrument::SearchStrategy::kDfs) std::cout << ", preemption bound " << o.preemption_bound;
  if (o.strategy == instrument::SearchStrategy::kPct) std::cout << ", depth " << o.pct_depth;
  std::cout << ", procs " << o.procs << ", seed " << o.seed;
  if (part.spec.shards > 1) std::cout << ", part " << (part.spec.shard + 1) << "/" << part.spec.shards;
  std::cout << '\n';
  std::cout << "schedules: " << report.schedules << " (" << report.steps << " scheduling points)\n";
  std::cout << "outcomes:";
  for (const auto& [status, n] : report.outcomes) std::cout << ' ' << status << ' ' << n;
  std::cout << '\n';
  if (o.strategy == instrument::SearchStrategy::kDfs) {
    std::cout << "exhausted: "
              << (report.exhausted ? "yes, every schedule within the bound was run"
                  : !report.failures.empty() && !a.all ? "no, stopped at the first failure"
                                                       : "no, stopped at a limit")
              << '\n';
  }
  if (report.hit_limit) {
    std::cout << "note: some schedules reached --max-steps " << o.max_steps << " and were cut there\n";
  }
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", report.seconds);
  std::cout << "time: " << seconds << " s\n";
  if (!a.report.empty()) {
    WriteText(a.report, instrument::ReportJson(part));
    std::cout << "report: " << a.report << " (combine the parts with `synclab explore --merge`)\n";
    return report.failures.empty() ? kExitOk : kExitOutcome;
  }

  const std::string base = !a.out.empty() ? a.out : [&] {
    std::string n(scenario.name);
    std::replace(n.begin(), n.end(), '/', '_');
    return n + ".counterexample.json";
  }();
  const scenarios::Config config{};
  auto program = [&] { scenario.main(config); };
  for (std::size_t i = 0; i < report.failures.size(); i++) {
    instrument::FoundFailure f = report.failures[i];
    if (a.minimize) {
      const instrument::FoundFailure m = instrument::Minimize(program, o, f);
      std::cout << "minimized: " << f.preemptions << " -> " << m.preemptions << " preemption(s), " << f.steps
                << " -> " << m.steps << " scheduling points\n";
      f = m;
    }
    scenarios::RunOptions ro;
    ro.seed = o.seed;
    ro.procs = o.procs;
    ro.replay.assign(f.schedule.begin(), f.schedule.end());
    Trace t;
    try {
      t = scenarios::Run(scenario, ro);
    } catch (const sim::ReplayError& e) {
      throw Failure{kExitIo, std::string(scenario.name) + ": the counterexample does not replay: " + e.what()};
    }
    if (t.outcome.status != f.outcome.status || t.outcome.message != f.outcome.message) {
      throw Failure{kExitIo, std::string(scenario.name) +
                                 ": the counterexample did not fail the same way when recorded"
                                 " (is the scenario deterministic?)"};
    }
    const std::string path = NthPath(base, i + 1);
    WriteTrace(t, "json", path);
    std::cout << "failure " << (i + 1) << ": " << instrument::FormatOutcome(t) << "\n  found in schedule "
              << (f.index + 1) << " with " << f.preemptions << " preemption(s); trace: " << path
              << " (open it in the viewer, or `synclab replay " << path << "`)\n";
    if (a.why) PrintWhy(program, o, f, t);
  }
  return report.failures.empty() ? kExitOk : kExitOutcome;
}

// "K/N", 1 <= K <= N <= 4096: the part to search.
std::pair<int, int> ParseShard(const std::string& text) {
  const std::size_t slash = text.find('/');
  auto num = [](std::string_view v) {
    int n = 0;
    if (v.empty() || v.size() > 4 || v.find_first_not_of("0123456789") != std::string_view::npos) return -1;
    std::from_chars(v.data(), v.data() + v.size(), n);
    return n;
  };
  const int k = slash == std::string::npos ? -1 : num(std::string_view(text).substr(0, slash));
  const int n = slash == std::string::npos ? -1 : num(std::string_view(text).substr(slash + 1));
  if (k < 1 || n < 1 || n > 4096 || k > n) {
    throw Failure{kExitUsage, "--shard " + instrument::QuoteShort(text) + ": give K/N with 1 <= K <= N <= 4096"};
  }
  return {k - 1, n};
}

int Explore(const ExploreArgs& a, const CLI::App& cmd, const std::vector<std::string>& argv) {
  if (cmd.count("--output") > 0 && a.out.empty()) throw Failure{kExitUsage, "-o: give a file name"};
  if (!a.merge.empty()) {
    for (const char* flag : {"--strategy", "--preemption-bound", "--depth", "--max-schedules", "--max-steps",
                             "--time-limit", "--seed", "--procs", "--shard", "--jobs", "--report"}) {
      if (cmd.count(flag) > 0) throw Failure{kExitUsage, std::string(flag) + " cannot be combined with --merge (the reports say)"};
    }
    if (!a.name.empty()) throw Failure{kExitUsage, "give a scenario NAME or --merge FILES, not both"};
    const instrument::PartReport merged = MergeParts(a.merge);
    const scenarios::Scenario* scenario = scenarios::Find(merged.spec.scenario);
    if (scenario == nullptr) {
      throw Failure{kExitIo, a.merge[0] + ": unknown scenario " + instrument::QuoteShort(merged.spec.scenario)};
    }
    return ReportSearch(merged, *scenario, a);
  }
  if (a.name.empty()) throw Failure{kExitUsage, "explore: give a scenario NAME (see `synclab list`) or --merge FILES"};
  const scenarios::Scenario* scenario = scenarios::Find(a.name);
  if (scenario == nullptr) {
    throw Failure{kExitUsage, "unknown scenario " + instrument::QuoteShort(a.name) + " (see `synclab list`)"};
  }
  if (cmd.count("--report") > 0 && a.report.empty()) throw Failure{kExitUsage, "--report: give a file name"};
  if (a.jobs > 1 && (cmd.count("--shard") > 0 || cmd.count("--report") > 0)) {
    throw Failure{kExitUsage, "--jobs runs the parts itself: leave out --shard and --report"};
  }
  instrument::ExploreOptions o;
  o.strategy = *instrument::SearchStrategyByName(a.strategy);  // CLI11 checked the name
  if (cmd.count("--preemption-bound") > 0 && o.strategy != instrument::SearchStrategy::kDfs) {
    throw Failure{kExitUsage, "--preemption-bound applies to --strategy dfs only"};
  }
  if (cmd.count("--depth") > 0 && o.strategy != instrument::SearchStrategy::kPct) {
    throw Failure{kExitUsage, "--depth applies to --strategy pct only"};
  }
  o.preemption_bound = a.preemption_bound;
  o.pct_depth = a.depth;
  o.max_schedules = a.max_schedules;
  o.max_steps = a.max_steps;
  o.time_limit_s = double(a.time_limit_s);
  o.seed = a.seed;
  o.procs = a.procs > 0 ? a.procs : scenario->default_procs;
  o.all = a.all;
  if (!a.shard.empty()) std::tie(o.shard, o.shards) = ParseShard(a.shard);
  if (a.jobs > 1) return ReportSearch(RunJobs(a.jobs, argv), *scenario, a);

  ExploreProgress progress;
  o.progress = [&progress](const instrument::ExploreReport& r) { progress(r); };
  o.progress_every = 16;
  const scenarios::Config config{};
  instrument::PartReport part{SpecOf(std::string(scenario->name), o), {}};
  try {
    part.report = instrument::Explore([&] { scenario->main(config); }, o);
  } catch (const std::runtime_error& e) {
    progress.Done();
    throw Failure{kExitIo, a.name + ": " + e.what()};
  }
  progress.Done();
  return ReportSearch(part, *scenario, a);
}

template <std::size_t N>
std::vector<std::string> Names(const std::string_view (&names)[N]) {
  return {std::begin(names), std::end(names)};
}

// A command line CLI11 rejected: what was wrong, and where to read more.
// (CLI11 says only "A subcommand is required" of an unknown command or option.)
int Usage(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  std::string message = e.what(), help = "synclab";
  if (const std::vector<CLI::App*> parsed = app.get_subcommands(); !parsed.empty()) {
    help += " " + parsed.back()->get_name();
  } else {
    std::string names;
    for (const CLI::App* c : app.get_subcommands(nullptr)) names += (names.empty() ? "" : ", ") + c->get_name();
    if (argc < 2) {
      message = "give a command: " + names;
    } else if (argv[1][0] == '-') {
      message = "unknown option " + instrument::QuoteShort(argv[1]);
    } else {
      message = "unknown command " + instrument::QuoteShort(argv[1]) + " (commands: " + names + ")";
    }
  }
  std::cerr << "synclab: " << message << "\n(run `" << help << " --help` for usage)\n";
  return kExitUsage;
}

int List() {
  std::size_t width = 0;
  for (const scenarios::Scenario* s : scenarios::All()) width = std::max(width, s->name.size());
  for (const scenarios::Scenario* s : scenarios::All()) {
    std::cout << s->name << std::string(width - s->name.size() + 2, ' ') << s->description << '\n';
  }
  return kExitOk;
}

// Reading a FIFO waits for its writer, as cat does: said, not changed.
constexpr const char* kTraceFileHelp =
    "Trace file (- for stdin; a FIFO waits until something writes to it, as with cat)";

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"synclab: see how Go's concurrency primitives work, step by step"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.footer(
      "Exit status: 0 ok; 1 an I/O error or a bad trace file; 2 a usage error; 3 the run ended in\n"
      "deadlock, fatal, panic, leak, assert or limit (its trace is written all the same).\n"
      "Output goes to a temporary file renamed into place, except to a device, a FIFO or a symlink,\n"
      "which are written in place. Reading a FIFO waits until something writes to it, as with cat.");

  app.add_subcommand("list", "List the built-in scenarios");

  RunArgs run;
  CLI::App* run_cmd = app.add_subcommand("run", "Run a scenario and write its trace");
  run_cmd->add_option("name", run.name, "Scenario, e.g. mutex/starvation");
  AddNumber(run_cmd, "--seed", run.seed, 0, std::numeric_limits<std::uint64_t>::max(),
            "Sim seed (default 1)");
  run_cmd->add_option("--strategy", run.strategy, "Sim scheduling: random or rr (round robin)")
      ->check(CLI::IsMember(Names(sim::kStrategyNames)));
  run_cmd->add_option("--runtime", run.runtime, "sim (deterministic) or native (OS threads)")
      ->check(CLI::IsMember(Names(instrument::kRuntimeNames)));
  AddNumber(run_cmd, "--procs", run.procs, instrument::kMinProcs, instrument::kMaxProcs,
            "GOMAXPROCS, 1 to 256 (default: the scenario's, or the CPUs)");
  AddNumber(run_cmd, "--gc-every", run.gc_every_ms, 0, instrument::kMaxGcEveryMs,
            "Sim: a garbage collection (Pools rotate their caches) every MS ms of virtual time, "
            "0 to 1000000 (default 0: only where the program calls gc())")
      ->type_name("MS");
  run_cmd->add_option("-o,--output", run.out, "Write the trace here (default: stdout)");
  run_cmd->add_option("--format", run.format,
                      "json (a trace file), text (a terminal replay) or chrome (for Perfetto, chrome://tracing); "
                      "default: text on a terminal without -o, else json")
      ->check(CLI::IsMember({"json", "text", "chrome"}));
  run_cmd->add_option("--replay", run.replay, "Re-execute the schedule recorded in this trace (a sim trace)");

  std::string replay_file;
  std::uint64_t from = 0, to = 0;
  bool interactive = false;
  CLI::App* replay_cmd = app.add_subcommand("replay", "Step through a trace in the terminal");
  replay_cmd->add_option("file", replay_file, kTraceFileHelp)->required();
  const std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
  AddNumber(replay_cmd, "--from", from, 0, last, "First event to show");
  CLI::Option* to_opt = AddNumber(replay_cmd, "--to", to, 0, last, "Last event to show");
  replay_cmd->add_flag("-i,--interactive", interactive, "Step on Enter");

  std::string validate_file;
  CLI::App* validate_cmd = app.add_subcommand("validate", "Check a trace file");
  validate_cmd->add_option("file", validate_file, kTraceFileHelp)->required();

  ExploreArgs explore;
  CLI::App* explore_cmd = app.add_subcommand("explore", "Search schedules for one that fails; write it as a trace");
  explore_cmd->add_option("name", explore.name, "Scenario, e.g. mutex/abba-deadlock");
  explore_cmd->add_option("--strategy", explore.strategy,
                          "dfs (every schedule within the preemption bound), random, or pct")
      ->check(CLI::IsMember(Names(instrument::kSearchStrategyNames)));
  AddNumber(explore_cmd, "--preemption-bound", explore.preemption_bound, 0, 1000,
            "dfs: at most K preemptions per schedule, 0 to 1000 (default 2)")
      ->type_name("K");
  AddNumber(explore_cmd, "--depth", explore.depth, 1, 100, "pct: the bug depth d, 1 to 100 (default 3)")
      ->type_name("D");
  AddNumber(explore_cmd, "--max-schedules", explore.max_schedules, 1, last,
            "Stop after N schedules (default: dfs until exhausted, random and pct 1000)");
  AddNumber(explore_cmd, "--max-steps", explore.max_steps, 1, last,
            "Cut a schedule after N scheduling points (default 1000000)");
  AddNumber(explore_cmd, "--time-limit", explore.time_limit_s, 1, 7 * 24 * 3600, "Stop after S seconds")
      ->type_name("S");
  AddNumber(explore_cmd, "--seed", explore.seed, 0, last,
            "The runs' seed (select order), and random's and pct's draws (default 1)");
  AddNumber(explore_cmd, "--procs", explore.procs, instrument::kMinProcs, instrument::kMaxProcs,
            "GOMAXPROCS, 1 to 256 (default: the scenario's)");
  explore_cmd->add_flag("--all", explore.all, "Go on after the first failure and collect the distinct ones");
  explore_cmd->add_flag("--minimize", explore.minimize,
                        "Shorten each counterexample to the fewest preemptions, then steps, that fail the same way");
  explore_cmd->add_flag("--why", explore.why,
                        "Print each failure's point of no return and the choice one step earlier that avoids it");
  explore_cmd->add_option("-o,--output", explore.out,
                          "Write the counterexample here (default NAME.counterexample.json, / as _); "
                          "with --all the next ones go to FILE.2.json, ...");
  explore_cmd->add_option("--shard", explore.shard,
                          "Search only part K of N (1-based) of the space; N parts cover it without overlap")
      ->type_name("K/N");
  explore_cmd->add_option("--report", explore.report,
                          "Write this part's result here (for --merge) instead of counterexample traces")
      ->type_name("FILE");
  AddNumber(explore_cmd, "--jobs", explore.jobs, 1, 1024, "Run N parts at once on this machine and merge them")
      ->type_name("N");
  explore_cmd->add_option("--merge", explore.merge,
                          "Combine the reports of a search's parts, then write its counterexamples")
      ->type_name("FILES")
      ->expected(1, -1);

  std::string export_file, export_format = "chrome", export_out;
  CLI::App* export_cmd = app.add_subcommand("export", "Convert a trace file (chrome: for Perfetto, chrome://tracing)");
  export_cmd->add_option("file", export_file, kTraceFileHelp)->required();
  export_cmd->add_option("--format", export_format,
                         "chrome (Chrome's Trace Event Format, the default), json (the trace) or text (a replay)")
      ->check(CLI::IsMember({"chrome", "json", "text"}));
  export_cmd->add_option("-o,--output", export_out, "Write it here (default: stdout)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return Usage(app, e, argc, argv);
  }

  try {
    int code = kExitUsage;
    if (app.got_subcommand("list")) code = List();
    if (run_cmd->parsed()) code = Run(run, *run_cmd);
    if (replay_cmd->parsed()) {
      code = Replay(replay_file, from, to_opt->count() ? std::optional(to) : std::nullopt, interactive);
    }
    if (validate_cmd->parsed()) code = Validate(validate_file);
    if (explore_cmd->parsed()) code = Explore(explore, *explore_cmd, std::vector<std::string>(argv, argv + argc));
    if (export_cmd->parsed()) code = Export(export_file, export_format, export_out, *export_cmd);
    FlushStdout();
    return code;
  } catch (const Failure& f) {
    return Fail(f.code, f.message);
  } catch (const instrument::TraceFormatError& e) {
    return Fail(kExitIo, e.what());
  }
  return kExitUsage;
}
