// Tests of the app's frame on ImGui without a window: menus, dialogs, the
// help window, playing, errors, and the settings file.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui_internal.h>

#include <algorithm>
#include <sstream>
#include <string>

#include "app.h"
#include "drawn.h"
#include "gui.h"
#include "key_input.h"
#include "keymap.h"
#include "settings.h"
#include "synclab/instrument/json.h"
#include "traces.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::Drawn;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Record;
namespace fs = std::filesystem;

namespace {

constexpr int kEnter = 10, kEscape = 11;  // free indices into io.KeysDown
constexpr const char* kHelpWindow = "Help: keys and colours";

Settings At(float font_scale, bool presentation = false) {
  Settings s;
  s.font_scale = font_scale;
  s.presentation = presentation;
  return s;
}

// Where ImGui has the window now.
Rect WindowRect(Pane p) {
  const ImGuiWindow* w = ImGui::FindWindowByName(PaneTitle(p));
  REQUIRE(w != nullptr);
  return {w->Pos.x, w->Pos.y, w->Size.x, w->Size.y};
}

// The panes are where the tiled layout says.
void CheckTiled(App& app) {
  const Layout want = app.TiledLayoutFor(ImGui::GetIO().DisplaySize);
  for (std::size_t p = 0; p < kPaneCount; ++p) {
    if (want.panes[p].empty()) continue;
    CAPTURE(PaneTitle(Pane(p)));
    CHECK(WindowRect(Pane(p)) == want.panes[p]);
  }
}

// A scratch directory, removed at the end.
struct TempDir {
  fs::path path = fs::temp_directory_path() / ("synclab-app-test-" + std::to_string(::getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

KeyPress Press(Key k, std::uint8_t mods = kNoMods) { return KeyPress{k, mods}; }

// The app on ImGui without a window, at a display size and text scale; the
// font is rebuilt when the app asks, as the window does between frames.
class Harness {
 public:
  explicit Harness(const char* scenario, ImVec2 display = ImVec2(1280, 720), Settings settings = {})
      : gui_(display, settings.font_scale), app_(Build(Record(scenario)), "test", settings) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyMap[ImGuiKey_Enter] = kEnter;
    io.KeyMap[ImGuiKey_Escape] = kEscape;
  }

  // A frame after `keys` were pressed; `key` (an index above) is held for it.
  void Frame(const std::vector<KeyPress>& keys = {}, double seconds = 0, int key = -1) {
    if (app_.TakeStyleChange()) gui_.Look(app_.settings().theme, app_.settings().font_scale);
    ImGuiIO& io = ImGui::GetIO();
    if (key >= 0) io.KeysDown[key] = true;
    gui_.Bare([&] { app_.Frame(io.DisplaySize, keys, seconds); },
              [&] { popup_open_ = ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId); });
    if (key >= 0) io.KeysDown[key] = false;
  }
  // A few frames, for popups to open and windows to settle.
  void Settle() {
    for (int i = 0; i < 3; ++i) Frame();
  }
  bool popup_open() const { return popup_open_; }
  App& app() { return app_; }
  Gui& gui() { return gui_; }
  // Holds the left button at `from`, drags to `to` and lets go.
  void Drag(ImVec2 from, ImVec2 to) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = from;
    Frame();
    io.MouseDown[0] = true;
    Frame();
    for (int i = 1; i <= 4; ++i) {
      io.MousePos = ImVec2(from.x + (to.x - from.x) * float(i) / 4, from.y + (to.y - from.y) * float(i) / 4);
      Frame();
    }
    io.MouseDown[0] = false;
    Frame();
    io.MousePos = ImVec2(-1, -1);
  }

 private:
  Gui gui_;  // before app_: the model outlives no context it needs, and vice versa
  App app_;
  bool popup_open_ = false;
};

}  // namespace

