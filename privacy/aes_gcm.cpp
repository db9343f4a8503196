#include "privacy/aes_gcm.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "base/error.h"

namespace jejak::privacy {
namespace {

using base::Error;
using base::ErrorCode;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const auto* U8(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
auto* U8(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

// Fetched once: EVP_aes_256_gcm() makes OpenSSL 3 look the cipher up again
// at every init, which costs more than sealing a short field.
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  if (cipher == nullptr) throw Error(ErrorCode::kIoError, "OpenSSL has no AES-256-GCM");
  return cipher;
}

void CheckKey(std::string_view key) {
  if (key.size() != kKeySize) {
    throw Error(ErrorCode::kInvalidArgument, "an AES-256 key is 32 bytes");
  }
}

}  // namespace

std::string SealBytes(std::string_view key, std::string_view aad, std::string_view plaintext) {
  CheckKey(key);
  std::string out(kNonceSize + plaintext.size() + kTagSize, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx && RAND_bytes(U8(out), kNonceSize) == 1 &&
      EVP_EncryptInit_ex2(ctx.get(), Aes256Gcm(), U8(key), U8(out), nullptr) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U8(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), U8(out) + kNonceSize, &len, U8(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), U8(out) + kNonceSize + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize,
                          U8(out) + kNonceSize + plaintext.size()) == 1;
  if (!ok) throw Error(ErrorCode::kIoError, "AES-256-GCM encryption failed in OpenSSL");
  return out;
}

bool OpenBytes(std::string_view key, std::string_view aad, std::string_view sealed,
               std::string* plaintext) {
  CheckKey(key);
  if (sealed.size() < kNonceSize + kTagSize) return false;
  size_t n = sealed.size() - kNonceSize - kTagSize;
  std::string out(n, '\0');
  std::string tag(sealed.substr(kNonceSize + n));
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex2(ctx.get(), Aes256Gcm(), U8(key), U8(sealed), nullptr) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U8(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), U8(out), &len, U8(sealed) + kNonceSize, static_cast<int>(n)) ==
          1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, U8(tag)) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), U8(out) + len, &len) == 1;
  if (!ok) return false;
  *plaintext = std::move(out);
  return true;
}

}  // namespace jejak::privacy
