// error.h: synclab::error, Go's error values (errors.New, errors.Is).
//
//   error err = ctx.Err();
//   if (!err) ...                          // Go: err == nil
//   if (err == context::Canceled) ...      // Go: err == context.Canceled
//   if (errors::Is(err, context::DeadlineExceeded)) ...
//   std::string s = err.Error();           // "context deadline exceeded"
//
// An error is a cheap copyable handle; the default one is nil. Two errors
// are == when they are the same value (Go compares the interface: errors
// made by separate errors::New calls with one text differ), and Is also
// follows the chain of errors::Wrap (Go: fmt.Errorf("...: %w", err)).
// Timeout() is Go's `interface{ Timeout() bool }` check (true for
// context.DeadlineExceeded).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace synclab {

class error {
 public:
  error() = default;  // nil
  std::string Error() const;
  bool Timeout() const;
  // errors.Unwrap: the wrapped error, or nil.
  error Unwrap() const;
  explicit operator bool() const { return rep_ != nullptr; }  // != nil
  friend bool operator==(const error& a, const error& b) { return a.rep_ == b.rep_; }

  // A new error value with this text (errors.New); timeout: its Timeout().
  static error New(std::string text, bool timeout = false);
  // "<text>: <err>" wrapping err (fmt.Errorf with %w).
  static error Wrap(std::string_view text, const error& err);

 private:
  struct Rep;
  explicit error(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  std::shared_ptr<const Rep> rep_;
};

struct error::Rep {
  std::string text;
  bool timeout = false;
  error wrapped;
};

inline std::string error::Error() const { return rep_ ? rep_->text : "<nil>"; }
inline bool error::Timeout() const { return rep_ && rep_->timeout; }
inline error error::Unwrap() const { return rep_ ? rep_->wrapped : error(); }
inline error error::New(std::string text, bool timeout) {
  return error(std::make_shared<const Rep>(Rep{std::move(text), timeout, error()}));
}
inline error error::Wrap(std::string_view text, const error& err) {
  return error(
      std::make_shared<const Rep>(Rep{std::string(text) + ": " + err.Error(), false, err}));
}

namespace errors {
inline error New(std::string text) { return error::New(std::move(text)); }
// errors.Is: err or an error it wraps is target.
inline bool Is(error err, const error& target) {
  for (; err; err = err.Unwrap())
    if (err == target) return true;
  return err == target;  // both nil
}
}  // namespace errors

}  // namespace synclab

template <>
struct fmt::formatter<synclab::error> : fmt::formatter<std::string_view> {
  template <typename Ctx>
  auto format(const synclab::error& e, Ctx& ctx) const {
    return fmt::formatter<std::string_view>::format(e.Error(), ctx);
  }
};
