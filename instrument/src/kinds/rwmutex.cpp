// rwmutex.cpp: the fold of a sync.RWMutex (spec section 3).
#include "synclab/instrument/kinds/rwmutex.h"

#include <algorithm>

#include "synclab/instrument/state.h"

namespace synclab::instrument::kinds {

using trace::EventKind;

namespace {
void EraseOne(std::vector<Id>& v, Id g) {
  auto it = std::find(v.begin(), v.end(), g);
  if (it != v.end()) v.erase(it);
}
std::string List(const std::vector<Id>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); i++) out += (i ? " G" : "G") + std::to_string(v[i]);
  return out + "]";
}
}  // namespace

std::string RWMutexState::Apply(FoldContext& ctx) {
  const TraceEvent& e = ctx.e;
  auto write_lock = [&]() -> std::string {
    if (writer != 0) return ctx.Fail(ctx.G(e.g) + " write-locks " + ctx.Self() + " held by " + ctx.G(writer));
    if (!readers.empty()) {
      return ctx.Fail(ctx.G(e.g) + " write-locks " + ctx.Self() + " while " + ctx.G(readers[0]) + " reads");
    }
    writer = e.g;
    pending_writer = 0;
    return "";
  };
  auto read_lock = [&]() -> std::string {
    if (writer != 0) return ctx.Fail(ctx.G(e.g) + " read-locks " + ctx.Self() + " held by " + ctx.G(writer));
    readers.push_back(e.g);
    return "";
  };
  switch (e.kind) {
    case EventKind::kRWRLockFast: return read_lock();
    case EventKind::kRWRLockSlow: waiting_readers.push_back(e.g); break;
    case EventKind::kRWRLockWake:
      EraseOne(waiting_readers, e.g);
      return read_lock();
    case EventKind::kRWTryRLock:
      if (ctx.Field("ok") != 0) return read_lock();
      break;
    case EventKind::kRWRUnlockFast:
    case EventKind::kRWRUnlockSlow:
      // Any goroutine may release a read lock; it is usually its own.
      if (std::find(readers.begin(), readers.end(), e.g) != readers.end()) {
        EraseOne(readers, e.g);
      } else if (!readers.empty()) {
        readers.erase(readers.begin());
      }
      break;
    case EventKind::kRWLockAnnounce: pending_writer = e.g; break;
    case EventKind::kRWLockAcquire: return write_lock();
    case EventKind::kRWTryLock:
      if (ctx.Field("ok") != 0) return write_lock();
      break;
    case EventKind::kRWUnlock: writer = 0; break;
    default: break;
  }
  return "";
}

std::string RWMutexState::Describe(const ObjectView& v) const {
  std::string out = "reader_count=" + v.Field("reader_count") + " reader_wait=" + v.Field("reader_wait") +
                    " readers=" + List(readers);
  if (writer != 0) out += " writer=G" + std::to_string(writer);
  if (pending_writer != 0) out += " pending_writer=G" + std::to_string(pending_writer);
  if (!waiting_readers.empty()) out += " waiting_readers=" + List(waiting_readers);
  return out;
}

Summary RWMutexState::Summarize(const ObjectState&) const {
  const std::uint8_t mode = writer != 0 ? 3 : pending_writer != 0 ? 2 : !readers.empty() ? 1 : 0;
  return {mode, std::int64_t(readers.size()), writer != 0 ? writer : pending_writer};
}

void RWMutexState::Holders(HolderList& out) const {
  for (Id r : readers) out.push_back({r, HoldMode::kShared});
  if (writer != 0) out.push_back({writer, HoldMode::kExclusive});
}

}  // namespace synclab::instrument::kinds
