// context.cpp: Go 1.21's context package (src/context/context.go; spec
// section 12), node for node. Go's names are kept in the comments.
#include "synclab/context.h"

#include <algorithm>
#include <atomic>
#include <vector>

#include "synclab/mutex.h"
#include "synclab/once.h"

namespace synclab::context {

using trace::EventKind;

namespace {

[[noreturn]] void NilDeref() {
  throw Panic("runtime error: invalid memory address or nil pointer dereference");
}

void CheckParent(const Context& parent) {
  if (parent.nil()) throw Panic("cannot create context from nil parent");
}

// Go's &cancelCtxKey: the private key a cancelCtx answers with itself.
struct CancelCtxKey {
  friend bool operator==(CancelCtxKey, CancelCtxKey) { return true; }
};
const Key& TheCancelCtxKey() {
  static const Key* key = new Key(CancelCtxKey{});  // immortal: contexts may outlive statics
  return *key;
}
bool IsCancelCtxKey(const Key& k) { return k == TheCancelCtxKey(); }

std::string Name(std::string_view name, std::string_view fallback) {
  return std::string(name.empty() ? fallback : name);
}

}  // namespace

std::string ContextImpl::String() const { return atomic::detail::ReadableTypeName(typeid(*this).name()); }

ContextImpl& Context::Impl() const {
  if (!impl_) NilDeref();
  return *impl_;
}

namespace {

// Go's contextName.
std::string ContextName(const Context& c) { return c.nil() ? "<nil>" : c.String(); }

// --- emptyCtx: backgroundCtx, todoCtx ----------------------------------------

class EmptyCtx final : public ContextImpl {
 public:
  EmptyCtx(bool todo, const Site& site)
      : todo_(todo),
        id_(rt::RegisterObject(trace::ObjectKind::kContext, todo ? "todo" : "background", 0,
                               site)) {
    rt::Emit(todo ? EventKind::kCtxTodo : EventKind::kCtxBackground, id_, site);
  }
  std::pair<Time, bool> Deadline() const override { return {Time{}, false}; }
  RecvChan<Unit> Done() const override { return {}; }
  error Err() const override { return {}; }
  std::any Value(const Key&) const override { return {}; }
  std::string String() const override { return todo_ ? "context.TODO" : "context.Background"; }
  ObjectId id() const override { return id_; }

