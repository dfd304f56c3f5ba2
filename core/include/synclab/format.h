// format.h: values as trace text (a Map's keys and values, a Pool's items,
// an atomic.Value, a channel's elements).
//
//   if (rt::Tracing()) rt::Emit(kind, id, site, TraceText(key).view());
//
// Uses fmt (a well-kept formatting library; g++ 12 has no <format>), into a
// buffer on the stack: formatting never allocates, so a traced native run
// stays allocation-free where it emits. Anything fmt can format works; for a
// type of your own, specialize fmt::formatter<T> (or give it an operator<<
// and specialize fmt::formatter<T> : fmt::ostream_formatter). A type fmt
// cannot format shows as "?". Text longer than kMaxTraceText is cut.
#pragma once

#include <fmt/format.h>

#include <cstddef>
#include <string_view>

namespace synclab {

inline constexpr std::size_t kMaxTraceText = 200;

class TraceText {
 public:
  template <typename T>
  explicit TraceText(const T& value) {
    if constexpr (fmt::is_formattable<T>::value) {
      size_ = fmt::format_to_n(buf_, kMaxTraceText, "{}", value).out - buf_;
    } else {
      buf_[0] = '?';
      size_ = 1;
    }
  }
  std::string_view view() const { return {buf_, size_}; }

 private:
  char buf_[kMaxTraceText];
  std::size_t size_ = 0;
};

}  // namespace synclab
