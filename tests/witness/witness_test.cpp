// The witness against real ledgers: the wire format of add-checkpoint as the
// spec shows it, every answer of the spec (200, 400, 403, 404, 409, 422),
// state that survives a reopen, evidence of refusals, and the forgery a
// witness exists for: a history rewritten and re-signed with the log's key.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "base/error.h"
#include "base/files.h"
#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/note.h"
#include "tests/testutil.h"
#include "tests/witness/test_log.h"
#include "witness/add_checkpoint.h"
#include "witness/witness.h"

namespace jejak::witness {
namespace {

namespace fs = std::filesystem;
using testing::SampleEvent;
using testing::TempDir;


TEST_CASE("witness wire: the spec's add-checkpoint body parses and formats byte for byte") {
  const std::string body =
      "old 20852014\n"
      "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
      "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
      "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
      "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
      "\n"
      "example.com/behind-the-sofa\n"
      "20852163\n"
      "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
      "\n"
      "\xE2\x80\x94 example.com/behind-the-sofa "
      "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/"
      "Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
      "\xE2\x80\x94 example.com/behind-the-sofa "
      "opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/"
      "V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n";
  std::string problem;
  auto r = ParseAddCheckpoint(body, &problem);
  REQUIRE_MESSAGE(r.has_value(), problem);
  CHECK(r->old_size == 20852014);
  CHECK(r->proof.size() == 4);
  CHECK(r->checkpoint.starts_with("example.com/behind-the-sofa\n20852163\n"));
  CHECK(FormatAddCheckpoint(*r) == body);
  for (const char* bad : {"", "old 01\n\nx", "old 5\nnot base64\n\nx", "old 5\n", "old 5\n\n",
                          "new 5\n\nx", "old -1\n\nx", "old 18446744073709551616\n\nx"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseAddCheckpoint(bad, &problem).has_value());
  }
  std::string many = "old 1\n";
  for (int i = 0; i < 64; ++i) many += "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n";
  CHECK_FALSE(ParseAddCheckpoint(many + "\nx", &problem).has_value());
}

// A log (a real ledger with its signing key) and a witness of it.
struct LogAndWitness : TestLog {
  std::unique_ptr<Witness> witness = OpenWitness();

  std::unique_ptr<Witness> OpenWitness() {
    WitnessOptions o;
    o.data_dir = dir.Sub("witness");
    o.key = witness_key;
    o.logs = {key.verifier};
    o.clock = [] { return uint64_t{1700000000}; };
    return Witness::Open(std::move(o));
  }

  WitnessResponse Submit(uint64_t old_size, const std::string& note) {
    AddCheckpointRequest r;
    r.old_size = old_size;
    uint64_t size = ledger::ParseCheckpoint(note).size;
    if (old_size > 0 && old_size < size) r.proof = ledger->ConsistencyProof(old_size, size);
    r.checkpoint = note;
    return witness->AddCheckpoint(FormatAddCheckpoint(r));
  }

  size_t Evidence() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& f : fs::directory_iterator(dir.Sub("witness/evidence"))) ++n;
    return n;
  }
};

TEST_CASE("witness: cosigns a log as it grows, and its state survives a reopen") {
  LogAndWitness t;
  std::string first = t.Grow(10);
  WitnessResponse r = t.Submit(0, first);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  std::string text, problem;
  uint64_t time = 0;
  REQUIRE_MESSAGE(ledger::OpenNote(first + r.body, t.witness_key.verifier, &text, &problem, &time),
                  problem);
  CHECK(time == 1700000000);
  uint64_t size1 = ledger::ParseCheckpoint(first).size;

  std::string second = t.Grow(25);
  r = t.Submit(size1, second);
  REQUIRE_MESSAGE(r.status == 200, r.body);
  CHECK(ledger::NoteSignedBy(second + r.body, t.witness_key.verifier));
  // The same checkpoint again is cosigned again.
  uint64_t size2 = ledger::ParseCheckpoint(second).size;
  CHECK(t.Submit(size2, second).status == 200);

  t.witness = t.OpenWitness();
  std::string origin_hash = ledger::HashToHex(ledger::Sha256Of("jejak.test/log"));
  auto latest = t.witness->Latest(origin_hash);
  REQUIRE(latest.has_value());
  CHECK(latest->starts_with(second));
  CHECK(ledger::NoteSignedBy(*latest, t.witness_key.verifier));
  CHECK_FALSE(t.witness->Latest(std::string(64, '0')).has_value());
  // A stale old size: 409 with the size the witness holds.
  std::string third = t.Grow(3);
  r = t.Submit(size1, third);
  CHECK(r.status == 409);
  CHECK(r.content_type == "text/x.tlog.size");
  CHECK(r.body == std::to_string(size2) + "\n");
  CHECK(t.Submit(size2, third).status == 200);
  CHECK(t.Evidence() == 1);  // the 409
}

