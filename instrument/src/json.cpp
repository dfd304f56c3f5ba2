// json.cpp: the JSON trace file (docs/trace-format.md).
//
// Writing is by hand into a string buffer, one compact line per record, so
// the bytes are ours to define (and stay the same) and a million events
// write in well under a second.
//
// Reading streams through nlohmann's SAX interface. Events and the schedule
// go straight into the Trace; the small tables (meta, sites, goroutines,
// objects, outcome) are built as small DOMs and converted with checked reads.
// A DOM of a million events would take about a gigabyte.
#include "synclab/instrument/json.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <ostream>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "synclab/sim.h"

namespace synclab::instrument {
namespace {

using nlohmann::json;
using trace::EventKind;
using trace::FieldType;
using std::to_string;

// ---------------------------------------------------------------------------
// Strings for messages and output

// Catalogue names are written between quotes as they are; make sure none of
// them would need escaping.
constexpr bool Plain(std::string_view s) {
  for (char c : s)
    if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
  return true;
}
constexpr bool CataloguesArePlain() {
  for (const trace::EventInfo& e : trace::kEventInfo) {
    if (!Plain(e.name)) return false;
    for (std::size_t i = 0; i < e.field_count; ++i)
      if (!Plain(e.fields[i].name)) return false;
  }
  for (std::string_view n : trace::kObjectKindNames)
    if (!Plain(n)) return false;
  for (std::string_view n : trace::kWaitReasonNames)
    if (!Plain(n)) return false;
  for (std::string_view n : rt::kStatusNames)
    if (!Plain(n)) return false;
  return true;
}
static_assert(CataloguesArePlain(), "a catalogue name needs JSON escaping");

// s as a JSON string literal. Invalid UTF-8 becomes U+FFFD instead of an
// exception, as in Go's encoding/json: a trace is always writable.
std::string Quote(std::string_view s) {
  return json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
}

// For messages, text from the input is cut short (QuoteShort, json.h) so
// that a huge key or value cannot make a huge message.
constexpr std::size_t kMaxQuoted = 40;

// A number's literal for a message, cut short as QuoteShort does.
std::string ShortLiteral(std::string_view literal) {
  return literal.size() <= kMaxQuoted ? std::string(literal)
                                      : std::string(literal.substr(0, kMaxQuoted)) + "...";
}

bool IsIdentifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// One step of a path: ".name", or ["odd key"] when the key from the input
// is not a short plain name. A path's first step has no dot.
std::string PathKey(std::string_view key, bool first = false) {
  if (IsIdentifier(key) && key.size() <= kMaxQuoted) return first ? std::string(key) : "." + std::string(key);
  return "[" + QuoteShort(key) + "]";
}

// A place in the file, formatted only when something is wrong there:
// "events[12].state", "meta.seed", "schedule[3]", "outcome.blocked[0].g".
struct Where {
  static constexpr std::size_t kNoIndex = std::size_t(-1);
  std::string_view base;
  std::size_t index = kNoIndex;
  std::optional<std::string_view> key = {};  // "" is a key JSON allows

  std::string str() const {
    std::string s(base);
    if (index != kNoIndex) s += "[" + to_string(index) + "]";
    if (key) s += PathKey(*key);
    return s;
  }
};

[[noreturn]] void Throw(const Where& where, const std::string& why) {
  throw TraceFormatError(where.str() + ": " + why);
}

// ---------------------------------------------------------------------------
// Writing

// Collects output and hands it to the sink in pieces, so a million events
// never sit in memory twice. Without a sink (ToJson) everything stays in
// the buffer.
class Out {
 public:
  using Sink = std::function<bool(std::string_view)>;
  explicit Out(Sink sink = nullptr) : sink_(std::move(sink)) {}

  void Raw(std::string_view s) { buf_.append(s); }
  void Str(std::string_view s) { buf_ += Quote(s); }
  template <class T>
  void Int(T v) {
    char tmp[24];
    buf_.append(tmp, std::to_chars(tmp, tmp + sizeof tmp, v).ptr);
  }
  void MaybeFlush() {
    if (sink_ && buf_.size() >= kChunk) Flush();
  }
  // False once the sink has failed (then the rest is dropped).
  bool Flush() {
    if (sink_ && ok_ && !buf_.empty()) ok_ = sink_(buf_);
    if (sink_) buf_.clear();
    return ok_;
  }
  std::string& buffer() { return buf_; }

 private:
  static constexpr std::size_t kChunk = 1 << 16;
  Sink sink_;
  std::string buf_;
  bool ok_ = true;
};

// One compact record: {"a":1,"b":"x"}. Keys are our own plain names.
class Rec {
 public:
  explicit Rec(Out& o) : o_(o) { o_.Raw("{"); }
  template <class T>
  Rec& Int(std::string_view key, T v) {
    Key(key);
    o_.Int(v);
    return *this;
  }
  Rec& Str(std::string_view key, std::string_view v) {
    Key(key);
    o_.Str(v);
    return *this;
  }
  // A catalogue name (checked plain above): no escaping needed.
  Rec& Name(std::string_view key, std::string_view name) {
    Key(key);
    o_.Raw("\"");
    o_.Raw(name);
    o_.Raw("\"");
    return *this;
  }
  Rec& Raw(std::string_view key, std::string_view json_text) {
    Key(key);
    o_.Raw(json_text);
    return *this;
  }
  void End() { o_.Raw("}"); }

