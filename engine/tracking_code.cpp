#include "engine/tracking_code.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "events/error.h"
#include "ledger/hash.h"

namespace jejak::engine {
namespace {

using events::Error;
using events::ErrorCode;

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr size_t kKeySize = 32;

}  // namespace

TrackingCodes TrackingCodes::LoadOrCreate(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string key((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (key.size() != kKeySize) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("{} should hold a {}-byte key but holds {} bytes", path, kKeySize,
                              key.size()));
    }
    return TrackingCodes(std::move(key));
  }
  std::string key(kKeySize, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeySize) != 1) {
    throw Error(ErrorCode::kIoError, "no randomness for the tracking-code key");
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) throw Error(ErrorCode::kIoError, fmt::format("cannot create {}", path));
  bool ok = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw Error(ErrorCode::kIoError, fmt::format("cannot write {}", path));
  return TrackingCodes(std::move(key));
}

std::string TrackingCodes::CodeFor(std::string_view request_id) const {
  unsigned char mac[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(request_id.data()), request_id.size(), mac, &len);
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
