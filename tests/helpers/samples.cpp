#include "tests/helpers/samples.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "events/encoding.h"

namespace jejak::testing {

events::Event SampleEvent(uint64_t n, std::string request_id) {
  events::Event e;
  for (size_t i = 0; i < 16; ++i) e.id.bytes[i] = static_cast<uint8_t>(n >> (8 * (i % 8)) ^ i);
  e.request_id = request_id.empty() ? "REQ-" + std::to_string(n % 97) : std::move(request_id);
  e.workflow = "oss-izin-usaha";
  e.workflow_version = 1;
  e.type = "action";
  e.actor = {"officer-" + std::to_string(n % 5), "verifikator", "DPMPTSP Kota Bandung"};
  e.time_us = 1'795'000'000'000'000 + static_cast<int64_t>(n) * 1'000'000;
  e.fields.emplace("action", events::FieldValue::String("verify_documents"));
  e.fields.emplace("note", events::FieldValue::String("berkas lengkap #" + std::to_string(n)));
  return e;
}

std::string SampleEventBytes(uint64_t n, std::string request_id) {
  return events::Encode(SampleEvent(n, std::move(request_id)));
}

events::Event EventWithEveryFieldType() {
  using events::FieldValue;
  events::Event e = SampleEvent(11);
  e.idempotency_key = "retry-7";
  e.causation_id = "cmd-9";
  e.correlation_id = "corr-9";
  e.actor.agency = "Dinas Penanaman Modal — Bandung";
  e.fields.emplace("nik", FieldValue::String("3273010101900001"));
  e.fields.emplace("employees", FieldValue::Integer(-12));
  e.fields.emplace("capital", FieldValue::Decimal("1500000000.50"));
  e.fields.emplace("owned", FieldValue::Boolean(true));
  e.fields.emplace("deed_date", FieldValue::Date("2024-02-29"));
  e.fields.emplace("digest", FieldValue::Bytes(std::string("\x00\xff\x10", 3)));
  e.fields.emplace("due", FieldValue::Timestamp(1'795'000'000'123'456));
  return e;
}

std::vector<std::string> OssSubmitArgs(const std::string& nik) {
  return {"submit",  "oss-izin-usaha",
          "--as",    nik,
          "--field", "nik=" + nik,
          "--field", "nama_pemohon=Siti Aminah",
          "--field", "nama_usaha=Kopi Aroma",
          "--field", "kbli=56303",
          "--field", "skala_usaha=mikro",
          "--field", "tingkat_risiko=rendah",
          "--field", "nilai_investasi=250000000",
          "--field", "jumlah_tenaga_kerja=4",
          "--field", "tempat_milik_sendiri=false",
          "--field", "lokasi_usaha=Jl. Braga 12, Bandung"};
}

std::shared_ptr<const privacy::KeyEncryptionKey> TestKek() {
  return privacy::KeyEncryptionKey::FromBytes(std::string(32, '\x4b'));
}

std::string TestKekFile() {
  static const std::string path = [] {
    std::string p = (std::filesystem::temp_directory_path() /
                     ("jejak-test-kek-" + std::to_string(::getpid())))
                        .string();
    std::ofstream(p, std::ios::binary | std::ios::trunc) << std::string(32, '\x4b');
    std::filesystem::permissions(p, std::filesystem::perms::owner_read |
                                        std::filesystem::perms::owner_write);
    return p;
  }();
  return path;
}

}  // namespace jejak::testing
