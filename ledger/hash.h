// SHA-256, through OpenSSL 3: the one hash function of the ledger.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace jejak::ledger {

using Hash = std::array<uint8_t, 32>;

// Incremental SHA-256. Not thread-safe; cheap to construct.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(std::string_view bytes);
  Sha256& Update(const Hash& hash);
  // Returns the digest and resets the object for a new message.
  Hash Finish();

 private:
  void* ctx_;  // EVP_MD_CTX, kept opaque to keep OpenSSL out of this header
};

Hash Sha256Of(std::string_view bytes);

std::string_view AsBytes(const Hash& hash);
std::string HashToHex(const Hash& hash);
// Throws Error(kInvalidArgument) unless hex is 64 hex digits.
Hash HashFromHex(std::string_view hex);

}  // namespace jejak::ledger
