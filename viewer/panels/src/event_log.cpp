// event_log.cpp: the events in a table (seq, time, goroutine, event, object,
// fields, site), filtered by text; click to seek.
#include <algorithm>
#include <string>

#include "synclab/viewer/panels.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

// Up to this many events the filter applies as you type.
constexpr std::size_t kFilterAsYouTypeEvents = 200'000;

// Everything a row shows, for the filter to search.
std::string RowText(const Trace& t, const TraceEvent& e) {
  return std::to_string(e.seq) + " " + instrument::FormatDuration(e.t) + " " +
         instrument::GoroutineLabel(t, e.g) + " " + instrument::ObjectLabel(t, e.obj) + " " +
         std::string(trace::Name(e.kind)) + " " + instrument::DescribeFields(t, e) + " " +
         instrument::SiteLabel(t, e.site);
}

void RowMenu(const Trace& t, const Cursor& c, const TraceEvent& e, Intent& out) {
  if (!ImGui::BeginPopupContextItem("row")) return;
  const Breakpoints& b = c.breakpoints;
  auto has = [](const auto& set, auto v) { return std::find(set.begin(), set.end(), v) != set.end(); };
  if (ImGui::MenuItem(("Break on " + std::string(trace::Name(e.kind))).c_str(), nullptr,
                      has(b.kinds, e.kind))) {
    out += ToggleBreakKind{e.kind};
  }
  if (e.g != 0 && ImGui::MenuItem(("Break on " + instrument::GoroutineLabel(t, e.g)).c_str(), nullptr,
                                  has(b.goroutines, e.g))) {
    out += ToggleBreakGoroutine{e.g};
  }
  if (e.obj != 0 && ImGui::MenuItem(("Break on " + instrument::ObjectLabel(t, e.obj)).c_str(), nullptr,
                                    has(b.objects, e.obj))) {
    out += ToggleBreakObject{e.obj};
  }
  ImGui::EndPopup();
}

}  // namespace

Intent DrawEventLog(const Model& m, const Cursor& c, EventLogView& v) {
  Intent out;
  const Trace& t = m.trace();

  // Filtering formats every row: on a long trace, only when Enter is pressed.
  const bool on_enter = m.size() > kFilterAsYouTypeEvents;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  if (ImGui::InputTextWithHint("##filter", on_enter ? "filter, then Enter" : "filter", v.filter.InputBuf,
                               IM_ARRAYSIZE(v.filter.InputBuf),
                               on_enter ? ImGuiInputTextFlags_EnterReturnsTrue : 0)) {
    v.filter.Build();
    v.filtered = false;
  }
  Explain("Show only the events whose row contains this text, e.g. \"G3\", \"mutex.unlock\" or "
          "\"starving\". Separate alternatives with commas; exclude with a leading '-'.");
  const bool active = v.filter.IsActive();
  if (active && !v.filtered) {
    v.rows.clear();
    for (const TraceEvent& e : t.events) {
      if (v.filter.PassFilter(RowText(t, e).c_str())) v.rows.push_back(std::uint32_t(e.seq));
    }
    v.filtered = true;
    v.seen_step = kNoStep;  // bring the cursor's row into view in the new list
  }
  const std::size_t count = active ? v.rows.size() : m.size();
  auto seq_of = [&](std::size_t row) -> std::uint64_t { return active ? v.rows[row] : row; };
  ImGui::SameLine();
  ImGui::TextDisabled("%zu of %zu events", count, m.size());

  // Columns as wide as their usual content, scrolling sideways when the
  // window is narrower (large text on a projector), with seq kept in view.
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_Hideable;
  if (!ImGui::BeginTable("events", 7, flags)) return out;
  ImGui::TableSetupScrollFreeze(1, 1);
  auto column = [](const char* name, const char* widest) {
    ImGui::TableSetupColumn(name, ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize(widest).x);
  };
  // "G2 greedy  mutex.unlock.handoff  mu": who did what to which, as the
  // transport's line reads.
  column("seq", "0000000");
  column("time", "00.000 ms");
  column("goroutine", "G00 polite");
  column("event", "mutex.lock.slow.spin");
  column("object", "mu.sema");
  column("fields", "waited=000 us starving=false");
  column("site", "starvation.cpp:00");
  ImGui::TableHeadersRow();

  // Keep the cursor's row (or, filtered, the next row after it) in view.
  const float row_h = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  if (c.step != v.seen_step && count > 0) {
    const std::size_t row = active ? std::size_t(std::lower_bound(v.rows.begin(), v.rows.end(), c.step) -
                                                 v.rows.begin())
                                   : std::size_t(c.step);
    const float y = float(row) * row_h;
    const float visible = ImGui::GetWindowHeight() - row_h;  // below the frozen header
    if (y < ImGui::GetScrollY() || y + row_h > ImGui::GetScrollY() + visible) {
      ImGui::SetScrollY(y - visible * 0.4f);
    }
    v.seen_step = c.step;
  }

  const ImU32 current = ImGui::GetColorU32(ImGuiCol_Header);
  ImGuiListClipper clipper;
  clipper.Begin(int(count), row_h);
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const std::uint64_t seq = seq_of(std::size_t(row));
      const TraceEvent& e = t.events[seq];
      ImGui::TableNextRow();
      if (seq == c.step) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, current);
      ImGui::TableNextColumn();
      ImGui::PushID(row);
      // A breakpoint hit is marked with a star.
      std::string label = (m.Hits(c.breakpoints, seq) ? "* " : "") + std::to_string(seq);
      if (ImGui::Selectable(label.c_str(), seq == c.step, ImGuiSelectableFlags_SpanAllColumns)) {
        out += Seek{seq};
        if (e.g != 0) out += SelectGoroutine{e.g};
        if (e.obj != 0) out += SelectObject{e.obj};
      }
      RowMenu(t, c, e, out);
      Explain(EventHelp(e.kind));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(instrument::FormatDuration(e.t).c_str());
      ImGui::TableNextColumn();
      if (e.g != 0) {
        ImGui::TextUnformatted(instrument::GoroutineLabel(t, e.g).c_str());
      } else {
        ImGui::TextDisabled("runtime");
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(std::string(trace::Name(e.kind)).c_str());
      ImGui::TableNextColumn();
      if (e.obj != 0) ImGui::TextUnformatted(instrument::ObjectLabel(t, e.obj).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(instrument::DescribeFields(t, e).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(instrument::SiteLabel(t, e.site).c_str());
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
  return out;
}

}  // namespace synclab::viewer
