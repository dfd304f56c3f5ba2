// map.cpp: what Go's sync.Map is apart from its key and value types (map.h):
// its trace identity and its Mutex.
#include "synclab/map.h"

namespace synclab::detail {

MapBase::MapBase(std::string_view name, const Site& site)
    : id_(rt::RegisterObject(trace::ObjectKind::kMap, name, 0, site)), mu_(id_, "mu", site) {}

}  // namespace synclab::detail
