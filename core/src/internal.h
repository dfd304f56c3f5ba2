// internal.h: helpers shared by the runtimes' sources (not installed).
#pragma once

#include <exception>
#include <string>

#include "synclab/rt/runtime.h"

namespace synclab::rt::detail {

// Runs the installed fatal handler for plain threads; never returns.
[[noreturn]] void RunFatalHandler(std::string_view message);

// The line Go prints for an unrecovered panic carrying this exception.
inline std::string PanicMessage(std::exception_ptr e) {
  try {
    std::rethrow_exception(e);
  } catch (const Panic& p) {
    return std::string("panic: ") + p.what();
  } catch (const std::exception& x) {
    return std::string("panic: ") + x.what();
  } catch (...) {
    return "panic: unknown C++ exception";
  }
}

}  // namespace synclab::rt::detail
