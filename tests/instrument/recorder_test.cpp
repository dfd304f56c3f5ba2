// Tests of the Recorder: dense ids, seq order, the outcome's event.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "synclab/atomic.h"
#include "synclab/atomic_value.h"
#include "synclab/go.h"
#include "synclab/instrument/recorder.h"
#include "synclab/mutex.h"
#include "synclab/native.h"
#include "synclab/sim.h"
#include "synclab/wait_group.h"

using namespace synclab;
using instrument::Recorder;
using instrument::Trace;

namespace {

Trace RecordSim(const std::function<void()>& main, std::uint64_t seed = 1) {
  Recorder rec;
  sim::Options o;
  o.seed = seed;
  o.sink = &rec;
  sim::Result r = sim::Run(main, o);
  return rec.Finish({"test", "sim", seed, "random", o.procs}, r.outcome, r.schedule);
}

void TwoWorkers() {
  Mutex mu{"mu"};
  WaitGroup wg{"wg"};
  for (int i = 0; i < 2; i++) {
    wg.Add(1);
    go([&] {
      for (int j = 0; j < 20; j++) { mu.Lock(); mu.Unlock(); }
      wg.Done();
    }, "worker");
  }
  wg.Wait();
}

}  // namespace

TEST_SUITE("instrument.recorder sim") {
  TEST_CASE("ids are dense and 1-based and in order of creation") {
    Trace t = RecordSim(TwoWorkers);
    REQUIRE(t.goroutines.size() == 3);
    CHECK(t.goroutines[0].name == "main");
    CHECK(t.goroutines[1].parent == 1);
    CHECK(t.goroutines[2].name == "worker");
    REQUIRE(t.objects.size() == 4);  // mu, mu.sema, wg, wg.sema
    CHECK(t.objects[0].name == "mu");
    CHECK(t.objects[1].kind == trace::ObjectKind::kSema);
    CHECK(t.objects[1].name == "mu.sema");
    CHECK(t.objects[1].parent == 1);
    CHECK(instrument::Validate(t) == "");
  }

  TEST_CASE("the text of str fields outlives the emitter and the recorder's buffers") {
    const std::int64_t a = 1, b = 2;
    Trace t = RecordSim([&] {
      ObjectId pool = rt::RegisterObject(trace::ObjectKind::kPool, "pool", 0, Site::current());
      std::string text = "first";
      rt::Emit(trace::EventKind::kPoolGetNew, pool, Site::current(), a, std::string_view(text));
      text = "xxxxx";  // the event keeps its own copy
      rt::Emit(trace::EventKind::kPoolGetNew, pool, Site::current(), b, std::string_view("second"));
      rt::Emit(trace::EventKind::kPoolGetNew, pool, Site::current(), a, std::string_view("first"));
    });
    CHECK(t.strings == std::vector<std::string>{"first", "second"});
    std::vector<std::int64_t> labels, items;
    for (const instrument::TraceEvent& e : t.events) {
      if (e.kind != trace::EventKind::kPoolGetNew) continue;
      items.push_back(e.f[0]);
      labels.push_back(e.f[1]);
    }
    CHECK(items == std::vector<std::int64_t>{1, 2, 1});
    CHECK(labels == std::vector<std::int64_t>{1, 2, 1});
    CHECK(instrument::Validate(t) == "");
  }

  TEST_CASE("the same seed records the same trace and another seed another") {
    CHECK(RecordSim(TwoWorkers, 7) == RecordSim(TwoWorkers, 7));
    CHECK_FALSE(RecordSim(TwoWorkers, 7).events == RecordSim(TwoWorkers, 8).events);
  }

  TEST_CASE("sites name the user's call with a repository-relative file") {
    Trace t = RecordSim(TwoWorkers);
    bool found = false;
    for (const auto& s : t.sites) {
      CHECK(s.file.rfind("/", 0) != 0);  // not absolute: -ffile-prefix-map applies
      if (s.file == "tests/instrument/recorder_test.cpp") found = true;
    }
    CHECK(found);
  }

  TEST_CASE("string fields survive Finish and are interned once each") {
    Trace t = RecordSim([] {
      atomic::Value v{"v"};
      v.Store(std::string("first"));
      v.Load();
      v.Store(std::string("second"));
    });
    CHECK(t.strings == std::vector<std::string>{"firstStoreInProgress", "nil", "first", "std::string", "second"});
    CHECK(instrument::Validate(t) == "");
  }

  TEST_CASE("pointers are renumbered densely in order of first appearance and nil stays 0") {
    int a = 0, b = 0;
    Trace t = RecordSim([&] {
      atomic::Pointer<int> p{nullptr, "p"};
      p.Store(&b);
      p.Store(nullptr);
      p.Store(&a);
      p.Store(&b);
    });
    std::vector<std::int64_t> values;
    for (const auto& e : t.events)
      if (e.kind == trace::EventKind::kAtomicPointerStore) values.push_back(e.f[0]);
    CHECK(values == std::vector<std::int64_t>{1, 0, 2, 1});
  }

  TEST_CASE("a deadlock outcome points at the last event and lists the blocked goroutine") {
    Trace t = RecordSim([] { Mutex mu{"mu"}; mu.Lock(); mu.Lock(); });
    CHECK(t.outcome.status == rt::Status::kDeadlock);
    REQUIRE(t.outcome.seq.has_value());
    CHECK(*t.outcome.seq == t.events.size() - 1);
    REQUIRE(t.outcome.blocked.size() == 1);
    CHECK(t.objects[t.outcome.blocked[0].obj - 1].name == "mu.sema");
  }
}

TEST_SUITE("instrument.recorder native") {
  TEST_CASE("events from many threads merge into one seq order with non-decreasing time") {
    Recorder rec;
    native::Options o;
    o.sink = &rec;
    native::Result r = native::Run(TwoWorkers, o);
    Trace t = rec.Finish({"test", "native", 0, "", 2}, r.outcome, {});
    CHECK(t.outcome.status == rt::Status::kOk);
    CHECK(instrument::Validate(t) == "");
    CHECK(t.events.size() > 80);
  }
}
