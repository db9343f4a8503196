// Compact binary encoding of the projections' internal records: unsigned
// varints, zigzag signed varints, length-prefixed strings and sorted number
// lists as deltas. Internal to the store; what users see stays JSON.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jejak::projections::codec {

class Writer {
 public:
  void U64(uint64_t v) {
    char* p = Room(10);
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    len_ = p - out_.data();
  }
  void I64(int64_t v) { U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Str(std::string_view s);
  void Raw(std::string_view s);
  // values must be sorted ascending.
  void Sorted(const std::vector<int64_t>& values);
  // The bytes written; the writer is done.
  std::string Take() {
    out_.resize(len_);
    return std::move(out_);
  }

 private:
  // Space for n more bytes at the end: writes go through a pointer, not
  // through std::string appends (records are encoded for every batch).
  char* Room(size_t n) {
    if (len_ + n > out_.size()) out_.resize(std::max(2 * out_.size(), len_ + n + 120));
    return out_.data() + len_;
  }

  std::string out_;
  size_t len_ = 0;
};

// Reads what Writer wrote; throws Error(kCorruption) on truncated input.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  uint64_t U64();
  int64_t I64() {
    uint64_t v = U64();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  std::string Str();
  // Appends the list to values.
  void Sorted(std::vector<int64_t>* values);
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

// Room for n more elements, growing geometrically: reports append day after
// day to one list, and exact reserves would copy it once a day.
template <typename T>
void Grow(std::vector<T>* v, size_t n) {
  if (v->capacity() < v->size() + n) v->reserve(std::max(2 * v->capacity(), v->size() + n));
}

}  // namespace jejak::projections::codec
