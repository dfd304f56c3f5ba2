// timeline.cpp: one lane per goroutine, its status over the run.
//
// Lanes draw the model's level-of-detail blocks: spans narrower than a pixel
// are merged into one block by the model, so a frame costs about one
// rectangle per pixel per lane however long the trace is.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "kinds/kinds.h"
#include "synclab/viewer/panels.h"
#include "synclab/viewer/style.h"
#include "teaching.h"
#include "widgets.h"

namespace synclab::viewer {
namespace {

// The axis range that holds the whole trace.
struct Range {
  double lo, hi;
};
Range Whole(const Model& m, Axis axis) {
  if (m.size() == 0) return {0, 1};
  // On the steps axis step s is the slot [s, s + 1).
  double lo = m.Position(axis, 0);
  double hi = axis == Axis::kSteps ? double(m.size()) : m.Position(axis, m.size() - 1);
  return {lo, std::max(hi, lo + 1)};
}

double CursorPosition(const Model& m, Axis axis, std::uint64_t step) {
  return axis == Axis::kSteps ? double(step) + 0.5 : m.Position(axis, step);
}

// The narrowest range worth zooming to: a few steps, or 50 ns.
double MinRange(Axis axis) { return axis == Axis::kSteps ? 8 : 50; }

void Clamp(TimelineView& v, Range whole, Axis axis) {
  double span = std::clamp(v.to - v.from, MinRange(axis), whole.hi - whole.lo);
  double from = std::clamp(v.from, whole.lo, whole.hi - span);
  v.from = from;
  v.to = from + span;
}

// Tick spacing of 1, 2 or 5 times a power of ten, about `target` apart.
double NiceStep(double target) {
  double p = std::pow(10.0, std::floor(std::log10(std::max(target, 1e-9))));
  for (double f : {1.0, 2.0, 5.0})
    if (f * p >= target) return f * p;
  return 10 * p;
}

std::string TickLabel(Axis axis, double p) {
  if (axis == Axis::kSteps) return std::to_string(static_cast<long long>(p));
  return instrument::FormatDuration(static_cast<std::int64_t>(p));
}

// The event of goroutine g at position p: its latest at or before p (or its
// first, left of it).
std::optional<std::uint64_t> EventAt(const Model& m, Axis axis, Id g, double p) {
  const std::vector<std::uint32_t>& seqs = m.EventsOf(Scope::kGoroutine, g);
  if (seqs.empty()) return std::nullopt;
  auto it = std::partition_point(seqs.begin(), seqs.end(), [&](std::uint32_t s) {
    return axis == Axis::kSteps ? double(s) <= std::floor(p) : m.Position(axis, s) <= p;
  });
  return it == seqs.begin() ? *it : *(it - 1);
}

// The primitive a goroutine waits on: the object it parked on, or the
// primitive that object is a part of (a Mutex, not its sema).
Id Waited(const Trace& t, Id obj) {
  const instrument::ObjectInfo* info = t.object(obj);
  return info != nullptr && info->parent != 0 ? info->parent : obj;
}

std::string SpanText(const Model& m, const Span& s) {
  const Trace& t = m.trace();
  std::string text(instrument::Name(s.status));
  if (s.status == GStatus::kBlocked) {
    if (s.obj != 0) text += " on " + instrument::ObjectLabel(t, s.obj);  // a sleep waits on nothing
    if (s.reason != trace::WaitReason::kNone) text += " (" + std::string(trace::Name(s.reason)) + ")";
  }
  return text;
}

// What a span of a lane says, longest first: the lane draws the first that
// fits (the tooltip has it all). A blocked span says it in the words of the
// call that waits: "Lock mu", "RLock rw", "Cond.Wait c".
std::vector<std::string> SpanLabels(const Model& m, const Span& s) {
  if (s.status == GStatus::kSpinning) return {"spinning", "spin"};
  if (s.status != GStatus::kBlocked) return {};
  const std::string words(trace::Words(s.reason));
  if (s.obj == 0) return {words.empty() ? "blocked" : words};  // a sleep waits on nothing
  const std::string on = instrument::ObjectLabel(m.trace(), Waited(m.trace(), s.obj));
  if (words.empty()) return {"blocked on " + on, on};
  return {"blocked: " + words + " " + on, words + " " + on, words};
}

// Who woke whom: an arrow at each go.ready in view, from the lane of the
// goroutine whose operation readied another (a send, a receive, a close, an
// Unlock...) to the lane of the goroutine it readied. A ready by the runtime
// itself (a timer firing: rt/timer.h) has no lane to start from: a short
// arrow drops onto the woken lane from above, named after what it was woken
// on (the timer's channel, "ticker.C"). Zoomed out, with more than
// kMaxArrows in view, none are drawn.
template <typename ToX>
void WakeArrows(const Model& m, const TimelineView& v, float rows_y0, float row_h, float lane_h, const ToX& X,
                ImVec2 clip0, ImVec2 clip1) {
  constexpr std::ptrdiff_t kMaxArrows = 400;
  const std::vector<std::uint32_t>& readies = m.EventsOfKind(trace::EventKind::kGoReady);
  auto pos = [&](std::uint32_t s) { return m.Position(v.axis, s); };
  auto lo = std::partition_point(readies.begin(), readies.end(), [&](std::uint32_t s) { return pos(s) < v.from; });
  auto hi = std::partition_point(lo, readies.end(), [&](std::uint32_t s) { return pos(s) <= v.to; });
  if (hi - lo > kMaxArrows) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize(), head = font * 0.3f;
  const ImU32 color = IM_COL32(255, 200, 40, 230);
  dl->PushClipRect(clip0, clip1, true);
  std::map<Id, float> label_end;  // per woken lane: where the last timer arrow's name ends
  for (auto it = lo; it != hi; ++it) {
    const instrument::TraceEvent& e = m.trace().events[*it];
    const Id target = Id(e.f[0]);
    if (target == 0 || target == e.g) continue;
    const float x = X(pos(*it));
    if (e.g == 0) {  // the runtime: a timer (named after its channel), or a sleep's end
      // From the gap above the woken lane (below it, for a lane at the
      // clip's top), its tail a hollow circle (a clock), so it is not read
      // as coming from a neighbour, whose arrows start at a filled dot in
      // its own lane.
      const float reach = std::max(head * 3, (row_h - lane_h) * 0.8f);
      const float lane_top = rows_y0 + float(target - 1) * row_h;
      const bool above = lane_top - reach - head >= clip0.y;
      const float ty = above ? lane_top + lane_h * 0.15f : lane_top + lane_h * 0.85f;
      const float ty0 = above ? ty - reach : ty + reach;
      const float dir = above ? 1.0f : -1.0f;
      dl->AddLine(ImVec2(x, ty0 + dir * head), ImVec2(x, ty), color, std::max(1.5f, font * 0.1f));
      dl->AddTriangleFilled(ImVec2(x, ty), ImVec2(x - head, ty - dir * head * 1.6f), ImVec2(x + head, ty - dir * head * 1.6f),
                            color);
      dl->AddCircle(ImVec2(x, ty0), head, color, 12, std::max(1.5f, font * 0.1f));
      if (e.obj != 0 && x >= label_end[target]) {  // named, where the last name does not cover it
        const std::string on = instrument::ObjectLabel(m.trace(), e.obj);
        dl->AddText(ImVec2(x + head, ty0 - font * 0.3f), color, on.c_str());
        label_end[target] = x + head + ImGui::CalcTextSize(on.c_str()).x + font * 0.5f;
      }
      continue;
    }
    const float y0 = rows_y0 + float(e.g - 1) * row_h + lane_h / 2;
    const float y1 = rows_y0 + float(target - 1) * row_h + (target > e.g ? lane_h * 0.15f : lane_h * 0.85f);
    dl->AddLine(ImVec2(x, y0), ImVec2(x, y1), color, std::max(1.5f, font * 0.1f));
    const float dir = y1 > y0 ? 1.0f : -1.0f;
    dl->AddTriangleFilled(ImVec2(x, y1), ImVec2(x - head, y1 - dir * head * 1.6f), ImVec2(x + head, y1 - dir * head * 1.6f),
                          color);
    dl->AddCircleFilled(ImVec2(x, y0), head * 0.7f, color);
  }
  dl->PopClipRect();
}

// The colours, on the rest of the toolbar's row if they fit; else one chip
// that shows them when hovered (so the toolbar stays one row high, as
// TimelineHeight counts it).
void Legend() {
  const std::vector<LegendEntry> entries = LegendEntries();
  const ImGuiStyle& style = ImGui::GetStyle();
  float width = 0;
  for (const LegendEntry& e : entries) {
    width += style.ItemSpacing.x + ImGui::CalcTextSize(e.label.c_str()).x + style.FramePadding.x * 2;
  }
  ImGui::SameLine();
  if (width <= ImGui::GetContentRegionAvail().x) {
    for (const LegendEntry& e : entries) {
      Chip(e.label.c_str(), e.fill, e.text);
      Explain(e.help);
      ImGui::SameLine();
    }
    ImGui::NewLine();
    return;
  }
  Chip("colours", ImGui::GetColorU32(ImGuiCol_FrameBg), ImGui::GetColorU32(ImGuiCol_Text));
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    for (const LegendEntry& e : entries) {
      Chip(e.label.c_str(), e.fill, e.text);
      ImGui::SameLine();
      ImGui::TextUnformatted(e.help);
    }
    ImGui::EndTooltip();
  }
}

void Ruler(const Model& m, const Cursor& c, const TimelineView& v, float x0, float width,
           float height) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float font = ImGui::GetFontSize();
  const double per_px = (v.to - v.from) / width;
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  double step = NiceStep(per_px * font * 7);
  if (v.axis == Axis::kSteps) step = std::max(step, 1.0);
  for (double p = std::ceil(v.from / step) * step; p <= v.to; p += step) {
    float x = x0 + float((p - v.from) / per_px);
    dl->AddLine(ImVec2(x, top.y + height * 0.6f), ImVec2(x, top.y + height), ink);
    dl->AddText(ImVec2(x + 3, top.y), ink, TickLabel(v.axis, p).c_str());
  }
  double cp = CursorPosition(m, v.axis, c.step);
  if (cp >= v.from && cp <= v.to) {
    float x = x0 + float((cp - v.from) / per_px);
    float s = font * 0.4f;
    dl->AddTriangleFilled(ImVec2(x - s, top.y + height - s), ImVec2(x + s, top.y + height - s),
                          ImVec2(x, top.y + height), ImGui::GetColorU32(ImGuiCol_Text));
  }
  ImGui::Dummy(ImVec2(x0 - top.x + width, height));
}