 private:
  void Key(std::string_view key) {
    o_.Raw(first_ ? "\"" : ",\"");
    first_ = false;
    o_.Raw(key);
    o_.Raw("\":");
  }
  Out& o_;
  bool first_ = true;
};

// The writer must not index a name table with a value out of range (the
// Trace may be invalid): such values are written as integers, which the
// reader then rejects with a clear message.
template <class Enum, std::size_t N>
void EnumField(Rec& r, std::string_view key, Enum v, const std::string_view (&names)[N]) {
  if (std::size_t(v) < N)
    r.Name(key, names[std::size_t(v)]);
  else
    r.Int(key, int(v));
}

void WriteEvent(Out& o, const TraceEvent& e) {
  Rec r(o);
  r.Int("seq", e.seq).Int("t", e.t).Int("g", e.g).Int("obj", e.obj);
  if (e.kind >= EventKind::kCount) {
    r.Int("ev", int(e.kind)).Int("site", e.site).End();
    return;
  }
  const trace::EventInfo& info = trace::Info(e.kind);
  r.Name("ev", info.name).Int("site", e.site);
  for (std::size_t i = 0; i < info.field_count; ++i) {
    const std::int64_t v = e.f[i];
    const std::string_view key = info.fields[i].name;
    switch (info.fields[i].type) {
      case FieldType::kBool:
        if (v == 0 || v == 1) {
          r.Raw(key, v ? "true" : "false");
          continue;
        }
        break;
      case FieldType::kReason:
        if (v >= 0 && v < std::int64_t(trace::WaitReason::kCount)) {
          r.Name(key, trace::kWaitReasonNames[v]);
          continue;
        }
        break;
      default: break;
    }
    r.Int(key, v);
  }
  r.End();
}

// `  "key": [` then one record per line, or `[]` when empty.
template <class T, class F>
void WriteTable(Out& o, std::string_view key, const std::vector<T>& rows, F&& write_row) {
  o.Raw(",\n  \"");
  o.Raw(key);
  o.Raw("\": [");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    o.Raw(i == 0 ? "\n    " : ",\n    ");
    write_row(rows[i], i);
    o.MaybeFlush();
  }
  o.Raw(rows.empty() ? "]" : "\n  ]");
}

void WriteTrace(const Trace& t, Out& o) {
  o.Raw("{\n  \"format\": ");
  o.Str(kTraceFormat);
  o.Raw(",\n  \"version\": ");
  o.Int(kTraceVersion);

  o.Raw(",\n  \"meta\": ");
  {
    const Meta& m = t.meta;
    Rec r(o);
    r.Str("scenario", m.scenario).Str("runtime", m.runtime);
    // Seed and strategy mean nothing to a native run. Left out there unless
    // set anyway, so every Trace still reads back equal.
    if (m.runtime != "native" || m.seed != 0 || !m.strategy.empty())
      r.Int("seed", m.seed).Str("strategy", m.strategy);
    r.Int("procs", m.procs);
    if (m.gc_every_ns != 0) r.Int("gc_every_ns", m.gc_every_ns);  // left out when none
    r.End();
  }

  WriteTable(o, "sites", t.sites, [&](const SiteInfo& s, std::size_t i) {
    Rec(o).Int("id", i + 1).Str("file", s.file).Int("line", s.line).Int("column", s.column)
        .Str("function", s.function).End();
  });
  WriteTable(o, "strings", t.strings, [&](const std::string& s, std::size_t) { o.Str(s); });
  WriteTable(o, "goroutines", t.goroutines, [&](const GoroutineInfo& g, std::size_t) {
    Rec(o).Int("id", g.id).Int("parent", g.parent).Str("name", g.name).Int("site", g.site).End();
  });
  WriteTable(o, "objects", t.objects, [&](const ObjectInfo& obj, std::size_t) {
    Rec r(o);
    r.Int("id", obj.id);
    EnumField(r, "kind", obj.kind, trace::kObjectKindNames);
    r.Str("name", obj.name).Int("parent", obj.parent).Int("site", obj.site).End();
  });
  WriteTable(o, "events", t.events, [&](const TraceEvent& e, std::size_t) { WriteEvent(o, e); });

  // The schedule can be as long as the events: 32 ids to a line.
  o.Raw(",\n  \"schedule\": [");
  constexpr std::size_t kPerLine = 32;
  for (std::size_t i = 0; i < t.schedule.size(); ++i) {
    o.Raw(i % kPerLine != 0 ? "," : i == 0 ? "\n    " : ",\n    ");
    o.Int(t.schedule[i]);
    o.MaybeFlush();
  }
  o.Raw(t.schedule.empty() ? "]" : "\n  ]");

  o.Raw(",\n  \"outcome\": ");
  {
    const Outcome& out = t.outcome;
    Rec r(o);
    EnumField(r, "status", out.status, rt::kStatusNames);
    r.Str("message", out.message);
    if (out.g != 0) r.Int("g", out.g);
    if (out.seq) r.Int("seq", *out.seq);
    if (!out.blocked.empty()) {
      r.Raw("blocked", "[");
      for (std::size_t i = 0; i < out.blocked.size(); ++i) {
        const BlockedInfo& b = out.blocked[i];
        if (i != 0) o.Raw(",");
        Rec br(o);
        br.Int("g", b.g).Int("obj", b.obj);
        EnumField(br, "reason", b.reason, trace::kWaitReasonNames);
        br.Int("site", b.site).End();
      }
      o.Raw("]");
    }
    r.End();
  }
  o.Raw("\n}\n");
}

// ---------------------------------------------------------------------------
// Reading: values and checked conversions

// One JSON value as the SAX callbacks deliver it (containers by type only).
struct Value {
  enum Type : std::uint8_t {
    kNull, kBool, kNegative, kUnsigned,
    kBigInteger,  // an integer literal beyond 64 bits (nlohmann makes it a double)
    kFloat, kString, kArray, kObject
  };
  Value() = default;
  explicit Value(Type t) : type(t) {}

