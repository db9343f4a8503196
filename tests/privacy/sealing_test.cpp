// Sealed fields open only with their subject's key, in their own place.
#include "privacy/sealing.h"

#include <doctest/doctest.h>

#include <set>

#include "base/error.h"
#include "base/random.h"
#include "events/encoding.h"
#include "privacy/kek.h"

namespace jejak::privacy {
namespace {

using base::Error;
using base::ErrorCode;
using events::FieldValue;

TEST_CASE("a sealed value opens with its key in its place, and nowhere else") {
  std::string key = base::RandomBytes(32), other = base::RandomBytes(32);
  events::EventId id = events::EventId::New(), id2 = events::EventId::New();
  FieldValue nik = FieldValue::String("3273010101900001");
  FieldValue sealed = Seal(key, "subj-1", {"OSS-2026-000001", id, "nik"}, nik);
  CHECK(sealed.type() == events::FieldType::kSealed);
  CHECK(sealed.subject() == "subj-1");
  CHECK(sealed.text().find("3273010101900001") == std::string::npos);
  CHECK(Unseal(key, {"OSS-2026-000001", id, "nik"}, sealed) == nik);
  // Two seals of one value differ (fresh nonces).
  CHECK(Seal(key, "subj-1", {"OSS-2026-000001", id, "nik"}, nik) != sealed);

  auto refused = [&](std::string_view k, const SealContext& where, const FieldValue& v) {
    try {
      Unseal(k, where, v);
      return false;
    } catch (const Error& e) {
      return e.code() == ErrorCode::kCorruption;
    }
  };
  CHECK(refused(other, {"OSS-2026-000001", id, "nik"}, sealed));
  CHECK(refused(key, {"OSS-2026-000002", id, "nik"}, sealed));   // another request
  CHECK(refused(key, {"OSS-2026-000001", id2, "nik"}, sealed));  // another event
  CHECK(refused(key, {"OSS-2026-000001", id, "nama"}, sealed));  // another field
  CHECK(refused(key, {"OSS-2026-000001", id, "nik"},
                FieldValue::Sealed("subj-2", sealed.text())));  // another subject
  std::string damaged = sealed.text();
  damaged[20] ^= 1;
  CHECK(refused(key, {"OSS-2026-000001", id, "nik"}, FieldValue::Sealed("subj-1", damaged)));
}

TEST_CASE("every field type seals and opens with the type inside the ciphertext") {
  std::string key = base::RandomBytes(32);
  events::EventId id = events::EventId::New();
  for (const FieldValue& v :
       {FieldValue::String("Jl. Asia Afrika No. 8"), FieldValue::Integer(42),
        FieldValue::Decimal("12.5"), FieldValue::Boolean(false), FieldValue::Date("1990-01-01"),
        FieldValue::Bytes("\x01\x02"), FieldValue::Timestamp(1'700'000'000'000'000)}) {
    FieldValue s = Seal(key, "subj-1", {"R", id, "f"}, v);
    CHECK(Unseal(key, {"R", id, "f"}, s) == v);
  }
  CHECK_THROWS_AS(Seal(key, "subj-1", {"R", id, "f"}, Seal(key, "subj-1", {"R", id, "f"},
                                                            FieldValue::Integer(1))),
                  Error);
}

TEST_CASE("SealFields seals the named fields of an event, once") {
  std::string key = base::RandomBytes(32);
  events::Event e;
  e.id = events::EventId::New();
  e.request_id = "LAPOR-2026-000009";
  e.fields.insert_or_assign("nama_pelapor", FieldValue::String("Budi Santoso"));
  e.fields.insert_or_assign("kategori", FieldValue::String("kesehatan"));
  std::set<std::string> personal{"nama_pelapor"};
  SealFields(key, "subj-9", personal, e);
  CHECK(e.fields.at("nama_pelapor").type() == events::FieldType::kSealed);
  CHECK(e.fields.at("kategori") == FieldValue::String("kesehatan"));
  FieldValue once = e.fields.at("nama_pelapor");
  SealFields(key, "subj-9", personal, e);
  CHECK(e.fields.at("nama_pelapor") == once);
  CHECK(events::Encode(e).find("Budi") == std::string::npos);
}

TEST_CASE("a key-encryption key unwraps only its own keys, for their own label") {
  auto kek = KeyEncryptionKey::FromBytes(base::RandomBytes(32));
  auto other = KeyEncryptionKey::FromBytes(base::RandomBytes(32));
  std::string key = base::RandomBytes(32);
  std::string wrapped = kek->Wrap(key, "data_key/subj-1");
  CHECK(wrapped.find(key) == std::string::npos);
  CHECK(kek->Unwrap(wrapped, "data_key/subj-1") == key);
  for (auto [k, label] : {std::pair{other, "data_key/subj-1"}, std::pair{kek, "data_key/subj-2"}}) {
    try {
      k->Unwrap(wrapped, label);
      FAIL("unwrapped with the wrong key or label");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kPermissionDenied);
    }
  }
  CHECK_THROWS_AS(KeyEncryptionKey::FromBytes("short"), Error);
}

}  // namespace
}  // namespace jejak::privacy
