// The key-encryption key (KEK): it wraps every key of the key store
// (key_store.h), so that the store's files alone decrypt nothing. It never
// lives in the data directory: it is a file given with --kek (made by
// `jejak keys generate --kek FILE`), ideally on another disk, or an AES-256
// key that never leaves a PKCS#11 token (--kek pkcs11:...). It is needed to
// read personal data, not to verify the ledger.
//
// Both wrap alike (AES-256-GCM, docs/PRIVACY.md), so a key file's bytes
// imported into a token open what the file wrapped.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace jejak::base {
class Pkcs11Token;
}

namespace jejak::privacy {

class KeyEncryptionKey {
 public:
  // Reads the 32-byte key file at path. Throws Error(kNotFound) if there is
  // none, Error(kCorruption) if it holds another number of bytes,
  // Error(kIoError) if it cannot be read.
  static std::shared_ptr<const KeyEncryptionKey> FromFile(const std::string& path);
  // Creates a new random key file at path, mode 0600. Throws
  // Error(kConflict) if path exists (a KEK is never replaced by accident:
  // every key it wraps would be lost).
  static void Generate(const std::string& path);
  // A key held in memory only (tests, benchmarks).
  static std::shared_ptr<const KeyEncryptionKey> FromBytes(std::string key);
  // The AES-256 secret key object of a PKCS#11 URI (base/pkcs11_token.h:
  // module-path and object required). Throws like Pkcs11Token::Open and
  // Find, and Error(kInvalidArgument) if the key does not encrypt with
  // AES-GCM.
  static std::shared_ptr<const KeyEncryptionKey> FromPkcs11(std::string_view uri);
  // FromPkcs11 for a PKCS#11 URI, FromFile otherwise: what --kek names.
  static std::shared_ptr<const KeyEncryptionKey> Load(const std::string& spec);

  ~KeyEncryptionKey();
  KeyEncryptionKey(const KeyEncryptionKey&) = delete;
  KeyEncryptionKey& operator=(const KeyEncryptionKey&) = delete;

  // key sealed under the KEK, bound to label (what the key is for), so that
  // a wrapped key cannot be moved to another record (docs/PRIVACY.md).
  std::string Wrap(std::string_view key, std::string_view label) const;
  // The key back. Throws Error(kPermissionDenied) if blob was not wrapped by
  // this KEK for label: the wrong --kek, or a damaged or moved record.
  // Error(kIoError) if the token fails.
  std::string Unwrap(std::string_view blob, std::string_view label) const;

 private:
  KeyEncryptionKey() = default;
  std::string key_;                           // the key's bytes, or
  std::shared_ptr<base::Pkcs11Token> token_;  // the token that holds it
  unsigned long token_key_ = 0;               // and its handle there
};

}  // namespace jejak::privacy