  Type type = kNull;
  bool b = false;
  std::int64_t i = 0;   // kNegative
  std::uint64_t u = 0;  // kUnsigned
  double d = 0;         // kFloat
  std::string_view s;   // kString; kBigInteger: the literal
};

std::string Describe(Value::Type t) {
  switch (t) {
    case Value::kNull: return "null";
    case Value::kBool: return "a bool";
    case Value::kNegative:
    case Value::kUnsigned:
    case Value::kBigInteger: return "an integer";
    case Value::kFloat: return "a float";
    case Value::kString: return "a string";
    case Value::kArray: return "an array";
    case Value::kObject: return "an object";
  }
  return "a value";
}
std::string Describe(const Value& v) { return Describe(v.type); }

Value FromDom(const json& j) {
  Value v;
  switch (j.type()) {
    case json::value_t::boolean: v.type = Value::kBool, v.b = j.get<bool>(); break;
    case json::value_t::number_integer: v.type = Value::kNegative, v.i = j.get<std::int64_t>(); break;
    case json::value_t::number_unsigned: v.type = Value::kUnsigned, v.u = j.get<std::uint64_t>(); break;
    case json::value_t::number_float: v.type = Value::kFloat, v.d = j.get<double>(); break;
    case json::value_t::string: v.type = Value::kString, v.s = j.get_ref<const std::string&>(); break;
    case json::value_t::array: v.type = Value::kArray; break;
    case json::value_t::object: v.type = Value::kObject; break;
    case json::value_t::binary: {  // see ToDom
      const json::binary_t& literal = j.get_binary();
      v.type = Value::kBigInteger;
      v.s = std::string_view(reinterpret_cast<const char*>(literal.data()), literal.size());
      break;
    }
    default: break;  // null (discarded never comes from JSON text)
  }
  return v;
}

json ToDom(const Value& v) {
  switch (v.type) {
    case Value::kBool: return v.b;
    case Value::kNegative: return v.i;
    case Value::kUnsigned: return v.u;
    case Value::kFloat: return v.d;
    case Value::kString: return std::string(v.s);
    // JSON text never gives a binary value: it holds the literal of an
    // integer too big for 64 bits, so that its reader can say so.
    case Value::kBigInteger: return json::binary_t(std::vector<std::uint8_t>(v.s.begin(), v.s.end()));
    default: return nullptr;  // containers are opened by the builder
  }
}

// An integer from lo to hi: anything else is an error, never a wrap.
// "events[1].g: 4294967296 is out of range (0 to 4294967295)" for the
// bounds of a type, "meta.procs: 300 is out of range 1-256" for others.
template <class T>
T ToInt(const Value& v, const Where& where, T lo = std::numeric_limits<T>::min(),
        T hi = std::numeric_limits<T>::max()) {
  std::string literal;
  switch (v.type) {
    case Value::kUnsigned:
      if (std::in_range<T>(v.u) && T(v.u) >= lo && T(v.u) <= hi) return T(v.u);
      literal = to_string(v.u);
      break;
    case Value::kNegative:
      if (std::in_range<T>(v.i) && T(v.i) >= lo && T(v.i) <= hi) return T(v.i);
      literal = to_string(v.i);
      break;
    case Value::kBigInteger: literal = ShortLiteral(v.s); break;
    default: Throw(where, "expected an integer, got " + Describe(v));
  }
  if (lo == std::numeric_limits<T>::min() && hi == std::numeric_limits<T>::max())
    Throw(where, literal + " is out of range (" + to_string(lo) + " to " + to_string(hi) + ")");
  Throw(where, literal + " is out of range " + to_string(lo) + "-" + to_string(hi));
}

std::string ToStr(const Value& v, const Where& where) {
  if (v.type != Value::kString) Throw(where, "expected a string, got " + Describe(v));
  return std::string(v.s);
}

// A name from one of the catalogue's tables.
template <class Enum>
Enum ToEnum(const Value& v, const Where& where, std::optional<Enum> (*lookup)(std::string_view),
            std::string_view what) {
  if (v.type != Value::kString) Throw(where, "expected a string, got " + Describe(v));
  std::optional<Enum> e = lookup(v.s);
  if (!e) Throw(where, "unknown " + std::string(what) + " " + QuoteShort(v.s));
  return *e;
}

std::optional<rt::Status> StatusByName(std::string_view name) {
  for (std::size_t i = 0; i < std::size(rt::kStatusNames); ++i)
    if (rt::kStatusNames[i] == name) return rt::Status(i);
  return std::nullopt;
}
// Non-constexpr wrappers, so ToEnum can take their address.
std::optional<trace::ObjectKind> ObjectKindByName(std::string_view n) { return trace::ObjectKindByName(n); }
std::optional<trace::WaitReason> WaitReasonByName(std::string_view n) { return trace::WaitReasonByName(n); }

// Checked reads from one object of a small table (a DOM).
class Record {
 public:
  Record(const json& j, std::string base, std::size_t index,
         std::initializer_list<std::string_view> keys)
      : j_(j), base_(std::move(base)), index_(index) {
    if (!j.is_object()) Throw({base_, index_}, "expected an object, got " + Describe(FromDom(j)));
    for (const auto& item : j.items())
      if (std::find(keys.begin(), keys.end(), item.key()) == keys.end())
        Throw(At(item.key()), "unknown key");
  }

  const json* Find(std::string_view key) const {
    auto it = j_.find(std::string(key));
    return it == j_.end() ? nullptr : &*it;
  }
  Value Get(std::string_view key) const {
    if (const json* v = Find(key)) return FromDom(*v);
    Throw(At(key), "missing");
  }
  template <class T>
  T Int(std::string_view key) const { return ToInt<T>(Get(key), At(key)); }
  template <class T>
  T Int(std::string_view key, T fallback) const {
    return Find(key) ? Int<T>(key) : fallback;
  }
  std::string Str(std::string_view key) const { return ToStr(Get(key), At(key)); }
  std::string Str(std::string_view key, std::string fallback) const {
    return Find(key) ? Str(key) : fallback;
  }
  Where At(std::string_view key) const { return {base_, index_, key}; }

