#include "privacy/sealing.h"

#include <fmt/format.h>

#include "base/big_endian.h"
#include "base/error.h"
#include "events/encoding.h"
#include "privacy/aes_gcm.h"

namespace jejak::privacy {
namespace {

using base::Error;
using base::ErrorCode;

void AppendStr(std::string& out, std::string_view s) {
  base::AppendBe32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// "jejak.sealed.v1" 0x00 || str request_id || event id || str field ||
// str subject (docs/FORMAT.md).
std::string Aad(const SealContext& where, std::string_view subject) {
  std::string aad = "jejak.sealed.v1";
  aad.push_back('\0');
  AppendStr(aad, where.request_id);
  aad.append(reinterpret_cast<const char*>(where.event_id.bytes.data()), where.event_id.bytes.size());
  AppendStr(aad, where.field);
  AppendStr(aad, subject);
  return aad;
}

}  // namespace

events::FieldValue Seal(std::string_view data_key, std::string_view subject,
                        const SealContext& where, const events::FieldValue& value) {
  std::string plaintext = events::EncodeValue(value);
  std::string sealed = SealBytes(data_key, Aad(where, subject), plaintext);
  return events::FieldValue::Sealed(std::string(subject), std::move(sealed));
}

events::FieldValue Unseal(std::string_view data_key, const SealContext& where,
                          const events::FieldValue& sealed) {
  if (sealed.type() != events::FieldType::kSealed) {
    throw Error(ErrorCode::kInvalidArgument, fmt::format("field {} is not sealed", where.field));
  }
  std::string plaintext;
  if (!OpenBytes(data_key, Aad(where, sealed.subject()), sealed.text(), &plaintext)) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("sealed field {} of {} does not open with its subject's key: moved "
                            "from another event, or damaged",
                            where.field, where.request_id));
  }
  return events::DecodeValue(plaintext);
}

}  // namespace jejak::privacy
