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

#include "synclab/viewer/cursor.h"
#include "synclab/viewer/model.h"

namespace synclab::viewer {

std::string DumpState(const Model& m, const Cursor& c);

}  // namespace synclab::viewer