 private:
  const bool todo_;
  const ObjectId id_;
};

class CancelCtx;
class ValueCtx;
class WithoutCancelCtx;

std::any LookUp(const ContextImpl* c, const Key& key);  // Go's value()

// Go's parentCancelCtx: the cancelCtx whose done channel parent.Done() is,
// or null (parent is never done, or is a context of its own that is not
// simply forwarding to a cancelCtx).
CancelCtx* ParentCancelCtx(const Context& parent);

// Go's canceler, with the object that passes the cancel on for the trace.
class Canceler {
 public:
  virtual ~Canceler() = default;
  virtual void Cancel(bool remove_from_parent, error err, error cause, ObjectId by) = 0;
  virtual RecvChan<Unit> Done() const = 0;
};

// --- cancelCtx ------------------------------------------------------------

class CancelCtx : public ContextImpl, public Canceler,
                  public std::enable_shared_from_this<CancelCtx> {
 public:
  CancelCtx(std::string name, const Site& site)
      : name_(std::move(name)),
        site_(site),
        id_(rt::RegisterObject(trace::ObjectKind::kContext, name_, 0, site)),
        mu_(id_, "mu", site) {}
  ~CancelCtx() override;

  std::pair<Time, bool> Deadline() const override { return parent_.Deadline(); }
  RecvChan<Unit> Done() const override;
  error Err() const override {
    mu_.Lock();
    error err = err_;
    mu_.Unlock();
    return err;
  }
  std::any Value(const Key& key) const override;
  std::string String() const override { return ContextName(parent_) + ".WithCancel"; }
  ObjectId id() const override { return id_; }

  void Cancel(bool remove_from_parent, error err, error cause, ObjectId by) override {
    CancelBase(remove_from_parent, std::move(err), std::move(cause), by);
  }

  // Go's cancelCtx.propagateCancel(parent, child): this node is child's
  // cancelCtx (child is this node itself, or what embeds it).
  void Propagate(const Context& parent);

  // The done channel if made (Go's p.done.Load()), for parentCancelCtx.
  RecvChan<Unit> DoneIfMade() const {
    return done_made_.load(std::memory_order_acquire) ? RecvChan<Unit>(done_) : RecvChan<Unit>();
  }
  error CauseLocked() const { return cause_; }
  Mutex& mu() const { return mu_; }
  const Context& parent() const { return parent_; }

  // Go's p.children[child] = struct{}{} (under mu_). `keep`: an afterFuncCtx,
  // which the parent holds alive until it is cancelled or stopped.
  void AddChildLocked(const std::shared_ptr<CancelCtx>& child, bool keep);
  // delete(p.children, child) under mu_, traced. Returns what the parent
  // held of it (an afterFuncCtx), to be let go of after mu_ is unlocked: a
  // node freed under its parent's lock would take that lock again.
  std::shared_ptr<CancelCtx> RemoveChildLocked(const CancelCtx* child, const Site& site);
  bool CancelledLocked() const { return static_cast<bool>(err_); }
  // Whether the cancelCtx it attaches to keeps it alive (afterFuncCtx).
  virtual bool KeptByParent() const { return false; }
  error ErrLocked() const { return err_; }

 protected:
  // Go's cancelCtx.cancel.
  void CancelBase(bool remove_from_parent, error err, error cause, ObjectId by);
  // Go's removeChild(c.Context, c).
  void RemoveFromParent();

  const std::string name_;
  const Site site_;
  const ObjectId id_;
  mutable Mutex mu_;  // protects what follows, as Go's cancelCtx.mu
  Context parent_;    // Go's embedded Context; set once by Propagate

 private:
  struct Child {
    CancelCtx* raw;
    std::weak_ptr<CancelCtx> weak;
    std::shared_ptr<CancelCtx> keep;  // afterFuncCtx only
  };
  mutable Chan<Unit> done_;  // made lazily under mu_
  mutable std::atomic<bool> done_made_{false};
  std::vector<Child> children_;
  error err_, cause_;
  // stopCtx{parent, stop}: set when propagation went through the parent's
  // AfterFunc; removeChild calls it instead.
  std::function<bool()> stop_;
  // The cancelCtx this node was attached to (an ancestor, kept alive through
  // parent_), so that a node freed before its cancel can leave it.
  CancelCtx* attached_to_ = nullptr;
};

// A trace-text view of an error.
std::string Text(const error& e) { return e ? e.Error() : ""; }

RecvChan<Unit> CancelCtx::Done() const {
  if (done_made_.load(std::memory_order_acquire)) return done_;
  mu_.Lock();
  if (!done_made_.load(std::memory_order_relaxed)) {
    done_ = make_chan<Unit>(0, name_ + ".done", site_);
    // Cancelled before anyone asked: Go hands out its closed channel.
    const bool closed = static_cast<bool>(err_);
    if (closed) done_.Close(site_);
    rt::Emit(EventKind::kCtxDoneMake, id_, site_, done_.id(), closed);
    done_made_.store(true, std::memory_order_release);
  }
  mu_.Unlock();
  return done_;
}

std::any TracedValue(const ContextImpl* self, ObjectId id, const Key& key);

std::any CancelCtx::Value(const Key& key) const {
  if (IsCancelCtxKey(key)) return const_cast<CancelCtx*>(this);
  return TracedValue(this, id_, key);
}

void CancelCtx::AddChildLocked(const std::shared_ptr<CancelCtx>& child, bool keep) {
  children_.push_back(Child{child.get(), child, keep ? child : nullptr});
  child->attached_to_ = this;
}

std::shared_ptr<CancelCtx> CancelCtx::RemoveChildLocked(const CancelCtx* child, const Site& site) {
  auto it = std::find_if(children_.begin(), children_.end(),
                         [&](const Child& c) { return c.raw == child; });
  if (it == children_.end()) return nullptr;
  std::shared_ptr<CancelCtx> keep = std::move(it->keep);
  children_.erase(it);
  rt::Emit(EventKind::kCtxChildRemove, id_, site, child->id_, std::int64_t(children_.size()));
  return keep;
}

void CancelCtx::CancelBase(bool remove_from_parent, error err, error cause, ObjectId by) {
  if (!err) throw Panic("context: internal error: missing cancel error");
  if (!cause) cause = err;
  auto self = shared_from_this();  // a child's cancel may drop the parent's hold on us
  mu_.Lock();
  if (err_) {
    rt::Emit(EventKind::kCtxCancelAgain, id_, site_, Text(err), Text(cause), by);
    mu_.Unlock();
    return;  // already canceled
  }
  err_ = err;
  cause_ = cause;
  const bool made = done_made_.load(std::memory_order_relaxed);
  rt::Emit(EventKind::kCtxCancel, id_, site_, Text(err_), Text(cause_), by,
           std::int64_t(children_.size()), made ? done_.id() : ObjectId(0));
  if (made) done_.Close(site_);  // else Go stores closedchan; Done() closes its own
  // Children inherit the parent's err and cause. Those we reach are kept
  // alive until mu_ is unlocked: a node freed here would take mu_ again to
  // leave our children.
  std::vector<Child> children;
  children.swap(children_);
  std::vector<std::shared_ptr<CancelCtx>> reached;
  for (Child& c : children) {
    if (std::shared_ptr<CancelCtx> child = c.weak.lock()) {
      child->Cancel(false, err, cause, id_);
      reached.push_back(std::move(child));
    }
  }
  mu_.Unlock();
  reached.clear();  // may free nodes, outside the lock
  children.clear();
  if (remove_from_parent) RemoveFromParent();
}

void CancelCtx::RemoveFromParent() {
  mu_.Lock();
  std::function<bool()> stop = stop_;
  mu_.Unlock();
  if (stop) {  // parent.(stopCtx)
    stop();
    return;
  }
  CancelCtx* p = ParentCancelCtx(parent_);
  if (p == nullptr) return;
  p->mu_.Lock();
  std::shared_ptr<CancelCtx> held = p->RemoveChildLocked(this, site_);
  p->mu_.Unlock();
}

CancelCtx::~CancelCtx() {
  // Freed before it was cancelled: leave the parent's children, which hold
  // it only weakly (context.h). Go's GC would never free it while it is there.
  if (attached_to_ == nullptr) return;
  try {
    attached_to_->mu_.Lock();
  } catch (const rt::detail::Abort&) {
    // The run is being torn down (its main returned) while this goroutine
    // ran destructors, and the lock was taken: the parent goes with the run.
    // A destructor must not throw.
    return;
  }
  attached_to_->RemoveChildLocked(this, site_);
  attached_to_->mu_.Unlock();
}

std::any LookUp(const ContextImpl* c, const Key& key);

void CancelCtx::Propagate(const Context& parent) {
  parent_ = parent;
  const Site& site = site_;
  RecvChan<Unit> done = parent.Done();
  if (done.nil()) {
    rt::Emit(EventKind::kCtxPropagateNone, id_, site, parent.id());
    return;  // parent is never canceled
  }
  bool parent_done = false;
  select(recv_case(done, [&] { parent_done = true; }, site), default_case(site));
  if (parent_done) {
    rt::Emit(EventKind::kCtxPropagateNow, id_, site, parent.id());
    Cancel(false, parent.Err(), cause(parent), parent.id());
    return;
  }
  if (CancelCtx* p = ParentCancelCtx(parent)) {
    p->mu_.Lock();
    if (p->err_) {
      // The parent has already been canceled.
      rt::Emit(EventKind::kCtxPropagateNow, id_, site, parent.id());
      Cancel(false, p->err_, p->cause_, p->id_);
    } else {
      p->AddChildLocked(shared_from_this(), KeptByParent());
      rt::Emit(EventKind::kCtxPropagateAttach, id_, site, parent.id(), p->id_,
               std::int64_t(p->children_.size()));
    }
    p->mu_.Unlock();
    return;
  }
  if (auto* a = dynamic_cast<AfterFuncer*>(parent.get())) {
    mu_.Lock();
    // The callback holds this node weakly: the parent does not keep it.
    std::weak_ptr<CancelCtx> child = shared_from_this();
    stop_ = a->AfterFunc([child, by = parent.id()] {
      if (auto c = child.lock()) c->Cancel(false, c->parent_.Err(), cause(c->parent_), by);
    });
    rt::Emit(EventKind::kCtxPropagateAfter, id_, site, parent.id());
    mu_.Unlock();
    return;
  }
  rt::Emit(EventKind::kCtxPropagateGo, id_, site, parent.id());
  // goroutines.Add(1): Go counts these for its tests.
  std::shared_ptr<CancelCtx> child = shared_from_this();
  go(
      [child, parent, site] {
        select(recv_case(
                   parent.Done(),
                   [&] { child->Cancel(false, parent.Err(), cause(parent), parent.id()); }, site),
               recv_case(child->Done(), [] {}, site));
      },
      "propagateCancel", site);
}

// --- timerCtx ---------------------------------------------------------------

class TimerCtx final : public CancelCtx {
 public:
  TimerCtx(std::string name, Time deadline, const Site& site)
      : CancelCtx(std::move(name), site), deadline_(deadline) {}

