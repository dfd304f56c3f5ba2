// context.h: Go's context package (Go 1.21; spec section 12), in
// synclab::context, on either runtime.
//
//   auto [ctx, cancel] = context::with_timeout(context::background(), 50ms);
//   go([ctx] {
//     select(recv_case(ctx.Done(), [&] { ... ctx.Err() ... }), recv_case(jobs, ...));
//   });
//   cancel();                                       // Go: defer cancel()
//   auto vctx = context::with_value(ctx, UserKey{}, std::string("alice"));
//   auto user = vctx.Value<std::string>(UserKey{});   // std::optional
//
// A Context is Go's interface value: a cheap copyable handle to one node of
// a tree; the default one is nil (deriving from it panics "cannot create
// context from nil parent"). Nodes, as Go's:
//   background / todo   never done, no deadline, no values
//   cancelCtx           with_cancel, with_cancel_cause: done channel (made
//                       on the first Done()), children, err, cause, a Mutex
//   timerCtx            with_deadline, with_timeout (+ _cause): a cancelCtx
//                       with a deadline and an after_func timer
//   valueCtx            with_value: one key and its value
//   withoutCancelCtx    without_cancel: the parent's values, nothing else
//   afterFuncCtx        after_func(ctx, f): runs f once ctx is done
// A Context of your own: derive from ContextImpl (and from AfterFuncer to
// be propagated through its AfterFunc, as Go checks for the method).
//
// Guarantees: cancelling a context cancels its whole subtree, each child
// with the parent's err and cause; the first cancel wins (err and cause do
// not change later); Done() is closed exactly when Err() becomes non-nil;
// Err() is Canceled ("context canceled") or DeadlineExceeded ("context
// deadline exceeded", Timeout() true); Cause() is the cause given to
// with_cancel_cause's cancel or with_*_cause (or err). A cancelled child
// leaves its parent's children (removeChild). Value(key) answers from the
// nearest with_value with an equal key.
// Misuse (panic, Go wording): "cannot create context from nil parent",
// "nil key", "key is not comparable".
//
// Differences from Go, where C++ has no garbage collector:
// - A node lives while a handle, its cancel function, a child or a pending
//   propagation goroutine holds it. A parent holds its children weakly,
//   except after_func's nodes (held until cancelled or stopped, as Go's
//   children map holds them, so `after_func(ctx, f)` works with its stop
//   function dropped). A node freed before it was cancelled leaves its
//   parent's children (traced as ctx.child.remove); a timerCtx freed before
//   its deadline stops its timer.
// - background() and todo() make a root node per call (see there).
// - Go keeps one shared closed channel (closedchan) for contexts cancelled
//   before anyone asked for Done(); here such a context makes a channel of
//   its own and closes it, so every trace registers the channels it uses.
// - Go iterates a parent's children in random (map) order when cancelling;
//   here in the order they were attached, so a sim run stays a function of
//   its seed.
//
// Trace: ctx.* events on each node (see events.def); Done channels are
// channels (chan.*), the Mutex of a cancelCtx is "<node>.mu".
#pragma once

#include <any>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include <fmt/format.h>

#include "synclab/chan.h"
#include "synclab/error.h"
#include "synclab/format.h"
#include "synclab/time.h"

namespace synclab::atomic::detail {
std::string ReadableTypeName(const char* mangled);  // atomic_value.cpp
}

namespace synclab::context {

// Go's context.Canceled and context.DeadlineExceeded.
inline const error Canceled = error::New("context canceled");
inline const error DeadlineExceeded = error::New("context deadline exceeded", /*timeout=*/true);

// A key for with_value / Value: any value, compared as Go compares `any`
// (same type and ==). A string literal is kept as a std::string. The
// default Key is nil. A type without == makes a key that is "not
// comparable" (with_value panics, as Go's does at run time).
class Key {
 public:
  Key() = default;  // nil
  template <typename T>
    requires(!std::is_same_v<std::decay_t<T>, Key>)
  Key(T&& v) {  // NOLINT: implicit, as any value converts to Go's `any`
    using V = std::conditional_t<std::is_convertible_v<T, std::string_view> &&
                                     !std::is_class_v<std::decay_t<T>>,
                                 std::string, std::decay_t<T>>;
    rep_ = std::make_shared<const Rep<V>>(V(std::forward<T>(v)));
  }

