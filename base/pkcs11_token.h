// A PKCS#11 token (an HSM, a smart card; SoftHSM in the tests) used through
// its module's C API, so that a key stays on the token: it signs and
// encrypts there. The module is loaded with dlopen; p11-kit provides the
// header only.
//
// Tokens and keys are named by PKCS#11 URIs (RFC 7512):
//   pkcs11:token=<label>;object=<label>?module-path=<.so>&pin-source=<file>
// with pin-value=<pin> accepted in place of pin-source (tests). Other
// attributes (x-name) are the caller's.
//
// Thread-safe: one operation at a time on the token's session.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jejak::base {

// Whether text names a key by a PKCS#11 URI.
bool IsPkcs11Uri(std::string_view text);

// The URI's attributes, path and query ones in one map, percent-decoded.
// Throws Error(kInvalidArgument) naming what is wrong: a malformed
// attribute, or one of required missing.
std::map<std::string, std::string> ParsePkcs11Uri(std::string_view uri,
                                                  std::initializer_list<const char*> required);

class Pkcs11Token {
 public:
  enum class KeyClass { kPrivate, kPublic, kSecret };
  using Handle = unsigned long;  // CK_OBJECT_HANDLE

  // Opens the token of uri (module-path, token if given; the first token
  // otherwise) and logs in with its PIN, if it gives one. Throws
  // Error(kNotFound) if the module or token is missing,
  // Error(kPermissionDenied) if the PIN is refused, Error(kInvalidArgument)
  // if the module is not a PKCS#11 one, Error(kIoError) if the token fails.
  static std::shared_ptr<Pkcs11Token> Open(const std::map<std::string, std::string>& uri);
  ~Pkcs11Token();
  Pkcs11Token(const Pkcs11Token&) = delete;
  Pkcs11Token& operator=(const Pkcs11Token&) = delete;

  // The key object of that class and label. Throws Error(kNotFound).
  Handle Find(KeyClass cls, const std::string& label) const;

  // An Ed25519 signature (CKM_EDDSA) of msg by a private key.
  std::string SignEd25519(Handle key, std::string_view msg) const;
  // A public key object's Ed25519 key (CKA_EC_POINT). Throws
  // Error(kInvalidArgument) if it is not one.
  std::array<uint8_t, 32> Ed25519PublicKey(Handle key) const;

  // AES-GCM (CKM_AES_GCM) under a secret key, with a 12-byte nonce and a
  // 16-byte tag: ciphertext followed by tag, as OpenSSL makes it.
  std::string EncryptAesGcm(Handle key, std::string_view nonce, std::string_view aad,
                            std::string_view plaintext) const;
  // The plaintext of EncryptAesGcm's output; nullopt if it does not open
  // (another key, nonce or aad, or altered bytes).
  std::optional<std::string> DecryptAesGcm(Handle key, std::string_view nonce,
                                           std::string_view aad, std::string_view sealed) const;

 private:
  struct Impl;
  explicit Pkcs11Token(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace jejak::base