  std::pair<Time, bool> Deadline() const override { return {deadline_, true}; }
  std::string String() const override {
    return ContextName(parent_) + ".WithDeadline(" + FormatTime(deadline_) + " [" +
           FormatDuration(until(deadline_)) + "])";
  }
  void Cancel(bool remove_from_parent, error err, error cause, ObjectId by) override {
    auto self = shared_from_this();
    CancelBase(false, std::move(err), std::move(cause), by);
    if (remove_from_parent) RemoveFromParent();
    mu_.Lock();
    if (!timer_.nil()) {
      const bool was = timer_.Stop(site_);
      rt::Emit(EventKind::kCtxTimerStop, id_, site_, timer_.id(), was);
      timer_ = Timer();
    }
    mu_.Unlock();
  }
  ~TimerCtx() override {
    if (!timer_.nil()) timer_.Stop(site_);  // freed before its deadline (context.h)
  }

  // Arms the deadline timer unless already cancelled (under mu_, as Go).
  void Arm(Duration dur, error cause) {
    mu_.Lock();
    if (!CancelledLocked()) {
      std::weak_ptr<CancelCtx> self = shared_from_this();
      timer_ = synclab::after_func(
          dur,
          [self, cause] {
            if (auto c = self.lock()) c->Cancel(true, DeadlineExceeded, cause, 0);
          },
          name_ + ".timer", site_);
      rt::Emit(EventKind::kCtxTimerArm, id_, site_, deadline_.ns, timer_.id());
    }
    mu_.Unlock();
  }

