// Cosignatures (c2sp.org/tlog-cosignature, Ed25519 "cosignature/v1") against
// a vector made independently: key id with Python's hashlib, signature with
// the openssl command over "cosignature/v1\ntime <ts>\n" + the checkpoint
// text, for the RFC 8032 test 1 key (docs/FORMAT.md, "Test vectors").
#include <doctest/doctest.h>

#include <string>

#include "base/error.h"
#include "ledger/note.h"

namespace jejak::ledger {
namespace {

const std::string kText =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const std::string kSigningKey =
    "PRIVATE+KEY+witness.example.com/w1+7e6f4aaa+BJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g";
const std::string kVerifierKey =
    "witness.example.com/w1+7e6f4aaa+BNdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
const std::string kLine =
    "\xE2\x80\x94 witness.example.com/w1 "
    "fm9KqgAAAABkGFDL+TPmh4BYuAjsYRoqMJCWb/gWJaeRF/kmm5tlCr9sJ57DLErur7K0yDXc2ArN+TIuotuB/"
    "HbuL3AJsp3bv/"
    "aNCQ==\n";
constexpr uint64_t kTime = 1679315147;

// The spec's example checkpoint, with its log signature and a cosignature
// by witness.example.com/w1 (key id 8d66cf3f, time 1679315147).
const std::string kSpecNote =
    kText +
    "\n\xE2\x80\x94 example.com/behind-the-sofa "
    "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\xE2\x80\x94 witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+"
    "mbIUBkBIfZ+qnA==\n";

TEST_CASE("cosignature: the key id and line match an independent implementation") {
  SigningKey key = ParseSigningKey(kSigningKey);
  CHECK(key.verifier.type == kCosigner);
  CHECK(key.verifier.id == 0x7e6f4aaa);
  CHECK(FormatVerifierKey(key.verifier) == kVerifierKey);
  CHECK(CosignatureLine(kText, key, kTime) == kLine);
}

TEST_CASE("cosignature: a cosigned note opens with the witness key and gives its time") {
  VerifierKey witness = ParseVerifierKey(kVerifierKey);
  std::string note = kText + "\n" + kLine, text, problem;
  uint64_t time = 0;
  REQUIRE_MESSAGE(OpenNote(note, witness, &text, &problem, &time), problem);
  CHECK(text == kText);
  CHECK(time == kTime);
  // Another checkpoint, or another time, does not verify.
  std::string other = "example.com/behind-the-sofa\n20852164\n" + kText.substr(37) + "\n" + kLine;
  CHECK_FALSE(OpenNote(other, witness, &text, &problem));
  std::string line = kLine;
  line[line.find(' ', 5) + 12] ^= 1;  // inside the timestamp's base64
  CHECK_FALSE(OpenNote(kText + "\n" + line, witness, &text, &problem));
}

TEST_CASE("cosignature: the spec's example line is matched by name and key id") {
  VerifierKey spec_witness = ParseVerifierKey(kVerifierKey);
  spec_witness.id = 0x8d66cf3f;  // the spec's line; its public key is not published
  std::string text, problem;
  CHECK_FALSE(OpenNote(kSpecNote, spec_witness, &text, &problem));
  CHECK(problem.find("does not verify") != std::string::npos);  // matched, then checked
}

TEST_CASE("cosignature: keys of one kind do not sign as the other") {
  SigningKey log = GenerateSigningKey("jejak.go.id/ledger");
  SigningKey witness = GenerateSigningKey("ombudsman.go.id/saksi", kCosigner);
  CHECK_THROWS_AS(SignNote(kText, witness), base::Error);
  CHECK_THROWS_AS(CosignatureLine(kText, log, kTime), base::Error);
  CHECK_THROWS_AS(CosignatureLine(kText, witness, uint64_t{1} << 63), base::Error);
  // A log signature does not pass for a cosignature by the same key bytes.
  std::string note = SignNote(kText, log), text, problem;
  VerifierKey as_cosigner = log.verifier;
  as_cosigner.type = kCosigner;
  as_cosigner.id = KeyId(as_cosigner.name, kCosigner, as_cosigner.public_key);
  CHECK_FALSE(OpenNote(note, as_cosigner, &text, &problem));
}

TEST_CASE("cosignature: a malformed signature line makes the note malformed wherever it stands") {
  // Found by fuzz_witness: a junk line after the log's valid signature was
  // accepted, so the witness stored a note it could not open again.
  SigningKey log = GenerateSigningKey("jejak.go.id/ledger");
  VerifierKey witness = ParseVerifierKey(kVerifierKey);
  std::string note = SignNote(kText, log), text, problem;
  REQUIRE(OpenNote(note, log.verifier, &text, &problem));
  CHECK_FALSE(OpenNote(note + "junk\n", log.verifier, &text, &problem));
  CHECK(problem.find("malformed signature line") == 0);
  CHECK_FALSE(OpenNote(note + "junk\n" + kLine, witness, &text, &problem));
}

}  // namespace
}  // namespace jejak::ledger
