// synclab-viewer: step through a trace in a window, or render one step headless.
//
//   synclab-viewer [FILE]                     open a trace (default: run mutex/starvation)
//   synclab-viewer --scenario NAME [--seed N] [--strategy random|rr] [--procs N]
//   synclab-viewer FILE --step N --screenshot OUT.png [--size WxH]
//   synclab-viewer FILE --step mutex.starving.enter --dump-state OUT.json [--size WxH]
//
// --step takes a step number or an event name (its first occurrence).
// Exit status: 0 ok; 1 a bad or unreadable trace, no display, a failed
// write; 2 a usage error. (CLI11 stays in this one translation unit: it is
// slow to compile.)
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

#include "app.h"
#include "settings.h"
#include "synclab/instrument/json.h"
#include "synclab/scenarios/scenario.h"
#include "synclab/viewer/dump.h"
#include "window.h"

namespace {

using namespace synclab;
using namespace synclab::viewer;

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

struct Failure {
  int code;
  std::string message;
};

struct Args {
  std::string file;
  std::string scenario = "mutex/starvation";
  std::uint64_t seed = 1;
  std::string strategy = "random";
  int procs = 0;
  std::string step;
  std::string screenshot;
  std::string size = "1600x900";
  std::string dump_state;
  std::string theme;
  float font_scale = 0;
  bool presentation = false;
  std::string state_on_exit;
};

// The model, and what to call it in the title.
std::pair<Model, std::string> Load(const Args& a, const CLI::App& cli) {
  instrument::Trace trace;
  std::string source;
  if (!a.file.empty()) {
    for (const char* flag : {"--scenario", "--seed", "--strategy", "--procs"}) {
      if (cli.count(flag) > 0) throw Failure{kExitUsage, std::string(flag) + " runs a scenario: it cannot be combined with FILE"};
    }
    try {
      trace = instrument::ReadJsonFile(a.file);
    } catch (const instrument::TraceIoError& e) {
      throw Failure{kExitError, e.what()};
    } catch (const instrument::TraceFormatError& e) {
      throw Failure{kExitError, a.file + ": " + e.what()};
    }
    source = a.file;
  } else {
    const scenarios::Scenario* s = scenarios::Find(a.scenario);
    if (s == nullptr) throw Failure{kExitUsage, "unknown scenario \"" + a.scenario + "\" (see `synclab list`)"};
    scenarios::RunOptions o;
    o.seed = a.seed;
    o.strategy = *sim::StrategyByName(a.strategy);  // CLI11 checked the name
    o.procs = a.procs;
    trace = scenarios::Run(*s, o);
    source = a.scenario + " (seed " + std::to_string(a.seed) + ")";
  }
  try {
    return {Build(std::move(trace)), source};
  } catch (const instrument::TraceFormatError& e) {
    throw Failure{kExitError, source + ": " + e.what()};
  }
}

// --step: a number, or the name of an event (its first occurrence).
std::uint64_t ResolveStep(const Model& m, const std::string& step) {
  if (step.empty()) return 0;
  const std::uint64_t last = m.size() == 0 ? 0 : m.size() - 1;
  if (step.find_first_not_of("0123456789") == std::string::npos) {
    if (step.size() > 19 || std::stoull(step) > last) {
      throw Failure{kExitUsage, "--step " + step + ": the trace's steps are 0 to " + std::to_string(last)};
    }
    return std::stoull(step);
  }
  auto kind = trace::EventKindByName(step);
  if (!kind) throw Failure{kExitUsage, "--step " + step + ": neither a step number nor an event name"};
  for (const instrument::TraceEvent& e : m.trace().events)
    if (e.kind == *kind) return e.seq;
  throw Failure{kExitUsage, "--step " + step + ": the trace has no such event"};
}

std::pair<int, int> ParseSize(const std::string& size) {
  int w = 0, h = 0;
  char x = 0, extra = 0;
  if (std::sscanf(size.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || x != 'x' || w < 64 || h < 64 ||
      w > 8192 || h > 8192) {
    throw Failure{kExitUsage, "--size " + size + ": expected WIDTHxHEIGHT, each 64 to 8192"};
  }
  return {w, h};
}

int Run(const Args& a, const CLI::App& cli) {
  const bool headless = !a.screenshot.empty() || !a.dump_state.empty();
  if (!headless && cli.count("--size") > 0) {
    throw Failure{kExitUsage, "--size goes with --screenshot or --dump-state"};
  }
  const auto [width, height] = ParseSize(a.size);
  auto [model, source] = Load(a, cli);
  const std::uint64_t step = ResolveStep(model, a.step);

  // Headless pictures use the defaults, never the user's settings.
  const std::filesystem::path settings_file =
      headless || SettingsDir().empty() ? std::filesystem::path() : SettingsDir() / "viewer.ini";
  Settings settings = settings_file.empty() ? Settings() : LoadSettings(settings_file);
  if (!a.theme.empty()) settings.theme = a.theme == "light" ? Theme::kLight : Theme::kDark;
  if (a.font_scale > 0) settings.font_scale = a.font_scale;
  if (a.presentation) settings.presentation = true;

  App app(std::move(model), source, settings);
  Cursor c = app.cursor();
  c.step = step;
  app.set_cursor(c);

  if (!a.dump_state.empty()) {
    // With the windows a screenshot of that size would show.
    const Layout layout = app.TiledLayoutFor(ImVec2(float(width), float(height)));
    std::vector<PaneDump> panes;
    for (std::size_t p = 0; p < kPaneCount; ++p) {
      const Rect& r = layout.panes[p];
      const Rect& need = layout.needs[p];
      if (!r.empty()) panes.push_back({PaneTitle(Pane(p)), r.x, r.y, r.w, r.h, need.w, need.h});
    }
    const std::string dump = DumpState(app.model(), app.cursor(), panes);
    if (a.dump_state == "-") {
      std::cout << dump;
    } else {
      std::ofstream out(a.dump_state);
      if (!(out << dump) || !out.flush()) throw Failure{kExitError, "cannot write " + a.dump_state};
    }
  }
  if (!a.screenshot.empty()) {
    if (std::string err = RenderPng(app, width, height, a.screenshot); !err.empty()) {
      throw Failure{kExitError, err};
    }
  }
  if (headless) return 0;
  if (std::string err = RunWindow(app, settings_file); !err.empty()) throw Failure{kExitError, err};
  if (!a.state_on_exit.empty()) {
    std::ofstream out(a.state_on_exit);
    if (!(out << DumpState(app.model(), app.cursor())) || !out.flush()) {
      throw Failure{kExitError, "cannot write " + a.state_on_exit};
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"synclab-viewer: step through a synclab trace, goroutine by goroutine"};
  Args a;
  cli.add_option("file", a.file, "A JSON trace (default: run the scenario)");
  cli.add_option("--scenario", a.scenario, "Run this built-in scenario (default mutex/starvation)");
  cli.add_option("--seed", a.seed, "Sim seed (default 1)");
  cli.add_option("--strategy", a.strategy, "Sim scheduling: random or rr")->check(CLI::IsMember({"random", "rr"}));
  cli.add_option("--procs", a.procs, "GOMAXPROCS (default: the scenario's)")->check(CLI::Range(1, 256));
  cli.add_option("--step", a.step, "Start at this step: a number or an event name, e.g. mutex.starving.enter");
  cli.add_option("--screenshot", a.screenshot, "Render the step to this PNG and exit (needs a display, e.g. Xvfb)");
  cli.add_option("--size", a.size, "The screenshot's size (and the dump's layout's), WIDTHxHEIGHT (default 1600x900)");
  cli.add_option("--dump-state", a.dump_state, "Write the state at the step as JSON to this file (- for stdout) and exit");
  cli.add_option("--theme", a.theme, "dark or light")->check(CLI::IsMember({"dark", "light"}));
  cli.add_option("--font-scale", a.font_scale, "Text size, 1 (13 px) to 4")->check(CLI::Range(1.0f, 4.0f));
  cli.add_flag("--presentation", a.presentation, "The presentation layout (large timeline and inspector, the note pinned)");
  cli.add_option("--state-on-exit", a.state_on_exit,
                 "When the window closes, write the state it was at as --dump-state does (for tests that drive it)");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "synclab-viewer: " << e.what() << "\n(run `synclab-viewer --help` for usage)\n";
    return kExitUsage;
  }
  try {
    return Run(a, cli);
  } catch (const Failure& f) {
    std::cerr << "synclab-viewer: " << f.message << '\n';
    return f.code;
  } catch (const std::exception& e) {
    std::cerr << "synclab-viewer: " << e.what() << '\n';
    return kExitError;
  }
}
