// The sealed-field vector of docs/FORMAT.md: its ciphertext opens with the
// documented key to the documented value, and is exactly what AES-256-GCM
// makes of the documented plaintext with the documented nonce and AAD.
#include <doctest/doctest.h>
#include <openssl/evp.h>

#include "base/hex.h"
#include "events/encoding.h"
#include "events/json.h"
#include "privacy/sealing.h"
#include "tests/format_vectors.h"

namespace jejak::privacy {
namespace {

using base::FromHex;
using base::ToHex;

std::string AesGcm(const std::string& key, const std::string& nonce, const std::string& aad,
                   const std::string& plaintext) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  std::string out(plaintext.size() + 16, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  auto u = [](const std::string& s) { return reinterpret_cast<const unsigned char*>(s.data()); };
  int len = 0;
  EVP_EncryptInit_ex2(ctx, EVP_aes_256_gcm(), u(key), u(nonce), nullptr);
  EVP_EncryptUpdate(ctx, nullptr, &len, u(aad), static_cast<int>(aad.size()));
  EVP_EncryptUpdate(ctx, o, &len, u(plaintext), static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx, o + len, &len);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, o + plaintext.size());
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

TEST_CASE("FORMAT.md's sealed vector opens to its value, and seals to its bytes") {
  int found = 0;
  for (const auto& v : testing::FormatVectors()) {
    if (!v.contains("sealed")) continue;
    ++found;
    const auto& s = v["sealed"];
    events::Event e = events::FromJson(v["event"]);
    std::string field = s["field"].get<std::string>();
    const events::FieldValue& sealed = e.fields.at(field);
    std::string key = FromHex(s["data_key"].get<std::string>());
    events::FieldValue value = Unseal(key, {e.request_id, e.id, field}, sealed);
    CHECK(value == events::FieldFromJson(s["value"]));
    CHECK(ToHex(events::EncodeValue(value)) == s["plaintext"].get<std::string>());
    std::string nonce = FromHex(s["nonce"].get<std::string>());
    std::string made = nonce + AesGcm(key, nonce, FromHex(s["aad"].get<std::string>()),
                                      FromHex(s["plaintext"].get<std::string>()));
    CHECK(ToHex(made) == ToHex(sealed.text()));
  }
  CHECK(found == 1);
}

}  // namespace
}  // namespace jejak::privacy
