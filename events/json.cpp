#include "events/json.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/hex.h"
#include "events/time.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;
using base::FromHex;
using base::ToHex;
using nlohmann::json;

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message);
}

const json& Member(const json& object, const char* name) {
  if (!object.is_object()) Invalid("event JSON must be an object");
  auto it = object.find(name);
  if (it == object.end()) Invalid(fmt::format("event JSON has no \"{}\"", name));
  return *it;
}

std::string Text(const json& object, const char* name) {
  const json& v = Member(object, name);
  if (!v.is_string()) Invalid(fmt::format("\"{}\" must be a string", name));
  return v.get<std::string>();
}

uint64_t Unsigned(const json& object, const char* name) {
  const json& v = Member(object, name);
  if (!v.is_number_unsigned()) Invalid(fmt::format("\"{}\" must be a non-negative integer", name));
  return v.get<uint64_t>();
}

}  // namespace

json FieldToJson(const FieldValue& v) {
  json value;
  switch (v.type()) {
    case FieldType::kString:
    case FieldType::kDecimal:
    case FieldType::kDate:
      value = v.text();
      break;
    case FieldType::kBytes:
      value = ToHex(v.text());
      break;
    case FieldType::kInteger:
      value = v.number();
      break;
    case FieldType::kBoolean:
      value = v.boolean();
      break;
    case FieldType::kTimestamp:
      value = FormatRfc3339(v.number());
      break;
    case FieldType::kSealed:
      value = json{{"subject", v.subject()}, {"ciphertext", ToHex(v.text())}};
      break;
  }
  return json{{"type", FieldTypeName(v.type())}, {"value", std::move(value)}};
}

FieldValue FieldFromJson(const json& j) {
  FieldType type = FieldTypeFromName(Text(j, "type"));
  const json& v = Member(j, "value");
  auto need = [&](bool ok, const char* what) {
    if (!ok) Invalid(fmt::format("a {} field's value must be {}", FieldTypeName(type), what));
  };
  switch (type) {
    case FieldType::kString:
      need(v.is_string(), "a string");
      return FieldValue::String(v.get<std::string>());
    case FieldType::kDecimal:
      need(v.is_string(), "a string");
      return FieldValue::Decimal(v.get<std::string>());
    case FieldType::kDate:
      need(v.is_string(), "a string");
      return FieldValue::Date(v.get<std::string>());
    case FieldType::kBytes:
      need(v.is_string(), "a hex string");
      return FieldValue::Bytes(FromHex(v.get<std::string>()));
    case FieldType::kInteger:
      need(v.is_number_integer(), "an integer");
      return FieldValue::Integer(v.get<int64_t>());
    case FieldType::kBoolean:
      need(v.is_boolean(), "true or false");
      return FieldValue::Boolean(v.get<bool>());
    case FieldType::kTimestamp:
      need(v.is_string(), "an RFC 3339 string");
      return FieldValue::Timestamp(ParseRfc3339(v.get<std::string>()));
    case FieldType::kSealed:
      need(v.is_object() && v.size() == 2, "an object of subject and ciphertext");
      return FieldValue::Sealed(Text(v, "subject"), FromHex(Text(v, "ciphertext")));
  }
  Invalid("unknown field type");
}

json ToJson(const Event& e) {
  json fields = json::object();
  for (const auto& [name, value] : e.fields) fields[name] = FieldToJson(value);
  return json{
      {"seq", e.seq},
      {"id", e.id.ToString()},
      {"request_id", e.request_id},
      {"workflow", e.workflow},
      {"workflow_version", e.workflow_version},
      {"type", e.type},
      {"actor", {{"subject", e.actor.subject}, {"role", e.actor.role}, {"agency", e.actor.agency}}},
      {"time", FormatRfc3339(e.time_us)},
      {"fields", std::move(fields)},
      {"idempotency_key", e.idempotency_key},
      {"causation_id", e.causation_id},
      {"correlation_id", e.correlation_id},
  };
}

Event FromJson(const json& j) {
  Event e;
  e.seq = Unsigned(j, "seq");
  e.id = EventId::Parse(Text(j, "id"));
  e.request_id = Text(j, "request_id");
  e.workflow = Text(j, "workflow");
  uint64_t version = Unsigned(j, "workflow_version");
  if (version > UINT32_MAX) Invalid("\"workflow_version\" is out of range");
  e.workflow_version = static_cast<uint32_t>(version);
  e.type = Text(j, "type");
  const json& actor = Member(j, "actor");
  e.actor = Actor{Text(actor, "subject"), Text(actor, "role"), Text(actor, "agency")};
  e.time_us = ParseRfc3339(Text(j, "time"));
  const json& fields = Member(j, "fields");
  if (!fields.is_object()) Invalid("\"fields\" must be an object");
  for (const auto& [name, value] : fields.items()) {
    try {
      e.fields.emplace(name, FieldFromJson(value));
    } catch (const Error& err) {
      Invalid(fmt::format("field \"{}\": {}", name, err.what()));
    }
  }
  e.idempotency_key = Text(j, "idempotency_key");
  e.causation_id = Text(j, "causation_id");
  e.correlation_id = Text(j, "correlation_id");
  return e;
}

}  // namespace jejak::events
