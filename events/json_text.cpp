#include "events/json_text.h"

#include <charconv>

#include "base/hex.h"
#include "events/time.h"

namespace jejak::events {
namespace {

using base::ToHex;

// nlohmann::json's escaping with ensure_ascii off: the short escapes, other
// control characters as \u00xx, everything else (valid UTF-8, which the
// canonical encoding guarantees) as is.
void Quoted(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  // Runs that need no escaping (nearly all text) are appended whole.
  size_t plain = 0;
  while (plain < s.size()) {
    auto u = static_cast<unsigned char>(s[plain]);
    if (u < 0x20 || u == '"' || u == '\\') break;
    ++plain;
  }
  out.append(s.data(), plain);
  s.remove_prefix(plain);
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 15];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

template <typename Int>
void Number(std::string& out, Int v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

// Members in the order nlohmann's std::map keeps them: bytewise by name.
// Names are jejak's own identifiers, which need no escaping.
void Member(std::string& out, std::string_view name, std::string_view text, bool first = false) {
  if (!first) out += ',';
  out += '"';
  out.append(name);
  out += "\":";
  Quoted(out, text);
}

void Field(std::string& out, const FieldValue& v) {
  out += "{\"type\":";
  Quoted(out, FieldTypeName(v.type()));
  out += ",\"value\":";
  switch (v.type()) {
    case FieldType::kString:
    case FieldType::kDecimal:
    case FieldType::kDate:
      Quoted(out, v.text());
      break;
    case FieldType::kBytes:
      Quoted(out, ToHex(v.text()));
      break;
    case FieldType::kInteger:
      Number(out, v.number());
      break;
    case FieldType::kBoolean:
      out += v.boolean() ? "true" : "false";
      break;
    case FieldType::kTimestamp:
      Quoted(out, FormatRfc3339(v.number()));
      break;
    case FieldType::kSealed:
      out += "{\"ciphertext\":";
      Quoted(out, ToHex(v.text()));
      out += ",\"subject\":";
      Quoted(out, v.subject());
      out += '}';
      break;
  }
  out += '}';
}

}  // namespace

std::string ToJsonText(const Event& e) {
  std::string out;
  out.reserve(512);
  out += "{\"actor\":{";
  Member(out, "agency", e.actor.agency, true);
  Member(out, "role", e.actor.role);
  Member(out, "subject", e.actor.subject);
  out += '}';
  Member(out, "causation_id", e.causation_id);
  Member(out, "correlation_id", e.correlation_id);
  out += ",\"fields\":{";
  bool first = true;
  for (const auto& [name, value] : e.fields) {
    if (!first) out += ',';
    first = false;
    Quoted(out, name);
    out += ':';
    Field(out, value);
  }
  out += '}';
  Member(out, "id", e.id.ToString());
  Member(out, "idempotency_key", e.idempotency_key);
  Member(out, "request_id", e.request_id);
  out += ",\"seq\":";
  Number(out, e.seq);
  Member(out, "time", FormatRfc3339(e.time_us));
  Member(out, "type", e.type);
  Member(out, "workflow", e.workflow);
  out += ",\"workflow_version\":";
  Number(out, e.workflow_version);
  out += '}';
  return out;
}

}  // namespace jejak::events
