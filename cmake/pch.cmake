# Precompiled headers. The standard library, fmt and synclab's runtime headers
# are in nearly every file: parsing them once per target instead of once per
# file roughly halves a clean build, and the CI builds three times (release,
# TSan, ASan). A target passes the heavy headers of its own layer as ARGN.
#
# Invariant: every header listed here has include guards and is included by
# the target's files anyway, so force-including it first changes nothing but
# the time. (A file that must #define something before a listed header, like
# tests/main.cpp with DOCTEST_CONFIG_IMPLEMENT, is kept out of the PCH
# targets.)
option(SYNCLAB_PCH "Precompile the common headers" ON)

function(synclab_precompile target)
  if(NOT SYNCLAB_PCH)
    return()
  endif()
  target_precompile_headers(${target} PRIVATE
    <algorithm> <atomic> <chrono> <cstdint> <functional> <map> <memory>
    <optional> <string> <string_view> <thread> <utility> <vector>
    <fmt/format.h> <synclab/rt/runtime.h> ${ARGN})
  # GCC 12 reports its own false -Wstringop-overflow/-overread and -Warray-bounds in
  # <string> (inlined "literal" + std::string) once the header comes through
  # a PCH: it then no longer counts as a system header whose warnings are
  # silenced.
  target_compile_options(${target} PRIVATE
    "$<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-stringop-overflow;-Wno-stringop-overread;-Wno-array-bounds>")
endfunction()