 private:
  const json& j_;
  std::string base_;
  std::size_t index_;
};

const json& ArrayOf(const json& j, std::string_view name) {
  if (!j.is_array()) Throw({name}, "expected an array, got " + Describe(FromDom(j)));
  return j;
}

// "random or rr", "sim or native".
template <std::size_t N>
std::string OneOf(const std::string_view (&names)[N]) {
  std::string s;
  for (std::size_t i = 0; i < N; ++i) s.append(i == 0 ? "" : i + 1 == N ? " or " : ", ").append(names[i]);
  return s;
}

// Held to what the command line accepts, so whatever reads a trace can run
// it again as it says (`run --replay`).
void ReadMeta(const json& j, Meta& m) {
  Record r(j, "meta", Where::kNoIndex, {"scenario", "runtime", "seed", "strategy", "procs", "gc_every_ns"});
  m.scenario = r.Str("scenario");
  m.runtime = r.Str("runtime");
  if (std::find(std::begin(kRuntimeNames), std::end(kRuntimeNames), m.runtime) == std::end(kRuntimeNames))
    Throw(r.At("runtime"), "unknown runtime " + QuoteShort(m.runtime) + " (" + OneOf(kRuntimeNames) + ")");
  const bool sim = m.runtime == "sim";
  m.seed = r.Int<std::uint64_t>("seed", 0);  // sim only
  if (sim && !r.Find("strategy"))
    Throw(r.At("strategy"), "missing (a sim trace names its strategy: " + OneOf(sim::kStrategyNames) + ")");
  m.strategy = r.Str("strategy", "");  // sim only
  if (sim && !sim::StrategyByName(m.strategy))
    Throw(r.At("strategy"), "unknown strategy " + QuoteShort(m.strategy) + " (" + OneOf(sim::kStrategyNames) + ")");
  if (!sim && !m.strategy.empty())
    Throw(r.At("strategy"), QuoteShort(m.strategy) + " in a native trace (only sim runs have a strategy)");
  m.procs = ToInt<int>(r.Get("procs"), r.At("procs"), kMinProcs, kMaxProcs);
  if (r.Find("gc_every_ns")) {  // sim only; absent: no GCs
    m.gc_every_ns = ToInt<std::int64_t>(r.Get("gc_every_ns"), r.At("gc_every_ns"), 0, kMaxGcEveryNs);
    if (!sim && m.gc_every_ns != 0)
      Throw(r.At("gc_every_ns"), "in a native trace (only sim runs collect on a schedule)");
  }
}

void ReadSites(const json& j, std::vector<SiteInfo>& out) {
  const json& rows = ArrayOf(j, "sites");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Record r(rows[i], "sites", i, {"id", "file", "line", "column", "function"});
    // SiteInfo keeps no id (it is the index), so this is checked here and
    // not in Validate.
    if (Id id = r.Int<Id>("id"); id != i + 1)
      Throw(r.At("id"), "expected " + to_string(i + 1) + " (ids are 1, 2, ... in order), got " + to_string(id));
    out.push_back({r.Str("file"), r.Int<std::uint32_t>("line"), r.Int<std::uint32_t>("column"),
                   r.Str("function")});
  }
}

void ReadStrings(const json& j, std::vector<std::string>& out) {
  const json& rows = ArrayOf(j, "strings");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].is_string()) Throw({"strings", i}, "expected a string, got " + Describe(FromDom(rows[i])));
    out.push_back(rows[i].get<std::string>());
  }
}

void ReadGoroutines(const json& j, std::vector<GoroutineInfo>& out) {
  const json& rows = ArrayOf(j, "goroutines");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Record r(rows[i], "goroutines", i, {"id", "parent", "name", "site"});
    out.push_back({r.Int<Id>("id"), r.Int<Id>("parent"), r.Str("name"), r.Int<Id>("site")});
  }
}

void ReadObjects(const json& j, std::vector<ObjectInfo>& out) {
  const json& rows = ArrayOf(j, "objects");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    Record r(rows[i], "objects", i, {"id", "kind", "name", "parent", "site"});
    ObjectInfo o;
    o.id = r.Int<Id>("id");
    o.kind = ToEnum(r.Get("kind"), r.At("kind"), ObjectKindByName, "object kind");
    o.name = r.Str("name");
    o.parent = r.Int<Id>("parent");
    o.site = r.Int<Id>("site");
    out.push_back(std::move(o));
  }
}

void ReadOutcome(const json& j, Outcome& out) {
  Record r(j, "outcome", Where::kNoIndex, {"status", "message", "g", "seq", "blocked"});
  out.status = ToEnum(r.Get("status"), r.At("status"), StatusByName, "status");
  out.message = r.Str("message");
  out.g = r.Int<Id>("g", 0);
  if (r.Find("seq")) out.seq = r.Int<std::uint64_t>("seq");
  if (const json* blocked = r.Find("blocked")) {
    const json& rows = ArrayOf(*blocked, "outcome.blocked");
    for (std::size_t i = 0; i < rows.size(); ++i) {
      Record b(rows[i], "outcome.blocked", i, {"g", "obj", "reason", "site"});
      out.blocked.push_back({b.Int<Id>("g"), b.Int<Id>("obj"),
                             ToEnum(b.Get("reason"), b.At("reason"), WaitReasonByName, "wait reason"),
                             b.Int<Id>("site")});
    }
  }
}

// ---------------------------------------------------------------------------
// Reading: the SAX handler

// Top-level keys, in the order we write them.
enum class Section : std::uint8_t {
  kFormat, kVersion, kMeta, kSites, kStrings, kGoroutines, kObjects, kEvents, kSchedule, kOutcome, kCount
};
constexpr std::string_view kSectionNames[] = {"format",  "version", "meta",   "sites",    "strings", "goroutines",
                                              "objects", "events",  "schedule", "outcome"};
static_assert(std::size(kSectionNames) == std::size_t(Section::kCount));

// The keys every event has before its fields; bit i of Reader::have_.
enum Fixed { kSeq, kT, kG, kObj, kEv, kSite, kFixedCount };
constexpr std::string_view kFixedKeys[] = {"seq", "t", "g", "obj", "ev", "site"};

// The deepest a valid file nests: top { outcome { blocked [ { } ] } }.
// Anything deeper is rejected at once, so no input can make us build or
// track more than that.
constexpr int kMaxDepth = 4;

