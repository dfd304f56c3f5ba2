// dump.h: the model's state at the cursor as JSON (synclab-viewer --dump-state).
//
// Tests assert on it instead of on pixels:
//   {"cursor": {"step": 79, ...}, "event": {"seq": 79, "ev": "mutex.starving.enter", ...},
//    "goroutines": [{"id": 3, "status": "blocked", "file": "...", "line": 32, ...}],
//    "objects": [{"id": 1, "kind": "mutex", "fields": {...},
//                 "mutex": {"locked": true, "starving": true, "waiters": 1, "holder": 2,
//                           "queue": [3], "waiting": [{"g": 3, "since": ..., "waited_ns": ...}]}}]}
#pragma once

#include <string>
#include <vector>

#include "synclab/viewer/cursor.h"
#include "synclab/viewer/model.h"

namespace synclab::viewer {

// A window of the app's layout: where it is and what its content needs
// (0: nothing in particular), for tests to check that all of it shows. The
// model knows no app: the caller describes its windows.
struct PaneDump {
  std::string name;
  float x, y, w, h;
  float need_w, need_h;
};

// With a layout, the dump has "layout": [{"name", "x", "y", "w", "h", "needs": {"w", "h"}}].
std::string DumpState(const Model& m, const Cursor& c, const std::vector<PaneDump>& layout = {});

}  // namespace synclab::viewer
