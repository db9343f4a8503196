// Internal: AES-256-GCM through OpenSSL, the one cipher of privacy/: a
// random 96-bit nonce per message, written before the ciphertext, and the
// 128-bit tag after it.
#pragma once

#include <string>
#include <string_view>

namespace jejak::privacy {

inline constexpr size_t kKeySize = 32;
inline constexpr size_t kNonceSize = 12;
inline constexpr size_t kTagSize = 16;

// nonce || ciphertext || tag of plaintext under key (kKeySize bytes), bound
// to aad. Throws Error(kIoError) if OpenSSL fails.
std::string SealBytes(std::string_view key, std::string_view aad, std::string_view plaintext);

// Sets *plaintext and returns true if sealed is a message SealBytes() made
// under key with aad; false for a wrong key, other aad, or damage.
bool OpenBytes(std::string_view key, std::string_view aad, std::string_view sealed,
               std::string* plaintext);

}  // namespace jejak::privacy
