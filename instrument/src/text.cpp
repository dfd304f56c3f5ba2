// text.cpp: the terminal replay (see text.h).
#include "synclab/instrument/text.h"

#include <cstdio>
#include <ostream>

#include "synclab/instrument/json.h"

namespace synclab::instrument {
namespace {

std::string Pad(std::string s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
  return s;
}

}  // namespace

std::string FormatHeader(const Trace& t) {
  std::string h = (t.meta.scenario.empty() ? "trace" : t.meta.scenario) + ": " + t.meta.runtime;
  if (t.meta.runtime == "sim") {
    h += ", seed " + std::to_string(t.meta.seed) + ", " + t.meta.strategy;
  }
  h += ", procs " + std::to_string(t.meta.procs) + "; " + std::to_string(t.events.size()) +
       " events, " + std::to_string(t.goroutines.size()) + " goroutines";
  return h;
}

std::string FormatEventLine(const Trace& t, const State& after, const TraceEvent& e) {
  char head[48];
  std::snprintf(head, sizeof head, "%6llu %11s  ", static_cast<unsigned long long>(e.seq),
                FormatDuration(e.t).c_str());
  std::string line = head;
  line += Pad(GoroutineLabel(t, e.g), 14) + " ";
  line += Pad(SiteLabel(t, e.site), 26) + " ";
  line += std::string(trace::Name(e.kind));
  std::string fields = DescribeFields(t, e);
  if (!fields.empty()) line += " " + fields;
  const trace::EventInfo& info = trace::Info(e.kind);
  if (e.obj != 0) {
    if (info.object == trace::ObjectKind::kGoroutine) {
      line += " on " + ObjectLabel(t, e.obj);
    } else {
      line += "\n" + std::string(35, ' ') + ObjectLabel(t, e.obj) + ": " +
              DescribeObject(t, e.obj, after.object(e.obj));
    }
  }
  return line;
}

std::string FormatOutcome(const Trace& t) {
  const Outcome& o = t.outcome;
  std::string out = "outcome: " + std::string(rt::Name(o.status));
  if (!o.message.empty()) out += "\n  " + o.message;
  if (o.g != 0) out += "\n  in " + GoroutineLabel(t, o.g);
  if (o.seq) out += " (event " + std::to_string(*o.seq) + ")";
  for (const BlockedInfo& b : o.blocked) {
    out += "\n  " + GoroutineLabel(t, b.g) + " blocked on " + ObjectLabel(t, b.obj) + " [" +
           std::string(trace::Name(b.reason)) + "]";
    std::string site = SiteLabel(t, b.site);
    if (!site.empty()) out += " at " + site;
  }
  return out;
}

void WriteText(const Trace& t, std::ostream& out, const TextRange& range) {
  if (std::string err = Validate(t); !err.empty()) throw TraceFormatError(err);
  out << FormatHeader(t) << '\n';
  State state(t);
  for (const TraceEvent& e : t.events) {
    if (e.seq > range.to) break;
    std::string err = state.Apply(e);
    if (!err.empty()) throw TraceFormatError(err);
    if (e.seq >= range.from) out << FormatEventLine(t, state, e) << '\n';
  }
  out << FormatOutcome(t) << '\n';
}

}  // namespace synclab::instrument
