// splitmix.h: the PRNG behind every seeded choice (the sim's scheduler and
// select order, the explorer's random and pct strategies).
//
// splitmix64: small, fast and the same on every platform (std::
// distributions are not), which a replayable seed needs.
#pragma once

#include <cstddef>
#include <cstdint>

namespace synclab::rt {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t Next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t Below(std::size_t n) { return std::size_t(Next() % n); }

 private:
  std::uint64_t s_;
};

}  // namespace synclab::rt
