#include "workflow/field_rules.h"

#include <fmt/format.h>

#include <algorithm>

#include <charconv>

#include "base/error.h"
#include "workflow/decimal.h"
#include "workflow/pattern.h"
#include "workflow/workflow.h"

namespace jejak::workflow {
namespace {

[[noreturn]] void Broken(const FieldSpec& spec, const std::string& rule) {
  throw base::Error(base::ErrorCode::kInvalidArgument,
                    fmt::format("field \"{}\": {}", spec.name, rule));
}

// Personal data is not echoed back into error messages and logs.
// Long values are cut at a character boundary so a refusal stays readable.
std::string Shown(const FieldSpec& spec, const std::string& text) {
  if (spec.pii) return "the value";
  constexpr size_t kShownBytes = 64;
  if (text.size() <= kShownBytes) return fmt::format("\"{}\"", text);
  size_t cut = kShownBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return fmt::format("\"{}…\" ({} bytes)", text.substr(0, cut), text.size());
}

std::string_view KindName(FieldKind kind) {
  static constexpr std::string_view kNames[] = {"string",  "integer", "decimal",
                                                "boolean", "date",    "enum"};
  return kNames[static_cast<int>(kind)];
}

events::FieldType StoredType(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
    case FieldKind::kEnum:
      return events::FieldType::kString;
    case FieldKind::kInteger:
      return events::FieldType::kInteger;
    case FieldKind::kDecimal:
      return events::FieldType::kDecimal;
    case FieldKind::kBoolean:
      return events::FieldType::kBoolean;
    case FieldKind::kDate:
      return events::FieldType::kDate;
  }
  return events::FieldType::kString;
}

// Length in characters (code points), not bytes: "Cirebon" and "Jalan
// Ahmad Yani No. 5" are measured as people count them.
int64_t Utf8Length(const std::string& s) {
  int64_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void CheckBounds(const FieldSpec& spec, const std::string& number, const std::string& shown,
                 const char* unit) {
  if (spec.min && CompareDecimal(number, *spec.min) < 0) {
    Broken(spec, fmt::format("{} is below the minimum {}{}", shown, *spec.min, unit));
  }
  if (spec.max && CompareDecimal(number, *spec.max) > 0) {
    Broken(spec, fmt::format("{} is above the maximum {}{}", shown, *spec.max, unit));
  }
}

}  // namespace

void CheckField(const FieldSpec& spec, const events::FieldValue& value) {
  if (value.type() != StoredType(spec.kind)) {
    Broken(spec, fmt::format("expected a value of type {}, got {}", KindName(spec.kind),
                             events::FieldTypeName(value.type())));
  }
  switch (spec.kind) {
    case FieldKind::kString: {
      int64_t length = Utf8Length(value.text());
      std::string shown = fmt::format("length {} of {}", length, Shown(spec, value.text()));
      CheckBounds(spec, std::to_string(length), shown, " characters");
      if (spec.pattern && !PatternFullMatch(*spec.pattern, value.text())) {
        Broken(spec, fmt::format("{} does not match the pattern {}", Shown(spec, value.text()),
                                 *spec.pattern));
      }
      break;
    }
    case FieldKind::kInteger: {
      std::string n = std::to_string(value.number());
      CheckBounds(spec, n, Shown(spec, n), "");
      break;
    }
    case FieldKind::kDecimal:
      CheckBounds(spec, value.text(), Shown(spec, value.text()), "");
      break;
    case FieldKind::kEnum:
      if (std::find(spec.values.begin(), spec.values.end(), value.text()) == spec.values.end()) {
        std::string choices;
        for (const auto& v : spec.values) choices += (choices.empty() ? "" : ", ") + v;
        Broken(spec,
               fmt::format("{} is not one of the choices: {}", Shown(spec, value.text()), choices));
      }
      break;
    case FieldKind::kBoolean:
    case FieldKind::kDate:
      break;
  }
}

events::FieldValue CoerceField(const FieldSpec& spec, const std::string& text) {
  std::optional<events::FieldValue> value;
  switch (spec.kind) {
    case FieldKind::kString:
    case FieldKind::kEnum:
      if (!events::IsValidUtf8(text)) Broken(spec, "the value is not valid UTF-8 text");
      value = events::FieldValue::String(text);
      break;
    case FieldKind::kInteger: {
      int64_t n = 0;
      const char* begin = text.data() + (text.starts_with('+') ? 1 : 0);
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(begin, end, n);
      if (ec == std::errc::result_out_of_range) {
        Broken(spec, fmt::format("{} is out of the range of an integer", Shown(spec, text)));
      }
      if (ec != std::errc() || ptr != end || (begin != text.data() && *begin == '-')) {
        Broken(spec, fmt::format("{} is not a whole number", Shown(spec, text)));
      }
      value = events::FieldValue::Integer(n);
      break;
    }
    case FieldKind::kDecimal:
      try {
        value = events::FieldValue::Decimal(text);
      } catch (const base::Error&) {
        Broken(spec,
               fmt::format("{} is not a decimal number such as 1500000.50", Shown(spec, text)));
      }
      break;
    case FieldKind::kBoolean:
      if (text != "true" && text != "false") {
        Broken(spec, fmt::format("{} is not true or false", Shown(spec, text)));
      }
      value = events::FieldValue::Boolean(text == "true");
      break;
    case FieldKind::kDate:
      if (!events::IsValidDate(text)) {
        Broken(spec, fmt::format("{} is not a date written YYYY-MM-DD", Shown(spec, text)));
      }
      value = events::FieldValue::Date(text);
      break;
  }
  CheckField(spec, *value);
  return *std::move(value);
}

}  // namespace jejak::workflow
