#include "privacy/aes_gcm.h"

#include <openssl/evp.h>

#include <memory>

#include "base/error.h"
#include "base/random.h"

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

// Each thread keeps one context per direction, given the cipher once:
// setting a context up (fetching AES-256-GCM from the provider, allocating
// its state) costs more than sealing a short field. Each use gives it the
// key and nonce afresh.
EVP_CIPHER_CTX* ThreadContext(bool encrypt) {
  auto make = [](bool enc) {
    static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
    Ctx ctx(EVP_CIPHER_CTX_new());
    if (cipher == nullptr || !ctx || EVP_CipherInit_ex2(ctx.get(), cipher, nullptr, nullptr, enc ? 1 : 0, nullptr) != 1) {
      throw Error(ErrorCode::kIoError, "OpenSSL has no AES-256-GCM");
    }
    return ctx;
  };
  thread_local Ctx sealing = make(true);
  thread_local Ctx opening = make(false);
  return encrypt ? sealing.get() : opening.get();
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
  base::FillRandom(out.data(), kNonceSize);
  EVP_CIPHER_CTX* ctx = ThreadContext(true);
  int len = 0;
  bool ok =
      EVP_EncryptInit_ex2(ctx, nullptr, U8(key), U8(out), nullptr) == 1 &&
      EVP_EncryptUpdate(ctx, nullptr, &len, U8(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_EncryptUpdate(ctx, U8(out) + kNonceSize, &len, U8(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, U8(out) + kNonceSize + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagSize,
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
  EVP_CIPHER_CTX* ctx = ThreadContext(false);
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex2(ctx, nullptr, U8(key), U8(sealed), nullptr) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &len, U8(aad), static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx, U8(out), &len, U8(sealed) + kNonceSize, static_cast<int>(n)) ==
          1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagSize, U8(tag)) == 1 &&
      EVP_DecryptFinal_ex(ctx, U8(out) + len, &len) == 1;
  if (!ok) return false;
  *plaintext = std::move(out);
  return true;
}

}  // namespace jejak::privacy
