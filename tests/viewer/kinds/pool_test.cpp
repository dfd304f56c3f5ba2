// The Pool's inspector on ImGui alone: a column per P with its private item
// and its chain's dequeues, the P a step used highlighted, the victim, and a
// GC's rotation as one step; readable at text scale 2.
#include <doctest/doctest.h>

#include <string>

#include "synclab/viewer/panels.h"
#include "../drawn.h"
#include "../gui.h"
#include "../traces.h"
#include "objects_panel.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::InspectObjects;
using synclab::viewer::testing::Record;

TEST_SUITE("viewer.panels") {
  TEST_CASE("the pool inspector shows each P's private item and the dequeues of its chain") {
    const Model m = Build(Record("pool/steal"));
    const std::uint64_t first_steal = FirstOf(m.trace(), trace::EventKind::kPoolGetSteal);
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      // Before the first steal: buf1 private, buf2-buf9 in dequeue 0, buf10-11 in dequeue 1.
      const std::string text = InspectObjects(m, first_steal - 1, scale,
                                       {"localSize 2", "private", "shared", "deque 0 - 8 slots", "tail 0 head 8",
                                        "deque 1 - 16 slots", "buf1", "buf2", "buf11"});
      CHECK(text.find("buf9") != std::string::npos);
    }
  }

  TEST_CASE("the pool inspector marks the P a step used and the P it stole from") {
    const Model m = Build(Record("pool/steal"));
    const std::uint64_t first_steal = FirstOf(m.trace(), trace::EventKind::kPoolGetSteal);
    const std::string text = InspectObjects(m, first_steal, 2.0f, {"pinned", "taken from", "tail 1 head 8"});
    // buf2 is gone from the chain: the steal took the oldest.
    CHECK(text.find("buf2") == std::string::npos);
    CHECK(text.find("buf3") != std::string::npos);
    InspectObjects(m, first_steal + 1, 2.0f, {"deque 0 - 8 slots"});
  }

  TEST_CASE("the pool inspector shows a GC's rotation in its step and the victim cache") {
    const Model m = Build(Record("pool/victim-rotation"));
    const std::uint64_t rotate = FirstOf(m.trace(), trace::EventKind::kPoolGcRotate);
    InspectObjects(m, rotate - 1, 2.0f, {"localSize 1", "victim: nil", "buf1"});
    const std::string text =
        InspectObjects(m, rotate, 2.0f, {"GC at this step", "local: nil", "victimSize 1", "victim", "buf1"});
    CHECK(text.find("1itemmovedtothevictim,0droppedwiththeoldvictim") != std::string::npos);
  }
}
