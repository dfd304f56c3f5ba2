// teaching.h: what each status, event, field and Mutex bit means, in words a
// student can follow. The panels show these as tooltips.
#pragma once

#include <string_view>

#include "synclab/instrument/state.h"
#include "synclab/trace/event.h"

namespace synclab::viewer {

const char* StatusHelp(instrument::GStatus s);
const char* EventHelp(trace::EventKind k);
// "" when there is nothing to say.
const char* FieldHelp(trace::ObjectKind kind, std::string_view field);

}  // namespace synclab::viewer
