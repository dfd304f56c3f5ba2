// Tests of the app's frame on ImGui without a window: menus, dialogs, the
// help window, playing, errors, and the settings file.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "app.h"
#include "gui.h"
#include "settings.h"
#include "traces.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::Record;
namespace fs = std::filesystem;

namespace {

constexpr int kEnter = 10, kEscape = 11;  // free indices into io.KeysDown

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

  TEST_CASE("the settings file round-trips and survives nonsense") {
    const fs::path dir = fs::temp_directory_path() / ("synclab-settings-" + std::to_string(::getpid()));
    const fs::path file = dir / "viewer.ini";
    Settings s;
    s.font_scale = 2.5f;
    s.theme = Theme::kLight;
    s.window_width = 1280;
    s.window_height = 720;
    s.timeline_axis = Axis::kTime;
    SaveSettings(s, file);
    const Settings back = LoadSettings(file);
    CHECK(back.font_scale == 2.5f);
    CHECK(back.theme == Theme::kLight);
    CHECK(back.window_width == 1280);
    CHECK(back.window_height == 720);
    CHECK(back.timeline_axis == Axis::kTime);

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
