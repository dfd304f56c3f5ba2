// kinds.cpp: the list of kind views (kinds.h).
#include "kinds/kinds.h"

#include <iterator>

namespace synclab::viewer {

const KindView& ViewOf(trace::ObjectKind kind) {
  static const KindView* const kViews[] = {
#define SYNCLAB_KIND(e, name) &k##e##View,
#include "synclab/trace/kinds.def"
#undef SYNCLAB_KIND
  };
  static_assert(std::size(kViews) == std::size_t(trace::ObjectKind::kCount));
  return *kViews[std::size_t(kind)];
}

}  // namespace synclab::viewer