  bool nil() const { return rep_ == nullptr; }
  bool comparable() const { return rep_ && rep_->Comparable(); }
  // Go's reflectlite.TypeOf(key).String() as C++ spells it.
  std::string TypeName() const { return rep_ ? rep_->TypeName() : "<nil>"; }
  // The key as trace text (fmt, or its type's name in braces).
  std::string Text() const { return rep_ ? rep_->Text() : "<nil>"; }
  friend bool operator==(const Key& a, const Key& b) {
    if (a.rep_ == b.rep_) return true;
    return a.rep_ && b.rep_ && a.rep_->Equal(*b.rep_);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual bool Comparable() const = 0;
    virtual bool Equal(const Base& o) const = 0;
    virtual const std::type_info& Type() const = 0;
    virtual std::string TypeName() const = 0;
    virtual std::string Text() const = 0;
  };
  template <typename V>
  struct Rep final : Base {
    explicit Rep(V v) : v(std::move(v)) {}
    bool Comparable() const override { return std::equality_comparable<V>; }
    bool Equal(const Base& o) const override {
      if constexpr (std::equality_comparable<V>) {
        return o.Type() == typeid(V) && static_cast<const Rep&>(o).v == v;
      } else {
        return false;
      }
    }
    const std::type_info& Type() const override { return typeid(V); }
    std::string TypeName() const override {
      return atomic::detail::ReadableTypeName(typeid(V).name());
    }
    std::string Text() const override {
      if constexpr (fmt::is_formattable<V>::value) {
        return std::string(TraceText(v).view());
      } else {
        return TypeName() + "{}";
      }
    }
    V v;
  };
  std::shared_ptr<const Base> rep_;
};

class Context;

// Go's Context interface. Built-in nodes are made by the functions below; a
// type of your own derives from it (see the top of this file).
class ContextImpl {
 public:
  virtual ~ContextImpl() = default;
  // (deadline, ok): ok is false when there is none.
  virtual std::pair<Time, bool> Deadline() const = 0;
  // A channel closed when the context is done; nil if it never is.
  virtual RecvChan<Unit> Done() const = 0;
  virtual error Err() const = 0;
  // The value for key, or an empty std::any (Go's nil).
  virtual std::any Value(const Key& key) const = 0;
  // Go's contextName: String() if it has one, else its type's name.
  virtual std::string String() const;
  // Its trace object (0 for a context of your own).
  virtual ObjectId id() const { return 0; }
};

// Go's afterFuncer: a context that can run a function once it is done.
// propagateCancel uses it for a parent it does not know.
class AfterFuncer {
 public:
  virtual ~AfterFuncer() = default;
  virtual std::function<bool()> AfterFunc(std::function<void()> f) = 0;
};

// Go's context.Context (an interface value).
class Context {
 public:
  Context() = default;  // nil
  Context(std::shared_ptr<ContextImpl> impl) : impl_(std::move(impl)) {}  // NOLINT

  std::pair<Time, bool> Deadline() const { return Impl().Deadline(); }
  RecvChan<Unit> Done() const { return Impl().Done(); }
  error Err() const { return Impl().Err(); }
  std::any Value(const Key& key) const { return Impl().Value(key); }
  // Value(key) as a T, if there is one of that type.
  template <typename T>
  std::optional<T> Value(const Key& key) const {
    std::any v = Value(key);
    if (const T* p = std::any_cast<T>(&v)) return *p;
    return std::nullopt;
  }
  std::string String() const { return Impl().String(); }

  bool nil() const { return impl_ == nullptr; }
  explicit operator bool() const { return impl_ != nullptr; }
  ContextImpl* get() const { return impl_.get(); }
  const std::shared_ptr<ContextImpl>& shared() const { return impl_; }
  ObjectId id() const { return impl_ ? impl_->id() : 0; }
  friend bool operator==(const Context& a, const Context& b) { return a.impl_ == b.impl_; }

