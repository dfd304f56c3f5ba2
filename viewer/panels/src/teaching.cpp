// teaching.cpp: the explanations behind the tooltips.
#include "teaching.h"

#include "kinds/kinds.h"

#include <iterator>

namespace synclab::viewer {
namespace {

using trace::EventKind;
using trace::ObjectKind;

}  // namespace

const char* StatusHelp(instrument::GStatus s) {
  switch (s) {
    case instrument::GStatus::kNotStarted: return "Created by go, has not run yet.";
    case instrument::GStatus::kRunnable:
      return "Ready to run, waiting for a processor (P): at most GOMAXPROCS goroutines run at "
             "once.";
    case instrument::GStatus::kRunning: return "On a processor, executing.";
    case instrument::GStatus::kSpinning:
      return "Running in Lock's spin loop: busy-waiting briefly, because the holder is running "
             "and may release the lock soon.";
    case instrument::GStatus::kBlocked:
      return "Parked: it will not run until another goroutine (or a timer) readies it. The "
             "object it waits on and why are shown.";
    case instrument::GStatus::kDone: return "Its function returned.";
    default: return "";
  }
}

const char* EventHelp(EventKind k) {
  const trace::EventInfo& info = trace::Info(k);
  for (const EventText& e : ViewOf(info.object).events)
    if (e.event == info.name) return e.text;
  return nullptr;
}

const char* FieldHelp(ObjectKind kind, std::string_view field) {
  for (const FieldText& f : ViewOf(kind).fields)
    if (f.field == field) return f.text;
  return "";
}

}  // namespace synclab::viewer