float RulerHeight(float font) { return std::round(font * 1.3f); }

// What an object lane says of a summary, longest first: the lane draws the
// first that fits (the tooltip has the first).
std::vector<std::string> SummaryLabels(const Model& m, const KindView& view,
                                       const instrument::kinds::Summary& s) {
  const std::string mode = s.mode < view.modes.size() ? view.modes[s.mode].name : "";
  std::string count, who;
  if (view.count_name != nullptr) count = std::to_string(s.count);
  if (view.who_name != nullptr && s.who != 0) who = instrument::GoroutineLabel(m.trace(), s.who);
  auto join = [](std::initializer_list<std::string> parts) {
    std::string out;
    for (const std::string& p : parts) {
      if (p.empty()) continue;
      if (!out.empty()) out += "  ";
      out += p;
    }
    return out;
  };
  std::string also[2], also_short[2];
  for (std::size_t i = 0; i < 2; ++i) {
    if (view.also_names[i] == nullptr) continue;
    also[i] = std::string(view.also_names[i]) + " " + std::to_string(s.also[i]);
    also_short[i] = std::string(view.also_names[i]).substr(0, 1) + std::to_string(s.also[i]);
  }
  std::vector<std::string> labels;
  labels.push_back(join({mode, count.empty() ? "" : std::string(view.count_name) + " " + count,
                         who.empty() ? "" : std::string(view.who_name) + " " + who, also[0], also[1]}));
  if (!also[0].empty() || !also[1].empty()) {
    labels.push_back(join({mode, count.empty() ? "" : std::string(view.count_name) + " " + count, also_short[0],
                           also_short[1]}));
  }
  labels.push_back(join({mode, count, who.empty() ? "" : "G" + std::to_string(s.who)}));
  labels.push_back(join({mode, count}));
  if (!mode.empty()) labels.push_back(mode);
  if (!count.empty()) labels.push_back(count);
  return labels;
}