 private:
  const Time deadline_;
  Timer timer_;  // under mu_
};

// --- afterFuncCtx -------------------------------------------------------------

class AfterFuncCtx final : public CancelCtx {
 public:
  AfterFuncCtx(std::string name, std::function<void()> f, const Site& site)
      : CancelCtx(std::move(name), site), once_(name_ + ".once", site), f_(std::move(f)) {}

  void Cancel(bool remove_from_parent, error err, error cause, ObjectId by) override {
    auto self = shared_from_this();
    CancelBase(false, std::move(err), std::move(cause), by);
    if (remove_from_parent) RemoveFromParent();
    once_.Do([&] {
      rt::Emit(EventKind::kCtxAfterFuncRun, id_, site_);
      go(f_, name_, site_);
    });
  }
  // stop(): Go's closure returned by AfterFunc.
  bool Stop(const Site& site) {
    bool stopped = false;
    once_.Do([&] { stopped = true; }, site);
    rt::Emit(EventKind::kCtxAfterFuncStop, id_, site, stopped);
    if (stopped) Cancel(true, Canceled, {}, 0);
    return stopped;
  }
  bool KeptByParent() const override { return true; }

 private:
  Once once_;  // either starts running f or stops f from running
  std::function<void()> f_;
};

// --- valueCtx, withoutCancelCtx ----------------------------------------------

class ValueCtx final : public ContextImpl {
 public:
  ValueCtx(Context parent, Key key, std::any val, std::string val_text, std::string_view name,
           const Site& site)
      : parent_(std::move(parent)),
        key_(std::move(key)),
        val_(std::move(val)),
        key_text_(key_.Text()),
        val_text_(std::move(val_text)),
        id_(rt::RegisterObject(trace::ObjectKind::kContext, Name(name, "value"), 0, site)) {
    rt::Emit(EventKind::kCtxWithValue, id_, site, parent_.id(), key_text_, val_text_);
  }
  std::pair<Time, bool> Deadline() const override { return parent_.Deadline(); }
  RecvChan<Unit> Done() const override { return parent_.Done(); }
  error Err() const override { return parent_.Err(); }
  std::any Value(const Key& key) const override;
  std::string String() const override {
    return ContextName(parent_) + ".WithValue(type " + key_.TypeName() + ", val " + val_text_ +
           ")";
  }
  ObjectId id() const override { return id_; }