// "line 3 column 17" for the byte nlohmann stopped at. nlohmann's position
// counts the bytes read, the bad one included (size + 1 at end of input);
// columns count bytes.
std::string LineColumn(std::string_view text, std::size_t position) {
  const std::size_t at = std::min(position == 0 ? 0 : position - 1, text.size());
  const std::size_t line = 1 + std::count(text.begin(), text.begin() + at, '\n');
  const std::size_t line_start = at == 0 ? 0 : text.rfind('\n', at - 1) + 1;  // npos + 1 == 0
  return "line " + to_string(line) + " column " + to_string(at - line_start + 1);
}

// nlohmann says "[json.exception.parse_error.101] parse error at line 1,
// column 8: syntax error while parsing value - invalid literal; last read:
// '1}x'; expected end of input". Keep the part after " - " without the
// token read (it can be long or binary): "invalid literal; expected end of input".
// A number too big for a double is "number overflow parsing '<token>'":
// that token is cut short.
std::string SyntaxGist(std::string what, const std::string& last_token) {
  if (std::size_t dash = what.find(" - "); dash != std::string::npos)
    what.erase(0, dash + 3);
  else if (std::size_t bracket = what.find("] "); bracket != std::string::npos)
    what.erase(0, bracket + 2);
  const std::string last_read = "; last read: '" + last_token + "'";
  if (std::size_t pos = what.find(last_read); pos != std::string::npos)
    what.erase(pos, last_read.size());
  if (std::size_t pos = what.find(last_token); !last_token.empty() && pos != std::string::npos)
    what.replace(pos, last_token.size(), ShortLiteral(last_token));
  return what;
}

// Wire name -> kind, for the reader's hot path.
const std::unordered_map<std::string_view, EventKind>& EventKinds() {
  static const std::unordered_map<std::string_view, EventKind> kinds = [] {
    std::unordered_map<std::string_view, EventKind> m;
    for (std::size_t i = 0; i < std::size(trace::kEventInfo); ++i)
      m.emplace(trace::kEventInfo[i].name, EventKind(i));
    return m;
  }();
  return kinds;
}

class Reader final : public nlohmann::json_sax<json> {
 public:
  Reader(std::string_view text, Trace& trace) : text_(text), t_(trace) {}

  // After sax_parse: throws the most useful problem. A file that is not a
  // synclab trace, or of another version, says so before anything else
  // (wherever "format" and "version" stand in the file); then syntax, then
  // the first content problem in file order.
  void Finish(bool complete) {
    const bool format_ok = format_ && format_->is_string() &&
                           format_->get_ref<const std::string&>() == kTraceFormat;
    if (format_ && !format_ok) {
      Value v = FromDom(*format_);
      throw TraceFormatError("format: expected " + Quote(kTraceFormat) + ", got " +
                             (v.type == Value::kString ? QuoteShort(v.s) : Describe(v)));
    }
    if (format_ok && version_) CheckVersion(*version_);
    if (!syntax_.empty()) throw TraceFormatError(syntax_);
    if (complete && !Seen(Section::kFormat)) throw TraceFormatError("format: missing (not a synclab trace)");
    if (complete && !Seen(Section::kVersion)) throw TraceFormatError("version: missing");
    if (!error_.empty()) throw TraceFormatError(error_);
    for (std::size_t s = 0; s < std::size_t(Section::kCount); ++s)
      if (!Seen(Section(s))) throw TraceFormatError(std::string(kSectionNames[s]) + ": missing");
  }

  bool null() override { return Scalar(Value{}); }
  bool boolean(bool b) override {
    Value v{Value::kBool};
    v.b = b;
    return Scalar(v);
  }
  bool number_integer(std::int64_t i) override {
    Value v{Value::kNegative};
    if (i >= 0) v.type = Value::kUnsigned, v.u = std::uint64_t(i);
    v.i = i;
    return Scalar(v);
  }
  bool number_unsigned(std::uint64_t u) override {
    Value v{Value::kUnsigned};
    v.u = u;
    return Scalar(v);
  }
  bool number_float(double d, const std::string& literal) override {
    // An integer literal too big for 64 bits arrives here; report it as an
    // integer out of range, not as a float.
    const bool integer = literal.find_first_not_of("-0123456789") == std::string::npos;
    Value v{integer ? Value::kBigInteger : Value::kFloat};
    v.d = d;
    v.s = literal;
    return Scalar(v);
  }
  bool string(std::string& s) override {
    Value v{Value::kString};
    v.s = s;
    return Scalar(v);
  }
  bool binary(json::binary_t&) override { return true; }  // only from binary formats, never JSON
  bool start_object(std::size_t) override { return Open(Value::kObject); }
  bool start_array(std::size_t) override { return Open(Value::kArray); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }

  bool key(std::string& k) override {
    just_ended_ = Section::kCount;
    Guard([&] {
      if (depth_ == 1)
        TopKey(k);
      else if (mode_ == Mode::kDom)
        DomKey(k);
      else if (mode_ == Mode::kEvents)
        EventKey(k);  // objects only open at depth 3 here: an event
    });
    return !stop_;
  }

  bool parse_error(std::size_t position, const std::string& last_token,
                   const nlohmann::detail::exception& ex) override {
    // A value that ends right where the syntax goes wrong may be the start of
    // a longer token (`"version": 01` reads as 0, then 1): it does not count.
    if (just_ended_ == Section::kVersion) version_.reset();
    if (just_ended_ == Section::kFormat) format_.reset();
    const std::size_t at = position == 0 ? 0 : position - 1;
    if (at < text_.size() && text_[at] == '\0')
      SyntaxError(at, "unexpected NUL byte");  // nlohmann takes it for the end of input
    else
      syntax_ = LineColumn(text_, position) + ": " + SyntaxGist(ex.what(), last_token);
    return false;
  }

