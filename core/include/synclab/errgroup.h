// errgroup.h: synclab::errgroup::Group (Go: golang.org/x/sync/errgroup;
// spec section 15).
//
//   auto [g, ctx] = errgroup::WithContext(context::background(), "fetch");
//   g->SetLimit(3);                           // at most 3 tasks at once
//   for (auto url : urls) g->Go([ctx, url] { return Fetch(ctx, url); });
//   if (error err = g->Wait()) ...             // the first error, or nil
//
// A Group runs tasks (functions returning an error) each in a goroutine of
// its own and waits for them all. The first task to fail sets the group's
// error, and in a WithContext group cancels the context with that error as
// its cause (context::cause(ctx) == err, ctx.Err() == Canceled), so the
// other tasks can stop early; Wait returns that first error, after every
// task has returned, and cancels the context (cause: the error, or Canceled).
// SetLimit(n) bounds the tasks running at once: Go blocks for a free slot,
// TryGo returns false instead; n < 0 removes the limit, 0 makes every Go
// block (and every TryGo fail). A zero Group works: no limit, no context.
// Misuse (panic, Go wording, a synclab::Panic): SetLimit while tasks hold
// slots: "errgroup: modify limit while N goroutines in the group are still
// active".
// Requirements: Wait has returned before the Group is destroyed (Go's GC
// keeps a Group alive for its goroutines; here the last thing a task
// touches is wg.Done, which Wait waits for).
//
// State (Go's Group):
//   cancel    WithContext's CancelCauseFunc, or none
//   wg        a WaitGroup ("<group>.wg"): tasks started and not yet done
//   sem       a Chan<Unit> ("<group>.sem") of capacity limit, nil without
//             one: a task holds a token in it from Go until it has returned
//   errOnce   a Once ("<group>.errOnce") guarding err; err the first error
// INV1 len(sem) <= cap(sem): at most `limit` tasks between Go and done().
// INV2 err is set at most once, by the first task whose f fails, before
//      that task's wg.Done, so Wait sees it.
//
// Trace: eg.* events on id() (events.def); wg, sem and errOnce are parts
// of the group with their own events; tasks are goroutines named after it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "synclab/chan.h"
#include "synclab/context.h"
#include "synclab/error.h"
#include "synclab/once.h"
#include "synclab/wait_group.h"

namespace synclab::errgroup {

class Group {
 public:
  explicit Group(std::string_view name = {}, Site site = Site::current());
  Group(const Group&) = delete;
  Group& operator=(const Group&) = delete;

  // Starts f in a new goroutine, once a slot is free (with a limit).
  void Go(std::function<error()> f, Site site = Site::current());
  // Go if a slot is free now; false (and f does not run) if not.
  bool TryGo(std::function<error()> f, Site site = Site::current());
  // Waits for every task; returns the first error (nil if none failed).
  error Wait(Site site = Site::current());
  // At most n tasks at once (n < 0: no limit). Panics if tasks hold slots.
  void SetLimit(int n, Site site = Site::current());

  ObjectId id() const { return id_; }

 private:
  friend std::pair<std::shared_ptr<Group>, context::Context> WithContext(const context::Context&,
                                                                          std::string_view, Site);
  void Start(std::function<error()> f, bool try_go, const Site& site);
  void Done(const Site& site);  // Go's g.done()
  // Emits kind with active, limit, tasks and then `more` (errgroup.cpp).
  template <typename... More>
  void Trace(trace::EventKind kind, const Site& site, const More&... more) const;

  ObjectId id_;
  std::string name_;
  context::CancelCauseFunc cancel_;  // WithContext's; empty for a plain Group
  WaitGroup wg_;
  Chan<Unit> sem_;  // nil: no limit
  Once err_once_;
  error err_;  // written once under err_once_, read after wg_.Wait
};

// Go's WithContext: a group and a context derived from ctx (with_cancel_cause)
// that the first failing task, or Wait, cancels.
std::pair<std::shared_ptr<Group>, context::Context> WithContext(const context::Context& ctx,
                                                                 std::string_view name = {},
                                                                 Site site = Site::current());

}  // namespace synclab::errgroup
