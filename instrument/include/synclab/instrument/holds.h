// holds.h: following an object's holders from event to event, for whatever
// draws holds as spans (the viewer's timeline, the Chrome export).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "synclab/instrument/kinds/fold.h"

namespace synclab::instrument {

// Brings `open` (records with a `.holder`) in line with the holders the
// fold has now: each record whose holder is gone is passed to end() and
// erased; each new holder is passed to begin(), which appends its record.
// The records that stay keep their order.
template <class Open, class End, class Begin>
void UpdateHolds(const kinds::HolderList& now, std::vector<Open>& open, End end, Begin begin) {
  for (std::size_t i = 0; i < open.size();) {
    if (std::find(now.begin(), now.end(), open[i].holder) != now.end()) {
      ++i;
      continue;
    }
    end(open[i]);
    open.erase(open.begin() + std::ptrdiff_t(i));
  }
  for (const kinds::Holder& h : now) {
    if (std::none_of(open.begin(), open.end(), [&](const Open& o) { return o.holder == h; })) begin(h);
  }
}

}  // namespace synclab::instrument
