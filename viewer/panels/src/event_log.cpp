// event_log.cpp: the events in a table (seq, time, goroutine, event, object,
// fields, site), filtered by text; click to seek.
#include <algorithm>
#include <cctype>
#include <string>

#include "synclab/viewer/panels.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

// Up to this many events the filter applies as you type.
constexpr std::size_t kFilterAsYouTypeEvents = 200'000;
// Column widths are measured over at most this many events, evenly spread.
constexpr std::size_t kMeasuredEvents = 20'000;

bool ContainsNoCase(std::string_view text, std::string_view word) {
  auto lower = [](char ch) { return char(std::tolower(static_cast<unsigned char>(ch))); };
  return std::search(text.begin(), text.end(), word.begin(), word.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// The columns, and the widest text each holds in this trace, in characters
// (the font is monospaced), so no name is cut short at any text size.
constexpr const char* kColumns[] = {"seq", "time", "goroutine", "event", "object", "fields", "site"};
std::vector<std::size_t> MeasureColumns(const Trace& t) {
  std::vector<std::size_t> w;
  for (const char* name : kColumns) w.push_back(std::string_view(name).size());
  auto fit = [&](std::size_t col, std::size_t chars) { w[col] = std::max(w[col], chars); };
  fit(0, std::to_string(t.events.empty() ? 0 : t.events.size() - 1).size() + 2);  // "* " marks a hit
  fit(2, std::string_view("runtime").size());
  for (Id g = 1; g <= t.goroutines.size(); ++g) fit(2, instrument::GoroutineLabel(t, g).size());
  for (const trace::EventInfo& info : trace::kEventInfo) fit(3, info.name.size());
  for (Id o = 1; o <= t.objects.size(); ++o) fit(4, instrument::ObjectLabel(t, o).size());
  for (Id s = 1; s <= t.sites.size(); ++s) fit(6, instrument::SiteLabel(t, s).size());
  const std::size_t stride = std::max<std::size_t>(1, t.events.size() / kMeasuredEvents);
  for (std::size_t i = 0; i < t.events.size(); i += stride) {
    fit(1, instrument::FormatDuration(t.events[i].t).size());
    fit(5, instrument::DescribeFields(t, t.events[i]).size());
  }
  return w;
}

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

void EventFilter::Set(std::string_view typed) {
  const std::size_t n = std::min(typed.size(), sizeof text - 1);
  typed.copy(text, n);
  text[n] = '\0';
  Parse();
}

void EventFilter::Parse() {
  include.clear();
  exclude.clear();
  std::string_view rest(text);
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view word = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    word.remove_prefix(std::min(word.find_first_not_of(' '), word.size()));
    word = word.substr(0, word.find_last_not_of(' ') + 1);
    const bool minus = !word.empty() && word[0] == '-';
    if (minus) word.remove_prefix(1);
    if (!word.empty()) (minus ? exclude : include).emplace_back(word);
  }
}

bool EventFilter::Passes(std::string_view row) const {
  for (const std::string& word : exclude)
    if (ContainsNoCase(row, word)) return false;
  if (include.empty()) return true;
  return std::any_of(include.begin(), include.end(),
                     [&](const std::string& word) { return ContainsNoCase(row, word); });
}

Intent DrawEventLog(const Model& m, const Cursor& c, EventLogView& v) {
  Intent out;
  const Trace& t = m.trace();

  // Filtering formats every row: on a long trace, only when Enter is pressed.
  const bool on_enter = m.size() > kFilterAsYouTypeEvents;
  // Room beside it for "154 of 154 events".
  ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 16, ImGui::GetContentRegionAvail().x * 0.5f));
  if (ImGui::InputTextWithHint("##filter", on_enter ? "filter, then Enter" : "filter", v.filter.text,
                               sizeof v.filter.text, on_enter ? ImGuiInputTextFlags_EnterReturnsTrue : 0)) {
    v.filter.Parse();
    v.filtered = false;
  }
  Explain("Show only the events whose row contains this text, e.g. \"G3\", \"mutex.unlock\" or "
          "\"starving\". Separate alternatives with commas; exclude with a leading '-'.");
  const bool active = v.filter.active();
  if (active && !v.filtered) {
    v.rows.clear();
    for (const TraceEvent& e : t.events) {
      if (v.filter.Passes(RowText(t, e))) v.rows.push_back(std::uint32_t(e.seq));
    }
    v.filtered = true;
    v.seen_step = kNoStep;  // bring the cursor's row into view in the new list
  }
  const std::size_t count = active ? v.rows.size() : m.size();
  auto seq_of = [&](std::size_t row) -> std::uint64_t { return active ? v.rows[row] : row; };
  ImGui::SameLine();
  ImGui::TextDisabled("%zu of %zu events", count, m.size());
  if (active && count == 0 && m.size() > 0) {
    // An empty table would look broken.
    ImGui::Text("The filter hides all %zu events.", m.size());
    return out;
  }

  // Columns as wide as their usual content, scrolling sideways when the
  // window is narrower (large text on a projector), with seq kept in view.
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX |
                                ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersV |
                                ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit |
                                ImGuiTableFlags_Hideable;
  if (v.column_chars.empty()) v.column_chars = MeasureColumns(t);
  // A table per text size: ImGui keeps a table's column widths, which were
  // measured for the font it was made with.
  const std::string table = "events##" + std::to_string(int(ImGui::GetFontSize()));
  if (!ImGui::BeginTable(table.c_str(), int(std::size(kColumns)), flags)) return out;
  ImGui::TableSetupScrollFreeze(1, 1);
  const float char_w = ImGui::CalcTextSize("0").x;
  for (std::size_t i = 0; i < std::size(kColumns); ++i) {
    ImGui::TableSetupColumn(kColumns[i], ImGuiTableColumnFlags_WidthFixed, float(v.column_chars[i] + 1) * char_w);
  }
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
