// Tests of synclab-viewer's headless mode, run as a subprocess: screenshots
// under Xvfb (size, not blank, the same bytes every time), --dump-state
// against a fold of the trace made here, and bad input refused with a
// message and an exit status, never a crash.
//
// The Xvfb tests need xvfb-run (package xvfb, with xauth): without it they
// fail and say so, they do not pass silently.
#include <doctest/doctest.h>
#include <stb_image.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "synclab/instrument/json.h"
#include "synclab/instrument/state.h"
#include "synclab/mutex.h"
#include "traces.h"

using namespace synclab;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Record;
namespace fs = std::filesystem;

namespace {

struct Exit {
  bool signalled = false;
  int code = -1;  // the exit status, or the signal
  std::string output;  // stdout and stderr
};

// A scratch directory that also serves as HOME and XDG_CONFIG_HOME, so the
// viewer never touches the user's settings.
class Scratch {
 public:
  Scratch() {
    std::string tmpl = (fs::temp_directory_path() / "synclab-viewer-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    dir_ = tmpl;
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  fs::path operator/(const std::string& name) const { return dir_ / name; }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// Runs argv with the test environment (plus `unset` removed) and waits.
Exit RunProcess(const std::vector<std::string>& argv, const Scratch& scratch,
                const std::vector<std::string>& unset = {}) {
  // In an AddressSanitizer build, LeakSanitizer reports what Mesa's GL driver
  // leaves behind at exit (from a module already unloaded, so it cannot be
  // suppressed by name): runs that render skip the leak check. The rest of
  // the app is leak-checked by the runs that do not render, the model and
  // panels by their own tests; memory errors are caught everywhere.
  const bool renders = std::find(argv.begin(), argv.end(), "--screenshot") != argv.end() ||
                       argv[0] == "xvfb-run";
  const char* asan = std::getenv("ASAN_OPTIONS");
  std::string asan_options = asan != nullptr ? asan : "";
  if (renders) asan_options += asan_options.empty() ? "detect_leaks=0" : ":detect_leaks=0";
  const fs::path log = scratch / "output.log";
  // Or the child's freopen would write out what the parent has buffered.
  std::fflush(stdout);
  std::fflush(stderr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out == nullptr || dup2(fileno(stdout), STDERR_FILENO) < 0) _exit(126);
    setenv("HOME", scratch.dir().c_str(), 1);
    setenv("XDG_CONFIG_HOME", (scratch / "config").c_str(), 1);
    setenv("MESA_SHADER_CACHE_DISABLE", "true", 1);
    setenv("LIBGL_ALWAYS_SOFTWARE", "1", 1);
    setenv("ASAN_OPTIONS", asan_options.c_str(), 1);
    for (const std::string& name : unset) unsetenv(name.c_str());
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  Exit e;
  e.signalled = WIFSIGNALED(status);
  e.code = e.signalled ? WTERMSIG(status) : WEXITSTATUS(status);
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  e.output = text.str();
  return e;
}

std::vector<std::string> Viewer(std::vector<std::string> args) {
  args.insert(args.begin(), SYNCLAB_VIEWER_EXE);
  return args;
}

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

// The command under a fresh X server. xvfb-run -a looks for a free display
// number upward from -n; starting from one of our own makes parallel tests
// unlikely to race for the same one.
std::vector<std::string> UnderXvfb(std::vector<std::string> command) {
  REQUIRE_MESSAGE(OnPath("xvfb-run"),
                  "xvfb-run is not installed: the headless viewer tests need it "
                  "(apt-get install xvfb xauth; scripts/install-deps installs both)");
  std::vector<std::string> argv = {"xvfb-run", "-a", "-n", std::to_string(100 + getpid() % 400),
                                   "-s", "-screen 0 1280x800x24"};
  argv.insert(argv.end(), command.begin(), command.end());
  return argv;
}

// Width and height from the PNG's IHDR chunk.
std::pair<int, int> PngSize(const fs::path& png) {
  std::ifstream in(png, std::ios::binary);
  unsigned char head[24] = {};
  REQUIRE(in.read(reinterpret_cast<char*>(head), sizeof head));
  REQUIRE(std::string(reinterpret_cast<char*>(head + 1), 3) == "PNG");
  REQUIRE(std::string(reinterpret_cast<char*>(head + 12), 4) == "IHDR");
  auto be32 = [&](int at) {
    return int(head[at]) << 24 | int(head[at + 1]) << 16 | int(head[at + 2]) << 8 | int(head[at + 3]);
  };
  return {be32(16), be32(20)};
}

// A picture of a UI, not of a cleared screen: many colours, and varied.
void CheckNotBlank(const fs::path& png) {
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(png.c_str(), &w, &h, &n, 3);
  REQUIRE(px != nullptr);
  std::set<std::uint32_t> colours;
  double sum = 0, sum2 = 0;
  const std::size_t count = std::size_t(w) * std::size_t(h);
  for (std::size_t i = 0; i < count; ++i) {
    colours.insert(std::uint32_t(px[3 * i]) << 16 | std::uint32_t(px[3 * i + 1]) << 8 | px[3 * i + 2]);
    const double lum = (px[3 * i] + px[3 * i + 1] + px[3 * i + 2]) / 3.0;
    sum += lum;
    sum2 += lum * lum;
  }
  stbi_image_free(px);
  const double mean = sum / double(count);
  CHECK(colours.size() >= 20);
  CHECK(sum2 / double(count) - mean * mean > 100);  // luminance variance
}

// The decoded PNG, RGB.
struct Image {
  int w = 0, h = 0;
  std::vector<unsigned char> px;
  explicit Image(const fs::path& png) {
    int n = 0;
    unsigned char* data = stbi_load(png.c_str(), &w, &h, &n, 3);
    REQUIRE(data != nullptr);
    px.assign(data, data + std::size_t(w) * std::size_t(h) * 3);
    stbi_image_free(data);
  }
  std::uint32_t at(int x, int y) const {
    const unsigned char* p = &px[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 3];
    return std::uint32_t(p[0]) << 16 | std::uint32_t(p[1]) << 8 | p[2];
  }
};

// The timeline's status colours (style.cpp), as RGB.
bool IsStatusColour(std::uint32_t c) {
  for (std::uint32_t s : {0x2EAA46u, 0xEBC828u, 0xD72D2Du, 0xF58719u, 0x878787u})
    if (c == s) return true;
  return false;
}

// Runs of rows whose pixel at column x passes `is`, between y0 and y1.
std::vector<std::pair<int, int>> VerticalRuns(const Image& img, int x, int y0, int y1, bool (*is)(std::uint32_t)) {
  std::vector<std::pair<int, int>> runs;
  for (int y = y0; y < y1; ++y) {
    if (!is(img.at(x, y))) continue;
    if (!runs.empty() && runs.back().second == y - 1) {
      runs.back().second = y;
    } else {
      runs.emplace_back(y, y);
    }
  }
  return runs;
}

// The dump's window of that name.
nlohmann::json Pane(const nlohmann::json& dump, const std::string& name) {
  for (const auto& p : dump["layout"])
    if (p["name"] == name) return p;
  FAIL("no window " << name << " in the dump's layout");
  return {};
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_SUITE("viewer.headless") {
  TEST_CASE("the default scenario renders to a PNG of the requested size and the same every time") {
    Scratch scratch;
    const fs::path a = scratch / "a.png", b = scratch / "b.png";
    // Two renders under one X server: they must agree byte for byte.
    const std::string viewer = SYNCLAB_VIEWER_EXE;
    Exit e = RunProcess(UnderXvfb({"sh", "-c",
                                   "\"$0\" --screenshot \"$1\" --size 800x600 && "
                                   "\"$0\" --screenshot \"$2\" --size 800x600",
                                   viewer, a.string(), b.string()}),
                        scratch);
    INFO(e.output);
    REQUIRE(!e.signalled);
    REQUIRE(e.code == 0);
    CHECK(PngSize(a) == std::make_pair(800, 600));
    CheckNotBlank(a);
    CHECK(ReadFile(a) == ReadFile(b));
    // Headless runs read and write no settings.
    CHECK(!fs::exists(scratch / "config" / "synclab"));
  }

  TEST_CASE("the step the Mutex starts starving renders and its dump agrees with the trace") {
    Scratch scratch;
    const instrument::Trace t = Record("mutex/starvation");
    const std::uint64_t starve = FirstOf(t, trace::EventKind::kMutexStarvingEnter);
    const fs::path png = scratch / "starving.png", dump = scratch / "starving.json";
    Exit e = RunProcess(UnderXvfb(Viewer({"--step", std::to_string(starve), "--screenshot", png.string(),
                                          "--size", "1024x640", "--dump-state", dump.string()})),
                        scratch);
    INFO(e.output);
    REQUIRE(!e.signalled);
    REQUIRE(e.code == 0);
    CHECK(PngSize(png) == std::make_pair(1024, 640));
    CheckNotBlank(png);

    // The same fold, made here with instrument::State.
    instrument::State state(t);
    for (std::uint64_t seq = 0; seq <= starve; ++seq) REQUIRE(state.Apply(t.events[seq]) == "");
    const nlohmann::json j = nlohmann::json::parse(ReadFile(dump));
    CHECK(j["cursor"]["step"] == starve);
    CHECK(j["event"]["ev"] == "mutex.starving.enter");
    CHECK(j["time"] == state.time());
    for (instrument::Id g = 1; g <= t.goroutines.size(); ++g) {
      CAPTURE(g);
      const auto& jg = j["goroutines"][g - 1];
      const instrument::GoroutineState& gs = state.goroutine(g);
      CHECK(jg["status"] == std::string(instrument::Name(gs.status)));
      CHECK(jg["wait_obj"] == gs.wait_obj);
      if (const instrument::SiteInfo* site = t.site(gs.site)) CHECK(jg["line"] == site->line);
    }
    // The goroutine that starved is on its mu.Lock() line.
    const instrument::TraceEvent& e_starve = t.events[starve];
    const auto& who = j["goroutines"][e_starve.g - 1];
    CHECK(who["file"] == "scenarios/mutex/starvation.cpp");
    CHECK(who["line"] == t.site(e_starve.site)->line);
    const std::string source(scenarios::EmbeddedSource("scenarios/mutex/starvation.cpp"));
    std::stringstream lines(source);
    std::string line;
    for (std::uint32_t n = 0; n < t.site(e_starve.site)->line; ++n) std::getline(lines, line);
    CHECK(line.find("mu.Lock()") != std::string::npos);
    // The Mutex decodes as starving, like the word the fold holds.
    const auto& mu = j["objects"][e_starve.obj - 1];
    const std::int64_t word = *state.object(e_starve.obj).Field("state");
    CHECK(mu["mutex"]["state"] == word);
    CHECK(mu["mutex"]["starving"] == true);
    CHECK(Mutex::Decode(std::int32_t(word)).starving);
    CHECK(mu["mutex"]["holder"] == state.object(e_starve.obj).As<instrument::kinds::MutexState>()->holder);
  }

  TEST_CASE("at font scale 2 on 1280x720 the presentation shows every lane and the Mutex word whole") {
    Scratch scratch;
    const fs::path png = scratch / "presentation.png", dump = scratch / "presentation.json";
    Exit e = RunProcess(UnderXvfb(Viewer({"--step", "mutex.starving.enter", "--font-scale", "2", "--size",
                                          "1280x720", "--presentation", "--screenshot", png.string(),
                                          "--dump-state", dump.string()})),
                        scratch);
    INFO(e.output);
    REQUIRE(e.code == 0);
    const nlohmann::json j = nlohmann::json::parse(ReadFile(dump));
    // The layout gives each pane what its content needs.
    const nlohmann::json timeline = Pane(j, "Timeline"), objects = Pane(j, "Objects");
    CHECK(timeline["h"].get<float>() >= timeline["needs"]["h"].get<float>());
    CHECK(objects["w"].get<float>() >= objects["needs"]["w"].get<float>());
    CHECK(objects["h"].get<float>() >= objects["needs"]["h"].get<float>());
    CHECK(Pane(j, "What to look for")["h"].get<float>() > 0);
    for (const auto& p : j["layout"]) CHECK(p["name"] != "Events");
    // And the picture has a bar for each of the 4 lanes, whole, inside the
    // timeline: down a column near the lanes' right end.
    const Image img(png);
    const int top = timeline["y"].get<int>(), bottom = top + timeline["h"].get<int>();
    std::size_t lanes = 0;
    for (int dx = 50; dx <= 90; dx += 10) {
      const int x = timeline["x"].get<int>() + timeline["w"].get<int>() - dx;
      std::vector<std::pair<int, int>> runs = VerticalRuns(img, x, top, std::min(bottom, img.h), IsStatusColour);
      // A bar is at least a line of text tall, and ends inside the window.
      std::erase_if(runs, [&](auto r) { return r.second - r.first < 26 || r.second >= bottom - 2; });
      lanes = std::max(lanes, runs.size());
    }
    CHECK(lanes == j["goroutines"].size());
  }

  TEST_CASE("a channel's rotate step renders at font scale 2 on 1280x720 with its ring whole in the objects pane") {
    Scratch scratch;
    const fs::path png = scratch / "rotate.png", dump = scratch / "rotate.json";
    Exit e = RunProcess(UnderXvfb(Viewer({"--scenario", "chan/buffered-producer-consumer", "--step", "chan.recv.rotate",
                                          "--font-scale", "2", "--size", "1280x720", "--screenshot", png.string(),
                                          "--dump-state", dump.string()})),
                        scratch);
    INFO(e.output);
    REQUIRE(e.code == 0);
    CHECK(PngSize(png) == std::make_pair(1280, 720));
    CheckNotBlank(png);
    const nlohmann::json j = nlohmann::json::parse(ReadFile(dump));
    CHECK(j["event"]["ev"] == "chan.recv.rotate");
    const nlohmann::json objects = Pane(j, "Objects");
    CHECK(objects["w"].get<float>() >= objects["needs"]["w"].get<float>());
    // The ring's slots are the inspector's blue (kSlotColor): all three
    // hold a job at a rotate. Counted below the state chip (the same blue),
    // which sits in the pane's first 200 rows at this scale.
    const Image img(png);
    int blue = 0;
    for (int y = objects["y"].get<int>() + 200; y < std::min(img.h, objects["y"].get<int>() + objects["h"].get<int>()); y++) {
      for (int x = objects["x"].get<int>(); x < std::min(img.w, objects["x"].get<int>() + objects["w"].get<int>()); x++) {
        blue += img.at(x, y) == 0x466EE6u;
      }
    }
    CHECK(blue > 3000);
  }

  TEST_CASE("a deadlocked run's banner shows whole at font scale 2 on 1280x720") {
    Scratch scratch;
    const fs::path png = scratch / "deadlock.png", dump = scratch / "deadlock.json";
    Exit e = RunProcess(UnderXvfb(Viewer({"--scenario", "mutex/abba-deadlock", "--font-scale", "2", "--size",
                                          "1280x720", "--screenshot", png.string(), "--dump-state", dump.string()})),
                        scratch);
    INFO(e.output);
    REQUIRE(e.code == 0);
    const nlohmann::json transport = Pane(nlohmann::json::parse(ReadFile(dump)), "Transport");
    const Image img(png);
    // The banner's red chip, in the transport's window: whole, so it ends
    // short of the window's edge (a cut one would run into it).
    const int top = transport["y"].get<int>(), bottom = top + transport["h"].get<int>();
    const auto red = [](std::uint32_t c) { return c == 0xD72D2Du; };
    // Down the chip left of its text (the window pads 16 px, the chip 12 at 2x).
    const std::vector<std::pair<int, int>> runs = VerticalRuns(img, transport["x"].get<int>() + 22, top, bottom, red);
    REQUIRE(runs.size() == 1);
    CHECK(runs[0].second - runs[0].first >= 26);  // a line of 2x text
    CHECK(runs[0].second < bottom - 8);
  }

  TEST_CASE("six quick taps of Right in a real window step six times") {
    // What the issue saw with ImGui's own key state: six taps from Home gave
    // step 2. Keys go to the window under the pointer (no window manager):
    // the screen's centre, inside the viewer's window.
    Scratch scratch;
    const fs::path state = scratch / "state.json";
    Exit e = RunProcess(UnderXvfb({"sh", "-c",
                                   "\"$0\" --state-on-exit \"$1\" & viewer=$!; "
                                   "\"$2\" --wait-window 'synclab viewer' End sleep:300 Home Right Right Right "
                                   "Right Right Right sleep:500; kill -TERM $viewer; wait $viewer",
                                   SYNCLAB_VIEWER_EXE, state.string(), SYNCLAB_XTAP_EXE}),
                        scratch);
    INFO(e.output);
    REQUIRE(e.code == 0);
    const nlohmann::json j = nlohmann::json::parse(ReadFile(state));
    CHECK(j["cursor"]["step"] == 6);
  }

  TEST_CASE("the window runs and keeps its settings when it is closed") {
    Scratch scratch;
    const fs::path dir = scratch / "config" / "synclab";
    fs::create_directories(dir);
    std::ofstream(dir / "viewer.ini") << "font_scale = 2\ntheme = light\ntimeline_axis = time\n";
    // TERM closes the window as its close button would; timeout passes the
    // viewer's own exit status on.
    Exit e = RunProcess(UnderXvfb({"timeout", "--preserve-status", "3", SYNCLAB_VIEWER_EXE}), scratch);
    INFO(e.output);
    CHECK(!e.signalled);
    CHECK(e.code == 0);
    const std::string ini = ReadFile(dir / "viewer.ini");
    CHECK(ini.find("font_scale = 2\n") != std::string::npos);
    CHECK(ini.find("theme = light\n") != std::string::npos);
    CHECK(ini.find("timeline_axis = time\n") != std::string::npos);
    CHECK(ini.find("window_width = 1600\n") != std::string::npos);
    CHECK(ini.find("layout = tiled\n") != std::string::npos);  // nobody moved a window
    CHECK(fs::exists(dir / "imgui.ini"));  // where each window is
  }

  TEST_CASE("a malformed trace is refused with a message and exit status 1") {
    Scratch scratch;
    const fs::path bad = scratch / "bad.json";
    std::ofstream(bad) << "{\"format\": \"synclab-trace\", \"version\": 1, \"events\": [{\"seq\": 0,}";
    SUBCASE("without a display") {
      Exit e = RunProcess(Viewer({bad.string(), "--dump-state", (scratch / "out.json").string()}), scratch);
      CHECK(!e.signalled);
      CHECK(e.code == 1);
      CHECK(e.output.find("synclab-viewer: " + bad.string()) != std::string::npos);
    }
    SUBCASE("under Xvfb, asked for a screenshot") {
      Exit e = RunProcess(UnderXvfb(Viewer({bad.string(), "--screenshot", (scratch / "out.png").string()})),
                          scratch);
      CHECK(!e.signalled);
      CHECK(e.code == 1);  // xvfb-run passes it on; a crash would be 128 + signal
      CHECK(e.output.find(bad.string()) != std::string::npos);
      CHECK(!fs::exists(scratch / "out.png"));
    }
  }

  TEST_CASE("a trace whose events contradict each other is refused with the contradiction") {
    Scratch scratch;
    instrument::Trace t = Record("mutex/starvation");
    // The event after late (G4) parks to sleep is made its own: it acts asleep.
    std::uint64_t park = 0;
    while (!(t.events[park].kind == trace::EventKind::kGoPark && t.events[park].g == 4)) ++park;
    t.events[park + 1].g = 4;
    const fs::path file = scratch / "contradicts.json";
    instrument::WriteJsonFile(t, file.string());
    Exit e = RunProcess(Viewer({file.string(), "--dump-state", "-"}), scratch);
    CHECK(!e.signalled);
    CHECK(e.code == 1);
    CHECK(e.output.find("events[" + std::to_string(park + 1) + "]: G4 late acts") != std::string::npos);
    CHECK(e.output.find("while blocked") != std::string::npos);
  }

  TEST_CASE("without a display a screenshot fails and says how to get one") {
    Scratch scratch;
    Exit e = RunProcess(Viewer({"--screenshot", (scratch / "x.png").string()}), scratch,
                        {"DISPLAY", "WAYLAND_DISPLAY"});
    CHECK(!e.signalled);
    CHECK(e.code == 1);
    CHECK(e.output.find("65544") != std::string::npos);
    CHECK(e.output.find("xvfb-run") != std::string::npos);
  }

  TEST_CASE("bad flags exit with status 2 and a message") {
    Scratch scratch;
    for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
             {"--size", "10x10", "--screenshot", "x.png"},
             {"--step", "100000", "--dump-state", "-"},
             {"--step", "no.such.event", "--dump-state", "-"},
             {"--scenario", "no/such", "--dump-state", "-"},
             {"--font-scale", "9"},
             {"--bogus"}}) {
      CAPTURE(args[0]);
      Exit e = RunProcess(Viewer(args), scratch);
      CHECK(!e.signalled);
      CHECK(e.code == 2);
      CHECK(e.output.find("synclab-viewer: ") != std::string::npos);
    }
  }
}
