#include "ledger/note.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstring>
#include <filesystem>
#include <memory>

#include "base/base64.h"
#include "base/big_endian.h"
#include "base/error.h"
#include "base/files.h"
#include "base/hex.h"
#include "ledger/hash.h"
#include "ledger/pkcs11_signer.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;

constexpr char kSigPrefix[] = "\xE2\x80\x94 ";  // U+2014 em dash, then a space

// The message a cosignature signs (c2sp.org/tlog-cosignature).
std::string CosignedMessage(std::string_view text, uint64_t timestamp) {
  return fmt::format("cosignature/v1\ntime {}\n{}", timestamp, text);
}

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

Error Crypto(const char* what) {
  return Error(ErrorCode::kIoError, fmt::format("OpenSSL Ed25519 failed: {}", what));
}

std::array<uint8_t, 32> PublicFromSeed(const std::array<uint8_t, 32>& seed) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed.data(), seed.size()));
  if (!key) throw Crypto("loading a private key");
  std::array<uint8_t, 32> pub;
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len) != 1 || len != 32) {
    throw Crypto("deriving a public key");
  }
  return pub;
}

std::string Sign(std::string_view msg, const SigningKey& k) {
  if (k.external) return k.external->Sign(msg);
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, k.seed.data(), 32));
  MdCtx ctx(EVP_MD_CTX_new());
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (!key || !ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) != 1 ||
      len != 64) {
    throw Crypto("signing");
  }
  return sig;
}

bool Verify(std::string_view msg, std::string_view sig, const VerifierKey& k) {
  Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, k.public_key.data(), 32));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                          reinterpret_cast<const unsigned char*>(msg.data()), msg.size()) == 1;
}

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}

// "<hex id>+<base64(type || 32 bytes)>" after the name; fills id, type and bytes.
void ParseIdAndKey(std::string_view rest, const char* what, uint32_t* id, uint8_t* type,
                   std::array<uint8_t, 32>* bytes) {
  size_t plus = rest.find('+');
  std::string raw;
  if (plus != 8 || !base::Base64Decode(rest.substr(9), &raw) || raw.size() != 33 ||
      (static_cast<uint8_t>(raw[0]) != kNoteSigner && static_cast<uint8_t>(raw[0]) != kCosigner)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("malformed {}: expected <name>+<8 hex digits>+<base64 of 0x01 (a "
                            "log's key) or 0x04 (a witness's) and a 32-byte Ed25519 key>",
                            what));
  }
  *type = static_cast<uint8_t>(raw[0]);
  std::string id_bytes = base::FromHex(rest.substr(0, 8));
  *id = static_cast<uint32_t>(static_cast<uint8_t>(id_bytes[0])) << 24 |
        static_cast<uint8_t>(id_bytes[1]) << 16 | static_cast<uint8_t>(id_bytes[2]) << 8 |
        static_cast<uint8_t>(id_bytes[3]);
  std::memcpy(bytes->data(), raw.data() + 1, 32);
}

std::string ReadTrimmed(const std::string& path) {
  std::string text = base::ReadFile(path, "key file");
  size_t b = text.find_first_not_of(" \t\r\n"), e = text.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : text.substr(b, e - b + 1);
}

}  // namespace

void CheckKeyName(std::string_view name) {
  bool ok = !name.empty();
  for (unsigned char c : name) ok = ok && c > 0x20 && c != 0x7f && c != '+';
  if (!ok) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("\"{}\" is not a valid key name: it must be non-empty, without "
                            "spaces, control characters or '+' (e.g. \"jejak.go.id/ledger\")",
                            name));
  }
}

uint32_t KeyId(std::string_view name, uint8_t type, const std::array<uint8_t, 32>& public_key) {
  Sha256 sha;
  const char sep[2] = {'\n', static_cast<char>(type)};
  Hash h = sha.Update(name)
               .Update(std::string_view(sep, 2))
               .Update(std::string_view(reinterpret_cast<const char*>(public_key.data()), 32))
               .Finish();
  return uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 | h[3];
}

