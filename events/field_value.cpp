#include "events/field_value.h"

#include <fmt/format.h>

#include <cstring>

#include "base/error.h"
#include "base/hex.h"
#include "events/time.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;
using base::ToHex;

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInteger:
      return "integer";
    case FieldType::kDecimal:
      return "decimal";
    case FieldType::kBoolean:
      return "boolean";
    case FieldType::kDate:
      return "date";
    case FieldType::kBytes:
      return "bytes";
    case FieldType::kTimestamp:
      return "timestamp";
    case FieldType::kSealed:
      return "sealed";
  }
  return "unknown";
}

FieldType FieldTypeFromName(std::string_view name) {
  for (auto t : {FieldType::kString, FieldType::kInteger, FieldType::kDecimal, FieldType::kBoolean,
                 FieldType::kDate, FieldType::kBytes, FieldType::kTimestamp, FieldType::kSealed}) {
    if (FieldTypeName(t) == name) return t;
  }
  Invalid(fmt::format("unknown field type \"{}\"", name));
}

std::string CanonicalDecimal(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  bool ok = !whole.empty() || !frac.empty();
  for (char c : whole) ok = ok && IsDigit(c);
  for (char c : frac) ok = ok && IsDigit(c);
  if (!ok || (dot != std::string_view::npos && frac.empty() && whole.empty())) {
    Invalid(fmt::format("\"{}\" is not a decimal number", text));
  }
  while (whole.size() > 1 && whole[0] == '0') whole.remove_prefix(1);
  while (!frac.empty() && frac.back() == '0') frac.remove_suffix(1);
  std::string out;
  bool zero = (whole.empty() || whole == "0") && frac.empty();
  if (negative && !zero) out += '-';
  out += whole.empty() ? "0" : std::string(whole);
  if (!frac.empty()) {
    out += '.';
    out += frac;
  }
  return out;
}

bool IsValidDate(std::string_view t) { return ParseDate(t).has_value(); }

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    // Most text is ASCII: skip it 8 bytes at a time.
    if (s.size() - i >= 8) {
      uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    auto c = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = cp << 6 | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

FieldValue FieldValue::String(std::string text) {
  if (!IsValidUtf8(text)) Invalid("text is not valid UTF-8");
  return FieldValue(FieldType::kString, std::move(text), 0);
}

FieldValue FieldValue::Integer(int64_t value) { return FieldValue(FieldType::kInteger, {}, value); }

FieldValue FieldValue::Decimal(std::string_view text) {
  return FieldValue(FieldType::kDecimal, CanonicalDecimal(text), 0);
}

FieldValue FieldValue::Boolean(bool value) {
  return FieldValue(FieldType::kBoolean, {}, value ? 1 : 0);
}

FieldValue FieldValue::Date(std::string_view text) {
  if (!IsValidDate(text)) Invalid(fmt::format("\"{}\" is not a date (YYYY-MM-DD)", text));
  return FieldValue(FieldType::kDate, std::string(text), 0);
}

FieldValue FieldValue::Bytes(std::string bytes) {
  return FieldValue(FieldType::kBytes, std::move(bytes), 0);
}

FieldValue FieldValue::Timestamp(int64_t micros) {
  if (!IsTimeInRange(micros)) {
    Invalid(fmt::format("timestamp {} us is outside the years 0000 to 9999", micros));
  }
  return FieldValue(FieldType::kTimestamp, {}, micros);
}

FieldValue FieldValue::Sealed(std::string subject, std::string ciphertext) {
  if (subject.empty() || !IsValidUtf8(subject))
    Invalid("a sealed value's subject must be UTF-8 text");
  if (ciphertext.size() < kMinSealedSize) {
    Invalid(fmt::format("a sealed value is at least {} bytes, not {}", kMinSealedSize,
                        ciphertext.size()));
  }
  FieldValue v(FieldType::kSealed, std::move(ciphertext), 0);
  v.subject_ = std::move(subject);
  return v;
}

std::string FieldValue::ToDisplayString() const {
  switch (type_) {
    case FieldType::kString:
    case FieldType::kDecimal:
    case FieldType::kDate:
      return text_;
    case FieldType::kInteger:
      return std::to_string(number_);
    case FieldType::kBoolean:
      return number_ ? "true" : "false";
    case FieldType::kBytes:
      return ToHex(text_);
    case FieldType::kTimestamp:
      return FormatRfc3339(number_);
    case FieldType::kSealed:
      return "[terenkripsi / encrypted]";
  }
  return {};
}

}  // namespace jejak::events
