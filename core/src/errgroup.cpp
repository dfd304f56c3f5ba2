// errgroup.cpp: Go's x/sync/errgroup (spec section 15), v0.3.0 and later
// (the context is cancelled with the first error as its cause).
#include "synclab/errgroup.h"

#include <fmt/format.h>

#include "synclab/go.h"

namespace synclab::errgroup {

using trace::EventKind;

namespace {
// An error as trace text: "" for nil.
std::string Text(const error& err) { return err ? err.Error() : std::string(); }
}  // namespace

Group::Group(std::string_view name, Site site)
    : id_(rt::RegisterObject(trace::ObjectKind::kErrGroup, name, 0, site)),
      name_(name.empty() ? "errgroup" : name),
      wg_(id_, "wg", site),
      err_once_(id_, "errOnce", site) {}

template <typename... More>
void Group::Trace(EventKind kind, const Site& site, const More&... more) const {
  if (!rt::Tracing()) return;
  // The fields are other objects' state (sem's length, wg's counter): read
  // them and emit in one section, so native events come in one order.
  rt::TraceSection section(id_);
  const std::int64_t active = sem_.nil() ? 0 : sem_.Len();
  const std::int64_t limit = sem_.nil() ? -1 : sem_.Cap();
  rt::Emit(kind, id_, site, active, limit, wg_.counter(), more...);
}

void Group::Go(std::function<error()> f, Site site) {
  if (!sem_.nil()) {
    if (sem_.Len() >= sem_.Cap()) Trace(EventKind::kEgGoWaitSlot, site);
    sem_.Send(Unit{}, site);  // blocks while every slot is taken
  }
  Start(std::move(f), false, site);
}

bool Group::TryGo(std::function<error()> f, Site site) {
  if (!sem_.nil()) {
    bool sent = false;
    // Go: select { case g.sem <- token{}: default: return false }
    select(send_case(sem_, Unit{}, [&] { sent = true; }, site), default_case(site));
    if (!sent) {
      Trace(EventKind::kEgTryGoFull, site);
      return false;
    }
  }
  Start(std::move(f), true, site);
  return true;
}

void Group::Start(std::function<error()> f, bool try_go, const Site& site) {
  wg_.Add(1, site);
  Trace(EventKind::kEgGo, site, try_go);
  go([this, f = std::move(f), site] {
    Trace(EventKind::kEgTaskBegin, site);
    error err;
    try {
      err = f();
    } catch (const rt::detail::Abort&) {
      throw;  // the run is torn down: nothing more happens in it
    } catch (const FatalError&) {
      throw;  // Go's fatal errors run no deferred calls
    } catch (...) {
      Done(site);  // Go: the deferred g.done() runs as the panic unwinds
      throw;
    }
    if (err) {
      err_once_.Do([&] {
        err_ = err;
        if (cancel_) cancel_(err_);
        Trace(EventKind::kEgFirstError, site, Text(err_), bool(cancel_));
      }, site);
    }
    Trace(EventKind::kEgTaskEnd, site, Text(err), bool(err));
    Done(site);  // the last touch of the group: Wait may return after it
  }, name_, site);
}

void Group::Done(const Site& site) {
  if (!sem_.nil()) sem_.Recv(site);  // gives the slot back
  wg_.Done(site);
}

error Group::Wait(Site site) {
  Trace(EventKind::kEgWaitBegin, site);
  wg_.Wait(site);
  if (cancel_) cancel_(err_);  // nil: the cause is Canceled
  Trace(EventKind::kEgWaitEnd, site, Text(err_), bool(cancel_));
  return err_;
}

void Group::SetLimit(int n, Site site) {
  if (n < 0) {
    sem_ = Chan<Unit>();
  } else {
    if (const std::int64_t active = sem_.nil() ? 0 : sem_.Len(); active != 0) {
      throw Panic(fmt::format(
          "errgroup: modify limit while {} goroutines in the group are still active", active));
    }
    sem_ = make_chan_in<Unit>(id_, "sem", n, site);
  }
  Trace(EventKind::kEgSetLimit, site, sem_.id());
}

std::pair<std::shared_ptr<Group>, context::Context> WithContext(const context::Context& ctx,
                                                                 std::string_view name, Site site) {
  // Go: ctx, cancel := withCancelCause(ctx); return &Group{cancel: cancel}, ctx
  auto [derived, cancel] =
      context::with_cancel_cause(ctx, std::string(name.empty() ? "errgroup" : name) + ".ctx", site);
  auto g = std::make_shared<Group>(name, site);
  g->cancel_ = std::move(cancel);
  g->Trace(EventKind::kEgWithContext, site, derived.id());
  return {std::move(g), std::move(derived)};
}

}  // namespace synclab::errgroup
