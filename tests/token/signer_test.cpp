// Signing checkpoints with an Ed25519 key that stays on a PKCS#11 token
// (tests/token/softhsm.h).
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "ledger/pkcs11_signer.h"
#include "ledger/verify.h"
#include "tests/testutil.h"
#include "tests/token/softhsm.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;
using testing::TempDir;

using Token = testing::SoftHsmToken;

TEST_CASE("pkcs11: a key on a token signs checkpoints that verify") {
  Token t;
  SigningKey key = LoadSigningKey(t.Uri());
  CHECK(key.external != nullptr);
  CHECK(key.verifier.name == "jejak.test/hsm");  // percent-decoded
  std::string text = "a note\n", opened, problem;
  REQUIRE_MESSAGE(OpenNote(SignNote(text, key), key.verifier, &opened, &problem), problem);
  // The verifier key is an ordinary one: anyone verifies without the token.
  VerifierKey published = ParseVerifierKey(FormatVerifierKey(key.verifier));
  CHECK(NoteSignedBy(SignNote(text, key), published));
  CHECK_THROWS_AS(FormatSigningKey(key), Error);  // it never leaves the token

  TempDir ledger_dir;
  {
    auto l = Ledger::Open(ledger_dir.path());
    for (uint64_t i = 0; i < 5; ++i) l->Append(events::Encode(testing::SampleEvent(i)));
    std::string note = AnnounceAndCheckpoint(*l, key, SystemActor());
    CHECK(NoteSignedBy(note, published));
  }
  VerifyReport r = VerifyLedger(ledger_dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.checkpoints == 1);
}

TEST_CASE("pkcs11: a wrong PIN, a missing key or a bad URI are clear errors") {
  Token t;
  auto code_of = [](const std::string& uri) -> std::optional<ErrorCode> {
    try {
      LoadSigningKey(uri);
    } catch (const Error& e) {
      return e.code();
    }
    return std::nullopt;
  };
  CHECK(code_of(t.Uri("0000")) == ErrorCode::kPermissionDenied);
  CHECK(code_of(t.Uri("1234", "nothing")) == ErrorCode::kNotFound);
  CHECK(code_of("pkcs11:object=ledger?module-path=/nonexistent.so&x-name=a") ==
        ErrorCode::kNotFound);
  CHECK(code_of("pkcs11:object=ledger") == ErrorCode::kInvalidArgument);  // no module, no name
  CHECK(code_of("pkcs11:object=%zz?module-path=" + t.module + "&x-name=a") ==
        ErrorCode::kInvalidArgument);
  CHECK(IsPkcs11Uri(t.Uri()));
  CHECK_FALSE(IsPkcs11Uri("/etc/jejak/jejak.key"));
}

}  // namespace
}  // namespace jejak::ledger
