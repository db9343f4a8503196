#include "privacy/kek.h"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include <map>
#include <optional>

#include "base/error.h"
#include "base/files.h"
#include "base/pkcs11_token.h"
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
  std::shared_ptr<KeyEncryptionKey> kek(new KeyEncryptionKey());
  kek->key_ = std::move(key);
  return kek;
}

std::shared_ptr<const KeyEncryptionKey> KeyEncryptionKey::FromPkcs11(std::string_view uri) {
  std::map<std::string, std::string> a = base::ParsePkcs11Uri(uri, {"module-path", "object"});
  std::shared_ptr<KeyEncryptionKey> kek(new KeyEncryptionKey());
  kek->token_ = base::Pkcs11Token::Open(a);
  kek->token_key_ = kek->token_->Find(base::Pkcs11Token::KeyClass::kSecret, a.at("object"));
  // A key that cannot seal would fail at the first applicant: find out now.
  std::string probe = base::RandomBytes(kKeySize), problem = "it opened something else";
  try {
    if (kek->Unwrap(kek->Wrap(probe, "probe"), "probe") == probe) return kek;
  } catch (const Error& e) {
    problem = e.what();
  }
  throw Error(ErrorCode::kInvalidArgument,
              fmt::format("the PKCS#11 key \"{}\" does not encrypt as AES-256-GCM: {}",
                          a.at("object"), problem));
}

std::shared_ptr<const KeyEncryptionKey> KeyEncryptionKey::Load(const std::string& spec) {
  return base::IsPkcs11Uri(spec) ? FromPkcs11(spec) : FromFile(spec);
}

KeyEncryptionKey::~KeyEncryptionKey() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::string KeyEncryptionKey::Wrap(std::string_view key, std::string_view label) const {
  std::string out(1, static_cast<char>(kWrapVersion));
  if (!token_) return out + SealBytes(key_, WrapAad(label), key);
  std::string nonce = base::RandomBytes(kNonceSize);
  return out + nonce + token_->EncryptAesGcm(token_key_, nonce, WrapAad(label), key);
}

std::string KeyEncryptionKey::Unwrap(std::string_view blob, std::string_view label) const {
  std::string key;
  bool opened = false;
  if (!blob.empty() && static_cast<uint8_t>(blob[0]) == kWrapVersion) {
    std::string_view sealed = blob.substr(1);
    if (!token_) {
      opened = OpenBytes(key_, WrapAad(label), sealed, &key);
    } else if (sealed.size() >= kNonceSize) {
      std::optional<std::string> k = token_->DecryptAesGcm(
          token_key_, sealed.substr(0, kNonceSize), WrapAad(label), sealed.substr(kNonceSize));
      opened = k.has_value();
      if (opened) key = std::move(*k);
    }
  }
  if (!opened) {
    throw Error(ErrorCode::kPermissionDenied,
                "a key in the key store does not open with this key-encryption key (--kek): "
                "the wrong file, or a damaged key store");
  }
  return key;
}

}  // namespace jejak::privacy
