// xtap: presses keys in the X display's focused window, as quickly as a
// presenter's clicker or a fast typist would, for the viewer's Xvfb tests.
//
//   xtap [--wait-window NAME] KEY...
//
// KEY is an X keysym name (Home, Right, F5) or sleep:MS. Each key is pressed
// and released at least 2 ms apart in the server's time: the X server stamps events in milliseconds and
// GLFW drops a press stamped like the one before it (it takes it for an
// input method's duplicate), which no real key does. --wait-window waits up
// to 20 s for a window of that name to be mapped first.
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

bool Mapped(Display* d, Window w, const char* name) {
  char* title = nullptr;
  XWindowAttributes a;
  const bool found = XFetchName(d, w, &title) != 0 && title != nullptr &&
                     std::strstr(title, name) != nullptr && XGetWindowAttributes(d, w, &a) != 0 &&
                     a.map_state == IsViewable;
  if (title != nullptr) XFree(title);
  if (found) return true;
  Window root = 0, parent = 0, *children = nullptr;
  unsigned n = 0;
  if (XQueryTree(d, w, &root, &parent, &children, &n) == 0) return false;
  bool any = false;
  for (unsigned i = 0; i < n && !any; ++i) any = Mapped(d, children[i], name);
  if (children != nullptr) XFree(children);
  return any;
}

}  // namespace

int main(int argc, char** argv) {
  Display* d = XOpenDisplay(nullptr);
  if (d == nullptr) {
    std::fprintf(stderr, "xtap: cannot open the display\n");
    return 1;
  }
  int event = 0, error = 0, major = 0, minor = 0;
  if (!XTestQueryExtension(d, &event, &error, &major, &minor)) {
    std::fprintf(stderr, "xtap: the X server has no XTest extension\n");
    return 1;
  }
  int i = 1;
  if (argc > 2 && std::strcmp(argv[1], "--wait-window") == 0) {
    int waited = 0;
    while (!Mapped(d, DefaultRootWindow(d), argv[2])) {
      if (waited >= 20000) {
        std::fprintf(stderr, "xtap: no window \"%s\" after 20 s\n", argv[2]);
        return 1;
      }
      usleep(50000);
      waited += 50;
    }
    usleep(300000);  // for it to draw its first frames
    i = 3;
  }
  for (; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("sleep:", 0) == 0) {
      usleep(useconds_t(std::atoi(key.c_str() + 6)) * 1000);
      continue;
    }
    const KeySym sym = XStringToKeysym(key.c_str());
    const KeyCode code = sym == NoSymbol ? 0 : XKeysymToKeycode(d, sym);
    if (code == 0) {
      std::fprintf(stderr, "xtap: no key %s\n", key.c_str());
      return 2;
    }
    for (Bool down : {True, False}) {
      // The server stamps an event when it handles it: wait until it has
      // (a busy server would otherwise handle two presses in one ms).
      XTestFakeKeyEvent(d, code, down, CurrentTime);
      XSync(d, False);
      usleep(2000);
    }
  }
  XSync(d, False);
  XCloseDisplay(d);
  return 0;
}
