// singleflight.h: synclab::singleflight::Group (Go: golang.org/x/sync/
// singleflight; spec section 14).
//
//   singleflight::Group<std::string> g{"users"};
//   auto [user, err, shared] = g.Do(id, [&] { return LoadUser(id); });  // one load per id at a time
//   auto ch = g.DoChan(id, [&] { ... });    // the same, with the result on a channel
//   select(recv_case(ch, ...), recv_case(ctx.Done(), ...));  // wait, but not forever
//   g.Forget(id);                           // the next Do for id loads afresh
//
// Do(key, fn) runs fn once for all the callers that ask for key while it
// runs: the first caller (the leader) runs fn, the others (duplicates) wait
// for its result and get it too, with shared = true; the leader's shared
// says whether anyone joined it. A key's next Do, once the call has ended,
// starts a new call. DoChan is Do whose result arrives on a channel of
// capacity 1 (never closed); its leader runs fn in a goroutine of its own.
// Forget(key) takes the key's call out of the map: later callers start a new
// call while the old one runs on (and still answers its own waiters).
//
// If fn throws (Go: panics), the panic reaches every waiter as Go's
// panicError (PanicError below, "<value>\n\n<stack>"): the leader and each
// Do duplicate throw it. A DoChan caller cannot be answered with a panic,
// so, as Go does, the panic is re-thrown in a fresh goroutine (the program
// crashes: outcome panic) and the call's goroutine blocks forever, so that
// no channel waiter hangs unnoticed.
// Requirements: the Group outlives its calls (a DoChan call runs on in its
// goroutine after every caller has gone; Go's GC keeps the Group alive).
// Go's errGoexit ("runtime.Goexit was called") has no counterpart: synclab
// has no runtime.Goexit. A fatal error or the run's teardown inside fn goes
// through untouched, as Go's fatal errors do.
//
// State (Go's Group and call):
//   mu          a Mutex ("<group>.mu") guarding m and each call's dups and chans
//   m           key -> call in flight (a std::map: the inspector lists keys in order)
//   call.wg     a WaitGroup ("<group>.<key>"), Add(1) by the leader, Done when fn
//               ends; Do duplicates Wait on it
//   call.val, call.err   fn's results, written before wg.Done, read after Wait
//   call.dups   callers that joined; call.chans  the DoChan callers' channels
// INV1 m[key] is the call whose fn runs now for key, if any; a call leaves m
//      (once) when fn ends, or earlier by Forget.
// INV2 dups and chans only grow while the call is in m; a call's result is
//      sent on each of its chans exactly once, after fn ended.
//
// Trace: sf.* events on id() (see events.def), with mu's mutex.* and each
// call's wg.* and each DoChan channel's chan.* (all parts of the group).
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "synclab/chan.h"
#include "synclab/error.h"
#include "synclab/format.h"
#include "synclab/go.h"
#include "synclab/mutex.h"
#include "synclab/wait_group.h"

namespace synclab::singleflight {

// Go's Result: what a DoChan channel receives.
template <typename V>
struct Result {
  V Val{};
  error Err;
  bool Shared = false;
};

// Go's panicError: what fn threw, with a stack. what() (Go's Error()) is
// "<value>\n\n<stack>". C++ has no goroutine stacks to print; the stack is
// the call that ran fn: Group.doCall, its key and the site of the Do or
// DoChan that started it (Go trims the "goroutine N [running]:" line too).
class PanicError : public Panic {
 public:
  PanicError(std::exception_ptr value, std::string value_text, std::string stack);
  // What fn threw (Go: p.value); rethrow it to look at it.
  std::exception_ptr Value() const { return value_; }
  std::string_view ValueText() const { return text_; }
  std::string_view Stack() const { return stack_; }
  // Go's Unwrap: the value if it is an error (fn threw a synclab::error).
  error Unwrap() const;

 private:
  std::exception_ptr value_;
  std::string text_;
  std::string stack_;
};

namespace detail {

// Go's call, less its value (Call<V> adds it and the channels).
struct CallBase {
  CallBase(ObjectId group, std::string_view key, const Site& site)
      : wg(group, key, site), key(key), site(site) {}
  virtual ~CallBase() = default;
  virtual void Run() = 0;                    // val, err = fn()
  virtual void Send(bool shared, const Site& site) = 0;  // Result{val, err, shared} to every chan
  virtual std::size_t Chans() const = 0;
  virtual void Result(TraceText* out) const = 0;  // val as text

  WaitGroup wg;
  error err;
  std::shared_ptr<const PanicError> panic;  // fn panicked (Go: err is a *panicError)
  int dups = 0;
  std::string key;
  Site site;  // the Do or DoChan that started it (the panicError's stack)
};

// The algorithm, once for every value type (singleflight.cpp).
class GroupCore {
 public:
  GroupCore(std::string_view name, const Site& site);
  GroupCore(const GroupCore&) = delete;
  GroupCore& operator=(const GroupCore&) = delete;