SigningKey GenerateSigningKey(std::string name, uint8_t type) {
  CheckKeyName(name);
  SigningKey k;
  if (RAND_bytes(k.seed.data(), 32) != 1) throw Crypto("drawing random bytes");
  k.verifier.type = type;
  k.verifier.public_key = PublicFromSeed(k.seed);
  k.verifier.id = KeyId(name, type, k.verifier.public_key);
  k.verifier.name = std::move(name);
  return k;
}

SigningKey ParseSigningKey(std::string_view text) {
  constexpr std::string_view kPrefix = "PRIVATE+KEY+";
  if (text.substr(0, kPrefix.size()) != kPrefix) {
    throw Error(ErrorCode::kInvalidArgument,
                "not a signing key: it must start with PRIVATE+KEY+ (made by 'jejak keys "
                "generate')");
  }
  text.remove_prefix(kPrefix.size());
  size_t plus = text.find('+');
  if (plus == std::string_view::npos) {
    throw Error(ErrorCode::kInvalidArgument, "malformed signing key: no key id");
  }
  SigningKey k;
  k.verifier.name = std::string(text.substr(0, plus));
  CheckKeyName(k.verifier.name);
  ParseIdAndKey(text.substr(plus + 1), "signing key", &k.verifier.id, &k.verifier.type, &k.seed);
  k.verifier.public_key = PublicFromSeed(k.seed);
  if (KeyId(k.verifier.name, k.verifier.type, k.verifier.public_key) != k.verifier.id) {
    throw Error(ErrorCode::kInvalidArgument, "signing key: the key id does not match the key");
  }
  return k;
}

VerifierKey ParseVerifierKey(std::string_view text) {
  size_t plus = text.find('+');
  if (plus == std::string_view::npos || text.substr(0, 8) == "PRIVATE+") {
    throw Error(ErrorCode::kInvalidArgument,
                "not a verifier key: expected <name>+<key id>+<key> (the .pub file made by "
                "'jejak keys generate')");
  }
  VerifierKey k;
  k.name = std::string(text.substr(0, plus));
  CheckKeyName(k.name);
  ParseIdAndKey(text.substr(plus + 1), "verifier key", &k.id, &k.type, &k.public_key);
  if (KeyId(k.name, k.type, k.public_key) != k.id) {
    throw Error(ErrorCode::kInvalidArgument, "verifier key: the key id does not match the key");
  }
  return k;
}

std::string FormatVerifierKey(const VerifierKey& k) {
  std::string raw(1, static_cast<char>(k.type));
  raw.append(reinterpret_cast<const char*>(k.public_key.data()), 32);
  return fmt::format("{}+{:08x}+{}", k.name, k.id, base::Base64Encode(raw));
}

std::string FormatSigningKey(const SigningKey& k) {
  if (k.external) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("the key {} is on a token and cannot be written out", k.verifier.name));
  }
  std::string raw(1, static_cast<char>(k.verifier.type));
  raw.append(reinterpret_cast<const char*>(k.seed.data()), 32);
  return fmt::format("PRIVATE+KEY+{}+{:08x}+{}", k.verifier.name, k.verifier.id,
                     base::Base64Encode(raw));
}

SigningKey LoadSigningKey(const std::string& path) {
  if (IsPkcs11Uri(path)) return LoadPkcs11Key(path);
  return ParseSigningKey(ReadTrimmed(path));
}

VerifierKey LoadVerifierKey(const std::string& path_or_key) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(path_or_key, ec)) {
    return ParseVerifierKey(ReadTrimmed(path_or_key));
  }
  if (path_or_key.find('+') == std::string::npos) {
    throw Error(ErrorCode::kNotFound, fmt::format("cannot read key file {}", path_or_key));
  }
  return ParseVerifierKey(path_or_key);
}

