// HMAC-SHA256 under one key, prepared once. OpenSSL's one-shot HMAC() looks
// up the algorithm and sets the key on every call, which costs more than the
// MAC of a short message; this keeps a keyed context and copies it per call.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace jejak::base {

class HmacSha256 {
 public:
  static constexpr size_t kSize = 32;

  // Throws Error(kIoError) if OpenSSL fails (out of memory).
  explicit HmacSha256(std::string_view key);
  ~HmacSha256();
  HmacSha256(HmacSha256&&) noexcept;
  HmacSha256& operator=(HmacSha256&&) noexcept;

  // The MAC of message. Safe to call from several threads at once.
  std::array<uint8_t, kSize> Mac(std::string_view message) const;
  // The same, as a string of kSize bytes.
  std::string MacString(std::string_view message) const;

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace jejak::base
