// rwmutex.h: the fold of a sync.RWMutex (rw.* events): the readers inside,
// the writer, the writer that waits for readers, the readers that wait for
// a writer.
#pragma once

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument::kinds {

struct RWMutexState {
  static constexpr std::string_view kStateFields[] = {"reader_count", "reader_wait", "w",
                                                      "writer_sem", "reader_sem"};
  // Goroutines holding a read lock, in the order they got it (one entry per
  // RLock: a goroutine may hold several).
  std::vector<Id> readers;
  Id writer = 0;          // holds the write lock
  Id pending_writer = 0;  // has announced itself and waits for readers to leave
  std::vector<Id> waiting_readers;  // came after a writer: wait on readerSem

  std::string Apply(FoldContext& ctx);
  std::string Describe(const ObjectView& v) const;
  void Holders(HolderList& out) const;
  // mode 0 free, 1 read, 2 a writer pending, 3 write; count: readers inside;
  // who: the writer (pending or holding).
  Summary Summarize(const ObjectState& object) const;
  friend bool operator==(const RWMutexState&, const RWMutexState&) = default;
};

}  // namespace synclab::instrument::kinds
