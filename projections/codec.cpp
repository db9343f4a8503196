#include "projections/codec.h"

#include "base/error.h"

namespace jejak::projections::codec {
namespace {

[[noreturn]] void Truncated() {
  throw base::Error(base::ErrorCode::kCorruption, "a projection record is truncated");
}

}  // namespace

void Writer::Grow(size_t n) {
  size_t len = pos_ - out_.data();
  out_.resize(std::max(2 * out_.size(), len + n + 120));
  pos_ = out_.data() + len;
  end_ = out_.data() + out_.size();
}

void Writer::Sorted(const std::vector<int64_t>& values) {
  U64(values.size());
  uint64_t prev = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    auto v = static_cast<uint64_t>(values[i]);
    if (i == 0) {
      I64(values[0]);
    } else {
      U64(v - prev);  // modulo 2^64: no signed overflow however far apart
    }
    prev = v;
  }
}

uint64_t Reader::U64() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (in_.empty()) Truncated();
    auto b = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return v;
  }
  Truncated();
}

std::string Reader::Str() { return std::string(StrView()); }

std::string_view Reader::StrView() {
  uint64_t n = U64();
  if (n > in_.size()) Truncated();
  std::string_view s = in_.substr(0, n);
  in_.remove_prefix(n);
  return s;
}

uint64_t Reader::Count(size_t min_bytes) {
  uint64_t n = U64();
  if (n > in_.size() / min_bytes) Truncated();
  return n;
}

void Reader::Sorted(std::vector<int64_t>* values) {
  uint64_t n = Count(1);
  Grow(values, n);
  // Deltas wrap modulo 2^64 (Writer::Sorted), so damaged input cannot
  // overflow a signed value.
  uint64_t v = 0;
  for (uint64_t i = 0; i < n; ++i) {
    v = i == 0 ? static_cast<uint64_t>(I64()) : v + U64();
    values->push_back(static_cast<int64_t>(v));
  }
}

}  // namespace jejak::projections::codec
