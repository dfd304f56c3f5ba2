// singleflight.cpp: Go's x/sync/singleflight (spec section 14), once for
// every value type; singleflight.h's templates only move values.
#include "synclab/singleflight.h"

#include <fmt/format.h>

namespace synclab::singleflight {

using trace::EventKind;

PanicError::PanicError(std::exception_ptr value, std::string value_text, std::string stack)
    : Panic(value_text + "\n\n" + stack),
      value_(std::move(value)),
      text_(std::move(value_text)),
      stack_(std::move(stack)) {}

error PanicError::Unwrap() const {
  try {
    std::rethrow_exception(value_);
  } catch (const error& e) {
    return e;
  } catch (...) {
    return error();
  }
}

namespace detail {
namespace {

// Go's fmt "%v" of a recovered value.
std::string ValueText(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const error& err) {
    return err.Error();
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown C++ exception";
  }
}

// Go's newPanicError: the value and the stack, its first line
// ("goroutine N [running]:") trimmed. Ours is the call itself.
std::shared_ptr<const PanicError> NewPanicError(std::exception_ptr e, const CallBase& c) {
  std::string stack = fmt::format("synclab/singleflight.(*Group).doCall(key \"{}\")\n\t{}:{}\n",
                                  c.key, c.site.file_name(), c.site.line());
  return std::make_shared<const PanicError>(e, ValueText(e), std::move(stack));
}

}  // namespace

GroupCore::GroupCore(std::string_view name, const Site& site)
    : id_(rt::RegisterObject(trace::ObjectKind::kSingleFlight, name, 0, site)),
      name_(name),
      mu_(id_, "mu", site) {}

std::pair<std::shared_ptr<CallBase>, bool> GroupCore::Begin(
    std::string_view key, std::shared_ptr<CallBase> (*make)(void* arg), Join join, void* arg,
    bool chan, const Site& site) {
  mu_.Lock(site);
  if (auto it = m_.find(key); it != m_.end()) {
    std::shared_ptr<CallBase> c = it->second;
    {
      rt::Step step(id_);
      c->dups++;
      if (join != nullptr) join(*c, arg);
      rt::Emit(EventKind::kSfDoDup, id_, site, key, m_.size(), c->wg.id(), chan, c->dups,
               c->Chans());
    }
    mu_.Unlock(site);
    return {std::move(c), false};
  }
  std::shared_ptr<CallBase> c = make(arg);
  if (join != nullptr) join(*c, arg);
  c->wg.Add(1, site);
  {
    rt::Step step(id_);
    m_.emplace(std::string(key), c);
    rt::Emit(EventKind::kSfDoLeader, id_, site, key, m_.size(), c->wg.id(), chan);
  }
  mu_.Unlock(site);
  return {std::move(c), true};
}

void GroupCore::DoCall(const std::shared_ptr<CallBase>& c, const Site& site) {
  // Go tells a normal return from a panic (recovered into a panicError) and
  // from Goexit; here fn returns or throws.
  try {
    c->Run();
  } catch (const rt::detail::Abort&) {
    throw;  // the run is being torn down: nothing more happens in it
  } catch (const FatalError&) {
    throw;  // Go's fatal errors are not recovered either
  } catch (...) {
    c->panic = NewPanicError(std::current_exception(), *c);
  }

  // Go's deferred part, under mu.
  mu_.Lock(site);
  c->wg.Done(site);
  bool removed = false;
  {
    rt::Step step(id_);
    if (auto it = m_.find(c->key); it != m_.end() && it->second == c) {
      m_.erase(it);
      removed = true;
    }
    if (rt::Tracing()) {
      std::string text;
      if (c->panic) {
        text = "panic: " + std::string(c->panic->ValueText());
      } else if (c->err) {
        text = "error: " + c->err.Error();
      } else {
        TraceText v{std::string_view()};
        c->Result(&v);
        text = std::string(v.view());
      }
      rt::Emit(EventKind::kSfCallDone, id_, site, std::string_view(c->key), std::string_view(text),
               m_.size(), c->wg.id(), c->dups, c->Chans(), removed, bool(c->panic));
    }
  }
  if (c->panic) {
    if (c->Chans() > 0) {
      // Go: `go panic(e); select {}`: a panic nobody can recover crashes the
      // program, so the DoChan waiters do not hang forever unnoticed; this
      // goroutine stays (in Go's crash dump) holding mu, as Go's deferred
      // Unlock never runs.
      std::shared_ptr<const PanicError> e = c->panic;
      go([e] { throw PanicError(*e); }, name_.empty() ? "singleflight.panic" : name_ + ".panic",
         site);
      synclab::detail::BlockForever(trace::WaitReason::kSelectNoCases, site);
    }
    mu_.Unlock(site);  // Go: the deferred g.mu.Unlock runs as the panic unwinds
    throw PanicError(*c->panic);
  }
  c->Send(c->dups > 0, site);  // capacity 1, one send each: never blocks
  mu_.Unlock(site);
}

void GroupCore::Wait(CallBase& c, const Site& site) {
  c.wg.Wait(site);
  if (c.panic) throw PanicError(*c.panic);
}

void GroupCore::Forget(std::string_view key, const Site& site) {
  mu_.Lock(site);
  {
    rt::Step step(id_);
    ObjectId wg = 0;
    if (auto it = m_.find(key); it != m_.end()) {
      wg = it->second->wg.id();
      m_.erase(it);
    }
    rt::Emit(EventKind::kSfForget, id_, site, key, m_.size(), wg, wg != 0);
  }
  mu_.Unlock(site);
}

void GroupCore::Go(std::shared_ptr<CallBase> c, const Site& site) {
  go([this, c = std::move(c), site] { DoCall(c, site); },
     name_.empty() ? "singleflight.DoChan" : name_ + ".DoChan", site);
}

std::size_t GroupCore::InFlight() {
  mu_.Lock();
  std::size_t n = m_.size();
  mu_.Unlock();
  return n;
}

}  // namespace detail
}  // namespace synclab::singleflight