TEST_SUITE("viewer.app") {
  TEST_CASE("the menus and every dialog and window draw and close") {
    Harness h("mutex/abba-deadlock");  // with its outcome banner
    h.Settle();
    CHECK(!h.popup_open());
    for (KeyPress keys : {Press(Key::kO, kCtrl), Press(Key::kR, kCtrl)}) {
      h.Frame({keys});
      h.Settle();
      CHECK(h.popup_open());
      h.Frame({}, 0, kEscape);
      h.Settle();
      CHECK(!h.popup_open());
    }
    h.Frame({Press(Key::kF1)});
    h.Settle();
    h.Frame({Press(Key::kQuestion)});
    h.Frame({Press(Key::kQ, kCtrl)});
    CHECK(h.app().quit_requested());
  }

  TEST_CASE("the text grows and shrinks in halves") {
    Harness h("mutex/starvation");
    h.Frame({Press(Key::kPlus, kCtrl)});
    CHECK(h.app().TakeStyleChange());
    CHECK(h.app().settings().font_scale == 1.5f);
    CHECK(!h.app().TakeStyleChange());
    h.Frame({Press(Key::kMinus, kCtrl)});
    h.Frame({Press(Key::kMinus, kCtrl)});  // not below 1
    CHECK(h.app().settings().font_scale == 1.0f);
    h.Frame({Press(Key::kPlus, kCtrl)});
    h.Frame({Press(Key::kZero, kCtrl)});
    CHECK(h.app().settings().font_scale == 1.0f);
  }

  TEST_CASE("playing moves the cursor by the frame's time") {
    Harness h("mutex/starvation");
    Cursor c = h.app().cursor();
    c.playing = true;
    c.speed = 10;
    h.app().set_cursor(c);
    h.Frame({}, 0.5);
    CHECK(h.app().cursor().step == 5);
  }

  TEST_CASE("a file that is not a trace shows an error and keeps the trace") {
    Harness h("mutex/starvation");
    const std::size_t size = h.app().model().size();
    h.app().Open("/nonexistent/trace.json");
    h.Settle();
    CHECK(h.popup_open());
    CHECK(h.app().model().size() == size);
    CHECK(h.app().source() == "test");
    h.Frame({}, 0, kEnter);  // OK
    h.Settle();
    CHECK(!h.popup_open());
  }

  TEST_CASE("the scenario picker runs the chosen scenario live") {
    Harness h("mutex/trylock");
    h.Frame({Press(Key::kR, kCtrl)});
    h.Settle();
    h.Frame({}, 0, kEnter);  // Run, with the current scenario selected
    h.Settle();
    CHECK(h.app().source() == "mutex/trylock (seed 1)");
    CHECK(h.app().model().trace().meta.scenario == "mutex/trylock");
    CHECK(h.app().cursor().step == 0);
  }

  TEST_CASE("loading another trace clears the event filter") {
    Harness h("mutex/starvation");
    h.app().event_log().filter.Set("polite");
    h.Settle();
    REQUIRE(h.app().event_log().filter.active());
    h.Frame({Press(Key::kR, kCtrl)});
    h.Settle();
    h.Frame({}, 0, kEnter);  // Run
    h.Settle();
    CHECK(!h.app().event_log().filter.active());
    CHECK(h.app().event_log().filter.text[0] == '\0');
  }


  TEST_CASE("six taps of Right within one frame step six times") {
    Harness h("mutex/starvation");
    h.Settle();
    // What GLFW's key callback reports for six quick taps, all between two frames.
    KeyQueue queue;
    queue.Push(FromGlfwKey(GLFW_KEY_HOME, GLFW_PRESS, 0));
    for (int i = 0; i < 6; ++i) {
      queue.Push(FromGlfwKey(GLFW_KEY_RIGHT, GLFW_PRESS, 0));
      queue.Push(FromGlfwKey(GLFW_KEY_RIGHT, GLFW_RELEASE, 0));
    }
    h.Frame(queue.Take());
    CHECK(h.app().cursor().step == 6);
    CHECK(queue.Take().empty());
    // A held key repeats; Shift+Right steps within the selected goroutine.
    queue.Push(FromGlfwKey(GLFW_KEY_RIGHT, GLFW_REPEAT, 0));
    h.Frame(queue.Take());
    CHECK(h.app().cursor().step == 7);
    Cursor c = h.app().cursor();
    c.goroutine = 4;
    h.app().set_cursor(c);
    queue.Push(FromGlfwKey(GLFW_KEY_RIGHT, GLFW_PRESS, GLFW_MOD_SHIFT));
    h.Frame(queue.Take());
    CHECK(h.app().model().trace().events[h.app().cursor().step].g == 4);
  }

  TEST_CASE("GLFW's keys and characters are the keymap's presses") {
    CHECK(FromGlfwKey(GLFW_KEY_PAGE_DOWN, GLFW_PRESS, 0) == KeyPress{Key::kPageDown});
    CHECK(FromGlfwKey(GLFW_KEY_LEFT, GLFW_PRESS, GLFW_MOD_CONTROL) == KeyPress{Key::kLeft, kCtrl});
    CHECK(FromGlfwKey(GLFW_KEY_EQUAL, GLFW_PRESS, GLFW_MOD_CONTROL | GLFW_MOD_SHIFT) == KeyPress{Key::kPlus, kCtrl});
    CHECK(!FromGlfwKey(GLFW_KEY_SPACE, GLFW_REPEAT, 0));  // held Space does not toggle on and off
    CHECK(!FromGlfwKey(GLFW_KEY_A, GLFW_PRESS, 0));
    CHECK(FromGlfwChar('?') == KeyPress{Key::kQuestion});
    CHECK(!FromGlfwChar('x'));
  }

  TEST_CASE("Escape closes the help window and then leaves the presentation layout") {
    Harness h("mutex/starvation");
    h.Frame({Press(Key::kF5)});
    CHECK(h.app().settings().presentation);
    h.Frame({Press(Key::kF1)});
    h.Settle();
    CHECK(Drawn().Has("keys and colours", kHelpWindow));
    h.Frame({Press(Key::kEscape)});
    h.Settle();
    CHECK(!Drawn().Has("keys and colours", kHelpWindow));
    CHECK(h.app().settings().presentation);
    h.Frame({Press(Key::kEscape)});
    CHECK(!h.app().settings().presentation);
  }

  TEST_CASE("the help window lists every shortcut and fits with its colours at font scale 2 on 1280x720") {
    Harness h("mutex/starvation", ImVec2(1280, 720), At(2));
    h.Frame({Press(Key::kF1)});
    h.Settle();
    const Drawn drawn;
    INFO(drawn.Text(kHelpWindow));
    for (const ShortcutHelp& k : kShortcutHelp) {
      CAPTURE(k.keys);
      CHECK(drawn.Visible(k.keys, kHelpWindow));
      CHECK(drawn.Visible(k.what, kHelpWindow));
    }
    for (const char* colour : {"running", "runnable", "blocked", "spinning", "done", "Mutex held"}) {
      CHECK(drawn.Visible(colour, kHelpWindow));
    }
    const ImGuiWindow* w = ImGui::FindWindowByName(kHelpWindow);
    REQUIRE(w != nullptr);
    CHECK(w->ScrollMax.y == 0);  // nothing below to scroll to
    CHECK(w->Pos.y >= 0);
    CHECK(w->Pos.y + w->Size.y <= 720);
  }

  TEST_CASE("every key binding is in the help and the help is docs/viewer.md's table of keys") {
    for (const Binding& b : kBindings) {
      CHECK(std::any_of(kShortcutHelp.begin(), kShortcutHelp.end(), [&](const ShortcutHelp& k) {
        return std::find(k.commands.begin(), k.commands.end(), b.command) != k.commands.end();
      }));
    }
    for (const ShortcutHelp& k : kShortcutHelp) {
      for (Command c : k.commands) {
        CAPTURE(k.keys);
        CHECK(std::any_of(kBindings.begin(), kBindings.end(), [&](const Binding& b) { return b.command == c; }));
      }
    }
    // The rows of the table under "## Keys": | keys | does |.
    std::ifstream doc(std::string(SYNCLAB_SOURCE_DIR) + "/docs/viewer.md");
    REQUIRE(doc);
    std::vector<std::pair<std::string, std::string>> rows;
    bool in_keys = false;
    for (std::string line; std::getline(doc, line);) {
      if (line.rfind("## ", 0) == 0) in_keys = line == "## Keys";
      if (!in_keys || line.rfind("| ", 0) != 0 || line.rfind("| Keys", 0) == 0 || line.rfind("|---", 0) == 0) continue;
      const std::size_t mid = line.find(" | ");
      rows.emplace_back(line.substr(2, mid - 2), line.substr(mid + 3, line.size() - mid - 5));
    }
    REQUIRE(rows.size() == kShortcutHelp.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
      CHECK(rows[i].first == kShortcutHelp[i].keys);
      CHECK(rows[i].second == kShortcutHelp[i].what);
    }
  }

  TEST_CASE("Enter on a file that is not a trace in the Open dialog says why") {
    TempDir dir;
    std::ofstream(dir.path / "bad.json") << "not a trace";
    Harness h("mutex/starvation");
    h.Frame({Press(Key::kO, kCtrl)});
    h.Settle();
    REQUIRE(h.popup_open());
    // The name field has the keyboard: type the path, then Enter.
    ImGui::GetIO().AddInputCharactersUTF8((dir.path / "bad.json").c_str());
    h.Frame();
    h.Frame({}, 0, kEnter);
    h.Settle();
    CHECK(h.popup_open());
    const Drawn drawn;
    INFO(drawn.Text());
    CHECK(drawn.Visible("Could not open"));
    CHECK(h.app().source() == "test");  // the trace it had
  }

  TEST_CASE("the run dialog shows its buttons whole at font scale 2 on 1280x720") {
    Harness h("mutex/starvation", ImVec2(1280, 720), At(2));
    h.Frame({Press(Key::kR, kCtrl)});
    h.Settle();
    const Drawn drawn;
    INFO(drawn.Text("Run a scenario"));
    CHECK(drawn.Visible("Cancel", "Run a scenario"));
    CHECK(drawn.Visible("procs", "Run a scenario"));
    const ImGuiWindow* w = ImGui::FindWindowByName("Run a scenario");
    REQUIRE(w != nullptr);
    CHECK(w->Pos.y + w->Size.y <= 720);
    CHECK(w->ScrollMax.y == 0);
  }

  TEST_CASE("changing the text size lays the windows out again for the new size") {
    Harness h("mutex/starvation", ImVec2(1600, 1000));
    h.Settle();
    CheckTiled(h.app());
    h.Frame({Press(Key::kPlus, kCtrl), Press(Key::kPlus, kCtrl)});
    h.Settle();
    REQUIRE(h.app().settings().font_scale == 2);
    CheckTiled(h.app());
    const Drawn drawn;
    for (const char* lane : {"G1 main", "G2 greedy", "G3 polite", "G4 late"}) CHECK(drawn.Visible(lane, "Timeline"));
  }

  TEST_CASE("at font scale 2 on 1280x720 the presentation shows every lane the Mutex word and the note") {
    Harness h("mutex/starvation", ImVec2(1280, 720), At(2, true));
    Cursor c = h.app().cursor();
    c.step = FirstOf(h.app().model().trace(), trace::EventKind::kMutexStarvingEnter);
    h.app().set_cursor(c);
    h.Settle();
    const Drawn drawn;
    INFO(drawn.Text());
    for (const char* lane : {"G1 main", "G2 greedy", "G3 polite", "G4 late"}) CHECK(drawn.Visible(lane, "Timeline"));
    CHECK(drawn.Visible("mu", "Timeline"));  // a hold's label
    for (const char* bit : {"31", "16", "15", "3", "0"}) {
      CAPTURE(bit);
      CHECK(drawn.Visible(bit, "Objects"));
    }
    CHECK(drawn.Visible("state 0x0000000D", "Objects"));
    CHECK(drawn.Visible("waiters = 1", "Objects"));
    CHECK(drawn.Visible("waiters 1", "Objects"));  // the waiter chip
    CHECK(drawn.Visible("Follow polite (G3).", PaneTitle(Pane::kNote)));
    CHECK(!drawn.Has("seq", "Events"));  // no event log
    // Labels are drawn at the text's size: bit numbers as tall as the
    // current event's digits, a hold's label as tall as the object's name.
    const auto height = [&](std::string_view text, std::string_view window) {
      const auto [lo, hi] = drawn.Box(text, window);
      return hi.y - lo.y;
    };
    CHECK(height("31", "Objects") == height("1.204", "Transport"));
    CHECK(height("mu", "Timeline") == height("mu", "Objects"));
  }

  TEST_CASE("loading a deadlocked trace after one that ended well shows the whole banner") {
    TempDir dir;
    instrument::WriteJsonFile(Record("mutex/abba-deadlock"), (dir.path / "abba.json").string());
    instrument::WriteJsonFile(Record("mutex/starvation"), (dir.path / "starvation.json").string());
    Harness h("mutex/starvation", ImVec2(1280, 720), At(2));
    h.Settle();
    h.app().Open(dir.path / "abba.json");
    h.Settle();
    Drawn drawn;
    INFO(drawn.Text("Transport"));
    CHECK(drawn.Visible("deadlock: fatal error: all goroutines are asleep - deadlock!", "Transport"));
    CHECK(drawn.Visible("Left blocked:", "Transport"));
    CHECK(drawn.Visible("G2 transfer-ab on b.sema", "Transport"));
    CheckTiled(h.app());
    // And back: no band left where the banner was.
    h.app().Open(dir.path / "starvation.json");
    h.Settle();
    CheckTiled(h.app());
    CHECK(WindowRect(Pane::kTimeline).y == WindowRect(Pane::kTransport).y + WindowRect(Pane::kTransport).h);
  }

  TEST_CASE("a window the user moves stays there until Reset layout tiles it again") {
    Harness h("mutex/starvation", ImVec2(1600, 1000));
    h.Settle();
    const Rect events = WindowRect(Pane::kEvents);
    h.Drag(ImVec2(events.x + 60, events.y + 8), ImVec2(events.x + 160, events.y + 58));  // by its title bar
    CHECK(h.app().settings().arranged);
    const Rect moved = WindowRect(Pane::kEvents);
    CHECK(moved.x == events.x + 100);
    // A new text size or trace leaves the user's layout alone.
    h.Frame({Press(Key::kPlus, kCtrl)});
    h.Settle();
    CHECK(WindowRect(Pane::kEvents).x == moved.x);
    h.app().ResetLayout();
    h.Settle();
    CHECK(!h.app().settings().arranged);
    CheckTiled(h.app());
  }

  TEST_CASE("in a layout the user arranged the transport still grows for a banner") {
    TempDir dir;
    instrument::WriteJsonFile(Record("mutex/abba-deadlock"), (dir.path / "abba.json").string());
    Harness h("mutex/starvation", ImVec2(1600, 1000), At(2));
    h.Settle();
    const Rect events = WindowRect(Pane::kEvents);
    h.Drag(ImVec2(events.x + 60, events.y + 8), ImVec2(events.x + 160, events.y + 58));
    REQUIRE(h.app().settings().arranged);
    h.app().Open(dir.path / "abba.json");
    h.Settle();
    const Drawn drawn;
    CHECK(drawn.Visible("deadlock: fatal error: all goroutines are asleep - deadlock!", "Transport"));
    CHECK(drawn.Visible("Left blocked:", "Transport"));
    CHECK(WindowRect(Pane::kEvents).x == events.x + 100);  // the rest stays the user's
  }

  TEST_CASE("the tiled layout is laid out at start whatever imgui.ini says unless the user arranged it") {
    const char* ini = "[Window][Timeline]\nPos=500,500\nSize=300,200\nCollapsed=0\n";
    SUBCASE("tiled") {
      Harness h("mutex/starvation", ImVec2(1600, 1000));
      ImGui::LoadIniSettingsFromMemory(ini);
      h.Settle();
      CheckTiled(h.app());
    }
    SUBCASE("arranged by the user") {
      Settings s;
      s.arranged = true;
      Harness h("mutex/starvation", ImVec2(1600, 1000), s);
      ImGui::LoadIniSettingsFromMemory(ini);
      h.Settle();
      CHECK(WindowRect(Pane::kTimeline) == Rect{500, 500, 300, 200});
    }
  }

  TEST_CASE("the event log brings the current step into view again after a new layout") {
    Harness h("mutex/starvation", ImVec2(1600, 1000));
    Cursor c = h.app().cursor();
    c.step = 140;
    h.app().set_cursor(c);
    h.Settle();
    CHECK(Drawn().Visible("140", "Events"));
    SUBCASE("a larger text") {
      h.Frame({Press(Key::kPlus, kCtrl), Press(Key::kPlus, kCtrl)});
    }
    SUBCASE("a smaller window") {
      ImGui::GetIO().DisplaySize = ImVec2(1280, 560);
    }
    h.Settle();
    CHECK(Drawn().Visible("140", "Events"));
  }

  TEST_CASE("the settings file round-trips and survives nonsense") {
    const fs::path dir = fs::temp_directory_path() / ("synclab-settings-" + std::to_string(::getpid()));
    const fs::path file = dir / "viewer.ini";
    Settings s;
    s.font_scale = 2.5f;
    s.theme = Theme::kLight;
    s.window_width = 1280;
    s.window_height = 720;
    s.timeline_axis = Axis::kTime;
    s.presentation = true;
    s.arranged = true;
    SaveSettings(s, file);
    const Settings back = LoadSettings(file);
    CHECK(back.font_scale == 2.5f);
    CHECK(back.theme == Theme::kLight);
    CHECK(back.window_width == 1280);
    CHECK(back.window_height == 720);
    CHECK(back.timeline_axis == Axis::kTime);
    CHECK(back.presentation);
    CHECK(back.arranged);

    std::ofstream(file) << "font_scale = lots\nwindow_width = -5\n= 3\nno equals sign\n";
    const Settings junk = LoadSettings(file);
    CHECK(junk.font_scale == kMinFontScale);
    CHECK(junk.window_width == 320);
    CHECK(LoadSettings(dir / "missing.ini").font_scale == Settings().font_scale);
    fs::remove_all(dir);

    CHECK(NextFontScale(1, +1) == 1.5f);
    CHECK(NextFontScale(kMaxFontScale, +1) == kMaxFontScale);
    CHECK(NextFontScale(1.2f, -1) == 1.0f);
  }

  TEST_CASE("the settings live under XDG_CONFIG_HOME or else HOME") {
    const char* xdg = std::getenv("XDG_CONFIG_HOME");
    const std::string saved = xdg != nullptr ? xdg : "";
    setenv("XDG_CONFIG_HOME", "/tmp/xdg", 1);
    CHECK(SettingsDir() == fs::path("/tmp/xdg/synclab"));
    unsetenv("XDG_CONFIG_HOME");
    if (const char* home = std::getenv("HOME")) CHECK(SettingsDir() == fs::path(home) / ".config" / "synclab");
    if (xdg != nullptr) setenv("XDG_CONFIG_HOME", saved.c_str(), 1);
  }
}