  // nlohmann stops at a NUL byte as if the input ended there, so it accepts
  // `{...}\0anything`. JSON text never holds a raw NUL: call this after a
  // complete parse.
  bool RejectTrailingNul() {
    const std::size_t nul = text_.find('\0');
    if (nul == std::string_view::npos) return true;
    SyntaxError(nul, "unexpected NUL byte");
    return false;
  }

 private:
  // What the value under the current top-level key is being read into.
  enum class Mode : std::uint8_t {
    kTop,       // between top-level keys
    kDom,       // a small table, built as a DOM, converted when it ends
    kEvents,    // streamed into t_.events
    kSchedule,  // streamed into t_.schedule
    kSkip,      // after a problem: only watch the nesting (and format, version)
  };

  // Runs one step; a problem is recorded (the first one wins) and the rest
  // of the current top-level value is skipped. Parsing goes on, so a later
  // "format" or "version" is still seen.
  template <class F>
  void Guard(F&& step) {
    try {
      step();
    } catch (const TraceFormatError& e) {
      if (error_.empty()) error_ = e.what();
      if (depth_ > 1) mode_ = Mode::kSkip;
    }
  }

  bool Seen(Section s) const { return seen_ & (1u << unsigned(s)); }

  bool NotATrace(Value::Type type) {
    if (error_.empty())
      error_ = "not a synclab trace: expected an object at the top level, got " + Describe(type);
    stop_ = true;
    return false;
  }

  bool Scalar(const Value& v) {
    just_ended_ = Section::kCount;
    if (depth_ == 0) return NotATrace(v.type);
    Guard([&] {
      switch (mode_) {
        case Mode::kDom: DomAdd(v); break;
        case Mode::kEvents: EventScalar(v); break;
        case Mode::kSchedule: ScheduleScalar(v); break;
        case Mode::kTop:
        case Mode::kSkip: break;
      }
    });
    if (depth_ == 1) Guard([&] { EndSection(); });
    return !stop_;
  }

  bool Open(Value::Type type) {
    just_ended_ = Section::kCount;
    if (depth_ == 0) {
      if (type != Value::kObject) return NotATrace(type);
      depth_ = 1;
      return true;
    }
    if (depth_ == kMaxDepth) {
      // Only a small table gets this deep with no problem found yet: events
      // and the schedule reject any container below their own at once.
      if (mode_ == Mode::kDom) Guard([&] { Throw({DomPath()}, "nested too deeply"); });
      stop_ = true;
      return false;
    }
    ++depth_;
    Guard([&] {
      switch (mode_) {
        case Mode::kDom: DomOpen(type); break;
        case Mode::kEvents: EventsOpen(type); break;
        case Mode::kSchedule: ScheduleOpen(type); break;
        case Mode::kTop:
        case Mode::kSkip: break;
      }
    });
    return !stop_;
  }

  bool Close() {
    just_ended_ = Section::kCount;
    --depth_;
    Guard([&] {
      if (mode_ == Mode::kDom) DomClose();
      if (mode_ == Mode::kEvents && depth_ == 2) EndEvent();
    });
    if (depth_ == 1) Guard([&] { EndSection(); });
    return !stop_;
  }

  void TopKey(const std::string& k) {
    auto it = std::find(std::begin(kSectionNames), std::end(kSectionNames), k);
    mode_ = Mode::kSkip;
    if (it == std::end(kSectionNames)) throw TraceFormatError(PathKey(k, true) + ": unknown key");
    section_ = Section(it - std::begin(kSectionNames));
    if (Seen(section_)) throw TraceFormatError(k + ": duplicate key");
    seen_ |= 1u << unsigned(section_);
    // After a problem, only format and version are still worth reading.
    const bool header = section_ == Section::kFormat || section_ == Section::kVersion;
    if (!error_.empty() && !header) return;
    switch (section_) {
      case Section::kEvents:
        mode_ = Mode::kEvents;
        // Events are most of a big file, at 50 bytes or more each: reserve
        // for that many (untouched memory costs nothing) so the vector is
        // never copied while it grows.
        t_.events.reserve(text_.size() / 50);
        break;
      case Section::kSchedule: mode_ = Mode::kSchedule; break;
      default:
        mode_ = Mode::kDom;
        dom_ = json();
        dom_stack_.clear();
        dom_keys_.clear();
    }
  }

  // The value under a top-level key is complete.
  void EndSection() {
    just_ended_ = section_;
    const Mode mode = mode_;
    mode_ = Mode::kTop;
    if (mode != Mode::kDom) return;
    switch (section_) {
      case Section::kFormat: format_ = std::move(dom_); break;
      case Section::kVersion: version_ = std::move(dom_); break;
      case Section::kMeta: ReadMeta(dom_, t_.meta); break;
      case Section::kSites: ReadSites(dom_, t_.sites); break;
      case Section::kStrings: ReadStrings(dom_, t_.strings); break;
      case Section::kGoroutines: ReadGoroutines(dom_, t_.goroutines); break;
      case Section::kObjects: ReadObjects(dom_, t_.objects); break;
      case Section::kOutcome: ReadOutcome(dom_, t_.outcome); break;
      default: break;
    }
    dom_ = json();
  }

  static void CheckVersion(const json& j) {
    const Value v = FromDom(j);
    std::string version;
    switch (v.type) {
      case Value::kUnsigned:
        if (v.u == kTraceVersion) return;
        version = to_string(v.u);
        break;
      case Value::kNegative: version = to_string(v.i); break;
      case Value::kBigInteger: version = ShortLiteral(v.s); break;
      default: throw TraceFormatError("version: expected an integer, got " + Describe(v));
    }
    throw TraceFormatError("version: unsupported version " + version + " (this synclab reads version " +
                           to_string(kTraceVersion) + ")");
  }

  void SyntaxError(std::size_t at, const std::string& why) {
    syntax_ = LineColumn(text_, at + 1) + ": " + why;
  }

  // --- small tables: a DOM builder that knows its path for messages.

