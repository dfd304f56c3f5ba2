// json.h: the JSON trace file (docs/trace-format.md, docs/trace.schema.json).
//
// Writing is deterministic: the same Trace gives the same bytes. Reading
// validates everything (shape, types, names from the event catalogue, ids,
// then Validate()) and reports the first problem with its place:
//   "line 3 column 17: unexpected end of input"
//   "events[12].g: no goroutine 9"
//   "version: unsupported version 7 (this synclab reads version 1)"
// It never crashes on bad input.
#pragma once

#include <iosfwd>
#include <stdexcept>
#include <string>
#include <string_view>

#include "synclab/instrument/trace.h"

namespace synclab::instrument {

// Bad content: the message says where and why.
class TraceFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The file could not be opened, read or written.
class TraceIoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void WriteJson(const Trace& trace, std::ostream& out);
std::string ToJson(const Trace& trace);
// Writes atomically enough for our users: to path + ".tmp", then renames;
// in place if path is there and not a regular file (a device, a FIFO, a
// symlink), which a rename would replace. Throws TraceIoError with the reason.
void WriteJsonFile(const Trace& trace, const std::string& path);

// Text from the input for a message: a JSON string of at most its first 40
// bytes, then "..." (no input makes a huge message).
std::string QuoteShort(std::string_view s);

Trace ReadJson(std::string_view text);
Trace ReadJsonFile(const std::string& path);  // "-" reads stdin

}  // namespace synclab::instrument
