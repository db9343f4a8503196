// Projection records (projections/records.h, codec.h): the binary values of
// the projections' RocksDB store, decoded on every read and catch-up. A
// damaged store must be reported as corrupt, never crash.
//
// Input: a first byte choosing the record kind, then the bytes to decode.
//
// Promises: decoding refuses with Error(kCorruption) only; what decodes
// encodes to bytes that decode and encode to the same bytes again.
#include "base/error.h"
#include "fuzz/fuzz_util.h"
#include "projections/records.h"

using jejak::base::Error;
using jejak::base::ErrorCode;
namespace p = jejak::projections;

namespace {

// Encode after decode is a fixed point: the second round changes nothing.
template <typename Decode, typename Encode>
void RoundTrip(std::string_view bytes, Decode decode, Encode encode) {
  std::string once;
  try {
    once = encode(decode(bytes));
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kCorruption);
    return;
  }
  JEJAK_REQUIRE(encode(decode(once)) == once);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view bytes = jejak::fuzz::AsText(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      RoundTrip(
          bytes, [](std::string_view b) { return p::RequestRecord::Decode(b); },
          [](const p::RequestRecord& r) {
            r.History();
            return r.Encode();
          });
      break;
    case 1:
      RoundTrip(
          bytes,
          [](std::string_view b) {
            p::OfficerDay d;
            d.DecodeCounts(b);
            return d;
          },
          [](p::OfficerDay d) { return d.EncodeCounts(); });
      break;
    case 2:
      RoundTrip(
          bytes,
          [](std::string_view b) {
            p::OfficerDay d;
            d.DecodeWaits(b);
            return d;
          },
          [](p::OfficerDay d) { return d.EncodeWaits(); });
      break;
    case 3:
      RoundTrip(
          bytes,
          [](std::string_view b) {
            p::OfficerDay d;
            d.DecodeTimes(b);
            return d;
          },
          [](p::OfficerDay d) { return d.EncodeTimes(); });
      break;
    case 4:
      RoundTrip(
          bytes, [](std::string_view b) { return p::AgencyDay::Decode(b); },
          [](p::AgencyDay d) { return d.Encode(); });
      break;
    case 5:
      RoundTrip(
          bytes, [](std::string_view b) { return p::AnomalyRecord::Decode(b); },
          [](const p::AnomalyRecord& a) { return a.Encode(); });
      break;
  }
  return 0;
}
