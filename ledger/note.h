// Ed25519 keys and C2SP signed notes (c2sp.org/signed-note), through
// OpenSSL 3. A note is text ending in a newline, a blank line, and signature
// lines "— <key name> <base64(key id || signature)>". For Ed25519 the key id
// is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key).
//
// Key files use the signed-note text forms (docs/FORMAT.md, "Keys"):
//   verifier key: <name>+<hex key id>+<base64(0x01 || public key)>
//   signer key:   PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || seed)>
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace jejak::ledger {

struct VerifierKey {
  std::string name;
  std::array<uint8_t, 32> public_key{};
  uint32_t id = 0;
};

struct SigningKey {
  VerifierKey verifier;
  std::array<uint8_t, 32> seed{};  // the Ed25519 private key
};

// Throws Error(kInvalidArgument) unless name is a valid key name: non-empty
// UTF-8 without spaces, control characters or '+'.
void CheckKeyName(std::string_view name);
uint32_t Ed25519KeyId(std::string_view name, const std::array<uint8_t, 32>& public_key);

SigningKey GenerateSigningKey(std::string name);
// Both throw Error(kInvalidArgument) naming what is malformed, including a
// key id that does not match the key.
SigningKey ParseSigningKey(std::string_view text);
VerifierKey ParseVerifierKey(std::string_view text);
std::string FormatSigningKey(const SigningKey& key);
std::string FormatVerifierKey(const VerifierKey& key);
// Reads a key file (surrounding whitespace ignored). For verifier keys, a
// text that is not an existing file is taken as the key itself.
SigningKey LoadSigningKey(const std::string& path);
VerifierKey LoadVerifierKey(const std::string& path_or_key);

// text must end in '\n' and hold no blank line.
std::string SignNote(std::string_view text, const SigningKey& key);
// If note carries a valid signature by key, sets *text to the signed text
// and returns true; otherwise returns false and says why in *problem.
// Signatures by other keys are ignored, as the spec requires.
bool OpenNote(std::string_view note, const VerifierKey& key, std::string* text,
              std::string* problem);
// Whether note carries a valid signature by key: OpenNote() without the text.
bool NoteSignedBy(std::string_view note, const VerifierKey& key);

}  // namespace jejak::ledger
