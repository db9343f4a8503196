// A typed value carried in an event's payload. Each type has exactly one
// canonical representation, so that equal values always encode to equal bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jejak::events {

// The numeric tags are part of the canonical encoding (docs/FORMAT.md):
// never renumber them.
enum class FieldType : uint8_t {
  kString = 1,   // UTF-8 text
  kInteger = 2,  // signed 64-bit
  kDecimal = 3,  // exact decimal, canonical text: "-12.5", never "012.50"
  kBoolean = 4,
  kDate = 5,       // calendar date, "YYYY-MM-DD"
  kBytes = 6,      // raw bytes (hashes, keys)
  kTimestamp = 7,  // UTC microseconds since the Unix epoch
};

std::string_view FieldTypeName(FieldType type);
// Throws Error(kInvalidArgument) for an unknown name.
FieldType FieldTypeFromName(std::string_view name);

class FieldValue {
 public:
  // Each factory validates its input and throws Error(kInvalidArgument) on
  // bad input. Decimal() accepts any plain decimal ("+01.50") and stores its
  // canonical form ("1.5"); Timestamp() a time within IsTimeInRange (time.h).
  static FieldValue String(std::string text);
  static FieldValue Integer(int64_t value);
  static FieldValue Decimal(std::string_view text);
  static FieldValue Boolean(bool value);
  static FieldValue Date(std::string_view text);
  static FieldValue Bytes(std::string bytes);
  static FieldValue Timestamp(int64_t micros);

  FieldType type() const { return type_; }
  // For kString, kDecimal, kDate (canonical text) and kBytes (raw bytes).
  const std::string& text() const { return text_; }
  // For kInteger, kTimestamp, and kBoolean (0 or 1).
  int64_t number() const { return number_; }
  bool boolean() const { return number_ != 0; }

  // Human-readable rendering: text as is, bytes as hex, times as RFC 3339.
  std::string ToDisplayString() const;

  friend bool operator==(const FieldValue&, const FieldValue&) = default;

 private:
  FieldValue(FieldType type, std::string text, int64_t number)
      : type_(type), text_(std::move(text)), number_(number) {}

  FieldType type_;
  std::string text_;
  int64_t number_;
};

// Returns the canonical form of a decimal, or throws Error(kInvalidArgument).
std::string CanonicalDecimal(std::string_view text);
// True if text is a valid "YYYY-MM-DD" calendar date (years 0001-9999).
bool IsValidDate(std::string_view text);
// True if text is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

}  // namespace jejak::events