  // Do's and DoChan's first part, under mu: joins key's call (dups++,
  // `join` runs under mu: DoChan appends its channel) and returns it with
  // false, or registers `fresh` (wg.Add(1), join) and returns it with true.
  using Join = void (*)(CallBase& c, void* arg);
  std::pair<std::shared_ptr<CallBase>, bool> Begin(std::string_view key,
                                                   std::shared_ptr<CallBase> (*make)(void* arg),
                                                   Join join, void* arg, bool chan,
                                                   const Site& site);
  // Go's doCall: runs fn, then under mu ends the call. Throws the
  // PanicError if fn panicked and no channel waits.
  void DoCall(const std::shared_ptr<CallBase>& c, const Site& site);
  // A Do duplicate: waits for the call's end; rethrows its panic.
  void Wait(CallBase& c, const Site& site);
  void Forget(std::string_view key, const Site& site);
  // The doCall goroutine of a DoChan leader.
  void Go(std::shared_ptr<CallBase> c, const Site& site);

  ObjectId id() const { return id_; }
  std::size_t InFlight();  // calls in m (takes mu)

 private:
  ObjectId id_;
  std::string name_;
  Mutex mu_;
  std::map<std::string, std::shared_ptr<CallBase>, std::less<>> m_;  // guarded by mu_
};

template <typename V>
struct Call final : CallBase {
  Call(ObjectId group, std::string_view key, const Site& site,
       std::function<std::pair<V, error>()> fn)
      : CallBase(group, key, site), fn(std::move(fn)) {}
  void Run() override {
    auto r = fn();
    val = std::move(r.first);
    err = std::move(r.second);
  }
  void Send(bool shared, const Site& s) override {
    for (const Chan<singleflight::Result<V>>& ch : chans) ch.Send({val, err, shared}, s);
  }
  std::size_t Chans() const override { return chans.size(); }
  void Result(TraceText* out) const override { *out = TraceText(val); }

  std::function<std::pair<V, error>()> fn;
  V val{};
  std::vector<Chan<singleflight::Result<V>>> chans;  // guarded by the group's mu
};

}  // namespace detail

// Go's Group. V is the value type (Go: any). Not copyable (it holds a Mutex).
template <typename V>
class Group {
 public:
  using Fn = std::function<std::pair<V, error>()>;

  explicit Group(std::string_view name = {}, Site site = Site::current()) : core_(name, site) {}

  // Runs fn once for key while duplicates wait; returns (val, err, shared).
  std::tuple<V, error, bool> Do(std::string_view key, Fn fn, Site site = Site::current()) {
    Make make{this, &fn, key, site};
    auto [c, leader] = core_.Begin(key, &Make::New, nullptr, &make, false, site);
    auto& call = static_cast<detail::Call<V>&>(*c);
    if (!leader) {
      core_.Wait(call, site);
      return {call.val, call.err, true};
    }
    core_.DoCall(c, site);
    // dups no longer changes: the call has left m (or was forgotten) under mu.
    return {call.val, call.err, call.dups > 0};
  }

  // Do with the result on a channel (capacity 1, never closed); the leader
  // runs fn in a new goroutine.
  RecvChan<Result<V>> DoChan(std::string_view key, Fn fn, Site site = Site::current()) {
    Chan<Result<V>> ch = make_chan_in<Result<V>>(core_.id(), std::string(key) + ".result", 1, site);
    Make make{this, &fn, key, site, &ch};
    auto [c, leader] = core_.Begin(key, &Make::New, &Make::AddChan, &make, true, site);
    if (leader) core_.Go(std::move(c), site);
    return ch;
  }

  // Forgets key's call: the next Do for key runs fn again.
  void Forget(std::string_view key, Site site = Site::current()) { core_.Forget(key, site); }

  ObjectId id() const { return core_.id(); }
  std::size_t InFlight() { return core_.InFlight(); }  // calls in the map now

 private:
  // What Begin needs of the typed side, passed as one pointer.
  struct Make {
    Group* g;
    Fn* fn;
    std::string_view key;
    Site site;
    Chan<Result<V>>* ch = nullptr;
    static std::shared_ptr<detail::CallBase> New(void* arg) {
      auto* m = static_cast<Make*>(arg);
      return std::make_shared<detail::Call<V>>(m->g->core_.id(), m->key, m->site, std::move(*m->fn));
    }
    static void AddChan(detail::CallBase& c, void* arg) {
      static_cast<detail::Call<V>&>(c).chans.push_back(*static_cast<Make*>(arg)->ch);
    }
  };

  detail::GroupCore core_;
};

}  // namespace synclab::singleflight

// A Result as trace text: "{val, err, shared}".
template <typename V>
struct fmt::formatter<synclab::singleflight::Result<V>> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const synclab::singleflight::Result<V>& r, Ctx& ctx) const {
    synclab::TraceText v(r.Val);
    return fmt::format_to(ctx.out(), "{{{}, {}, {}}}", v.view(), r.Err.Error(), r.Shared);
  }
};
