// Tests of the explorer (instrument/explore.h): it finds the scenarios' bugs,
// its counterexamples replay to the same failure, it proves the proof/*
// scenarios within their bound, and its DFS keeps its rules (the preemption
// bound, no schedule twice, every outcome reached).
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "synclab/instrument/explore.h"
#include "synclab/scenarios/scenario.h"

using namespace synclab;
using instrument::ExploreOptions;
using instrument::ExploreReport;
using instrument::SearchStrategy;

namespace {

ExploreReport ExploreScenario(std::string_view name, ExploreOptions o) {
  const scenarios::Scenario* s = scenarios::Find(name);
  REQUIRE(s != nullptr);
  if (o.procs == 0) o.procs = s->default_procs;
  const scenarios::Config config{};
  return instrument::Explore([&] { s->main(config); }, o);
}

ExploreOptions Dfs(int bound, std::uint64_t max_schedules = 0) {
  ExploreOptions o;
  o.strategy = SearchStrategy::kDfs;
  o.preemption_bound = bound;
  o.max_schedules = max_schedules;
  o.procs = 0;
  return o;
}

// The counterexample, recorded as `synclab explore` records it, fails the same way.
void CheckReplays(std::string_view name, const ExploreOptions& o, const instrument::FoundFailure& f) {
  const scenarios::Scenario* s = scenarios::Find(name);
  scenarios::RunOptions ro;
  ro.seed = o.seed;
  ro.procs = o.procs > 0 ? o.procs : s->default_procs;
  ro.replay.assign(f.schedule.begin(), f.schedule.end());
  const instrument::Trace t = scenarios::Run(*s, ro);
  CHECK(t.outcome.status == f.outcome.status);
  CHECK(t.outcome.message == f.outcome.message);
  CHECK(t.schedule == ro.replay);
}

// Two goroutines increment a plain variable once each: the update is lost
// when both load before either stores, kept otherwise.
void TwoIncrements() {
  Var<int> n{0, "n"};
  WaitGroup wg{"wg"};
  wg.Add(2);
  for (int g = 0; g < 2; g++) {
    go([&] {
      n.Store(n.Load() + 1);
      wg.Done();
    });
  }
  wg.Wait();
  check(n.Load() == 2, "lost");
}

}  // namespace

