// Unsigned 64-bit integers as 8 big-endian bytes: the form of every number
// jejak puts in a key (byte order is then numeric order) or a signature.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jejak::base {

inline std::string Be64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>(v >> (56 - 8 * i));
  return s;
}

// The number in the first 8 bytes of s (fewer if s is shorter).
inline uint64_t ReadBe64(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i) v = v << 8 | static_cast<uint8_t>(s[i]);
  return v;
}

}  // namespace jejak::base
