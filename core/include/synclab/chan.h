// chan.h: synclab::Chan<T> and select (Go: chan T, the select statement;
// runtime/chan.go and select.go; spec sections 10 and 11).
//
//   auto ch = make_chan<int>(3, "jobs");      // Go: ch := make(chan int, 3)
//   go([ch] { ch.Send(1); ch.Close(); });     // ch <- 1; close(ch)
//   for (int v : ch) use(v);                  // for v := range ch
//   auto [v, ok] = ch.Recv2();                // v, ok := <-ch
//   switch (select(recv_case(a, [](int v) { ... }),   // select {
//                  send_case(b, 7),                   // case v := <-a: ...
//                  default_case())) { ... }           // case b <- 7:  default: }
//
// A Chan is a channel *value*, as in Go: a cheap copyable handle to one
// shared hchan (capture it by value in go([ch] {...})); copies compare
// equal; a default-constructed Chan is the nil channel. SendChan<T> (Go's
// chan<- T) and RecvChan<T> (<-chan T) are made implicitly from a Chan<T>
// and offer only their side (a SendChan may Close, as Go allows).
//
// Guarantees (Go's memory model): a send happens before the receive that
// gets its value completes; a close happens before a receive that returns
// because the channel is closed; on an unbuffered channel the receive
// happens before the send completes; the k-th receive on a channel of
// capacity C happens before the k+C-th send completes (a capacity-1
// channel is a lock).
// Misuse (panic, Go wording): "send on closed channel", "close of closed
// channel", "close of nil channel", "makechan: size out of range". Send or
// receive on a nil channel blocks forever (then Go's deadlock error, if
// nothing else can run).
//
// hchan (detail::ChanCore, type-erased; Go's algorithm lives once in chan.cpp):
//   qcount    items in the ring buffer        0 <= qcount <= dataqsiz
//   dataqsiz  its capacity (immutable)
//   sendx     slot the next buffered send fills
//   recvx     slot the next buffered receive takes
//   closed    set once by Close
//   recvq     waiting receivers, FIFO         sendq  waiting senders, FIFO
//   lock      a runtime lock, held for a few steps and never across a park
// INV1 sendx == (recvx + qcount) mod dataqsiz (buffered channels).
// INV2 a receiver waits only while the buffer is empty and a sender only
//      while it is full (unbuffered: always both), so recvq and sendq are
//      never both non-empty, except for one select's own records (it may
//      wait to send and to receive on one channel; it never pairs with
//      itself) and records of selects already claimed elsewhere.
// INV3 closed implies sendq is empty and recvq is empty.
// A waiter record (sudog) lives on the parked goroutine's stack: the value
// it sends or the slot it receives into, and for a select the claim word
// (selectDone) its partner must win before completing it.
//
// Elements move through small per-type functions (Go's typedmemmove):
// T must be default constructible (its value is Go's zero value, what a
// receive from a closed channel yields) and movable. Events carry the
// element as text (format.h: anything fmt formats, or your own
// fmt::formatter<T>).
//
// select: see select() below. Trace: chan.* events on the channel's id(),
// select.* on the goroutine's select object (one per goroutine).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "synclab/format.h"
#include "synclab/rt/lock.h"
#include "synclab/rt/runtime.h"

