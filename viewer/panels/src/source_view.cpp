// source_view.cpp: the scenario's source, a marker per goroutine on its line.
#include <algorithm>
#include <string>
#include <utility>

#include "synclab/scenarios/scenario.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {

Intent DrawSourceView(const Model& m, const Cursor& c, SourceView& v) {
  Intent out;
  const Trace& t = m.trace();
  const std::vector<SourceFile>& sources = m.sources();
  if (sources.empty()) {
    ImGui::TextWrapped("No source to show: the trace's files are neither built in nor on this disk.");
    return out;
  }
  const int file = v.file >= 0 && std::size_t(v.file) < sources.size() ? v.file : m.main_source();

  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 18);
  if (ImGui::BeginCombo("##file", sources[std::size_t(file)].path.c_str())) {
    for (std::size_t i = 0; i < sources.size(); ++i) {
      if (ImGui::Selectable(sources[i].path.c_str(), int(i) == file)) v.file = int(i);
    }
    ImGui::EndCombo();
  }
  if (const scenarios::Scenario* s = m.scenario()) {
    ImGui::SameLine();
    ImGui::TextDisabled("what to look for");
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 36);
      ImGui::TextUnformatted(std::string(s->description).c_str());
      ImGui::Separator();
      ImGui::TextUnformatted(std::string(s->teaching_note).c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
  }

  const SourceFile& src = sources[std::size_t(file)];
  const Snapshot& snap = m.At(c.step);
  // (line, goroutine) for every live goroutine whose current site is here.
  std::vector<std::pair<std::uint32_t, Id>> marks;
  for (Id g = 1; g <= t.goroutines.size(); ++g) {
    const instrument::GoroutineState& gs = snap.state.goroutine(g);
    if (gs.status == GStatus::kDone || gs.status == GStatus::kNotStarted) continue;
    if (m.SourceOf(gs.site) == file) marks.emplace_back(t.site(gs.site)->line, g);
  }
  std::sort(marks.begin(), marks.end());
  // The gutter is as wide as the most markers on one line.
  std::size_t most = 1, run = 0;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    run = i > 0 && marks[i].first == marks[i - 1].first ? run + 1 : 1;
    most = std::max(most, run);
  }
  // The line of the current event, if it is in this file.
  std::uint32_t current = 0;
  if (c.step < m.size()) {
    const TraceEvent& e = t.events[c.step];
    if (m.SourceOf(e.site) == file) current = t.site(e.site)->line;
  }

  ImGui::BeginChild("code", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  const float font = ImGui::GetFontSize();
  const float line_h = ImGui::GetTextLineHeightWithSpacing();
  const float tag_w = ImGui::CalcTextSize("G00").x + font * 0.5f;
  const float gutter = float(most) * (tag_w + 2) + font * 0.5f;
  ImDrawList* dl = ImGui::GetWindowDrawList();

  // When the cursor moves, bring the current line into view, and with it
  // every marker if they fit.
  if (c.step != v.seen_step) {
    std::uint32_t first = current, last = current;
    for (const auto& [line, g] : marks) {
      if (first == 0 || line < first) first = line;
      last = std::max(last, line);
    }
    const float h = ImGui::GetWindowHeight() - ImGui::GetStyle().ScrollbarSize;
    if (current != 0 && float(last - first + 1) * line_h > h) first = last = current;
    if (first != 0) {
      const float y0 = float(first - 1) * line_h, y1 = float(last) * line_h;
      if (y0 < ImGui::GetScrollY() || y1 > ImGui::GetScrollY() + h) {
        ImGui::SetScrollY((y0 + y1) / 2 - h / 2);
      }
    }
    v.seen_step = c.step;
  }

  ImGuiListClipper clipper;
  clipper.Begin(int(src.lines.size()), line_h);
  while (clipper.Step()) {
    auto mark = std::lower_bound(marks.begin(), marks.end(),
                                 std::make_pair(std::uint32_t(clipper.DisplayStart + 1), Id(0)));
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const std::uint32_t line = std::uint32_t(i + 1);
      const ImVec2 p = ImGui::GetCursorScreenPos();
      if (line == current) {
        dl->AddRectFilled(p, ImVec2(p.x + ImGui::GetWindowWidth() + ImGui::GetScrollX(), p.y + line_h),
                          ImGui::GetColorU32(ImGuiCol_Header));
      }
      // The markers: one chip per goroutine on this line, in its status colour.
      float x = p.x;
      for (; mark != marks.end() && mark->first == line; ++mark) {
        const Id g = mark->second;
        const GStatus status = snap.state.goroutine(g).status;
        const ImVec2 a(x, p.y), b(x + tag_w, p.y + ImGui::GetTextLineHeight());
        dl->AddRectFilled(a, b, StatusColor(status), font * 0.3f);
        if (g == c.goroutine) dl->AddRect(a, b, ImGui::GetColorU32(ImGuiCol_Text), font * 0.3f, 0, 2);
        const std::string name = "G" + std::to_string(g);
        dl->AddText(ImVec2(x + font * 0.25f, p.y), StatusTextColor(status), name.c_str());
        ImGui::SetCursorScreenPos(a);
        ImGui::PushID(int(g));
        if (ImGui::InvisibleButton("mark", ImVec2(tag_w, ImGui::GetTextLineHeight()))) {
          out += SelectGoroutine{g};
        }
        ImGui::PopID();
        if (ImGui::IsItemHovered()) {
          const instrument::GoroutineState& gs = snap.state.goroutine(g);
          std::string what(instrument::Name(gs.status));
          if (gs.status == GStatus::kBlocked) {
            what += " on " + instrument::ObjectLabel(t, gs.wait_obj) + " (" +
                    std::string(trace::Name(gs.reason)) + ")";
          }
          ImGui::SetTooltip("%s: %s\n%s\n(click to select)", instrument::GoroutineLabel(t, g).c_str(),
                            what.c_str(), StatusHelp(gs.status));
        }
        x += tag_w + 2;
      }
      ImGui::SetCursorScreenPos(ImVec2(p.x + gutter, p.y));
      ImGui::TextDisabled("%4u", line);
      ImGui::SameLine();
      ImGui::TextUnformatted(src.lines[std::size_t(i)].c_str());
    }
  }
  clipper.End();
  ImGui::EndChild();
  return out;
}

}  // namespace synclab::viewer
