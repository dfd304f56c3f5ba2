// window.cpp: GLFW, OpenGL 3.3 and the ImGui backends around App.
#define GLFW_INCLUDE_NONE
#include "window.h"

#include <GL/glcorearb.h>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <vector>

#include "key_input.h"
#include "synclab/viewer/style.h"

namespace synclab::viewer {
namespace {

// GLFW reports errors through a plain C callback with no user pointer, so
// the last message waits here for whoever called into GLFW.
std::string g_glfw_error;

void OnGlfwError(int code, const char* message) {
  g_glfw_error = "GLFW error " + std::to_string(code) + ": " + message;
}

// Ctrl+C or a TERM closes the window as its close button does, so the
// settings are saved.
volatile std::sig_atomic_t g_stop = 0;
void OnStopSignal(int) { g_stop = 1; }

// The GL calls the app makes itself (the ImGui backend loads its own).
// Fetched through GLFW, so nothing links libGL directly.
struct Gl {
  PFNGLVIEWPORTPROC Viewport;
  PFNGLCLEARCOLORPROC ClearColor;
  PFNGLCLEARPROC Clear;
  PFNGLPIXELSTOREIPROC PixelStorei;
  PFNGLREADPIXELSPROC ReadPixels;
  PFNGLGENFRAMEBUFFERSPROC GenFramebuffers;
  PFNGLBINDFRAMEBUFFERPROC BindFramebuffer;
  PFNGLDELETEFRAMEBUFFERSPROC DeleteFramebuffers;
  PFNGLCHECKFRAMEBUFFERSTATUSPROC CheckFramebufferStatus;
  PFNGLGENRENDERBUFFERSPROC GenRenderbuffers;
  PFNGLBINDRENDERBUFFERPROC BindRenderbuffer;
  PFNGLDELETERENDERBUFFERSPROC DeleteRenderbuffers;
  PFNGLRENDERBUFFERSTORAGEPROC RenderbufferStorage;
  PFNGLFRAMEBUFFERRENDERBUFFERPROC FramebufferRenderbuffer;

