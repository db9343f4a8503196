#include "engine/tracking_code.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/secret_file.h"
#include "ledger/hash.h"

namespace jejak::engine {
namespace {

using base::Error;
using base::ErrorCode;

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kKeySize = 32;

}  // namespace

TrackingCodes TrackingCodes::LoadOrCreate(const std::string& path) {
  return TrackingCodes(base::LoadOrCreateSecret(path, kKeySize, true, "tracking-code key"));
}

std::string TrackingCodes::CodeFor(std::string_view request_id) const {
  std::array<uint8_t, base::HmacSha256::kSize> mac = mac_->Mac(request_id);
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = bits << 8 | mac[i];
  std::string code;
  for (int i = 0; i < 12; ++i) {
    if (i > 0 && i % 4 == 0) code += '-';
    code += kCrockford[(bits >> (59 - 5 * i)) & 31];
  }
  return code;
}

std::string NormalizeTrackingCode(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '-' || c == ' ') continue;
    out += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  }
  return out;
}

std::string TrackingCodeDigest(std::string_view code) {
  ledger::Hash h = ledger::Sha256Of(NormalizeTrackingCode(code));
  return std::string(ledger::AsBytes(h));
}

}  // namespace jejak::engine
