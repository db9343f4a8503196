// Unsigned integers as big-endian bytes: the form of every number jejak puts
// in a key (byte order is then numeric order), a signature or an AAD.
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

// Appends v as 4 big-endian bytes (docs/FORMAT.md's u32).
inline void AppendBe32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (24 - 8 * i)));
}

// The number in the first 8 bytes of s (fewer if s is shorter).
inline uint64_t ReadBe64(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8 && i < s.size(); ++i) v = v << 8 | static_cast<uint8_t>(s[i]);
  return v;
}

}  // namespace jejak::base