namespace synclab {

// Go's struct{}: a value with no information, for signal channels
// (context's Done() is a RecvChan<Unit>). Formatted "{}".
struct Unit {
  friend bool operator==(Unit, Unit) { return true; }
};

// What TrySendFromRuntime did.
enum class RuntimeSend {
  kSent,    // handed to a waiting receiver, or put in the buffer
  kNoRoom,  // nothing waits and the buffer is full (or the channel is closed)
  kBusy,    // the channel's lock was held: nothing was done
};

template <typename T> class Chan;
template <typename T> class SendChan;
template <typename T> class RecvChan;

namespace detail {

using trace::EventKind;
using trace::WaitReason;

// Go's typedmemmove/typedmemclr for one element type, and its trace text.
struct ElemOps {
  void (*move)(void* dst, void* src);        // *dst = std::move(*src)
  void (*copy)(void* dst, const void* src);  // *dst = *src; null if T cannot be copied
  void (*clear)(void* p);                    // *p = T{} (Go's zero value)
  void (*format)(const void* p, TraceText* out);
  void* (*slot)(void* buf, std::int64_t i);  // &buf[i] of a T array
};

template <typename T>
const ElemOps& OpsOf() {
  static constexpr ElemOps ops{
      [](void* d, void* s) { *static_cast<T*>(d) = std::move(*static_cast<T*>(s)); },
      [] {
        if constexpr (std::is_copy_assignable_v<T>) {
          return +[](void* d, const void* s) { *static_cast<T*>(d) = *static_cast<const T*>(s); };
        } else {
          return static_cast<void (*)(void*, const void*)>(nullptr);
        }
      }(),
      [](void* p) { *static_cast<T*>(p) = T{}; },
      [](const void* p, TraceText* out) { *out = TraceText(*static_cast<const T*>(p)); },
      [](void* buf, std::int64_t i) -> void* { return static_cast<T*>(buf) + i; },
  };
  return ops;
}

struct Sudog;
struct SelectWait;

// Go's waitq: a FIFO of waiter records, doubly linked so that a select can
// take its records out of the middle (dequeueSudoG).
struct WaitQ {
  Sudog* first = nullptr;
  Sudog* last = nullptr;
  std::atomic<std::int64_t> len{0};  // records queued (for traces and Go's full/empty)
};

// One case of a select as selectgo sees it: its channel (null: a nil
// channel) and the value to send or the slot to receive into.
struct Scase {
  class ChanCore* c = nullptr;
  void* elem = nullptr;
  bool send = false;
};

// What selectgo did: the case index that ran (-1: default) and, for a
// receive, Go's recvOK.
struct SelectResult {
  int index = -1;
  bool ok = false;
};

// Go's hchan with its algorithm, for any element type. Made through
// make_chan; Chan<T> is a handle to one.
class ChanCore : public std::enable_shared_from_this<ChanCore> {
 public:
  ChanCore(const ChanCore&) = delete;
  ChanCore& operator=(const ChanCore&) = delete;
  virtual ~ChanCore() = default;

  // Go's chansend: false only when !block and the send could not proceed.
  bool Send(void* elem, bool block, const Site& site);
  // Go's chanrecv into *elem (never null): {selected, received}.
  std::pair<bool, bool> Recv(void* elem, bool block, const Site& site);
  // Go's closechan.
  void Close(const Site& site);
  // A non-blocking send on behalf of the runtime itself (a timer firing):
  // never parks, spins or panics and is no scheduling point; it copies *elem.
  // kBusy if the lock is taken; kNoRoom if no receiver waits and the buffer
  // is full, or the channel is closed. A receiver it hands the value to is
  // readied with rt::Ready. Events are the runtime's (goroutine 0).
  RuntimeSend TrySendFromRuntime(const void* elem, const Site& site);

  std::int64_t Len() const { return qcount_.load(std::memory_order_relaxed); }
  std::int64_t Cap() const { return dataqsiz_; }
  ObjectId id() const { return id_; }

 protected:
  ChanCore(std::int64_t dataqsiz, const ElemOps& ops, void* buf, std::string_view name,
           const Site& site, ObjectId parent = 0);

 private:
  friend SelectResult Selectgo(Scase* cases, std::uint16_t* order, int n, bool block,
                               const Site& site);
  friend struct SelectLocks;
  friend class ChanQueueGuard;

  void* Slot(std::int64_t i) const { return ops_.slot(buf_, i); }
  void Advance(std::atomic<std::int64_t>& x) const;
  bool Full() const;
  bool Empty() const;
  Sudog* Dequeue(WaitQ& q, const Site& site, GoroutineId actor);
  static bool DequeueSudog(WaitQ& q, Sudog* s);
  static void Enqueue(WaitQ& q, Sudog* s);
  // The steps under the lock, shared by Send/Recv, select and the runtime's
  // send; each emits its event and returns the goroutine to ready (if any).
  rt::G* SendDirect(Sudog* sg, void* ep, bool copy, GoroutineId actor, const Site& site);
  void SendBuffer(void* ep, bool copy, GoroutineId actor, const Site& site);
  rt::G* RecvFrom(Sudog* sg, void* ep, const Site& site);
  void RecvBuffer(void* ep, const Site& site);
  void RecvClosed(void* ep, const Site& site);
  void Trace(EventKind kind, GoroutineId actor, const Site& site, const void* elem,
             std::int64_t last = 0) const;
  void TraceInts(EventKind kind, GoroutineId actor, const Site& site, std::int64_t a,
                 std::int64_t b) const;

