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
  // A personal field encrypted with its data subject's key (docs/FORMAT.md,
  // "Sealed fields"): the subject's id and the ciphertext, which holds the
  // value's own type and encoding. Only privacy/ opens it.
  kSealed = 8,
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
  // subject: a non-empty UTF-8 id; ciphertext: at least kMinSealedSize bytes.
  static FieldValue Sealed(std::string subject, std::string ciphertext);
  // The smallest ciphertext: a 12-byte nonce, a type tag and a 16-byte tag.
  static constexpr size_t kMinSealedSize = 12 + 1 + 16;

  FieldType type() const { return type_; }
  // For kString, kDecimal, kDate (canonical text), kBytes (raw bytes) and
  // kSealed (the ciphertext).
  const std::string& text() const { return text_; }
  // For kSealed: the id of the data subject whose key sealed the value.
  const std::string& subject() const { return subject_; }
  // For kInteger, kTimestamp, and kBoolean (0 or 1).
  int64_t number() const { return number_; }
  bool boolean() const { return number_ != 0; }

  // Human-readable rendering: text as is, bytes as hex, times as RFC 3339,
  // a sealed value as a marker that says so.
  std::string ToDisplayString() const;

  friend bool operator==(const FieldValue&, const FieldValue&) = default;

 private:
  FieldValue(FieldType type, std::string text, int64_t number)
      : type_(type), text_(std::move(text)), number_(number) {}

  FieldType type_;
  std::string text_;
  int64_t number_;
  std::string subject_;
};

// Returns the canonical form of a decimal, or throws Error(kInvalidArgument).
std::string CanonicalDecimal(std::string_view text);
// True if text is a valid "YYYY-MM-DD" calendar date (years 0001-9999).
bool IsValidDate(std::string_view text);
// True if text is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view text);

}  // namespace jejak::events
