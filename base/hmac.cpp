#include "base/hmac.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "base/error.h"

namespace jejak::base {

struct HmacSha256::Context {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* keyed = nullptr;  // copied per call, never updated itself
  ~Context() {
    EVP_MAC_CTX_free(keyed);
    EVP_MAC_free(mac);
  }
};

namespace {

[[noreturn]] void Fail(const char* what) {
  throw Error(ErrorCode::kIoError, std::string("HMAC-SHA256 in OpenSSL: ") + what);
}

}  // namespace

HmacSha256::HmacSha256(std::string_view key) : context_(std::make_unique<Context>()) {
  context_->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (context_->mac == nullptr) Fail("no HMAC in OpenSSL");
  context_->keyed = EVP_MAC_CTX_new(context_->mac);
  if (context_->keyed == nullptr) Fail("out of memory");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (EVP_MAC_init(context_->keyed, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1) {
    Fail("cannot set the key");
  }
}

HmacSha256::~HmacSha256() = default;
HmacSha256::HmacSha256(HmacSha256&&) noexcept = default;
HmacSha256& HmacSha256::operator=(HmacSha256&&) noexcept = default;

std::array<uint8_t, HmacSha256::kSize> HmacSha256::Mac(std::string_view message) const {
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> c(EVP_MAC_CTX_dup(context_->keyed),
                                                              &EVP_MAC_CTX_free);
  std::array<uint8_t, kSize> out{};
  size_t len = 0;
  if (c == nullptr ||
      EVP_MAC_update(c.get(), reinterpret_cast<const unsigned char*>(message.data()),
                     message.size()) != 1 ||
      EVP_MAC_final(c.get(), out.data(), &len, out.size()) != 1 || len != kSize) {
    Fail("failed");
  }
  return out;
}

std::string HmacSha256::MacString(std::string_view message) const {
  std::array<uint8_t, kSize> mac = Mac(message);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

}  // namespace jejak::base
