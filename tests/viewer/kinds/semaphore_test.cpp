// The Weighted semaphore's inspector on ImGui alone: the cur/size gauge, who
// holds tokens and the FIFO of waiters with each one's n, readable at
// 1280x720 and at text scale 2.
#include <doctest/doctest.h>

#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "../drawn.h"
#include "../gui.h"
#include "../traces.h"
#include "objects_panel.h"

using namespace synclab;
using namespace synclab::viewer;
using synclab::viewer::testing::AtStep;
using synclab::viewer::testing::Drawn;
using synclab::viewer::testing::FirstOf;
using synclab::viewer::testing::Gui;
using synclab::viewer::testing::InspectObject;
using synclab::viewer::testing::ObjectNamed;
using synclab::viewer::testing::Record;

namespace {

// The first wsem.acquire.enqueue whose queue text is `queue`.
std::uint64_t EnqueueWith(const instrument::Trace& t, std::string_view queue) {
  for (const instrument::TraceEvent& e : t.events) {
    if (e.kind != trace::EventKind::kWsemAcquireEnqueue) continue;
    if (t.str(e.f[std::size_t(trace::FieldIndex(e.kind, "queue"))]) == queue) return e.seq;
  }
  FAIL("no enqueue with queue " << std::string(queue));
  return 0;
}

}  // namespace

TEST_SUITE("viewer.panels") {
  TEST_CASE("the semaphore inspector shows cur of size and the FIFO with each waiter's n and the holders") {
    const Model m = Build(Record("semaphore/big-waiter-fifo"));
    const Id sem = ObjectNamed(m.trace(), "sem");
    const std::uint64_t made = FirstOf(m.trace(), trace::EventKind::kWsemNew);
    const std::uint64_t writer_and_reader = EnqueueWith(m.trace(), "3 1");
    for (float scale : {1.0f, 2.0f}) {
      CAPTURE(scale);
      InspectObject(m, sem, made, scale, {"Free", "cur 0 / size 3", "3 free", "(nobody)", "(empty)", "gets through at once"});
      const std::string queued = InspectObject(m, sem, writer_and_reader, scale,
                                         {"2 waiting", "writer (3)", "reader (1)", "needs 3",
                                          "queues behind the waiters"});
      CHECK(queued.find("everyonebehinditwait") != std::string::npos);
    }
  }

  TEST_CASE("the semaphore inspector shows who holds tokens while the pool is full") {
    const Model m = Build(Record("semaphore/worker-pool"));
    const Id sem = ObjectNamed(m.trace(), "sem");
    const std::uint64_t queued = FirstOf(m.trace(), trace::EventKind::kWsemAcquireEnqueue);
    const std::string text = InspectObject(m, sem, queued, 2.0f, {"1 waiting", "cur 3 / size 3", "0 free", "main (1)"});
    CHECK(text.find("heldbyG1main(3)") != std::string::npos);  // main took every token for the tasks
  }
}
