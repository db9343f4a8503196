// The log of the witness tests: a real ledger with its signing key, and the
// cosigning key of the witness that follows it.
#pragma once

#include <memory>
#include <string>

#include "events/encoding.h"
#include "ledger/checkpoint.h"
#include "ledger/ledger.h"
#include "ledger/note.h"
#include "tests/testutil.h"

namespace jejak::witness {

struct TestLog {
  testing::TempDir dir;
  ledger::SigningKey key = ledger::GenerateSigningKey("jejak.test/log");
  ledger::SigningKey witness_key =
      ledger::GenerateSigningKey("ombudsman.test/saksi", ledger::kCosigner);
  std::unique_ptr<ledger::Ledger> ledger = ledger::Ledger::Open(dir.Sub("ledger"));
  uint64_t appended = 0;

  // Appends n entries and checkpoints; returns the checkpoint.
  std::string Grow(uint64_t n) {
    for (uint64_t i = 0; i < n; ++i) {
      ledger->Append(events::Encode(testing::SampleEvent(appended++)));
    }
    return ledger::AnnounceAndCheckpoint(*ledger, key, ledger::SystemActor());
  }
};

}  // namespace jejak::witness
