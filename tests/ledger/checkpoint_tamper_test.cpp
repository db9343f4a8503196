// Tampering with signed checkpoints behind jejak's back: every checkpoint is
// recorded by a checkpoint_signed event, so VerifyLedger catches a stored one
// deleted or added, a signature that does not verify, a key the ledger never
// announced, and a lowered index mark that would excuse missing index keys.
#include <doctest/doctest.h>

#include <string>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "ledger/verify.h"
#include "tests/ledger/index_tamper.h"
#include "tests/ledger/verify_fails.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using testing::IndexDir;
using testing::IndexFamilies;
using testing::LedgerFamilies;
using testing::RawDb;
using testing::SampleEvent;
using testing::TempDir;

const events::Actor kAdmin{"admin", "admin", ""};

// Ten entries, the key's announcement (entry 10), a checkpoint of 11
// recorded at entry 11, then five more entries: 17 in all.
struct Signed {
  TempDir dir;
  SigningKey key = GenerateSigningKey("jejak.go.id/test");
  std::string checkpoint;

  Signed() {
    auto ledger = Ledger::Open(dir.path());
    for (uint64_t n = 0; n < 10; ++n) ledger->Append(events::Encode(SampleEvent(n)));
    checkpoint = AnnounceAndCheckpoint(*ledger, key, kAdmin);
    for (uint64_t n = 10; n < 15; ++n) ledger->Append(events::Encode(SampleEvent(n)));
  }
};

// Records note at the end of the ledger, as a forger who rewrote it would.
void Record(Ledger& ledger, const std::string& note) {
  ledger.Append(events::Encode(CheckpointEvent(note, 0, kAdmin, 1)));
}

TEST_CASE("checkpoint tamper: a signed ledger verifies, counting its checkpoints") {
  Signed s;
  VerifyReport r = VerifyLedger(s.dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.checkpoints == 1);
  CHECK(r.entries == 17);
}

TEST_CASE("checkpoint tamper: a deleted stored checkpoint is missed by its record") {
  Signed s;
  RawDb(s.dir.path(), LedgerFamilies()).Delete(layout::kCheckpoints, layout::SeqKey(11));
  testing::CheckVerifyFailsAt(s.dir.path(), 11, "missing from the stored checkpoints");
}

TEST_CASE("checkpoint tamper: a stored checkpoint without a record") {
  // Validly signed by the announced key, with the right root: only the
  // missing record gives it away.
  Signed s;
  std::string note;
  {
    auto ledger = Ledger::OpenReadOnly(s.dir.path());
    note = SignCheckpoint({s.key.verifier.name, 13, ledger->MerkleRoot(13), ""}, s.key);
  }
  RawDb(s.dir.path(), LedgerFamilies()).Put(layout::kCheckpoints, layout::SeqKey(13), note);
  testing::CheckVerifyFailsAt(s.dir.path(), 13, "recorded by no checkpoint_signed event");
}

TEST_CASE("checkpoint tamper: a stored checkpoint that differs from its record") {
  Signed s;
  std::string flipped = s.checkpoint;
  flipped[flipped.size() - 5] ^= 1;  // in the signature's base64
  RawDb(s.dir.path(), LedgerFamilies()).Put(layout::kCheckpoints, layout::SeqKey(11), flipped);
  testing::CheckVerifyFailsAt(s.dir.path(), 11, "is not the one recorded here");
}

TEST_CASE("checkpoint tamper: a recorded signature with a flipped bit") {
  Signed s;
  {
    auto ledger = Ledger::Open(s.dir.path());
    uint64_t n = ledger->size();
    std::string note = SignCheckpoint({s.key.verifier.name, n, ledger->MerkleRoot(n), ""}, s.key);
    size_t sig = note.rfind(' ') + 10;  // inside the base64 of key id || signature
    note[sig] = note[sig] == 'A' ? 'B' : 'A';
    Record(*ledger, note);
  }
  testing::CheckVerifyFailsAt(s.dir.path(), 17,
                              "not signed by a key the ledger announced before it");
}

TEST_CASE("checkpoint tamper: a checkpoint signed by a key the ledger never announced") {
  Signed s;
  SigningKey foreign = GenerateSigningKey("jejak.go.id/test");  // same name, another key
  {
    auto ledger = Ledger::Open(s.dir.path());
    uint64_t n = ledger->size();
    Record(*ledger, SignCheckpoint({foreign.verifier.name, n, ledger->MerkleRoot(n), ""}, foreign));
  }
  testing::CheckVerifyFailsAt(s.dir.path(), 17,
                              "not signed by a key the ledger announced before it");
}

TEST_CASE("checkpoint tamper: a key announced after the size it signs does not count") {
  Signed s;
  SigningKey late = GenerateSigningKey("jejak.go.id/late");
  {
    auto ledger = Ledger::Open(s.dir.path());
    uint64_t n = ledger->size();
    std::string note = SignCheckpoint({late.verifier.name, n, ledger->MerkleRoot(n), ""}, late);
    ledger->Append(events::Encode(SigningKeyEvent(late.verifier, kAdmin, 1)));
    Record(*ledger, note);
  }
  testing::CheckVerifyFailsAt(s.dir.path(), 18, "was never announced before size 17");
}

TEST_CASE("checkpoint tamper: a lowered index mark no longer switches off the index check") {
  Signed s;
  {
    // Closed: every entry is indexed. A later checkpoint records that mark.
    auto ledger = Ledger::Open(s.dir.path());
    MakeCheckpoint(*ledger, s.key);
  }
  {
    RawDb db(IndexDir(s.dir.path()), IndexFamilies());
    db.Put("default", layout::kIndexedKey, layout::SeqKey(0));
    REQUIRE(testing::Unlist(db, layout::kByRequest, "REQ-3", 3));
  }
  testing::CheckVerifyFailsAt(s.dir.path(), 3, "index by_request has no key for entry 3");
}

}  // namespace
}  // namespace jejak::ledger
