// Tracking codes: the secret a citizen receives at submission and shows to
// read their request. A code is HMAC-SHA256(key, request id) in 60 bits of
// Crockford base32 ("K7QX-M2PD-9TRC"), so it can be given again on an
// idempotent retry without storing it; the ledger keeps only its SHA-256.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/hmac.h"

namespace jejak::engine {

class TrackingCodes {
 public:
  // Reads the 32-byte key at path, creating it (mode 0600) if absent.
  static TrackingCodes LoadOrCreate(const std::string& path);
  explicit TrackingCodes(std::string_view key)
      : mac_(std::make_shared<const base::HmacSha256>(key)) {}

  std::string CodeFor(std::string_view request_id) const;

 private:
  std::shared_ptr<const base::HmacSha256> mac_;  // shared: copies are cheap
};

// Upper-cases and drops dashes and spaces, so citizens may type it loosely.
std::string NormalizeTrackingCode(std::string_view code);
// SHA-256 of the normalized code: what submitted events store.
std::string TrackingCodeDigest(std::string_view code);

}  // namespace jejak::engine