  const Context parent_;
  const Key key_;
  const std::any val_;
  const std::string key_text_, val_text_;
  const ObjectId id_;
};

class WithoutCancelCtx final : public ContextImpl {
 public:
  WithoutCancelCtx(Context parent, std::string_view name, const Site& site)
      : parent_(std::move(parent)),
        id_(rt::RegisterObject(trace::ObjectKind::kContext, Name(name, "withoutCancel"), 0,
                               site)) {
    rt::Emit(EventKind::kCtxWithoutCancel, id_, site, parent_.id());
  }
  std::pair<Time, bool> Deadline() const override { return {Time{}, false}; }
  RecvChan<Unit> Done() const override { return {}; }
  error Err() const override { return {}; }
  std::any Value(const Key& key) const override;
  std::string String() const override { return ContextName(parent_) + ".WithoutCancel"; }
  ObjectId id() const override { return id_; }

  const Context parent_;
  const ObjectId id_;
};

// Go's value(c, key): walks up through the nodes it knows, asks the others.
// `at`: the valueCtx that answered.
std::any Walk(const ContextImpl* c, const Key& key, ObjectId* at) {
  for (;;) {
    if (c == nullptr) return {};
    if (auto* v = dynamic_cast<const ValueCtx*>(c)) {
      if (key == v->key_) {
        if (at != nullptr) *at = v->id_;
        return v->val_;
      }
      c = v->parent_.get();
    } else if (auto* cc = dynamic_cast<const CancelCtx*>(c)) {
      // timerCtx and afterFuncCtx answer with their cancelCtx, as Go's do.
      if (IsCancelCtxKey(key)) return const_cast<CancelCtx*>(cc);
      c = cc->parent().get();
    } else if (auto* w = dynamic_cast<const WithoutCancelCtx*>(c)) {
      if (IsCancelCtxKey(key)) return {};
      c = w->parent_.get();
    } else if (dynamic_cast<const EmptyCtx*>(c) != nullptr) {
      return {};
    } else {
      return c->Value(key);
    }
  }
}
std::any LookUp(const ContextImpl* c, const Key& key) { return Walk(c, key, nullptr); }

// A lookup asked by the user (not the private cancelCtxKey), traced on the
// node asked. `self` is that node: its own key is checked first (valueCtx).
std::any TracedValue(const ContextImpl* self, ObjectId id, const Key& key) {
  if (IsCancelCtxKey(key)) return LookUp(self, key);
  ObjectId at = 0;
  std::any v = Walk(self, key, &at);
  if (rt::Tracing()) {
    std::string text;
    if (at != 0) {
      // The answering node has the value's text.
      for (const ContextImpl* c = self; c != nullptr;) {
        if (auto* vc = dynamic_cast<const ValueCtx*>(c); vc != nullptr && vc->id_ == at) {
          text = vc->val_text_;
          break;
        }
        if (auto* vc = dynamic_cast<const ValueCtx*>(c)) c = vc->parent_.get();
        else if (auto* cc = dynamic_cast<const CancelCtx*>(c)) c = cc->parent().get();
        else if (auto* w = dynamic_cast<const WithoutCancelCtx*>(c)) c = w->parent_.get();
        else break;
      }
    }
    rt::Emit(EventKind::kCtxValue, id, Site::current(), key.Text(), v.has_value(), at, text);
  }
  return v;
}

std::any ValueCtx::Value(const Key& key) const { return TracedValue(this, id_, key); }
std::any WithoutCancelCtx::Value(const Key& key) const {
  if (IsCancelCtxKey(key)) return {};
  return TracedValue(this, id_, key);
}

CancelCtx* ParentCancelCtx(const Context& parent) {
  RecvChan<Unit> done = parent.Done();
  if (done.nil()) return nullptr;
  std::any v = parent.Value(TheCancelCtxKey());
  CancelCtx* const* p = std::any_cast<CancelCtx*>(&v);
  if (p == nullptr || *p == nullptr) return nullptr;
  // A context of the user's that wraps a cancelCtx but has a Done of its
  // own must not be bypassed.
  if (!((*p)->DoneIfMade() == done)) return nullptr;
  return *p;
}

template <typename Node, typename... Args>
std::shared_ptr<Node> Make(const Context& parent, Args&&... args) {
  CheckParent(parent);
  return std::make_shared<Node>(std::forward<Args>(args)...);
}

std::shared_ptr<CancelCtx> WithCancel(const Context& parent, std::string_view name,
                                      const Site& site) {
  auto c = Make<CancelCtx>(parent, Name(name, "cancel"), site);
  rt::Emit(EventKind::kCtxWithCancel, c->id(), site, parent.id());
  c->Propagate(parent);
  return c;
}

}  // namespace

// --- the API ----------------------------------------------------------------

Context background(Site site) { return Context(std::make_shared<EmptyCtx>(false, site)); }
Context todo(Site site) { return Context(std::make_shared<EmptyCtx>(true, site)); }

std::pair<Context, CancelFunc> with_cancel(const Context& parent, std::string_view name,
                                           Site site) {
  auto c = WithCancel(parent, name, site);
  return {Context(c), [c] { c->Cancel(true, Canceled, {}, 0); }};
}

std::pair<Context, CancelCauseFunc> with_cancel_cause(const Context& parent,
                                                      std::string_view name, Site site) {
  auto c = WithCancel(parent, name, site);
  return {Context(c), [c](error cause) { c->Cancel(true, Canceled, std::move(cause), 0); }};
}

std::pair<Context, CancelFunc> with_deadline(const Context& parent, Time d, std::string_view name,
                                             Site site) {
  return with_deadline_cause(parent, d, {}, name, site);
}

std::pair<Context, CancelFunc> with_deadline_cause(const Context& parent, Time d, error cause,
                                                   std::string_view name, Site site) {
  CheckParent(parent);
  if (auto [cur, ok] = parent.Deadline(); ok && cur.Before(d)) {
    return with_cancel(parent, name, site);  // the current deadline is already sooner
  }
  auto c = std::make_shared<TimerCtx>(Name(name, "deadline"), d, site);
  rt::Emit(EventKind::kCtxWithDeadline, c->id(), site, parent.id(), d.ns);
  c->Propagate(parent);
  const Duration dur = until(d, site);
  if (dur.count() <= 0) {
    c->Cancel(true, DeadlineExceeded, cause, 0);  // deadline has already passed
    return {Context(c), [c] { c->Cancel(false, Canceled, {}, 0); }};
  }
  c->Arm(dur, cause);
  return {Context(c), [c] { c->Cancel(true, Canceled, {}, 0); }};
}

std::pair<Context, CancelFunc> with_timeout(const Context& parent, Duration timeout,
                                            std::string_view name, Site site) {
  return with_deadline(parent, time_now(site).Add(timeout), name, site);
}

std::pair<Context, CancelFunc> with_timeout_cause(const Context& parent, Duration timeout,
                                                  error cause, std::string_view name, Site site) {
  return with_deadline_cause(parent, time_now(site).Add(timeout), std::move(cause), name, site);
}

namespace detail {
Context WithValue(const Context& parent, Key key, std::any val, std::string val_text,
                  std::string_view name, const Site& site) {
  CheckParent(parent);
  if (key.nil()) throw Panic("nil key");
  if (!key.comparable()) throw Panic("key is not comparable");
  return Context(std::make_shared<ValueCtx>(parent, std::move(key), std::move(val),
                                            std::move(val_text), name, site));
}
}  // namespace detail

Context without_cancel(const Context& parent, std::string_view name, Site site) {
  CheckParent(parent);
  return Context(std::make_shared<WithoutCancelCtx>(parent, name, site));
}

std::function<bool()> after_func(const Context& ctx, std::function<void()> f,
                                 std::string_view name, Site site) {
  if (ctx.nil()) NilDeref();
  auto a = std::make_shared<AfterFuncCtx>(Name(name, "afterFunc"), std::move(f), site);
  rt::Emit(EventKind::kCtxAfterFunc, a->id(), site, ctx.id());
  a->Propagate(ctx);
  return [a, site] { return a->Stop(site); };
}

error cause(const Context& c) {
  std::any v = c.Value(TheCancelCtxKey());
  if (CancelCtx* const* cc = std::any_cast<CancelCtx*>(&v); cc != nullptr && *cc != nullptr) {
    (*cc)->mu().Lock();
    error e = (*cc)->CauseLocked();
    (*cc)->mu().Unlock();
    return e;
  }
  return {};
}

}  // namespace synclab::context
