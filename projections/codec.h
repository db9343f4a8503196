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
  Writer() : pos_(out_.data()), end_(pos_) {}
  // Writes on after the bytes of out.
  explicit Writer(std::string out)
      : out_(std::move(out)), pos_(out_.data() + out_.size()), end_(pos_) {}
  Writer(const Writer&) = delete;  // it points into its own string
  Writer& operator=(const Writer&) = delete;

  void U64(uint64_t v) {
    char* p = Room(10);
    while (v >= 0x80) {
      *p++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
    pos_ = p;
  }
  void I64(int64_t v) { U64((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void Str(std::string_view s) {
    U64(s.size());
    Raw(s);
  }
  void Raw(std::string_view s) { pos_ = std::copy(s.begin(), s.end(), Room(s.size())); }
  // Makes room for n more bytes at once (an estimate: more is fine).
  void Reserve(size_t n) { Room(n); }
  // values must be sorted ascending.
  void Sorted(const std::vector<int64_t>& values);
  // The bytes written; the writer is done.
  std::string Take() {
    out_.resize(pos_ - out_.data());
    return std::move(out_);
  }

 private:
  // Space for n more bytes at the end: writes go through a pointer kept in
  // a member of its own, not through std::string appends or sizes (records
  // are encoded for every batch).
  char* Room(size_t n) {
    if (static_cast<size_t>(end_ - pos_) < n) Grow(n);
    return pos_;
  }
  void Grow(size_t n);

  std::string out_;
  char *pos_, *end_;  // the next byte to write, the end of out_
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
  // The next string, without a copy: valid as long as the input.
  std::string_view StrView();
  // What is left to read.
  std::string_view rest() const { return in_; }
  // Appends the list to values.
  void Sorted(std::vector<int64_t>* values);
  // A count of items that take at least min_bytes each: throws, as for
  // truncated input, if the rest cannot hold them (so a damaged count
  // never asks for a huge allocation).
  uint64_t Count(size_t min_bytes);
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
