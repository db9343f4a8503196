#include "events/event.h"

#include <fmt/format.h>

#include <random>

#include "base/error.h"
#include "base/hex.h"
#include "events/time.h"

namespace jejak::events {

using base::Error;
using base::ErrorCode;
using base::FromHex;

EventId EventId::New() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  EventId id;
  uint64_t ms = static_cast<uint64_t>(NowMicros() / 1000);
  uint64_t r1 = rng(), r2 = rng();
  for (int i = 0; i < 6; ++i) id.bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  for (int i = 6; i < 16; ++i) {
    id.bytes[i] = static_cast<uint8_t>((i < 11 ? r1 : r2) >> (8 * (i % 8)));
  }
  id.bytes[6] = (id.bytes[6] & 0x0F) | 0x70;  // version 7
  id.bytes[8] = (id.bytes[8] & 0x3F) | 0x80;  // RFC 9562 variant
  return id;
}

std::string EventId::ToString() const {
  // By hand, not with fmt: the Kafka relay writes two per ledger entry.
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(36, '-');
  size_t at = 0;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) ++at;  // keep the dash
    out[at++] = kDigits[bytes[i] >> 4];
    out[at++] = kDigits[bytes[i] & 15];
  }
  return out;
}

EventId EventId::Parse(std::string_view text) {
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("\"{}\" is not a UUID", text));
  }
  std::string hex;
  for (char c : text) {
    if (c != '-') hex += c;
  }
  std::string raw = FromHex(hex);
  EventId id;
  for (size_t i = 0; i < 16; ++i) id.bytes[i] = static_cast<uint8_t>(raw[i]);
  return id;
}

}  // namespace jejak::events
