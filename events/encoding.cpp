#include "events/encoding.h"

#include <fmt/format.h>

#include <limits>

#include "base/error.h"
#include "events/time.h"

namespace jejak::events {
namespace {

using base::Error;
using base::ErrorCode;

class Writer {
 public:
  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(v >> shift));
  }
  void I64(int64_t v) {
    auto u = static_cast<uint64_t>(v);
    for (int shift = 56; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(u >> shift));
  }
  void Raw(std::string_view bytes, const char* what) {
    if (bytes.size() > std::numeric_limits<uint32_t>::max()) {
      throw Error(ErrorCode::kInvalidArgument, fmt::format("{} is longer than 4 GiB", what));
    }
    U32(static_cast<uint32_t>(bytes.size()));
    out_.append(bytes);
  }
  void Text(std::string_view text, const char* what) {
    if (!IsValidUtf8(text)) {
      throw Error(ErrorCode::kInvalidArgument, fmt::format("{} is not valid UTF-8", what));
    }
    Raw(text, what);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  uint8_t U8(const char* what) {
    Need(1, what);
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint32_t U32(const char* what) {
    Need(4, what);
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(in_[pos_++]);
    return v;
  }
  int64_t I64(const char* what) {
    Need(8, what);
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(in_[pos_++]);
    return static_cast<int64_t>(v);
  }
  // The event's time: an i64 within IsTimeInRange.
  int64_t Time() {
    int64_t t = I64("time");
    if (!IsTimeInRange(t)) Fail("time is outside the years 0000 to 9999");
    return t;
  }
  std::string Raw(const char* what) {
    uint32_t n = U32(what);
    Need(n, what);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  std::string Text(const char* what) {
    std::string s = Raw(what);
    if (!IsValidUtf8(s)) Fail(fmt::format("{} is not valid UTF-8", what));
    return s;
  }
  // Raw() and Text() without the copy; the view is into the input.
  std::string_view RawView(const char* what) {
    uint32_t n = U32(what);
    Need(n, what);
    std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view TextView(const char* what) {
    std::string_view s = RawView(what);
    if (!IsValidUtf8(s)) Fail(fmt::format("{} is not valid UTF-8", what));
    return s;
  }
  void Skip(size_t n, const char* what) {
    Need(n, what);
    pos_ += n;
  }
  uint8_t PeekU8(const char* what) const {
    Need(1, what);
    return static_cast<uint8_t>(in_[pos_]);
  }
  void Fixed(uint8_t* out, size_t n, const char* what) {
    Need(n, what);
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(in_[pos_++]);
  }
  bool AtEnd() const { return pos_ == in_.size(); }
  size_t pos() const { return pos_; }

  [[noreturn]] void Fail(const std::string& why) const {
    throw Error(ErrorCode::kCorruption,
                fmt::format("bad event encoding at byte {}: {}", pos_, why));
  }

 private:
  void Need(size_t n, const char* what) const {
    if (in_.size() - pos_ < n) Fail(fmt::format("truncated {}", what));
  }

  std::string_view in_;
  size_t pos_ = 0;
};

void WriteField(Writer& w, const FieldValue& v) {
  w.U8(static_cast<uint8_t>(v.type()));
  switch (v.type()) {
    case FieldType::kString:
    case FieldType::kDecimal:
    case FieldType::kDate:
      w.Text(v.text(), "field value");
      break;
    case FieldType::kBytes:
      w.Raw(v.text(), "field value");
      break;
    case FieldType::kInteger:
    case FieldType::kTimestamp:
      w.I64(v.number());
      break;
    case FieldType::kBoolean:
      w.U8(v.boolean() ? 1 : 0);
      break;
    case FieldType::kSealed:
      w.Text(v.subject(), "sealed subject");
      w.Raw(v.text(), "sealed value");
      break;
  }
}

FieldValue ReadField(Reader& r) {
  uint8_t tag = r.U8("field type");
  try {
    switch (static_cast<FieldType>(tag)) {
      case FieldType::kString:
        return FieldValue::String(r.Text("field value"));
      case FieldType::kInteger:
        return FieldValue::Integer(r.I64("field value"));
      case FieldType::kDecimal: {
        std::string text = r.Text("field value");
        if (CanonicalDecimal(text) != text) r.Fail("decimal is not in canonical form");
        return FieldValue::Decimal(text);
      }
      case FieldType::kBoolean: {
        uint8_t b = r.U8("field value");
        if (b > 1) r.Fail("boolean is neither 0 nor 1");
        return FieldValue::Boolean(b == 1);
      }
      case FieldType::kDate:
        return FieldValue::Date(r.Text("field value"));
      case FieldType::kBytes:
        return FieldValue::Bytes(r.Raw("field value"));
      case FieldType::kTimestamp:
        return FieldValue::Timestamp(r.I64("field value"));
      case FieldType::kSealed: {
        std::string subject = r.Text("sealed subject");
        return FieldValue::Sealed(std::move(subject), r.Raw("sealed value"));
      }
    }
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kCorruption) throw;
    r.Fail(e.what());
  }
  r.Fail(fmt::format("unknown field type tag {}", tag));
}

// ReadField() without building the value for the common types; the others
// (rare, with canonical forms to check) go through ReadField() itself so that
// both accept exactly the same bytes.
void CheckField(Reader& r) {
  switch (static_cast<FieldType>(r.PeekU8("field type"))) {
    case FieldType::kString:
      r.U8("field type");
      r.TextView("field value");
      return;
    case FieldType::kBytes:
      r.U8("field type");
      r.RawView("field value");
      return;
    case FieldType::kInteger:
      r.U8("field type");
      r.Skip(8, "field value");
      return;
    default:
      ReadField(r);
      return;
  }
}

}  // namespace

namespace {

bool HasSealed(const Fields& fields) {
  for (const auto& [name, value] : fields) {
    if (value.type() == FieldType::kSealed) return true;
  }
  return false;
}

// Version 2 is version 1 with sealed fields; an event is version 2 exactly
// when it has one, so older events keep their bytes.
uint8_t ReadVersion(Reader& r) {
  uint8_t version = r.U8("version");
  if (version != kEncodingVersion && version != kSealedEncodingVersion) {
    r.Fail(fmt::format("unknown encoding version {}", version));
  }
  return version;
}

void CheckSealedVersion(Reader& r, uint8_t version, bool sealed) {
  if (sealed && version != kSealedEncodingVersion) {
    r.Fail("a sealed field needs encoding version 2");
  }
  if (!sealed && version != kEncodingVersion) r.Fail("version 2 without a sealed field");
}

}  // namespace

std::string EncodeValue(const FieldValue& value) {
  if (value.type() == FieldType::kSealed) {
    throw Error(ErrorCode::kInvalidArgument, "a sealed value cannot be sealed again");
  }
  Writer w;
  WriteField(w, value);
  return w.Take();
}

FieldValue DecodeValue(std::string_view bytes) {
  Reader r(bytes);
  if (r.PeekU8("field type") == static_cast<uint8_t>(FieldType::kSealed)) {
    r.Fail("a sealed value inside a sealed value");
  }
  FieldValue v = ReadField(r);
  if (!r.AtEnd()) r.Fail("trailing bytes after the value");
  return v;
}

std::string Encode(const Event& e) {
  Writer w;
  w.U8(HasSealed(e.fields) ? kSealedEncodingVersion : kEncodingVersion);
  for (uint8_t b : e.id.bytes) w.U8(b);
  w.Text(e.request_id, "request_id");
  w.Text(e.workflow, "workflow");
  w.U32(e.workflow_version);
  w.Text(e.type, "type");
  w.Text(e.actor.subject, "actor.subject");
  w.Text(e.actor.role, "actor.role");
  w.Text(e.actor.agency, "actor.agency");
  if (!IsTimeInRange(e.time_us)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("time {} us is outside the years 0000 to 9999", e.time_us));
  }
  w.I64(e.time_us);
  w.Text(e.idempotency_key, "idempotency_key");
  w.Text(e.causation_id, "causation_id");
  w.Text(e.correlation_id, "correlation_id");
  if (e.fields.size() > std::numeric_limits<uint32_t>::max()) {
    throw Error(ErrorCode::kInvalidArgument, "too many fields");
  }
  w.U32(static_cast<uint32_t>(e.fields.size()));
  for (const auto& [name, value] : e.fields) {  // std::map: bytewise name order
    w.Text(name, "field name");
    WriteField(w, value);
  }
  return w.Take();
}

Event Decode(std::string_view bytes) {
  Reader r(bytes);
  uint8_t version = ReadVersion(r);
  Event e;
  r.Fixed(e.id.bytes.data(), e.id.bytes.size(), "event id");
  e.request_id = r.Text("request_id");
  e.workflow = r.Text("workflow");
  e.workflow_version = r.U32("workflow_version");
  e.type = r.Text("type");
  e.actor.subject = r.Text("actor.subject");
  e.actor.role = r.Text("actor.role");
  e.actor.agency = r.Text("actor.agency");
  e.time_us = r.Time();
  e.idempotency_key = r.Text("idempotency_key");
  e.causation_id = r.Text("causation_id");
  e.correlation_id = r.Text("correlation_id");
  uint32_t count = r.U32("field count");
  const std::string* previous = nullptr;
  bool sealed = false;
  for (uint32_t i = 0; i < count; ++i) {
    std::string name = r.Text("field name");
    if (previous != nullptr && !(*previous < name)) {
      r.Fail(fmt::format("field \"{}\" is out of order or repeated", name));
    }
    FieldValue value = ReadField(r);
    sealed = sealed || value.type() == FieldType::kSealed;
    auto it = e.fields.emplace_hint(e.fields.end(), std::move(name), std::move(value));
    previous = &it->first;
  }
  if (!r.AtEnd()) r.Fail("trailing bytes after the last field");
  CheckSealedVersion(r, version, sealed);
  return e;
}

// Mirrors Decode() step by step; keep the two in sync.
EventKeys CheckCanonical(std::string_view bytes) {
  Reader r(bytes);
  uint8_t version = ReadVersion(r);
  EventKeys keys;
  r.Skip(16, "event id");
  keys.request_id = r.TextView("request_id");
  r.TextView("workflow");
  r.U32("workflow_version");
  keys.type = r.TextView("type");
  keys.actor_subject = r.TextView("actor.subject");
  r.TextView("actor.role");
  r.TextView("actor.agency");
  r.Time();
  r.TextView("idempotency_key");
  r.TextView("causation_id");
  r.TextView("correlation_id");
  uint32_t count = r.U32("field count");
  std::string_view previous;
  bool sealed = false;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view name = r.TextView("field name");
    if (i > 0 && !(previous < name)) {
      r.Fail(fmt::format("field \"{}\" is out of order or repeated", name));
    }
    sealed = sealed || r.PeekU8("field type") == static_cast<uint8_t>(FieldType::kSealed);
    CheckField(r);
    previous = name;
  }
  if (!r.AtEnd()) r.Fail("trailing bytes after the last field");
  CheckSealedVersion(r, version, sealed);
  return keys;
}

}  // namespace jejak::events