std::string SignNote(std::string_view text, const SigningKey& key) {
  if (text.empty() || text.back() != '\n' || text.find("\n\n") != std::string_view::npos) {
    throw Error(ErrorCode::kInvalidArgument,
                "a note's text must end in a newline and hold no "
                "blank line");
  }
  if (key.verifier.type != kNoteSigner) {
    throw Error(
        ErrorCode::kInvalidArgument,
        fmt::format("{} is a witness's cosigning key, not a log's signing key", key.verifier.name));
  }
  std::string blob = Be32(key.verifier.id) + Sign(text, key);
  return fmt::format("{}\n{}{} {}\n", text, kSigPrefix, key.verifier.name,
                     base::Base64Encode(blob));
}

std::string CosignatureLine(std::string_view text, const SigningKey& key, uint64_t timestamp) {
  if (key.verifier.type != kCosigner || timestamp > uint64_t{INT64_MAX}) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} cannot cosign: not a cosigning key, or a time past 2^63 - 1",
                            key.verifier.name));
  }
  std::string blob =
      Be32(key.verifier.id) + base::Be64(timestamp) + Sign(CosignedMessage(text, timestamp), key);
  return fmt::format("{}{} {}\n", kSigPrefix, key.verifier.name, base::Base64Encode(blob));
}

std::string SignatureLinesOf(std::string_view signature_lines, std::string_view key_name) {
  std::string out, prefix = fmt::format("{}{} ", kSigPrefix, key_name);
  while (!signature_lines.empty()) {
    size_t nl = signature_lines.find('\n');
    if (nl == std::string_view::npos) break;  // a line must end in '\n'
    std::string_view line = signature_lines.substr(0, nl + 1);
    signature_lines.remove_prefix(nl + 1);
    if (line.starts_with(prefix)) out += line;
  }
  return out;
}

bool OpenNote(std::string_view note, const VerifierKey& key, std::string* text,
              std::string* problem, uint64_t* timestamp) {
  size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos || note.empty() || note.back() != '\n') {
    *problem = "not a signed note: no blank line before the signature lines";
    return false;
  }
  std::string_view body = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  // Every line is checked before any verifies: a note with a malformed line
  // is malformed wherever the line stands (c2sp.org/signed-note).
  for (std::string_view rest = sigs; !rest.empty();) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl + 1);
    size_t space = line.find(' ', 4);
    std::string blob;
    if (line.substr(0, 4) != kSigPrefix || space == std::string_view::npos ||
        !base::Base64Decode(line.substr(space + 1), &blob) || blob.size() < 5) {
      *problem =
          "malformed signature line (each is an em dash, a space, a key name, a space "
          "and base64)";
      return false;
    }
  }
  bool named = false;
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (line.substr(0, 4) != kSigPrefix) {
      *problem = "malformed signature line (it must start with an em dash and a space)";
      return false;
    }
    line.remove_prefix(4);
    size_t space = line.find(' ');
    std::string blob;
    if (space == std::string_view::npos || !base::Base64Decode(line.substr(space + 1), &blob) ||
        blob.size() < 5) {
      *problem = "malformed signature line";
      return false;
    }
    if (line.substr(0, space) != key.name) continue;
    named = true;
    if (blob.substr(0, 4) != Be32(key.id)) continue;
    std::string_view sig = std::string_view(blob).substr(4);
    bool ok = false;
    if (key.type == kCosigner) {
      uint64_t time = sig.size() == 72 ? base::ReadBe64(sig) : 0;
      ok = sig.size() == 72 && time <= uint64_t{INT64_MAX} &&
           Verify(CosignedMessage(body, time), sig.substr(8), key);
      if (ok && timestamp) *timestamp = time;
    } else {
      ok = sig.size() == 64 && Verify(body, sig, key);
    }
    if (!ok) {
      *problem = fmt::format(
          "the signature by {} (key id {:08x}) does not verify: the signed "
          "text or the signature was changed",
          key.name, key.id);
      return false;
    }
    *text = std::string(body);
    return true;
  }
  *problem = named ? fmt::format("signed by {} but with another key than {:08x} (a rotated key?)",
                                 key.name, key.id)
                   : fmt::format("no signature by {}", key.name);
  return false;
}

bool NoteSignedBy(std::string_view note, const VerifierKey& key) {
  std::string text, problem;
  return OpenNote(note, key, &text, &problem);
}

}  // namespace jejak::ledger