  const ElemOps& ops_;
  const std::int64_t dataqsiz_;
  void* const buf_;
  const ObjectId id_;
  rt::RuntimeLock lock_;
  // Guarded by lock_; atomic because Go reads qcount and closed without it
  // (the non-blocking fast paths) and because traces read them after a wake.
  std::atomic<std::int64_t> qcount_{0};
  std::atomic<std::int64_t> sendx_{0};
  std::atomic<std::int64_t> recvx_{0};
  std::atomic<std::uint32_t> closed_{0};
  WaitQ recvq_;
  WaitQ sendq_;
};

// The ring buffer of T that a ChanCore works on.
template <typename T>
class ChanImpl final : public ChanCore {
 public:
  ChanImpl(std::int64_t cap, std::unique_ptr<T[]> buf, std::string_view name, const Site& site,
           ObjectId parent = 0)
      : ChanCore(cap, OpsOf<T>(), buf.get(), name, site, parent), buf_(std::move(buf)) {}

 private:
  std::unique_ptr<T[]> buf_;
};

// Parks the goroutine forever: an operation on a nil channel, an empty select.
[[noreturn]] void BlockForever(WaitReason reason, const Site& site);
// Checks make_chan's size as Go's makechan does (panics if out of range).
void CheckMakeChan(std::int64_t cap, std::size_t elem_size);

// Go's selectgo over cases[0..n); order has room for 2n entries.
SelectResult Selectgo(Scase* cases, std::uint16_t* order, int n, bool block, const Site& site);

// The operations every view of a channel shares; Chan, SendChan and
// RecvChan expose their side's.
template <typename T>
class ChanHandle {
 public:
  std::int64_t Len() const { return c_ ? c_->Len() : 0; }
  std::int64_t Cap() const { return c_ ? c_->Cap() : 0; }
  bool nil() const { return c_ == nullptr; }
  ObjectId id() const { return c_ ? c_->id() : 0; }
  // The type-erased hchan (for the runtime's timers). Not for a nil channel.
  ChanCore& core() const {
    if (!c_) throw std::logic_error("synclab: core() of a nil channel");
    return *c_;
  }

 protected:
  ChanHandle() = default;
  explicit ChanHandle(std::shared_ptr<ChanCore> c) : c_(std::move(c)) {}

  void DoSend(T v, const Site& site) const {
    if (!c_) BlockForever(WaitReason::kChanSendNilChan, site);
    c_->Send(&v, true, site);
  }
  std::pair<T, bool> DoRecv(const Site& site) const {
    if (!c_) BlockForever(WaitReason::kChanReceiveNilChan, site);
    std::pair<T, bool> out{};
    out.second = c_->Recv(&out.first, true, site).second;
    return out;
  }
  void DoClose(const Site& site) const {
    if (!c_) throw Panic("close of nil channel");
    c_->Close(site);
  }

  template <typename U> friend class synclab::Chan;
  template <typename U> friend class synclab::SendChan;
  template <typename U> friend class synclab::RecvChan;
  template <typename U> friend class RangeIterator;
  template <typename U, typename F> friend struct RecvCase;
  template <typename U, typename F> friend struct SendCase;
  std::shared_ptr<ChanCore> c_;
};

// for (T v : ch): receives until the channel is closed and drained.
template <typename T>
class RangeIterator {
 public:
  using value_type = T;
  using difference_type = std::ptrdiff_t;
  RangeIterator() = default;
  RangeIterator(const ChanHandle<T>* ch, const Site& site) : ch_(ch), site_(site) { ++*this; }
  T& operator*() { return v_; }
  RangeIterator& operator++() {
    auto [v, ok] = ch_->DoRecv(site_);
    v_ = std::move(v);
    done_ = !ok;
    return *this;
  }
  void operator++(int) { ++*this; }
  friend bool operator==(const RangeIterator& it, std::default_sentinel_t) { return it.done_; }

 private:
  const ChanHandle<T>* ch_ = nullptr;
  Site site_{};
  T v_{};
  bool done_ = true;
};

// Makes a Chan from its hchan (make_chan).
struct ChanAccess {
  template <typename T>
  static Chan<T> Make(std::shared_ptr<ChanCore> c) {
    return Chan<T>(std::move(c));
  }
};

}  // namespace detail

// chan T. See the top of this file.
template <typename T>
class Chan : public detail::ChanHandle<T> {
  static_assert(sizeof(T) < (1 << 16), "channel element type too large (>64kB), as Go's compiler says");
  static_assert(std::is_default_constructible_v<T>, "a channel's element needs a zero value (T{})");