TEST_CASE("witness: every refusal of the spec") {
  LogAndWitness t;
  std::string first = t.Grow(10);
  uint64_t size1 = ledger::ParseCheckpoint(first).size;
  // A proof from size 0 (the empty tree needs none): 422.
  CHECK(t.witness->AddCheckpoint(FormatAddCheckpoint({0, {ledger::Hash{}}, first})).status == 422);
  REQUIRE(t.Submit(0, first).status == 200);
  std::string second = t.Grow(10);
  uint64_t size2 = ledger::ParseCheckpoint(second).size;

  CHECK(t.witness->AddCheckpoint("old x\n\n" + second).status == 400);  // malformed
  // Unknown origin: 404; known origin without a valid signature: 403.
  ledger::SigningKey other = ledger::GenerateSigningKey("other.test/log");
  ledger::Checkpoint c = ledger::ParseCheckpoint(second);
  c.origin = "other.test/log";
  CHECK(t.Submit(size1, ledger::SignCheckpoint(c, other)).status == 404);
  ledger::SigningKey impostor = ledger::GenerateSigningKey("jejak.test/log");
  CHECK(t.Submit(size1, ledger::SignCheckpoint(ledger::ParseCheckpoint(second), impostor)).status ==
        403);
  CHECK(t.Evidence() == 1);  // those not validly signed are not kept

  // Old size beyond the checkpoint: 400.
  CHECK(t.witness->AddCheckpoint(FormatAddCheckpoint({size2 + 1, {}, second})).status == 400);
  // A proof that does not verify: 422.
  AddCheckpointRequest r{size1, t.ledger->ConsistencyProof(size1, size2), second};
  r.proof[0][0] ^= 1;
  CHECK(t.witness->AddCheckpoint(FormatAddCheckpoint(r)).status == 422);
  // The same size with another root: a fork, 422 (tlog-witness v1.0.0 said
  // 409, on which a client retrying from the returned size would loop).
  ledger::Checkpoint forked = ledger::ParseCheckpoint(first);
  forked.root[0] ^= 1;
  CHECK(t.witness
            ->AddCheckpoint(FormatAddCheckpoint({size1, {}, ledger::SignCheckpoint(forked, t.key)}))
            .status == 422);
  CHECK(t.Evidence() == 4);
  // None of it moved the witness.
  CHECK(t.Submit(size1, second).status == 200);
}

TEST_CASE("witness: a history rewritten and re-signed with the log's key is refused") {
  // The insider's forgery: rewrite the ledger below the size the witness
  // cosigned, recompute everything and re-sign with the log's own key.
  LogAndWitness t;
  std::string honest = t.Grow(20);
  REQUIRE(t.Submit(0, honest).status == 200);
  uint64_t cosigned = ledger::ParseCheckpoint(honest).size;

  TempDir forged_dir;
  auto forged = ledger::Ledger::Open(forged_dir.path());
  for (uint64_t i = 0; i < 20; ++i) {
    events::Event e = SampleEvent(i);
    if (i == 7) e.actor.subject = "officer-forged";  // the swapped officer
    forged->Append(events::Encode(e));
  }
  for (uint64_t i = 20; i < 30; ++i) forged->Append(events::Encode(SampleEvent(i)));
  std::string forged_cp = ledger::AnnounceAndCheckpoint(*forged, t.key, ledger::SystemActor());
  uint64_t size = ledger::ParseCheckpoint(forged_cp).size;
  REQUIRE(size > cosigned);
  AddCheckpointRequest r{cosigned, forged->ConsistencyProof(cosigned, size), forged_cp};
  WitnessResponse answer = t.witness->AddCheckpoint(FormatAddCheckpoint(r));
  CHECK(answer.status == 422);
  CHECK(t.Evidence() == 1);
}

TEST_CASE("witness: a state file that is not cosigned by the witness refuses the open") {
  LogAndWitness t;
  std::string first = t.Grow(5);
  REQUIRE(t.Submit(0, first).status == 200);
  std::string path =
      t.dir.Sub("witness/logs/") + ledger::HashToHex(ledger::Sha256Of("jejak.test/log"));
  base::WriteFileAtomically(path, first, 0644);  // the log's signature alone
  CHECK_THROWS_AS(t.OpenWitness(), base::Error);
}

}  // namespace
}  // namespace jejak::witness