// The object's event at position p: its latest at or before p (or its first).
std::optional<std::uint64_t> ObjectEventAt(const Model& m, Axis axis, Id obj, double p) {
  const std::vector<std::uint32_t>& seqs = m.EventsOf(Scope::kObject, obj);
  if (seqs.empty()) return std::nullopt;
  auto it = std::partition_point(seqs.begin(), seqs.end(), [&](std::uint32_t s) {
    return axis == Axis::kSteps ? double(s) <= std::floor(p) : m.Position(axis, s) <= p;
  });
  return it == seqs.begin() ? *it : *(it - 1);
}

}  // namespace

LaneGeometry LanesAt(float font) {
  // The hold bar is as tall as a line of text, so its label is drawn at the
  // size of every other text; the gap keeps it off the next lane.
  return {std::round(font * 1.3f), font, std::round(font * 0.4f)};
}

float TimelineHeight(const Metrics& m, std::size_t lanes) {
  return m.frame + 2 * m.padding +                // the title bar and padding
         m.frame + m.spacing +                    // the toolbar
         RulerHeight(m.font) + m.spacing +        // the ruler
         float(lanes) * LanesAt(m.font).row();
}

Intent DrawTimeline(const Model& m, const Cursor& c, TimelineView& v) {
  Intent out;
  const Trace& t = m.trace();
  const float font = ImGui::GetFontSize();

  // Toolbar.
  int axis = int(v.axis);
  bool changed = ImGui::RadioButton("steps", &axis, int(Axis::kSteps));
  Explain("One slot per event: every step is visible, however close in time.");
  ImGui::SameLine();
  changed |= ImGui::RadioButton("time", &axis, int(Axis::kTime));
  Explain("The run's clock (virtual in the simulator): see how long things take; events at the "
          "same instant overlap.");
  if (changed) {
    v.axis = Axis(axis);
    v.to = v.from;  // fit
  }
  ImGui::SameLine();
  if (ImGui::Button("Fit")) v.to = v.from;
  Explain("Zoom out to the whole trace.");
  ImGui::SameLine();
  ImGui::Checkbox("follow", &v.follow);
  Explain("Keep the cursor in view as it moves.");
  Legend();

  const Range whole = Whole(m, v.axis);
  if (v.to <= v.from) {
    v.from = whole.lo;
    v.to = whole.hi;
  }
  Clamp(v, whole, v.axis);
  const double cursor_pos = CursorPosition(m, v.axis, c.step);
  if (c.step != v.seen_step) {
    if (v.follow && (cursor_pos < v.from || cursor_pos > v.to)) {
      double span = v.to - v.from;
      v.from = cursor_pos - span * 0.4;
      v.to = v.from + span;
      Clamp(v, whole, v.axis);
    }
    v.seen_step = c.step;
  }

  // Geometry: a label column, then the lanes.
  float label_w = font * 4;
  for (Id g = 1; g <= t.goroutines.size(); ++g) {
    label_w = std::max(label_w, ImGui::CalcTextSize(instrument::GoroutineLabel(t, g).c_str()).x);
  }
  for (Id obj : c.object_lanes) {
    label_w = std::max(label_w, ImGui::CalcTextSize(instrument::ObjectLabel(t, obj).c_str()).x);
  }
  label_w += font * 1.5f;
  const LaneGeometry lanes = LanesAt(font);
  const float lane_h = lanes.status, hold_h = lanes.hold, row_h = lanes.row();
  const float x0 = ImGui::GetCursorScreenPos().x + label_w;
  const float width = std::max(ImGui::GetContentRegionAvail().x - label_w - ImGui::GetStyle().ScrollbarSize, 10.0f);
  const double per_px = (v.to - v.from) / width;
  auto X = [&](double p) { return x0 + float((p - v.from) / per_px); };

  Ruler(m, c, v, x0, width, RulerHeight(font));

  ImGui::BeginChild("lanes", ImVec2(0, 0), false, ImGuiWindowFlags_NoScrollWithMouse);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 child_pos = ImGui::GetWindowPos();
  const float child_h = ImGui::GetWindowHeight();

  ImGuiListClipper clipper;
  clipper.Begin(int(t.goroutines.size()), row_h);
  std::optional<float> rows_y0;  // where goroutine 1's row starts, once a row is drawn
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const Id g = Id(row + 1);
      ImGui::PushID(int(g));
      const ImVec2 top = ImGui::GetCursorScreenPos();
      rows_y0 = top.y - float(row) * row_h;

      // The label: click to select, right-click for a breakpoint.
      const bool broken = std::find(c.breakpoints.goroutines.begin(), c.breakpoints.goroutines.end(),
                                    g) != c.breakpoints.goroutines.end();
      std::string label = (broken ? "* " : "") + instrument::GoroutineLabel(t, g);
      if (ImGui::Selectable(label.c_str(), c.goroutine == g, 0, ImVec2(label_w - font, lane_h))) {
        out += SelectGoroutine{c.goroutine == g ? 0 : g};
      }
      if (ImGui::BeginPopupContextItem("menu")) {
        if (ImGui::MenuItem("Break on its events", nullptr, broken)) out += ToggleBreakGoroutine{g};
        ImGui::EndPopup();
      }
      if (ImGui::IsItemHovered()) {
        const auto& gs = m.At(c.step).state.goroutine(g);
        ImGui::SetTooltip("%s: %s\n(click to select, right-click to break on it)", label.c_str(),
                          std::string(instrument::Name(gs.status)).c_str());
      }

      // The lane: one interactive area for hover, click and drag.
      ImGui::SetCursorScreenPos(ImVec2(x0, top.y));
      // A release is a click unless the mouse was dragged (GetMouseDragDelta
      // is zero until a drag passes the threshold).
      const bool released = ImGui::InvisibleButton("lane", ImVec2(width, lane_h + 1 + hold_h));
      const ImVec2 drag = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left);
      const bool clicked = released && drag.x == 0 && drag.y == 0;
      const bool hovered = ImGui::IsItemHovered();
      if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
        v.from -= io.MouseDelta.x * per_px;
        v.to -= io.MouseDelta.x * per_px;
      }

      dl->PushClipRect(ImVec2(x0, top.y), ImVec2(x0 + width, top.y + row_h), true);
      m.Blocks(g, v.axis, v.from, v.to, per_px, v.blocks);
      const LaneBlock* under_mouse = nullptr;
      const double mouse_p = v.from + (io.MousePos.x - x0) * per_px;
      // Neighbouring blocks of one colour go out as one rectangle.
      float run_x0 = 0, run_x1 = -1;
      ImU32 run_color = 0;
      auto flush = [&] {
        if (run_x1 > run_x0) dl->AddRectFilled(ImVec2(run_x0, top.y), ImVec2(run_x1, top.y + lane_h), run_color);
      };
      for (const LaneBlock& b : v.blocks) {
        const float bx0 = X(b.from), bx1 = std::max(X(b.to), bx0 + 1);
        const ImU32 color = StatusColor(b.status);
        if (color == run_color && bx0 <= run_x1 + 0.5f) {
          run_x1 = std::max(run_x1, bx1);
        } else {
          flush();
          run_x0 = bx0;
          run_x1 = bx1;
          run_color = color;
        }
        if (b.from <= mouse_p && mouse_p < b.to) under_mouse = &b;
      }
      flush();
      // Name what a blocked goroutine waits on, and spinning, as fully as fits.
      for (const LaneBlock& b : v.blocks) {
        if (b.span == nullptr) continue;
        const float bx0 = std::max(X(b.from), x0), bx1 = std::min(X(b.to), x0 + width);
        const float room = bx1 - bx0 - font * 0.5f;
        if (room < font) continue;  // not even two characters: no strings to make
        for (const std::string& text : SpanLabels(m, *b.span)) {
          if (ImGui::CalcTextSize(text.c_str()).x > room) continue;
          dl->AddText(ImVec2(bx0 + font * 0.25f, top.y + (lane_h - font) / 2), StatusTextColor(b.status),
                      text.c_str());
          break;
        }
      }
      m.HoldBlocks(g, v.axis, v.from, v.to, per_px, v.holds);
      const float hy = top.y + lane_h + 1;
      for (const HoldBlock& h : v.holds) {
        const float hx0 = X(h.from), hx1 = std::max(X(h.to), hx0 + 1);
        // Square when merged: rounding costs vertices, and a zoomed-out lane
        // has a block per pixel.
        // A read hold is paler: others may hold the object with it.
        const ImU32 color = h.shared ? (HoldColor() & ~IM_COL32_A_MASK) | IM_COL32(0, 0, 0, 130) : HoldColor();
        dl->AddRectFilled(ImVec2(hx0, hy), ImVec2(hx1, hy + hold_h), color, h.merged ? 0 : font * 0.2f);
        const float lx0 = std::max(hx0, x0), lx1 = std::min(hx1, x0 + width);
        if (h.merged || lx1 - lx0 < font) continue;  // zoomed out: a block a pixel, no label
        const std::string name = instrument::ObjectLabel(t, h.obj) + (h.shared ? " (read)" : "");
        if (ImGui::CalcTextSize(name.c_str()).x + font * 0.5f < lx1 - lx0) {
          dl->AddText(ImVec2(lx0 + font * 0.25f, hy), IM_COL32(255, 255, 255, 255), name.c_str());
        }
      }
      dl->PopClipRect();

      if (hovered || clicked) {
        std::optional<std::uint64_t> seq = EventAt(m, v.axis, g, mouse_p);
        if (clicked && seq) {
          out += Seek{*seq};
          out += SelectGoroutine{g};
        }
        if (hovered && !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
          ImGui::BeginTooltip();
          ImGui::PushTextWrapPos(font * 40);
          if (under_mouse != nullptr && under_mouse->span != nullptr) {
            const Span& s = *under_mouse->span;
            ImGui::Text("%s: %s", instrument::GoroutineLabel(t, g).c_str(), SpanText(m, s).c_str());
            ImGui::TextDisabled("steps %u to %u, %s", s.begin, s.end,
                                instrument::FormatDuration(std::int64_t(m.Position(Axis::kTime, s.end) -
                                                                        m.Position(Axis::kTime, s.begin)))
                                    .c_str());
            ImGui::TextUnformatted(StatusHelp(s.status));
          } else if (under_mouse != nullptr) {
            ImGui::Text("%s: many short spans here, mostly %s; zoom in to see them",
                        instrument::GoroutineLabel(t, g).c_str(),
                        std::string(instrument::Name(under_mouse->status)).c_str());
          }
          if (seq) {
            ImGui::Separator();
            ImGui::TextUnformatted(EventLine(m, *seq).c_str());
            ImGui::TextDisabled("click to seek here");
          }
          ImGui::PopTextWrapPos();
          ImGui::EndTooltip();
        }
      }
      ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + row_h));
      ImGui::PopID();
    }
  }
  clipper.End();
  if (rows_y0) WakeArrows(m, v, *rows_y0, row_h, lane_h, X, ImVec2(x0, child_pos.y), ImVec2(x0 + width, child_pos.y + child_h));

  // The object lanes chosen in the objects panel: each object's state over
  // the run, in its kind's words (kinds/<noun>.cpp).
  for (Id obj : c.object_lanes) {
    const KindView& view = ViewOf(t.object(obj)->kind);
    ImGui::PushID(int(obj) + 1'000'000);
    const ImVec2 top = ImGui::GetCursorScreenPos();
    const std::string label = instrument::ObjectLabel(t, obj);
    if (ImGui::Selectable(label.c_str(), c.object == obj, 0, ImVec2(label_w - font, lane_h))) {
      out += SelectObject{c.object == obj ? 0 : obj};
    }
    if (ImGui::BeginPopupContextItem("menu")) {
      if (ImGui::MenuItem("Hide its lane")) out += ToggleObjectLane{obj};
      ImGui::EndPopup();
    }
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("%s (%s): its state over the run.\nClick to select it (M / Shift+M: its next / previous "
                        "change of mode); right-click to hide the lane.",
                        label.c_str(), std::string(trace::Name(t.object(obj)->kind)).c_str());
    }
    ImGui::SetCursorScreenPos(ImVec2(x0, top.y));
    const bool released = ImGui::InvisibleButton("lane", ImVec2(width, lane_h));
    const ImVec2 drag = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left);
    const bool clicked = released && drag.x == 0 && drag.y == 0;
    const bool hovered = ImGui::IsItemHovered();
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left)) {
      v.from -= io.MouseDelta.x * per_px;
      v.to -= io.MouseDelta.x * per_px;
    }
    dl->PushClipRect(ImVec2(x0, top.y), ImVec2(x0 + width, top.y + row_h), true);
    m.ObjectBlocks(obj, v.axis, v.from, v.to, per_px, v.object_blocks);
    const double mouse_p = v.from + (io.MousePos.x - x0) * per_px;
    const ObjectBlock* under_mouse = nullptr;
    const std::vector<ObjectBlock>& blocks = v.object_blocks;
    for (const ObjectBlock& b : blocks) {
      const float bx0 = X(b.from), bx1 = std::max(X(b.to), bx0 + 1);
      const ImU32 color = b.summary.mode < view.modes.size() ? view.modes[b.summary.mode].color
                                                             : ImGui::GetColorU32(ImGuiCol_FrameBg);
      dl->AddRectFilled(ImVec2(bx0, top.y), ImVec2(bx1, top.y + lane_h), color);
      if (b.from <= mouse_p && mouse_p < b.to) under_mouse = &b;
    }
    // Labels: a block alone says all it can; a run of blocks of one mode
    // (its count or who changing) says the mode across the run.
    for (std::size_t i = 0; i < blocks.size();) {
      std::size_t j = i + 1;
      while (j < blocks.size() && blocks[j].summary.mode == blocks[i].summary.mode) ++j;
      const float lx0 = std::max(X(blocks[i].from), x0), lx1 = std::min(X(blocks[j - 1].to), x0 + width);
      std::vector<std::string> labels;
      if (j == i + 1 && !blocks[i].merged) {
        labels = SummaryLabels(m, view, blocks[i].summary);
      } else if (blocks[i].summary.mode < view.modes.size()) {
        labels = {view.modes[blocks[i].summary.mode].name};
      }
      for (const std::string& text : labels) {
        if (lx1 - lx0 < font * 2 || ImGui::CalcTextSize(text.c_str()).x + font * 0.5f > lx1 - lx0) continue;
        dl->AddText(ImVec2(lx0 + font * 0.25f, top.y + (lane_h - font) / 2), IM_COL32(255, 255, 255, 255),
                    text.c_str());
        break;
      }
      i = j;
    }
    dl->PopClipRect();
    if (hovered || clicked) {
      std::optional<std::uint64_t> seq = ObjectEventAt(m, v.axis, obj, mouse_p);
      if (clicked && seq) {
        out += Seek{*seq};
        out += SelectObject{obj};
      }
      if (hovered && !ImGui::IsMouseDragging(ImGuiMouseButton_Left) && under_mouse != nullptr) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(font * 40);
        const instrument::kinds::Summary& s = under_mouse->summary;
        ImGui::Text("%s: %s%s", label.c_str(), SummaryLabels(m, view, s)[0].c_str(),
                    under_mouse->merged ? " (the most of many short stretches: zoom in)" : "");
        if (s.mode < view.modes.size()) ImGui::TextUnformatted(view.modes[s.mode].help);
        if (seq) {
          ImGui::Separator();
          ImGui::TextUnformatted(EventLine(m, *seq).c_str());
          ImGui::TextDisabled("click to seek here");
        }
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
      }
    }
    ImGui::SetCursorScreenPos(ImVec2(top.x, top.y + row_h));
    ImGui::PopID();
  }
  if (!c.object_lanes.empty()) ImGui::Dummy(ImVec2(1, 1));

  // The cursor: a vertical line over every lane.
  if (cursor_pos >= v.from && cursor_pos <= v.to) {
    const float x = X(cursor_pos);
    dl->AddLine(ImVec2(x, child_pos.y), ImVec2(x, child_pos.y + child_h),
                ImGui::GetColorU32(ImGuiCol_Text), std::max(2.0f, font * 0.12f));
  }

  // The wheel zooms around the mouse (and scrolls the lanes with Shift).
  if (ImGui::IsWindowHovered() && io.MouseWheel != 0) {
    if (io.KeyShift) {
      ImGui::SetScrollY(ImGui::GetScrollY() - io.MouseWheel * row_h);
    } else {
      const double p = v.from + (io.MousePos.x - x0) * per_px;
      const double f = std::pow(0.8, io.MouseWheel);
      v.from = p - (p - v.from) * f;
      v.to = p + (v.to - p) * f;
      Clamp(v, whole, v.axis);
    }
  }
  ImGui::EndChild();
  return out;
}

}  // namespace synclab::viewer