  // The path of the value about to be added (or of the key just read).
  std::string DomPath() const {
    std::string p = PathKey(kSectionNames[std::size_t(section_)], true);
    for (std::size_t l = 0; l < dom_stack_.size(); ++l) {
      const json& c = *dom_stack_[l];
      const bool innermost = l + 1 == dom_stack_.size();
      if (c.is_array())
        p += "[" + to_string(innermost ? c.size() : c.size() - 1) + "]";
      else
        p += PathKey(dom_keys_[l]);
    }
    return p;
  }

  json& DomSlot() {
    if (dom_stack_.empty()) return dom_;
    json& top = *dom_stack_.back();
    if (top.is_array()) {
      top.push_back(nullptr);
      return top.back();
    }
    return top[dom_keys_.back()];
  }

  // Pointers on the stack stay valid: we only ever add to the innermost
  // open container, never to one of its ancestors.
  void DomOpen(Value::Type type) {
    json& slot = DomSlot();
    slot = type == Value::kObject ? json::object() : json::array();
    dom_stack_.push_back(&slot);
    dom_keys_.emplace_back();
  }
  void DomClose() {
    dom_stack_.pop_back();
    dom_keys_.pop_back();
  }
  void DomKey(const std::string& k) {
    dom_keys_.back() = k;
    if (dom_stack_.back()->contains(k)) Throw({DomPath()}, "duplicate key");
  }
  void DomAdd(const Value& v) { DomSlot() = ToDom(v); }

  // --- events: streamed, one TraceEvent at a time.

  Where EventWhere(std::optional<std::string_view> key = {}) const { return {"events", t_.events.size(), key}; }

  void EventsOpen(Value::Type type) {
    if (depth_ == 2) {
      if (type != Value::kArray) Throw({"events"}, "expected an array, got " + Describe(type));
    } else if (depth_ == 3) {
      if (type != Value::kObject) Throw(EventWhere(), "expected an object, got " + Describe(type));
      ev_ = TraceEvent{};
      kind_known_ = false;
      have_ = 0;
      npending_ = 0;
    } else {
      EventValue(Value{type});  // a container where a field's value belongs
    }
  }

  void EventScalar(const Value& v) {
    if (depth_ == 1) Throw({"events"}, "expected an array, got " + Describe(v));
    if (depth_ == 2) Throw(EventWhere(), "expected an object, got " + Describe(v));
    EventValue(v);
  }

  void EventKey(const std::string& k) {
    key_.assign(k);
    slot_ = int(std::find(std::begin(kFixedKeys), std::end(kFixedKeys), key_) - std::begin(kFixedKeys));
    if (slot_ == kFixedCount) {
      if (kind_known_) {
        const int field = trace::FieldIndex(ev_.kind, key_);
        if (field < 0) Throw(EventWhere(key_), "unknown field for " + std::string(trace::Name(ev_.kind)));
        slot_ = kFixedCount + field;
      } else {
        // "ev" comes later (not in our files, but allowed): hold the value.
        for (std::size_t i = 0; i < npending_; ++i)
          if (pending_[i].key == key_) Throw(EventWhere(key_), "duplicate key");
        if (npending_ == trace::kMaxFields)
          Throw(EventWhere(key_), "too many fields (an event has at most " + to_string(trace::kMaxFields) + ")");
        slot_ = kPending;
        return;
      }
    }
    if (have_ & (1u << slot_)) Throw(EventWhere(key_), "duplicate key");
  }

  void EventValue(const Value& v) {
    const Where where = EventWhere(key_);
    switch (slot_) {
      case kSeq: ev_.seq = ToInt<std::uint64_t>(v, where); break;
      case kT: ev_.t = ToInt<std::int64_t>(v, where); break;
      case kG: ev_.g = ToInt<Id>(v, where); break;
      case kObj: ev_.obj = ToInt<Id>(v, where); break;
      case kSite: ev_.site = ToInt<Id>(v, where); break;
      case kEv: SetKind(v, where); break;
      case kPending: Hold(v, where); return;
      default: SetField(slot_ - kFixedCount, v, where);
    }
    have_ |= 1u << slot_;
  }

  void SetKind(const Value& v, const Where& where) {
    if (v.type != Value::kString) Throw(where, "expected a string, got " + Describe(v));
    auto it = EventKinds().find(v.s);
    if (it == EventKinds().end()) Throw(where, "unknown event " + QuoteShort(v.s));
    ev_.kind = it->second;
    kind_known_ = true;
    for (std::size_t i = 0; i < npending_; ++i) {
      const Where held = EventWhere(pending_[i].key);
      const int field = trace::FieldIndex(ev_.kind, pending_[i].key);
      if (field < 0) Throw(held, "unknown field for " + std::string(trace::Name(ev_.kind)));
      SetField(field, pending_[i].value, held);
      have_ |= 1u << (kFixedCount + field);
    }
  }

  void Hold(const Value& v, const Where& where) {
    if (v.type == Value::kArray || v.type == Value::kObject)
      Throw(where, "expected a field value, got " + Describe(v));
    Held& h = pending_[npending_++];
    h.key = key_;
    h.text = v.s;  // the Value's string points into the parser's buffer
    h.value = v;
    h.value.s = h.text;
  }

  void SetField(int field, const Value& v, const Where& where) {
    std::int64_t& f = ev_.f[std::size_t(field)];
    switch (trace::Info(ev_.kind).fields[std::size_t(field)].type) {
      case FieldType::kBool:
        if (v.type != Value::kBool) Throw(where, "expected true or false, got " + Describe(v));
        f = v.b;
        break;
      case FieldType::kReason:
        f = std::int64_t(ToEnum(v, where, WaitReasonByName, "wait reason"));
        break;
      default: f = ToInt<std::int64_t>(v, where);
    }
  }

  void EndEvent() {
    for (int k = 0; k < kFixedCount; ++k)
      if (!(have_ & (1u << k))) Throw(EventWhere(kFixedKeys[k]), "missing");
    const trace::EventInfo& info = trace::Info(ev_.kind);
    for (std::size_t i = 0; i < info.field_count; ++i)
      if (!(have_ & (1u << (kFixedCount + i)))) Throw(EventWhere(info.fields[i].name), "missing");
    t_.events.push_back(ev_);
  }