  // Needs a current context. False if any is missing.
  bool Load() {
    auto get = [](const char* name) { return glfwGetProcAddress(name); };
    Viewport = reinterpret_cast<PFNGLVIEWPORTPROC>(get("glViewport"));
    ClearColor = reinterpret_cast<PFNGLCLEARCOLORPROC>(get("glClearColor"));
    Clear = reinterpret_cast<PFNGLCLEARPROC>(get("glClear"));
    PixelStorei = reinterpret_cast<PFNGLPIXELSTOREIPROC>(get("glPixelStorei"));
    ReadPixels = reinterpret_cast<PFNGLREADPIXELSPROC>(get("glReadPixels"));
    GenFramebuffers = reinterpret_cast<PFNGLGENFRAMEBUFFERSPROC>(get("glGenFramebuffers"));
    BindFramebuffer = reinterpret_cast<PFNGLBINDFRAMEBUFFERPROC>(get("glBindFramebuffer"));
    DeleteFramebuffers = reinterpret_cast<PFNGLDELETEFRAMEBUFFERSPROC>(get("glDeleteFramebuffers"));
    CheckFramebufferStatus =
        reinterpret_cast<PFNGLCHECKFRAMEBUFFERSTATUSPROC>(get("glCheckFramebufferStatus"));
    GenRenderbuffers = reinterpret_cast<PFNGLGENRENDERBUFFERSPROC>(get("glGenRenderbuffers"));
    BindRenderbuffer = reinterpret_cast<PFNGLBINDRENDERBUFFERPROC>(get("glBindRenderbuffer"));
    DeleteRenderbuffers = reinterpret_cast<PFNGLDELETERENDERBUFFERSPROC>(get("glDeleteRenderbuffers"));
    RenderbufferStorage = reinterpret_cast<PFNGLRENDERBUFFERSTORAGEPROC>(get("glRenderbufferStorage"));
    FramebufferRenderbuffer =
        reinterpret_cast<PFNGLFRAMEBUFFERRENDERBUFFERPROC>(get("glFramebufferRenderbuffer"));
    return Viewport && ClearColor && Clear && PixelStorei && ReadPixels && GenFramebuffers &&
           BindFramebuffer && DeleteFramebuffers && CheckFramebufferStatus && GenRenderbuffers &&
           BindRenderbuffer && DeleteRenderbuffers && RenderbufferStorage && FramebufferRenderbuffer;
  }
};

// glfwInit and glfwTerminate, with a message a teacher can act on.
struct Glfw {
  std::string error;
  Glfw() {
    glfwSetErrorCallback(OnGlfwError);
    if (!glfwInit()) {
      error = "cannot open a display (" + g_glfw_error +
              "). The viewer needs an X display: on a machine without one, run it under "
              "xvfb-run -a -s \"-screen 0 1280x800x24\" (--dump-state alone needs no display).";
    }
  }
  ~Glfw() {
    if (error.empty()) glfwTerminate();
  }
};

GLFWwindow* OpenWindow(int width, int height, bool visible, const char* title) {
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
  GLFWwindow* window = glfwCreateWindow(width, height, title, nullptr, nullptr);
  if (window != nullptr) glfwMakeContextCurrent(window);
  return window;
}

void ClearToBackground(const Gl& gl, int width, int height) {
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  gl.Viewport(0, 0, width, height);
  gl.ClearColor(bg.x, bg.y, bg.z, 1);
  gl.Clear(GL_COLOR_BUFFER_BIT);
}

// What the window's callbacks collect between frames.
struct Input {
  KeyQueue keys;
  std::vector<std::string> dropped;  // files dropped onto the window
};
Input& InputOf(GLFWwindow* window) { return *static_cast<Input*>(glfwGetWindowUserPointer(window)); }

void OnKey(GLFWwindow* window, int key, int, int action, int mods) {
  InputOf(window).keys.Push(FromGlfwKey(key, action, mods));
}
void OnChar(GLFWwindow* window, unsigned codepoint) { InputOf(window).keys.Push(FromGlfwChar(codepoint)); }
void OnDrop(GLFWwindow* window, int count, const char** paths) {
  for (int i = 0; i < count; ++i) InputOf(window).dropped.emplace_back(paths[i]);
}

}  // namespace

std::string RunWindow(App& app, const std::filesystem::path& settings_file) {
  Glfw glfw;
  if (!glfw.error.empty()) return glfw.error;
  const Settings& s = app.settings();
  const std::string title = "synclab viewer: " + app.source();
  GLFWwindow* window = OpenWindow(s.window_width, s.window_height, true, title.c_str());
  Gl gl;
  if (window == nullptr || !gl.Load()) return "cannot create an OpenGL 3.3 window (" + g_glfw_error + ")";
  glfwSwapInterval(1);
  Input input;
  glfwSetWindowUserPointer(window, &input);
  glfwSetDropCallback(window, OnDrop);
  // Before ImGui's backend installs its own: it calls these first.
  glfwSetKeyCallback(window, OnKey);
  glfwSetCharCallback(window, OnChar);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  const std::string ini = settings_file.empty() ? "" : (settings_file.parent_path() / "imgui.ini").string();
  if (!ini.empty()) std::filesystem::create_directories(settings_file.parent_path());
  ImGui::GetIO().IniFilename = ini.empty() ? nullptr : ini.c_str();
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");
  ApplyLook(s.theme, s.font_scale);

  std::string shown_title = title;
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  while (!glfwWindowShouldClose(window) && g_stop == 0) {
    // Idle, wait for input (a few frames a second); playing, run at the display's rate.
    if (app.cursor().playing) {
      glfwPollEvents();
    } else {
      glfwWaitEventsTimeout(0.1);
    }
    if (!input.dropped.empty()) {
      app.Open(input.dropped.back());
      input.dropped.clear();
    }
    if (app.TakeStyleChange()) {
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ApplyLook(app.settings().theme, app.settings().font_scale);
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    const ImGuiIO& io = ImGui::GetIO();
    app.Frame(io.DisplaySize, input.keys.Take(), io.DeltaTime);
    if (app.quit_requested()) glfwSetWindowShouldClose(window, GLFW_TRUE);
    if (std::string t = "synclab viewer: " + app.source(); t != shown_title) {
      glfwSetWindowTitle(window, t.c_str());
      shown_title = t;
    }
    ImGui::Render();
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window, &fw, &fh);
    ClearToBackground(gl, fw, fh);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    glfwSwapBuffers(window);
  }

  Settings saved = app.settings();
  glfwGetWindowSize(window, &saved.window_width, &saved.window_height);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();  // writes imgui.ini
  glfwDestroyWindow(window);
  if (!settings_file.empty()) SaveSettings(saved, settings_file);
  return "";
}

std::string RenderPng(App& app, int width, int height, const std::filesystem::path& png) {
  Glfw glfw;
  if (!glfw.error.empty()) return glfw.error;
  // The window only carries the GL context: the picture is drawn into a
  // framebuffer object of exactly the requested size, whatever the screen.
  GLFWwindow* window = OpenWindow(64, 64, false, "synclab viewer");
  Gl gl;
  if (window == nullptr || !gl.Load()) return "cannot create an OpenGL 3.3 context (" + g_glfw_error + ")";
  GLuint fbo = 0, color = 0;
  gl.GenFramebuffers(1, &fbo);
  gl.BindFramebuffer(GL_FRAMEBUFFER, fbo);
  gl.GenRenderbuffers(1, &color);
  gl.BindRenderbuffer(GL_RENDERBUFFER, color);
  gl.RenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, width, height);
  gl.FramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, color);
  std::string error;
  if (gl.CheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE) {
    error = "cannot create a " + std::to_string(width) + "x" + std::to_string(height) + " framebuffer";
  }

  if (error.empty()) {
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // the layout is the default one, not the user's
    io.DisplaySize = ImVec2(float(width), float(height));
    io.DeltaTime = 1.0f / 60;
    ImGui_ImplOpenGL3_Init("#version 330");
    ApplyLook(app.settings().theme, app.settings().font_scale);
    app.ResetLayout();
    // A few frames, for windows and tables to settle their sizes and the
    // panels to scroll to the cursor.
    for (int frame = 0; frame < 4; ++frame) {
      ImGui_ImplOpenGL3_NewFrame();
      ImGui::NewFrame();
      app.Frame(io.DisplaySize, {}, 0);
      ImGui::Render();
      ClearToBackground(gl, width, height);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    }
    std::vector<unsigned char> rgba(std::size_t(width) * std::size_t(height) * 4);
    gl.PixelStorei(GL_PACK_ALIGNMENT, 1);
    gl.ReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    // GL's rows go bottom-up; a PNG's top-down. Keep RGB.
    std::vector<unsigned char> rgb(std::size_t(width) * std::size_t(height) * 3);
    for (int y = 0; y < height; ++y) {
      const unsigned char* src = &rgba[std::size_t(height - 1 - y) * std::size_t(width) * 4];
      unsigned char* dst = &rgb[std::size_t(y) * std::size_t(width) * 3];
      for (int x = 0; x < width; ++x) {
        dst[3 * x] = src[4 * x];
        dst[3 * x + 1] = src[4 * x + 1];
        dst[3 * x + 2] = src[4 * x + 2];
      }
    }
    if (stbi_write_png(png.string().c_str(), width, height, 3, rgb.data(), width * 3) == 0) {
      error = "cannot write " + png.string();
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext();
  }
  gl.BindFramebuffer(GL_FRAMEBUFFER, 0);
  gl.DeleteRenderbuffers(1, &color);
  gl.DeleteFramebuffers(1, &fbo);
  glfwDestroyWindow(window);
  return error;
}

}  // namespace synclab::viewer