TEST_SUITE("explore") {
  TEST_CASE("dfs finds each failing scenario's bug and its counterexample replays to it") {
    struct Case {
      std::string_view name;
      rt::Status status;
    };
    const Case cases[] = {
        {"counter/lost-update", rt::Status::kAssert},
        {"mutex/abba-deadlock", rt::Status::kDeadlock},
        {"once/broken-cas-once", rt::Status::kAssert},
        {"rwmutex/recursive-rlock-deadlock", rt::Status::kDeadlock},
        {"waitgroup/add-inside-goroutine", rt::Status::kAssert},
        {"chan/leak", rt::Status::kLeak},
        {"classic/dining-philosophers", rt::Status::kDeadlock},
    };
    for (const Case& c : cases) {
      CAPTURE(c.name);
      const ExploreOptions o = Dfs(2, 2000);
      const ExploreReport r = ExploreScenario(c.name, o);
      REQUIRE(r.failures.size() == 1);
      CHECK(r.failures[0].outcome.status == c.status);
      CHECK(r.failures[0].preemptions <= 2);
      CHECK_FALSE(r.exhausted);
      CheckReplays(c.name, o, r.failures[0]);
    }
  }

  TEST_CASE("dfs proves each proof scenario within preemption bound 2 and says the space was exhausted") {
    for (std::string_view name : {"proof/mutex", "proof/rwmutex", "proof/waitgroup", "proof/cond",
                                  "proof/once", "proof/chan"}) {
      CAPTURE(name);
      const ExploreReport r = ExploreScenario(name, Dfs(2));
      CHECK(r.failures.empty());
      CHECK(r.exhausted);
      CHECK_FALSE(r.hit_limit);
      CHECK(r.schedules > 1);
      CHECK(r.outcomes.size() == 1);
      CHECK(r.outcomes.count("ok") == 1);
    }
  }

  TEST_CASE("dfs never runs a schedule with more preemptions than the bound and never runs one twice") {
    for (int bound : {0, 1, 2}) {
      CAPTURE(bound);
      ExploreOptions o = Dfs(bound);
      std::set<std::vector<GoroutineId>> seen;
      int most = 0;
      std::uint64_t runs = 0;
      o.on_schedule = [&](const instrument::ScheduleRun& s) {
        runs++;
        most = std::max(most, s.preemptions);
        CHECK(seen.insert(s.schedule).second);
        return true;
      };
      const ExploreReport r = ExploreScenario("proof/waitgroup", o);
      CHECK(r.exhausted);
      CHECK(runs == r.schedules);
      CHECK(most == bound);  // the bound is reached, not only respected
    }
  }

  TEST_CASE("a larger preemption bound explores a superset of the schedules") {
    std::set<std::vector<GoroutineId>> small, large;
    ExploreOptions o = Dfs(1);
    o.on_schedule = [&](const instrument::ScheduleRun& s) { return small.insert(s.schedule).second; };
    ExploreScenario("proof/once", o);
    o = Dfs(2);
    o.on_schedule = [&](const instrument::ScheduleRun& s) { return large.insert(s.schedule).second; };
    ExploreScenario("proof/once", o);
    CHECK(large.size() > small.size());
    CHECK(std::includes(large.begin(), large.end(), small.begin(), small.end()));
  }

  TEST_CASE("unbounded dfs reaches every outcome of a racy program: both the lost and the kept update") {
    ExploreOptions o = Dfs(-1);
    o.all = true;
    int lost = 0, kept = 0;
    o.on_schedule = [&](const instrument::ScheduleRun& s) {
      (s.outcome.status == rt::Status::kOk ? kept : lost)++;
      return true;
    };
    o.procs = 2;
    const ExploreReport r = instrument::Explore(TwoIncrements, o);
    CHECK(r.exhausted);
    CHECK(lost > 0);
    CHECK(kept > 0);
    REQUIRE(r.failures.size() == 1);  // one distinct failure however often it happened
    CHECK(r.outcomes.at("assert") == std::uint64_t(lost));
  }

  TEST_CASE("with --all distinct failures are kept once each and the search goes on") {
    ExploreOptions o = Dfs(2, 300);
    o.all = true;
    const ExploreReport r = ExploreScenario("counter/lost-update", o);
    REQUIRE_FALSE(r.failures.empty());
    std::set<std::string> keys;
    for (const auto& f : r.failures) CHECK(keys.insert(f.key).second);
    CHECK(r.schedules == 300);
  }

  TEST_CASE("random and pct find the ABBA deadlock and are deterministic for a seed") {
    for (SearchStrategy s : {SearchStrategy::kRandom, SearchStrategy::kPct}) {
      CAPTURE(instrument::Name(s));
      ExploreOptions o;
      o.strategy = s;
      o.max_schedules = 500;
      o.seed = 7;
      const ExploreReport a = ExploreScenario("mutex/abba-deadlock", o);
      const ExploreReport b = ExploreScenario("mutex/abba-deadlock", o);
      REQUIRE(a.failures.size() == 1);
      CHECK(a.failures[0].outcome.status == rt::Status::kDeadlock);
      CHECK(a.failures[0].schedule == b.failures[0].schedule);
      CHECK(a.schedules == b.schedules);
      CheckReplays("mutex/abba-deadlock", o, a.failures[0]);
    }
  }

  TEST_CASE("max-schedules and a time limit stop the search without calling it exhausted") {
    const ExploreReport r = ExploreScenario("proof/mutex", Dfs(2, 5));
    CHECK(r.schedules == 5);
    CHECK_FALSE(r.exhausted);
    ExploreOptions o = Dfs(2);
    o.time_limit_s = 0.05;
    o.max_steps = 1'000'000;
    const ExploreReport t = ExploreScenario("mutex/counter", o);
    CHECK_FALSE(t.exhausted);
    CHECK(t.seconds < 5);
  }

  TEST_CASE("failed checks are the same failure when their site is whatever values their messages show") {
    const Site here = Site::current();
    const rt::Outcome c{rt::Status::kAssert, "assertion failed: count = 7, want 8", 2, here, {}};
    rt::Outcome d{rt::Status::kAssert, "assertion failed: count = 5, want 8", 3, here, {}};
    CHECK(instrument::DedupKey(c) == instrument::DedupKey(d));
    d.site = Site::current();
    CHECK(instrument::DedupKey(c) != instrument::DedupKey(d));
  }

  TEST_CASE("failures are the same when status message and blocked sites are") {
    rt::Outcome a{rt::Status::kDeadlock, "fatal error: all goroutines are asleep - deadlock!", 0, {}, {}};
    rt::Outcome b = a;
    a.blocked.push_back(rt::Blocked{2, 5, trace::WaitReason::kNone, Site::current()});
    b.blocked.push_back(rt::Blocked{3, 6, trace::WaitReason::kNone, a.blocked[0].site});
    CHECK(instrument::DedupKey(a) == instrument::DedupKey(b));  // other goroutines, same place
    b.blocked[0].site = Site::current();
    CHECK(instrument::DedupKey(a) != instrument::DedupKey(b));
    CHECK_FALSE(instrument::IsFailure(rt::Status::kOk));
    CHECK_FALSE(instrument::IsFailure(rt::Status::kLimit));
    CHECK(instrument::IsFailure(rt::Status::kLeak));
  }

  TEST_CASE("minimize keeps the failure and never lengthens it and no schedule with fewer preemptions fails so") {
    for (std::string_view name : {"mutex/abba-deadlock", "counter/lost-update", "once/broken-cas-once"}) {
      CAPTURE(name);
      const scenarios::Scenario* s = scenarios::Find(name);
      const scenarios::Config config{};
      auto program = [&] { s->main(config); };
      ExploreOptions o = Dfs(2, 2000);
      o.procs = s->default_procs;
      // Start from a failure found late, so that there is something to shorten.
      o.strategy = SearchStrategy::kRandom;
      o.seed = 3;
      const ExploreReport r = instrument::Explore(program, o);
      REQUIRE(r.failures.size() == 1);
      const instrument::FoundFailure& f = r.failures[0];
      const instrument::FoundFailure m = instrument::Minimize(program, o, f);
      CHECK(m.key == f.key);
      CHECK(m.preemptions <= f.preemptions);
      if (m.preemptions == f.preemptions) CHECK(m.steps <= f.steps);
      CheckReplays(name, o, m);
      if (m.preemptions > 0) {
        ExploreOptions fewer = Dfs(m.preemptions - 1, 20000);
        fewer.procs = o.procs;
        fewer.all = true;
        const ExploreReport below = instrument::Explore(program, fewer);
        for (const auto& g : below.failures) CHECK(g.key != f.key);
      }
    }
  }

  TEST_CASE("the point of no return: every schedule from it fails and one choice earlier there is a way out") {
    ExploreOptions o = Dfs(-1);
    o.procs = 2;
    const ExploreReport r = instrument::Explore(TwoIncrements, o);
    REQUIRE(r.failures.size() == 1);
    const instrument::FoundFailure& f = r.failures[0];
    const instrument::NoReturn n = instrument::PointOfNoReturn(TwoIncrements, o, f);
    REQUIRE(n.decision > 0);  // the update need not be lost
    REQUIRE(n.decision <= f.schedule.size());
    // From the point on, nothing but this failure.
    ExploreOptions from = o;
    from.prefix.assign(f.schedule.begin(), f.schedule.begin() + std::ptrdiff_t(n.decision));
    from.all = true;
    const ExploreReport after = instrument::Explore(TwoIncrements, from);
    CHECK(after.exhausted);
    REQUIRE(after.failures.size() == 1);
    CHECK(after.failures[0].key == f.key);
    CHECK(after.outcomes.size() == 1);
    // One decision earlier, the escape shares the prefix, then chooses otherwise and ends ok.
    const std::size_t d = n.decision - 1;
    REQUIRE(n.escape.size() > d);
    CHECK(std::equal(f.schedule.begin(), f.schedule.begin() + std::ptrdiff_t(d), n.escape.begin()));
    CHECK(n.escape[d] != f.schedule[d]);
    CHECK(n.escape_outcome.status == rt::Status::kOk);
    // Each decision falls before an event of the counterexample's trace, in order.
    const std::vector<std::uint64_t> at = instrument::DecisionEvents(TwoIncrements, o, f.schedule);
    CHECK(at.size() == f.schedule.size());
    CHECK(std::is_sorted(at.begin(), at.end()));
    CHECK(at.front() > 0);
  }

  TEST_CASE("a point of no return at decision 0 means every schedule fails so") {
    // mutex/abba-deadlock holds each lock across 5 us of work: on 2 Ps both
    // goroutines always take their first lock before either wants its second.
    const scenarios::Scenario* s = scenarios::Find("mutex/abba-deadlock");
    const scenarios::Config config{};
    auto program = [&] { s->main(config); };
    ExploreOptions o = Dfs(2);
    o.procs = s->default_procs;
    o.all = true;
    const ExploreReport r = instrument::Explore(program, o);
    REQUIRE(r.failures.size() == 1);
    CHECK(r.exhausted);
    CHECK(r.outcomes.size() == 1);  // deadlock, every time
    CHECK(instrument::PointOfNoReturn(program, o, r.failures[0]).decision == 0);
  }

  TEST_CASE("the parts of a sharded search are disjoint and add up to the whole search") {
    for (SearchStrategy strategy : {SearchStrategy::kDfs, SearchStrategy::kRandom}) {
      CAPTURE(instrument::Name(strategy));
      ExploreOptions o = Dfs(2);
      o.strategy = strategy;
      o.max_schedules = strategy == SearchStrategy::kDfs ? 0 : 60;
      std::multiset<std::vector<GoroutineId>> whole, parts;
      o.on_schedule = [&](const instrument::ScheduleRun& s) { whole.insert(s.schedule); return true; };
      const ExploreReport all = ExploreScenario("proof/waitgroup", o);
      std::vector<ExploreReport> reports;
      for (int k = 0; k < 3; k++) {
        o.shard = k;
        o.shards = 3;
        o.on_schedule = [&](const instrument::ScheduleRun& s) { parts.insert(s.schedule); return true; };
        reports.push_back(ExploreScenario("proof/waitgroup", o));
        CHECK(reports.back().schedules > 0);  // each part has some of the space
      }
      const ExploreReport merged = instrument::MergeReports(reports);
      CHECK(merged.schedules == all.schedules);
      CHECK(merged.steps == all.steps);
      CHECK(merged.outcomes == all.outcomes);
      CHECK(merged.exhausted == all.exhausted);
      CHECK(parts == whole);  // the same schedules, none twice
    }
  }

  TEST_CASE("a part report survives its JSON and a bad one is rejected with the field named") {
    ExploreOptions o = Dfs(2, 50);
    o.all = true;
    instrument::PartReport p;
    p.spec = {"counter/lost-update", SearchStrategy::kDfs, 2, 3, 9, 2, 1000, 50, 1, 4};
    p.report = ExploreScenario("counter/lost-update", o);
    REQUIRE_FALSE(p.report.failures.empty());
    const instrument::PartReport q = instrument::ParseReportJson(instrument::ReportJson(p));
    CHECK(q.spec == p.spec);
    CHECK(q.report.schedules == p.report.schedules);
    CHECK(q.report.outcomes == p.report.outcomes);
    REQUIRE(q.report.failures.size() == p.report.failures.size());
    CHECK(q.report.failures[0].schedule == p.report.failures[0].schedule);
    CHECK(q.report.failures[0].key == p.report.failures[0].key);
    CHECK(q.report.failures[0].outcome.status == p.report.failures[0].outcome.status);
    const std::string good = instrument::ReportJson(p);
    auto rejects = [](const std::string& text, const std::string& what) {
      CAPTURE(what);
      try {
        instrument::ParseReportJson(text);
        FAIL("accepted");
      } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find(what) != std::string::npos);
      }
    };
    rejects("{", "not JSON");
    rejects("{}", "not a synclab explore report");
    auto edited = [&](const std::string& from, const std::string& to) {
      std::string t = good;
      const std::size_t at = t.find(from);
      REQUIRE(at != std::string::npos);
      return t.replace(at, from.size(), to);
    };
    rejects(edited("\"strategy\": \"dfs\"", "\"strategy\": \"bfs\""), "search.strategy");
    rejects(edited("\"shard\": 1", "\"shard\": 7"), "search.shard");
    rejects(edited("\"exhausted\": false", "\"exhausted\": 0"), "exhausted: not true or false");
    rejects(edited("\"status\": \"assert\"", "\"status\": \"ok\""), "failures[0].status");
  }
}