 private:
  ContextImpl& Impl() const;  // panics on nil, as a Go method call on a nil interface
  std::shared_ptr<ContextImpl> impl_;
};

using CancelFunc = std::function<void()>;
using CancelCauseFunc = std::function<void(error cause)>;

// Go's Background() and TODO(): a never-done root. Each call makes a node
// of its own (Go's are one empty value) so that each run's trace has its
// roots; they compare unequal.
Context background(Site site = Site::current());
Context todo(Site site = Site::current());

// Go's WithCancel: a child whose cancel() cancels it (err Canceled) and its
// subtree and detaches it from its parent.
std::pair<Context, CancelFunc> with_cancel(const Context& parent, std::string_view name = {},
                                           Site site = Site::current());
// Go's WithCancelCause: cancel(cause) records cause (nil: Canceled).
std::pair<Context, CancelCauseFunc> with_cancel_cause(const Context& parent,
                                                      std::string_view name = {},
                                                      Site site = Site::current());
// Go's WithDeadline(Cause): done at d at the latest (err DeadlineExceeded,
// cause `cause` or DeadlineExceeded). A parent's earlier deadline makes it
// a plain with_cancel.
std::pair<Context, CancelFunc> with_deadline(const Context& parent, Time d,
                                             std::string_view name = {},
                                             Site site = Site::current());
std::pair<Context, CancelFunc> with_deadline_cause(const Context& parent, Time d, error cause,
                                                   std::string_view name = {},
                                                   Site site = Site::current());
// Go's WithTimeout(Cause) = WithDeadline(parent, Now() + timeout).
std::pair<Context, CancelFunc> with_timeout(const Context& parent, Duration timeout,
                                            std::string_view name = {},
                                            Site site = Site::current());
std::pair<Context, CancelFunc> with_timeout_cause(const Context& parent, Duration timeout,
                                                  error cause, std::string_view name = {},
                                                  Site site = Site::current());

namespace detail {
Context WithValue(const Context& parent, Key key, std::any val, std::string val_text,
                  std::string_view name, const Site& site);
// Go's stringify for a context's String and the trace: a formattable value
// as text, a string as itself, else "<not Stringer>".
template <typename V>
std::string Stringify(const V& v) {
  if constexpr (std::is_convertible_v<const V&, std::string_view>) {
    return std::string(std::string_view(v));
  } else if constexpr (fmt::is_formattable<V>::value) {
    return std::string(TraceText(v).view());
  } else {
    return "<not Stringer>";
  }
}
}  // namespace detail

// Go's WithValue: a child carrying (key, val). A string literal value is
// kept as a std::string.
template <typename V>
Context with_value(const Context& parent, Key key, V&& val, std::string_view name = {},
                   Site site = Site::current()) {
  using Stored = std::conditional_t<std::is_convertible_v<V, std::string_view> &&
                                        !std::is_class_v<std::decay_t<V>>,
                                    std::string, std::decay_t<V>>;
  Stored v(std::forward<V>(val));
  std::string text = detail::Stringify(v);
  return detail::WithValue(parent, std::move(key), std::any(std::move(v)), std::move(text), name,
                           site);
}

// Go's WithoutCancel: the parent's values; never done, no deadline.
Context without_cancel(const Context& parent, std::string_view name = {},
                       Site site = Site::current());

// Go's AfterFunc(ctx, f): once ctx is done, f runs in its own goroutine
// (once). stop() keeps f from starting and detaches; it returns true iff it
// did that (false: f has started, or stop ran before).
std::function<bool()> after_func(const Context& ctx, std::function<void()> f,
                                 std::string_view name = {}, Site site = Site::current());

// Go's Cause(c): the cause of the nearest cancelCtx on c's path, nil if it
// is not cancelled or there is none.
error cause(const Context& c);

}  // namespace synclab::context