 public:
  Chan() = default;  // the nil channel

  void Send(T v, Site site = Site::current()) const { this->DoSend(std::move(v), site); }
  T Recv(Site site = Site::current()) const { return std::move(this->DoRecv(site).first); }
  // v, ok := <-ch: ok is false when the channel is closed and drained.
  std::pair<T, bool> Recv2(Site site = Site::current()) const { return this->DoRecv(site); }
  void Close(Site site = Site::current()) const { this->DoClose(site); }

  detail::RangeIterator<T> begin(Site site = Site::current()) const { return {this, site}; }
  std::default_sentinel_t end() const { return {}; }

  friend bool operator==(const Chan& a, const Chan& b) { return a.c_ == b.c_; }

 private:
  friend struct detail::ChanAccess;
  explicit Chan(std::shared_ptr<detail::ChanCore> c) : detail::ChanHandle<T>(std::move(c)) {}
};

// chan<- T: sends and Close only.
template <typename T>
class SendChan : public detail::ChanHandle<T> {
 public:
  SendChan() = default;
  SendChan(const Chan<T>& c) : detail::ChanHandle<T>(c.c_) {}  // NOLINT: implicit, as in Go
  void Send(T v, Site site = Site::current()) const { this->DoSend(std::move(v), site); }
  void Close(Site site = Site::current()) const { this->DoClose(site); }
  friend bool operator==(const SendChan& a, const SendChan& b) { return a.c_ == b.c_; }
};

// <-chan T: receives only.
template <typename T>
class RecvChan : public detail::ChanHandle<T> {
 public:
  RecvChan() = default;
  RecvChan(const Chan<T>& c) : detail::ChanHandle<T>(c.c_) {}  // NOLINT: implicit, as in Go
  T Recv(Site site = Site::current()) const { return std::move(this->DoRecv(site).first); }
  std::pair<T, bool> Recv2(Site site = Site::current()) const { return this->DoRecv(site); }
  detail::RangeIterator<T> begin(Site site = Site::current()) const { return {this, site}; }
  std::default_sentinel_t end() const { return {}; }
  friend bool operator==(const RecvChan& a, const RecvChan& b) { return a.c_ == b.c_; }
};

// make(chan T, cap). Panics "makechan: size out of range" if cap < 0 or the
// buffer would be too large.
template <typename T>
Chan<T> make_chan(std::int64_t cap = 0, std::string_view name = {}, Site site = Site::current()) {
  detail::CheckMakeChan(cap, sizeof(T));
  std::unique_ptr<T[]> buf(cap > 0 ? new T[std::size_t(cap)]() : nullptr);
  return detail::ChanAccess::Make<T>(std::make_shared<detail::ChanImpl<T>>(cap, std::move(buf), name, site));
}
// A channel inside another primitive (`parent`), named "<parent>.<part>" in
// traces: a semaphore::Weighted's per-waiter ready channel, a CyclicBarrier's
// round channels, an errgroup's semaphore, a singleflight DoChan's result.
template <typename T>
Chan<T> make_chan_in(ObjectId parent, std::string_view part, std::int64_t cap = 0,
                     Site site = Site::current()) {
  detail::CheckMakeChan(cap, sizeof(T));
  std::unique_ptr<T[]> buf(cap > 0 ? new T[std::size_t(cap)]() : nullptr);
  return detail::ChanAccess::Make<T>(
      std::make_shared<detail::ChanImpl<T>>(cap, std::move(buf), part, site, parent));
}

// ---------------------------------------------------------------------------
// select
//
//   int i = select(recv_case(in, [&](int v, bool ok) { ... }),
//                  send_case(out, x, [&] { ... }),
//                  default_case([&] { ... }));
//
// runs one case that can proceed (its function afterwards, if it has one)
// and returns its index in source order, or -1 when the default ran. With
// no default it blocks until a case can proceed. Several ready cases: one
// chosen uniformly at random (Go's poll order; in sim drawn from the run's
// seed). A case on a nil channel is never chosen. recv_case's function
// takes (T v, bool ok), (T v) or nothing; a send on a closed channel
// panics "send on closed channel", as Go's does.
//
// As Go's compiler does: no cases (select()) block forever ("select (no
// cases)"); one case without default is a plain Send or Recv; one case with
// a default is a non-blocking send or receive; only the general form runs
// selectgo (and its select.* events). The cases given as a std::vector
// (select(std::span<SelectCase>)) always run selectgo, as reflect.Select
// does.

namespace detail {

template <typename T, typename F>
struct RecvCase {
  ChanHandle<T> ch;
  F fn;
  Site site;
  T value{};
  bool ok = false;
  static constexpr bool kSend = false;
  Scase Prepare() { return {ch.c_.get(), &value, false}; }
  void Run() {
    if constexpr (std::is_invocable_v<F&, T, bool>) {
      fn(std::move(value), ok);
    } else if constexpr (std::is_invocable_v<F&, T>) {
      fn(std::move(value));
    } else {
      fn();
    }
  }
  // The compiled one-case forms.
  void Blocking() {
    if (!ch.c_) BlockForever(WaitReason::kChanReceiveNilChan, site);
    ok = ch.c_->Recv(&value, true, site).second;
  }
  bool NonBlocking() {
    if (!ch.c_) return false;
    auto [selected, received] = ch.c_->Recv(&value, false, site);
    ok = received;
    return selected;
  }
};

template <typename T, typename F>
struct SendCase {
  ChanHandle<T> ch;
  T value;
  F fn;
  Site site;
  static constexpr bool kSend = true;
  Scase Prepare() { return {ch.c_.get(), &value, true}; }
  void Run() { fn(); }
  void Blocking() {
    if (!ch.c_) BlockForever(WaitReason::kChanSendNilChan, site);
    ch.c_->Send(&value, true, site);
  }
  bool NonBlocking() { return ch.c_ && ch.c_->Send(&value, false, site); }
};

template <typename F>
struct DefaultCase {
  F fn;
  Site site;
  void Run() { fn(); }
};

struct Nothing {
  void operator()() const {}
};

template <typename C> struct IsDefault : std::false_type {};
template <typename F> struct IsDefault<DefaultCase<F>> : std::true_type {};

// The element type of a channel a case may receive from (Chan, RecvChan)
// or send on (Chan, SendChan).
template <typename C> struct RecvSide;
template <typename T> struct RecvSide<Chan<T>> { using type = T; };
template <typename T> struct RecvSide<RecvChan<T>> { using type = T; };
template <typename C> struct SendSide;
template <typename T> struct SendSide<Chan<T>> { using type = T; };
template <typename T> struct SendSide<SendChan<T>> { using type = T; };
template <typename C> using RecvElem = typename RecvSide<std::decay_t<C>>::type;
template <typename C> using SendElem = typename SendSide<std::decay_t<C>>::type;

template <typename C> struct IsCase : std::false_type {};
template <typename T, typename F> struct IsCase<RecvCase<T, F>> : std::true_type {};
template <typename T, typename F> struct IsCase<SendCase<T, F>> : std::true_type {};
template <typename F> struct IsCase<DefaultCase<F>> : std::true_type {};

}  // namespace detail

// case v, ok := <-ch: fn(v, ok), fn(v) or fn().
template <typename C, typename F>
  requires requires { typename detail::RecvElem<C>; }
auto recv_case(const C& ch, F fn, Site site = Site::current()) {
  using T = detail::RecvElem<C>;
  return detail::RecvCase<T, F>{detail::ChanHandle<T>(ch), std::move(fn), site};
}
template <typename C>
  requires requires { typename detail::RecvElem<C>; }
auto recv_case(const C& ch, Site site = Site::current()) {
  return recv_case(ch, detail::Nothing{}, site);
}
// case ch <- v: then fn().
template <typename C, typename V, typename F>
  requires requires { typename detail::SendElem<C>; }
auto send_case(const C& ch, V&& v, F fn, Site site = Site::current()) {
  using T = detail::SendElem<C>;
  return detail::SendCase<T, F>{detail::ChanHandle<T>(ch), T(std::forward<V>(v)), std::move(fn), site};
}
template <typename C, typename V>
  requires requires { typename detail::SendElem<C>; }
auto send_case(const C& ch, V&& v, Site site = Site::current()) {
  return send_case(ch, std::forward<V>(v), detail::Nothing{}, site);
}
// default: fn().
template <typename F>
auto default_case(F fn, Site site = Site::current()) {
  return detail::DefaultCase<F>{std::move(fn), site};
}
inline auto default_case(Site site = Site::current()) { return default_case(detail::Nothing{}, site); }

// select {}: blocks forever.
[[noreturn]] inline int select(Site site = Site::current()) {
  detail::BlockForever(trace::WaitReason::kSelectNoCases, site);
}

template <typename... Cases>
  requires(sizeof...(Cases) > 0 && (detail::IsCase<std::decay_t<Cases>>::value && ...))
int select(Cases&&... cases) {
  constexpr int kDefaults = (int(detail::IsDefault<std::decay_t<Cases>>::value) + ...);
  static_assert(kDefaults <= 1, "select: multiple defaults");
  constexpr int kN = int(sizeof...(Cases)) - kDefaults;
  static_assert(kN < (1 << 16), "select: too many cases");
  auto refs = std::forward_as_tuple(cases...);
  // The first case's site stands for the statement's.
  const Site site = std::get<0>(refs).site;
  // Source indices of the non-default cases, and the default's.
  constexpr auto layout = [] {
    std::array<int, kN + 1> idx{};
    int k = 0, i = 0;
    ((detail::IsDefault<std::decay_t<Cases>>::value ? (idx[kN] = i++) : (idx[std::size_t(k++)] = i++)), ...);
    return idx;
  }();
  auto run = [&](int index) {
    int i = 0;
    ((i++ == index ? (void)cases.Run() : (void)0), ...);
    return index;
  };
  if constexpr (kN == 0) {  // select { default: }
    run(layout[0]);
    return -1;
  } else if constexpr (kN == 1) {
    auto& only = std::get<std::size_t(layout[0])>(refs);
    if constexpr (kDefaults == 0) {
      only.Blocking();
      return run(0);
    } else {
      if (only.NonBlocking()) return run(layout[0]);
      run(layout[1]);
      return -1;
    }
  } else {
    detail::Scase scases[kN];
    std::uint16_t order[2 * kN];
    int k = 0;
    auto prepare = [&](auto& c) {
      if constexpr (!detail::IsDefault<std::decay_t<decltype(c)>>::value) scases[k++] = c.Prepare();
    };
    (prepare(cases), ...);
    const detail::SelectResult r = detail::Selectgo(scases, order, kN, kDefaults == 0, site);
    if (r.index < 0) {
      run(layout[kN]);
      return -1;
    }
    const int source = layout[std::size_t(r.index)];
    int i = 0;
    auto set_ok = [&](auto& c) {
      if constexpr (requires { c.ok; }) {
        if (i == source) c.ok = r.ok;
      }
      i++;
    };
    (set_ok(cases), ...);
    return run(source);
  }
}

// A select case whose type does not say its channel's element type, for
// selects whose cases are only known at run time (fan-in over N channels):
//
//   std::vector<SelectCase> cases;
//   for (auto& in : inputs) cases.emplace_back(recv_case(in, [&](int v, bool ok) { ... }));
//   int i = select(cases);
class SelectCase {
 public:
  template <typename C>
  SelectCase(C c) : impl_(std::make_unique<Impl<C>>(std::move(c))) {}  // NOLINT: implicit
  bool is_default() const { return impl_->is_default(); }

 private:
  friend int select(std::span<SelectCase> cases, Site site);
  struct Base {
    virtual ~Base() = default;
    virtual bool is_default() const = 0;
    virtual detail::Scase Prepare() = 0;
    virtual void Finish(bool ok) = 0;
    virtual const Site& site() const = 0;
  };
  template <typename C>
  struct Impl final : Base {
    explicit Impl(C c) : c_(std::move(c)) {}
    bool is_default() const override { return detail::IsDefault<C>::value; }
    detail::Scase Prepare() override {
      if constexpr (detail::IsDefault<C>::value) {
        return {};
      } else {
        return c_.Prepare();
      }
    }
    void Finish(bool ok) override {
      if constexpr (requires { c_.ok; }) c_.ok = ok;
      (void)ok;
      c_.Run();
    }
    const Site& site() const override { return c_.site; }
    C c_;
  };
  std::unique_ptr<Base> impl_;
};

// Go's reflect.Select: the cases in a vector (at most one default). No
// cases at all: blocks forever.
int select(std::span<SelectCase> cases, Site site = Site::current());

}  // namespace synclab

template <>
struct fmt::formatter<synclab::Unit> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(synclab::Unit, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format("{}", ctx);
  }
};
