// The projection store's layout version and record encodings. A store of
// another layout is derived data: opening it for writing starts it over (the
// catch-up then rebuilds it from entry 0); a reader refuses it and says to
// run `jejak projections rebuild`.
#include <doctest/doctest.h>

#include <limits>

#include "base/error.h"
#include "base/hex.h"
#include "projections/records.h"
#include "projections/store.h"
#include "tests/testutil.h"

namespace jejak::projections {
namespace {

TEST_CASE("projections: a store of an older layout is started over, and readers refuse it") {
  testing::TempDir dir;
  std::string path = dir.Sub("proj");
  {
    auto s = Store::Open(path);
    s->Put("meta|format", "jejak-projections-v2");
    s->Put("rq|IZIN-1", "{\"state\":\"diajukan\"}");
    s->Put("qc|izin|diajukan|", "hour counts of v2");
    s->Commit(42);
  }
  try {
    Store::OpenReadOnly(path);
    FAIL("a reader opened an old layout");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("jejak-projections-v2") != std::string::npos);
    CHECK(std::string(e.what()).find("jejak projections rebuild") != std::string::npos);
  }
  {
    auto s = Store::Open(path);
    CHECK(s->next_seq() == 0);
    CHECK(!s->Get("rq|IZIN-1"));
    CHECK(!s->Get("qc|izin|diajukan|"));
    CHECK(s->Get("meta|format") == std::optional<std::string>("jejak-projections-v5"));
  }
  CHECK(Store::OpenReadOnly(path)->next_seq() == 0);
  // Something that is not projections at all is left alone.
  {
    auto s = Store::Open(path);
    s->Put("meta|format", "something else");
    s->Commit(1);
  }
  CHECK_THROWS_AS(Store::Open(path), base::Error);
}

TEST_CASE("projections: records survive their encoding and refuse truncation") {
  RequestRecord r;
  r.workflow = "izin-uji";
  r.version = 3;
  r.applicant = "C1";
  r.state = "diverifikasi";
  r.entered_at = -5;
  r.submitted_at = 1'700'000'000'000'000;
  r.updated_at = r.entered_at;
  r.entry_seq = 1ULL << 40;
  r.breached = true;
  r.deadline = 7;
  r.last_staff = "NIP-A";
  r.tracking_code_sha256 = std::string("\0\xff", 2);
  r.officer_days = {{"NIP-A", 20000}, {"NIP-A", 20003}};
  r.AddStep({9, 10, "action", "verifikasi", "verifikator", "PTG-X", "a", "b", "c"});
  r.AddStep({11, -12, "sla_breached", "", "system", "sistem", "", "", ""});
  std::string bytes = r.Encode();
  // The bytes of layout v3: records of a store are read by later versions
  // until the layout version changes.
  CHECK(base::ToHex(bytes) ==
        "0108697a696e2d756a69030243310c64697665726966696b617369098080f281838985060980808080802007"
        "0e054e49502d410200ff02054e49502d41c0b802054e49502d41c6b80202091406616374696f6e0a766572"
        "6966696b6173690b7665726966696b61746f72055054472d580161016201630b170c736c615f627265616368"
        "6564000673797374656d0673697374656d000000");
  RequestRecord back = RequestRecord::Decode(bytes);
  CHECK(back.Encode() == bytes);
  CHECK(back.entered_at == -5);
  CHECK(back.deadline == std::optional<int64_t>(7));
  CHECK(back.last_staff == std::optional<std::string>("NIP-A"));
  CHECK(back.officer_days == r.officer_days);
  REQUIRE(back.History().size() == 2);
  CHECK(back.History()[0].reason == "c");
  CHECK(back.History()[1].time == -12);
  CHECK(back.History()[1].officer == "sistem");
  CHECK_THROWS_AS(RequestRecord::Decode(bytes.substr(0, bytes.size() - 1)), base::Error);

  OfficerDay od;
  od.actions["verifikasi"] = 2;
  od.refusals["four_eyes"] = 1;
  od.requests = 2;
  od.repeats = {5, 3};
  od.waits = {30, -1, 10};
  od.times = {{20, 7}, {10, 9}};
  OfficerDay od2;
  od2.DecodeCounts(od.EncodeCounts());
  od2.DecodeWaits(od.EncodeWaits());
  od2.DecodeTimes(od.EncodeTimes());
  CHECK(od2.actions == od.actions);
  CHECK(od2.refusals == od.refusals);
  CHECK(od2.repeats == std::vector<int64_t>{3, 5});
  CHECK(od2.waits == std::vector<int64_t>{-1, 10, 30});
  CHECK(od2.times == std::vector<std::pair<int64_t, uint64_t>>{{10, 9}, {20, 7}});

  AgencyDay ag;
  ag.arrivals = 4;
  ag.sla_breached = 1;
  ag.completion_us = {9, 1};
  AgencyDay ag2 = AgencyDay::Decode(ag.Encode());
  CHECK(ag2.arrivals == 4);
  CHECK(ag2.sla_breached == 1);
  CHECK(ag2.completion_us == std::vector<int64_t>{1, 9});
}

// Found by fuzz/projection_records_fuzz.cpp: a damaged count asked for
// terabytes, and far-apart values overflowed a signed delta.
TEST_CASE("projections: a damaged count is corrupt, and values far apart survive their encoding") {
  // The count 2^40 in a varint, then a few bytes.
  std::string huge = base::FromHex("808080808020") + std::string(8, '\x01');
  OfficerDay od;
  CHECK_THROWS_AS(od.DecodeTimes(huge), base::Error);
  CHECK_THROWS_AS(od.DecodeWaits(huge), base::Error);
  CHECK(od.times.capacity() < 1000);

  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  OfficerDay far;
  far.waits = {kMax, kMin, 0};
  far.times = {{kMax, 1}, {kMin, 2}};
  OfficerDay back;
  back.DecodeWaits(far.EncodeWaits());
  back.DecodeTimes(far.EncodeTimes());
  CHECK(back.waits == std::vector<int64_t>{kMin, 0, kMax});
  CHECK(back.times == std::vector<std::pair<int64_t, uint64_t>>{{kMin, 2}, {kMax, 1}});
}

}  // namespace
}  // namespace jejak::projections
