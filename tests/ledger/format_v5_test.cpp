// Ledger format v5 (entries may be events of encoding version 2): a v4
// ledger gains the marker on its first writable open, and nothing else
// changes; a reader refuses a v4 ledger until then, saying what to do.
#include <doctest/doctest.h>

#include "base/error.h"
#include "events/encoding.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using base::Error;
using testing::TempDir;

TEST_CASE("format v5: a v4 ledger is upgraded by its marker alone") {
  TempDir dir;
  Hash head;
  {
    auto ledger = Ledger::Open(dir.path());
    for (uint64_t i = 0; i < 5; ++i) ledger->Append(events::Encode(testing::SampleEvent(i)));
    head = ledger->head();
  }
  testing::RawDb(dir.path(), testing::LedgerFamilies())
      .Put("default", layout::kFormatKey, layout::kFormatV4);
  try {
    Ledger::OpenReadOnly(dir.path());
    FAIL("a reader opened a v4 ledger");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("jejak-ledger-v4") != std::string::npos);
    CHECK(std::string(e.what()).find("jejak ledger migrate") != std::string::npos);
  }
  {
    auto ledger = Ledger::Open(dir.path());
    CHECK(ledger->size() == 5);
    CHECK(ledger->head() == head);
    // A sealed event appends to the upgraded ledger.
    events::Event e = testing::SampleEvent(9);
    e.fields.insert_or_assign("nik", events::FieldValue::Sealed("subj-x", std::string(40, 'c')));
    ledger->Append(events::Encode(e));
  }
  CHECK(testing::RawDb(dir.path(), testing::LedgerFamilies()).Get("default", layout::kFormatKey) ==
        std::string(layout::kFormatValue));
  CHECK(std::string(layout::kFormatValue) == "jejak-ledger-v5");
  VerifyReport r = VerifyLedger(dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.entries == 6);
}

}  // namespace
}  // namespace jejak::ledger
