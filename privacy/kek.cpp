#include "privacy/kek.h"

#include <openssl/crypto.h>

#include "base/error.h"
#include "base/files.h"
#include "base/random.h"
#include "base/secret_file.h"
#include "privacy/aes_gcm.h"

namespace jejak::privacy {
namespace {

using base::Error;
using base::ErrorCode;

constexpr uint8_t kWrapVersion = 1;

std::string WrapAad(std::string_view label) {
  std::string aad = "jejak.kek.v1";
  aad.push_back('\0');
  aad.append(label);
  return aad;
}

}  // namespace

std::shared_ptr<const KeyEncryptionKey> KeyEncryptionKey::FromFile(const std::string& path) {
  return FromBytes(base::LoadOrCreateSecret(path, kKeySize, false, "key-encryption key"));
}

void KeyEncryptionKey::Generate(const std::string& path) {
  std::string key = base::RandomBytes(kKeySize);
  base::WriteFileAtomically(path, key, 0600, base::IfExists::kFail);
  OPENSSL_cleanse(key.data(), key.size());
}

std::shared_ptr<const KeyEncryptionKey> KeyEncryptionKey::FromBytes(std::string key) {
  if (key.size() != kKeySize) {
    throw Error(ErrorCode::kInvalidArgument, "a key-encryption key is 32 bytes");
  }
  return std::shared_ptr<const KeyEncryptionKey>(new KeyEncryptionKey(std::move(key)));
}

KeyEncryptionKey::~KeyEncryptionKey() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string KeyEncryptionKey::Wrap(std::string_view key, std::string_view label) const {
  return std::string(1, static_cast<char>(kWrapVersion)) + SealBytes(key_, WrapAad(label), key);
}

std::string KeyEncryptionKey::Unwrap(std::string_view blob, std::string_view label) const {
  std::string key;
  if (blob.empty() || static_cast<uint8_t>(blob[0]) != kWrapVersion ||
      !OpenBytes(key_, WrapAad(label), blob.substr(1), &key)) {
    throw Error(ErrorCode::kPermissionDenied,
                "a key in the key store does not open with this key-encryption key (--kek): "
                "the wrong file, or a damaged key store");
  }
  return key;
}

}  // namespace jejak::privacy