  // --- schedule: streamed ids.

  void ScheduleOpen(Value::Type type) {
    if (depth_ == 2 && type == Value::kArray) return;
    if (depth_ == 2) Throw({"schedule"}, "expected an array, got " + Describe(type));
    Throw({"schedule", t_.schedule.size()}, "expected an integer, got " + Describe(type));
  }
  void ScheduleScalar(const Value& v) {
    if (depth_ == 1) Throw({"schedule"}, "expected an array, got " + Describe(v));
    t_.schedule.push_back(ToInt<Id>(v, {"schedule", t_.schedule.size()}));
  }

  std::string_view text_;
  Trace& t_;

  int depth_ = 0;  // containers open right now
  Mode mode_ = Mode::kTop;
  Section section_ = Section::kCount;
  unsigned seen_ = 0;  // bit per Section
  bool stop_ = false;  // nothing more can be read (too deep, not a trace)
  std::string error_;  // the first content problem
  std::string syntax_;
  std::optional<json> format_, version_;
  Section just_ended_ = Section::kCount;  // the section the latest callback completed

  json dom_;
  std::vector<json*> dom_stack_;        // open containers, outermost first
  std::vector<std::string> dom_keys_;   // per open object: its current key

  static constexpr int kPending = -1;
  struct Held {
    std::string key, text;
    Value value;
  };
  TraceEvent ev_;
  bool kind_known_ = false;
  std::uint32_t have_ = 0;  // bit per Fixed key, then per field
  int slot_ = 0;            // where the next value goes: Fixed, kFixedCount + field, kPending
  std::string key_;
  std::array<Held, trace::kMaxFields> pending_;
  std::size_t npending_ = 0;
};

[[noreturn]] void ThrowIo(const std::string& what, const std::string& path, int err) {
  throw TraceIoError(what + " " + path + ": " + (err != 0 ? std::strerror(err) : "I/O error"));
}

struct CloseFile {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using File = std::unique_ptr<std::FILE, CloseFile>;

std::string ReadAll(std::FILE* f, const std::string& name) {
  std::string text;
  // Size the buffer for a regular file only: a pipe has no size, and on a
  // directory ftell reports a huge one (reading it then fails with EISDIR).
  struct stat st;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) text.reserve(std::size_t(st.st_size));
  char chunk[1 << 16];
  while (std::size_t n = std::fread(chunk, 1, sizeof chunk, f)) {
    // JSON text holds no NUL byte and the parser stops at the first one:
    // so does reading (and an endless device such as /dev/zero ends).
    if (const void* nul = std::memchr(chunk, 0, n)) {
      text.append(chunk, std::size_t(static_cast<const char*>(nul) - chunk) + 1);
      break;
    }
    text.append(chunk, n);
  }
  if (std::ferror(f)) ThrowIo("cannot read", name, errno);
  return text;
}

}  // namespace

std::string QuoteShort(std::string_view s) {
  return s.size() <= kMaxQuoted ? Quote(s) : Quote(s.substr(0, kMaxQuoted)) + "...";
}

void WriteJson(const Trace& trace, std::ostream& out) {
  Out o([&out](std::string_view s) { return bool(out.write(s.data(), std::streamsize(s.size()))); });
  WriteTrace(trace, o);
  o.Flush();
}

std::string ToJson(const Trace& trace) {
  Out o;
  // Reserve generously: growing a 100 MB string copies it into fresh pages,
  // and page faults are most of the cost here. Untouched pages are free.
  // (An event line is 60 to 150 bytes, a schedule entry 2 to 11.)
  o.buffer().reserve(4096 + trace.events.size() * 160 + trace.schedule.size() * 12 +
                     (trace.sites.size() + trace.goroutines.size() + trace.objects.size()) * 256);
  WriteTrace(trace, o);
  return std::move(o.buffer());
}

void WriteJsonFile(const Trace& trace, const std::string& path) {
  // Only a regular file (or none yet) is replaced, through a temporary and a
  // rename, so that a reader never sees half a trace. Anything else (a
  // device, a FIFO, a symlink) is written in place: a rename would put a
  // plain file where it was.
  struct stat st;
  const bool replace = ::lstat(path.c_str(), &st) == 0 ? S_ISREG(st.st_mode) : errno == ENOENT;
  const std::string tmp = replace ? path + ".tmp" : path;
  errno = 0;
  File f(std::fopen(tmp.c_str(), "wb"));
  if (!f) ThrowIo("cannot write", path, errno);
  int err = 0;
  Out o([&](std::string_view s) {
    if (std::fwrite(s.data(), 1, s.size(), f.get()) == s.size()) return true;
    err = errno;
    return false;
  });
  try {
    WriteTrace(trace, o);
  } catch (...) {
    f.reset();
    if (replace) std::remove(tmp.c_str());
    throw;
  }
  bool ok = o.Flush();
  if (std::fclose(f.release()) != 0 && ok) ok = false, err = errno;
  if (ok && replace && std::rename(tmp.c_str(), path.c_str()) != 0) ok = false, err = errno;
  if (!ok) {
    if (replace) std::remove(tmp.c_str());
    ThrowIo("cannot write", path, err);
  }
}

Trace ReadJson(std::string_view text) {
  Trace t;
  Reader reader(text, t);
  const bool complete = json::sax_parse(text.data(), text.data() + text.size(), &reader) &&
                        reader.RejectTrailingNul();
  reader.Finish(complete);
  if (std::string problem = Validate(t); !problem.empty()) throw TraceFormatError(problem);
  return t;
}

Trace ReadJsonFile(const std::string& path) {
  if (path == "-") return ReadJson(ReadAll(stdin, "stdin"));
  errno = 0;
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) ThrowIo("cannot open", path, errno);
  return ReadJson(ReadAll(f.get(), path));
}

}  // namespace synclab::instrument
