// outcome_banner.cpp: how the run ended, when it did not end well.
#include <string>

#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

const char* StatusHelp(rt::Status s) {
  switch (s) {
    case rt::Status::kDeadlock:
      return "Every goroutine is blocked and no timer is pending: nothing can ever wake them. "
             "Go stops the program with this fatal error.";
    case rt::Status::kFatal:
      return "A fatal error: Go stops the whole program; it cannot be recovered.";
    case rt::Status::kPanic: return "A panic nobody recovered: the program stops.";
    case rt::Status::kLeak:
      return "main returned while these goroutines were still blocked: they leaked (in a "
             "server, they would wait forever and hold their memory).";
    case rt::Status::kAssert: return "A check in the scenario failed.";
    case rt::Status::kLimit:
      return "The run reached the simulator's step limit: a livelock, or a limit too small.";
    default: return "";
  }
}

}  // namespace

int BannerRows(const Trace& t) {
  if (t.outcome.status == rt::Status::kOk) return 0;
  return t.outcome.blocked.empty() ? 1 : 2;
}

Intent DrawOutcomeBanner(const Model& m, const Cursor&) {
  Intent out;
  const Trace& t = m.trace();
  const instrument::Outcome& o = t.outcome;
  if (o.status == rt::Status::kOk) return out;

  const bool severe = o.status == rt::Status::kDeadlock || o.status == rt::Status::kFatal ||
                      o.status == rt::Status::kPanic;
  const ImU32 fill = severe ? StatusColor(GStatus::kBlocked) : StatusColor(GStatus::kSpinning);
  std::string text = std::string(rt::Name(o.status)) + ": " + o.message;
  if (o.g != 0) text += "  (in " + instrument::GoroutineLabel(t, o.g) + ")";
  Chip(text.c_str(), fill, IM_COL32(255, 255, 255, 255));
  Explain(StatusHelp(o.status));
  if (o.seq && *o.seq < m.size()) {
    ImGui::SameLine();
    if (ImGui::Button(("Jump to event " + std::to_string(*o.seq)).c_str())) out += Seek{*o.seq};
  }
  // Who was left blocked, each a link to its goroutine, on a row of their own.
  if (!o.blocked.empty()) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Left blocked:");
  }
  for (const instrument::BlockedInfo& b : o.blocked) {
    ImGui::SameLine();
    std::string who = instrument::GoroutineLabel(t, b.g) + " on " + instrument::ObjectLabel(t, b.obj);
    ImGui::PushID(int(b.g));
    if (ImGui::Button(who.c_str())) out += SelectGoroutine{b.g};
    ImGui::PopID();
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("%s blocked on %s [%s] at %s", instrument::GoroutineLabel(t, b.g).c_str(),
                        instrument::ObjectLabel(t, b.obj).c_str(),
                        std::string(trace::Name(b.reason)).c_str(),
                        instrument::SiteLabel(t, b.site).c_str());
    }
  }
  return out;
}

}  // namespace synclab::viewer
