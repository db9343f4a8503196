// Ed25519 keys and C2SP signed notes (c2sp.org/signed-note), through
// OpenSSL 3. A note is text ending in a newline, a blank line, and signature
// lines "— <key name> <base64(key id || signature)>". The key id is the first
// 4 bytes of SHA-256(name || 0x0A || type || public key), where the type is
// 0x01 for a log's note signatures and 0x04 for a witness's cosignatures
// (c2sp.org/tlog-cosignature, "cosignature/v1"), whose signature is
// be64(timestamp) || Ed25519 over "cosignature/v1\ntime <timestamp>\n" || text.
//
// Key files use the signed-note text forms (docs/FORMAT.md, "Keys"):
//   verifier key: <name>+<hex key id>+<base64(type || public key)>
//   signer key:   PRIVATE+KEY+<name>+<hex key id>+<base64(type || seed)>
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace jejak::ledger {

inline constexpr uint8_t kNoteSigner = 0x01;  // signs notes (a log's checkpoints)
inline constexpr uint8_t kCosigner = 0x04;    // cosigns checkpoints (a witness)

struct VerifierKey {
  std::string name;
  std::array<uint8_t, 32> public_key{};
  uint32_t id = 0;
  uint8_t type = kNoteSigner;
};

// Signs with a private key held elsewhere, such as a PKCS#11 token
// (pkcs11_signer.h): the 64-byte Ed25519 signature of msg. Thread-safe.
class ExternalSigner {
 public:
  virtual ~ExternalSigner() = default;
  // Throws Error(kIoError) if the token fails.
  virtual std::string Sign(std::string_view msg) const = 0;
};

struct SigningKey {
  VerifierKey verifier;
  std::array<uint8_t, 32> seed{};                  // the Ed25519 private key, unless external
  std::shared_ptr<const ExternalSigner> external;  // signs instead of seed when set
};

// Throws Error(kInvalidArgument) unless name is a valid key name: non-empty
// UTF-8 without spaces, control characters or '+'.
void CheckKeyName(std::string_view name);
uint32_t KeyId(std::string_view name, uint8_t type, const std::array<uint8_t, 32>& public_key);

SigningKey GenerateSigningKey(std::string name, uint8_t type = kNoteSigner);
// Both throw Error(kInvalidArgument) naming what is malformed, including a
// key id that does not match the key.
SigningKey ParseSigningKey(std::string_view text);
VerifierKey ParseVerifierKey(std::string_view text);
// Throws Error(kInvalidArgument) for a key on a token, which never leaves it.
std::string FormatSigningKey(const SigningKey& key);
std::string FormatVerifierKey(const VerifierKey& key);
// Reads a key file (surrounding whitespace ignored), or opens a key on a
// PKCS#11 token when path is a pkcs11: URI (pkcs11_signer.h). For verifier
// keys, a text that is not an existing file is taken as the key itself.
SigningKey LoadSigningKey(const std::string& path);
VerifierKey LoadVerifierKey(const std::string& path_or_key);

// text must end in '\n' and hold no blank line; key must be a note signer.
std::string SignNote(std::string_view text, const SigningKey& key);
// The signature line (ending in '\n') of a cosigner key over text at
// timestamp, in POSIX seconds (at most 2^63 - 1).
std::string CosignatureLine(std::string_view text, const SigningKey& key, uint64_t timestamp);
// The whole lines of signature_lines (each ending in '\n') that name
// key_name: a witness's answer may hold lines of other keys too.
std::string SignatureLinesOf(std::string_view signature_lines, std::string_view key_name);
// If note carries a valid signature by key (a cosignature for a cosigner
// key), sets *text to the signed text, and *timestamp, if given, to a
// cosignature's time, and returns true; otherwise returns false and says why
// in *problem. Signatures by other keys are ignored, as the spec requires.
bool OpenNote(std::string_view note, const VerifierKey& key, std::string* text,
              std::string* problem, uint64_t* timestamp = nullptr);
// Whether note carries a valid signature by key: OpenNote() without the text.
bool NoteSignedBy(std::string_view note, const VerifierKey& key);

}  // namespace jejak::ledger
