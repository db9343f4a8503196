#include "ledger/hash.h"

#include <openssl/evp.h>

#include <cstring>

#include "base/error.h"
#include "base/hex.h"

namespace jejak::ledger {
namespace {

// Fetched once: an implicit fetch on every digest costs more than the hash.
const EVP_MD* Sha256Md() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MD_CTX* Ctx(void* p) { return static_cast<EVP_MD_CTX*>(p); }

void Check(int ok) {
  if (ok != 1) throw base::Error(base::ErrorCode::kIoError, "OpenSSL SHA-256 failed");
}

}  // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || Sha256Md() == nullptr) Check(0);
  Check(EVP_DigestInit_ex2(Ctx(ctx_), Sha256Md(), nullptr));
}

Sha256::~Sha256() { EVP_MD_CTX_free(Ctx(ctx_)); }

Sha256& Sha256::Update(std::string_view bytes) {
  Check(EVP_DigestUpdate(Ctx(ctx_), bytes.data(), bytes.size()));
  return *this;
}

Sha256& Sha256::Update(const Hash& hash) { return Update(AsBytes(hash)); }

Hash Sha256::Finish() {
  Hash out;
  unsigned int len = 0;
  Check(EVP_DigestFinal_ex(Ctx(ctx_), out.data(), &len));
  Check(EVP_DigestInit_ex2(Ctx(ctx_), Sha256Md(), nullptr));
  return out;
}

Hash Sha256Of(std::string_view bytes) {
  thread_local Sha256 sha;
  return sha.Update(bytes).Finish();
}

std::string_view AsBytes(const Hash& hash) {
  return {reinterpret_cast<const char*>(hash.data()), hash.size()};
}

std::string HashToHex(const Hash& hash) { return base::ToHex(AsBytes(hash)); }

Hash HashFromHex(std::string_view hex) {
  std::string raw = base::FromHex(hex);
  if (raw.size() != 32) {
    throw base::Error(base::ErrorCode::kInvalidArgument, "a hash must be 64 hex digits");
  }
  Hash h;
  std::memcpy(h.data(), raw.data(), 32);
  return h;
}

}  // namespace jejak::ledger
