// A key-encryption key that stays on a PKCS#11 token (tests/token/softhsm.h):
// it wraps the key store's keys as a key file does, and jejak runs with it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/error.h"
#include "base/pkcs11_token.h"
#include "privacy/kek.h"
#include "privacy/key_store.h"
#include "tests/testutil.h"
#include "tests/token/softhsm.h"

namespace jejak::privacy {
namespace {

using base::Error;
using base::ErrorCode;
using testing::RunJejak;
using testing::RunResult;
using testing::TempDir;

TEST_CASE("pkcs11 kek: a key on a token wraps and unwraps, bound to its label") {
  testing::SoftHsmToken t;
  auto kek = KeyEncryptionKey::Load(t.KekUri());
  std::string key(32, '\x07');
  std::string blob = kek->Wrap(key, "data_key/subj-1");
  CHECK(blob.size() == 1 + 12 + 32 + 16);
  CHECK(blob.find(key) == std::string::npos);
  CHECK(kek->Unwrap(blob, "data_key/subj-1") == key);
  CHECK_THROWS_AS(kek->Unwrap(blob, "data_key/subj-2"), Error);  // moved to another record
  std::string altered = blob;
  altered[20] ^= 1;
  try {
    kek->Unwrap(altered, "data_key/subj-1");
    FAIL("an altered wrapped key opened");
  } catch (const Error& e) {
    std::string what = e.what();
    CAPTURE(what);
    CHECK(e.code() == ErrorCode::kPermissionDenied);
  }
}

TEST_CASE("pkcs11 kek: a key file's bytes imported into a token open what the file wrapped") {
  testing::SoftHsmToken t;
  std::string bytes(32, '\x5a');
  t.ImportAesKey("imported", bytes);
  auto file_kek = KeyEncryptionKey::FromBytes(bytes);
  auto token_kek = KeyEncryptionKey::Load(t.KekUri("1234", "imported"));
  std::string key(32, '\x33');
  CHECK(token_kek->Unwrap(file_kek->Wrap(key, "pseudonym_key"), "pseudonym_key") == key);
  CHECK(file_kek->Unwrap(token_kek->Wrap(key, "pseudonym_key"), "pseudonym_key") == key);
  // The token's own key is another key: it opens neither.
  auto other = KeyEncryptionKey::Load(t.KekUri());
  CHECK_THROWS_AS(other->Unwrap(file_kek->Wrap(key, "pseudonym_key"), "pseudonym_key"), Error);
}

TEST_CASE("pkcs11 kek: a wrong PIN, a missing key or a key of another kind are clear errors") {
  testing::SoftHsmToken t;
  auto code_of = [](const std::string& uri) -> std::optional<ErrorCode> {
    try {
      KeyEncryptionKey::Load(uri);
    } catch (const Error& e) {
      return e.code();
    }
    return std::nullopt;
  };
  CHECK(code_of(t.KekUri("0000")) == ErrorCode::kPermissionDenied);
  CHECK(code_of(t.KekUri("1234", "nothing")) == ErrorCode::kNotFound);
  CHECK(code_of(t.KekUri("1234", "ledger")) == ErrorCode::kNotFound);  // not a secret key
  CHECK(code_of("pkcs11:object=kek") == ErrorCode::kInvalidArgument);   // no module
}

TEST_CASE("pkcs11 kek: a key store opens only with the token key that made it") {
  testing::SoftHsmToken t;
  TempDir dir;
  std::string subject;
  {
    auto store = KeyStore::Open(dir.Sub("subjects"), KeyEncryptionKey::Load(t.KekUri()));
    NewSubject s = store->MakeSubject("3273010101900001");
    store->Store({s});
    subject = s.id;
  }
  auto store = KeyStore::Open(dir.Sub("subjects"), KeyEncryptionKey::Load(t.KekUri()));
  CHECK(store->Find("3273010101900001") == subject);
  CHECK(store->DataKey(subject).has_value());
  // Another store under the same token key knows nothing of it.
  CHECK_FALSE(KeyStore::Open(dir.Sub("other"), KeyEncryptionKey::Load(t.KekUri()))
                  ->DataKey(subject)
                  .has_value());
  store.reset();
  try {
    KeyStore::Open(dir.Sub("subjects"), KeyEncryptionKey::FromBytes(std::string(32, 'x')));
    FAIL("a store opened with another KEK");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kPermissionDenied);
  }
}

TEST_CASE("pkcs11 kek: jejak submits and shows personal fields with --kek pkcs11:") {
  testing::SoftHsmToken t;
  TempDir dir;
  std::string data = dir.Sub("data");
  std::string kek = t.KekUri();
  RunResult d = RunJejak({"workflow", "deploy",
                          testing::SourcePath("examples/workflows/oss-izin-usaha.yaml"), "--as",
                          "admin-01", "--kek", kek},
                         data);
  REQUIRE_MESSAGE(d.exit_code == 0, d.err);
  std::vector<std::string> args = testing::OssSubmitArgs("3273010101900001");
  args.insert(args.end(), {"--kek", kek, "--json"});
  RunResult s = RunJejak(args, data);
  REQUIRE_MESSAGE(s.exit_code == 0, s.err);
  std::string id = nlohmann::json::parse(s.out)["request_id"];
  RunResult h = RunJejak({"history", id, "--show-personal", "--as", "NIP-1", "--role", "verifikator", "--kek", kek},
                         data);
  CAPTURE(h.err);
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("Siti Aminah") != std::string::npos);
  // Another key cannot read what the token's key wrapped: the store refuses it.
  RunResult other = RunJejak({"history", id, "--show-personal", "--as", "NIP-1", "--role", "verifikator"}, data);
  CHECK(other.exit_code == 3);
  RunResult pin = RunJejak(
      {"history", id, "--show-personal", "--as", "NIP-1", "--role", "verifikator", "--kek",
       t.KekUri("0000")},
      data);
  CHECK(pin.exit_code == 3);
  CHECK(pin.err.find("PIN") != std::string::npos);
}

}  // namespace
}  // namespace jejak::privacy
