// Personal data in the engine (docs/PRIVACY.md): applicants act under
// subject ids, personal fields are sealed before they reach the ledger,
// erasure destroys the keys, and staff reads leave an access trail.
#include <doctest/doctest.h>

#include "base/error.h"
#include "engine/engine.h"
#include "engine/personal_view.h"
#include "events/encoding.h"
#include "events/vocabulary.h"
#include "ledger/verify.h"
#include "tests/helpers/raw_db.h"
#include "tests/testutil.h"
#include "workflow/workflow.h"

namespace jejak::engine {
namespace {

using base::Error;
using base::ErrorCode;

constexpr char kWorkflow[] = R"(workflow: izin-pribadi
version: 1
agency: DPMPTSP Kota Uji
title: Izin dengan data pribadi
fields:
  nik: {title: NIK, type: string, required: true, pattern: "[0-9]{16}", pii: true, pii_roles: [verifikator]}
  nama: {title: Nama, type: string, required: true, pii: true, pii_roles: [verifikator, kadis]}
  alamat: {title: Alamat, type: string, pii: true, pii_roles: [verifikator]}
  usaha: {title: Nama usaha, type: string, required: true}
  catatan: {title: Catatan, type: string}
states:
  diajukan: {title: Diajukan, initial: true}
  diverifikasi: {title: Diverifikasi}
  selesai: {title: Selesai, terminal: true}
actions:
  verifikasi: {title: Verifikasi, from: diajukan, to: diverifikasi, roles: [verifikator], fields: [catatan, alamat]}
  lengkapi: {title: Lengkapi, from: diajukan, to: diajukan, roles: [applicant], fields: [alamat]}
  selesaikan: {title: Selesaikan, from: diverifikasi, to: selesai, roles: [kadis]}
)";

const events::Actor kAdmin{"admin-01", "admin", "DPMPTSP Kota Uji"};
const events::Actor kOfficer{"NIP-001", "verifikator", "DPMPTSP Kota Uji"};
const events::Actor kDpo{"NIP-DPO", "dpo", ""};

struct PersonalDataFixture {
  testing::TempDir dir;
  std::unique_ptr<Engine> engine;
  explicit PersonalDataFixture(bool kek = true) { Open(kek); }
  void Open(bool kek = true) {
    EngineOptions o;
    o.data_dir = dir.path();
    o.sla_interval = std::chrono::milliseconds(0);
    if (kek) o.kek = testing::TestKek();
    engine = Engine::Open(o);
    engine->Deploy(workflow::ParseWorkflow(kWorkflow, "izin-pribadi.yaml"), kAdmin);
  }
  Accepted Submit(const std::string& nik, const std::string& nama) {
    return engine->Submit(
        {"izin-pribadi", nik, {{"nik", nik}, {"nama", nama}, {"usaha", "Warung Sejahtera"}}, ""});
  }
  std::shared_ptr<const workflow::Workflow> Workflow() {
    std::shared_ptr<const workflow::Workflow> wf;
    engine->Read([&](const EngineState& s) { wf = s.Latest("izin-pribadi"); });
    return wf;
  }
};

TEST_CASE("applicants act under subject ids and their personal fields are sealed") {
  PersonalDataFixture fx;
  Accepted a = fx.Submit("3273010101900001", "Siti Aminah");
  const events::Event& e = a.event;
  CHECK(privacy::KeyStore::IsSubjectId(e.actor.subject));
  CHECK(e.fields.at("nik").type() == events::FieldType::kSealed);
  CHECK(e.fields.at("nama").type() == events::FieldType::kSealed);
  CHECK(e.fields.at("usaha") == events::FieldValue::String("Warung Sejahtera"));
  std::string bytes = fx.engine->ledger().Get(e.seq)->bytes;
  CHECK(bytes.find("3273010101900001") == std::string::npos);
  CHECK(bytes.find("Siti Aminah") == std::string::npos);
  // The same citizen submits again: the same subject.
  Accepted b = fx.Submit("3273010101900001", "Siti Aminah");
  CHECK(b.event.actor.subject == e.actor.subject);
  CHECK(fx.Submit("3273010101900002", "Budi").event.actor.subject != e.actor.subject);
  // The applicant acts by NIK; the field they add is sealed too.
  Accepted c = fx.engine->Act({a.event.request_id,
                               "lengkapi",
                               {"3273010101900001", "applicant", ""},
                               {{"alamat", "Jl. Merdeka 1"}},
                               "",
                               std::nullopt,
                               ""});
  CHECK(c.event.actor.subject == e.actor.subject);
  CHECK(c.event.fields.at("alamat").type() == events::FieldType::kSealed);
  // A verifikator opens them; a kadis sees nama only.
  events::Event opened = a.event;
  ShownFields shown = ShowPersonalFields(
      opened, fx.Workflow().get(), [](const workflow::FieldSpec& f) { return f.name != "alamat"; },
      fx.engine->keys());
  CHECK(opened.fields.at("nik") == events::FieldValue::String("3273010101900001"));
  CHECK(opened.fields.at("nama") == events::FieldValue::String("Siti Aminah"));
  CHECK(shown.opened.size() == 2);
  CHECK(ledger::VerifyLedger(fx.dir.Sub("ledger")).ok);
}

TEST_CASE("a workflow whose guard reads a personal field is refused at deployment") {
  PersonalDataFixture f;
  std::string yaml = kWorkflow;
  yaml.replace(yaml.find("workflow: izin-pribadi"), 22, "workflow: izin-penjaga");
  yaml.replace(yaml.find("roles: [kadis]}"), 15, "roles: [kadis], guard: \"nama != 'x'\"}");
  auto wf = workflow::ParseWorkflow(yaml, "izin-penjaga.yaml");
  uint64_t before = f.engine->ledger().size();
  try {
    f.engine->Deploy(wf, kAdmin);
    FAIL("deployed a guard over a sealed field");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("personal field \"nama\"") != std::string::npos);
  }
  CHECK(f.engine->ledger().size() == before);
}

TEST_CASE("without a key-encryption key, no applicant is accepted") {
  PersonalDataFixture fx(false);
  try {
    fx.Submit("3273010101900001", "Siti Aminah");
    FAIL("accepted without a KEK");
  } catch (const Error& e) {
    CHECK(std::string(e.reason()) == "no_key_store");
  }
  CHECK(fx.engine->ledger().size() == 1);  // the deployment only
}

TEST_CASE("erasure destroys the subject keys while the ledger verifies and others still open") {
  PersonalDataFixture fx;
  Accepted gone = fx.Submit("3273010101900001", "Siti Aminah");
  Accepted kept = fx.Submit("3273010101900002", "Budi Santoso");
  Erasure r = fx.engine->EraseSubject({"3273010101900001", "permintaan subjek (Pasal 8)", kDpo});
  CHECK(r.subject == gone.event.actor.subject);
  CHECK(r.purged);
  CHECK(r.plaintext_entries == 0);
  CHECK(r.accepted.event.type == events::types::kSubjectErased);
  CHECK(r.accepted.event.request_id.empty());
  CHECK(std::string(events::Encode(r.accepted.event)).find("3273010101900001") ==
        std::string::npos);
  CHECK_FALSE(fx.engine->keys()->DataKey(r.subject));
  CHECK(testing::FileHolding(fx.dir.Sub("subjects"), "k/" + r.subject) == "");

  auto all = [](const workflow::FieldSpec&) { return true; };
  events::Event e = gone.event;
  ShownFields shown = ShowPersonalFields(e, fx.Workflow().get(), all, fx.engine->keys());
  CHECK(shown.opened.empty());
  CHECK(shown.hidden.at("nik") == "erased");
  events::Event k = kept.event;
  CHECK(ShowPersonalFields(k, fx.Workflow().get(), all, fx.engine->keys()).opened.size() == 2);
  CHECK(ledger::VerifyLedger(fx.dir.Sub("ledger")).ok);

  // Erasing again, or someone unknown: unknown_subject.
  for (const char* id : {"3273010101900001", "3273010101909999"}) {
    try {
      fx.engine->EraseSubject({id, "again", kDpo});
      FAIL("erased " << id);
    } catch (const Error& err) {
      CHECK(std::string(err.reason()) == "unknown_subject");
    }
  }
  // The citizen returns: a new subject, and no personal field can be added
  // to the erased requests.
  Accepted back = fx.Submit("3273010101900001", "Siti Aminah");
  CHECK(back.event.actor.subject != r.subject);
  try {
    fx.engine->Act({gone.event.request_id,
                    "verifikasi",
                    kOfficer,
                    {{"alamat", "Jl. Baru"}},
                    "",
                    std::nullopt,
                    ""});
    FAIL("sealed a field for an erased subject");
  } catch (const Error& err) {
    CHECK(std::string(err.reason()) == "unknown_subject");
  }
  // After a restart, the erasure holds.
  fx.engine.reset();
  fx.Open();
  CHECK_FALSE(fx.engine->keys()->DataKey(r.subject));
  CHECK(fx.engine->keys()->Find("3273010101900001") == back.event.actor.subject);
}

TEST_CASE("a staff read's access record is durable and changes no request") {
  PersonalDataFixture fx;
  Accepted a = fx.Submit("3273010101900001", "Siti Aminah");
  uint64_t before = fx.engine->ledger().size();
  fx.engine->RecordAccess({a.event.request_id, kOfficer, {"nama", "nik"}, "api"});
  CHECK(fx.engine->ledger().size() == before + 1);
  events::Event rec = events::Decode(fx.engine->ledger().Get(before)->bytes);
  CHECK(rec.type == events::types::kPersonalDataAccessed);
  CHECK(rec.request_id == a.event.request_id);
  CHECK(rec.actor == kOfficer);
  CHECK(rec.fields.at("accessed_fields").text() == "nama,nik");
  CHECK(rec.fields.at("interface").text() == "api");
  // The request's version is what it was: clients' expected_version holds.
  Accepted v = fx.engine->Act({a.event.request_id, "verifikasi", kOfficer, {}, "", 1, ""});
  CHECK(v.request_version == 2);
  CHECK_THROWS_AS(fx.engine->RecordAccess({"IZIN-2026-999999", kOfficer, {"nik"}, "api"}), Error);
}

TEST_CASE("an officer acting on their own request is marked, though the event names a subject id") {
  PersonalDataFixture fx;
  Accepted a = fx.Submit("3273010101900009", "Pegawai");
  // The officer's own id is the one they applied under.
  Accepted v = fx.engine->Act({a.event.request_id,
                               "verifikasi",
                               {"3273010101900009", "verifikator", "DPMPTSP Kota Uji"},
                               {},
                               "",
                               std::nullopt,
                               ""});
  CHECK(v.event.fields.at("actor_is_applicant") == events::FieldValue::Boolean(true));
  Accepted b = fx.Submit("3273010101900010", "Warga");
  Accepted w =
      fx.engine->Act({b.event.request_id, "verifikasi", kOfficer, {}, "", std::nullopt, ""});
  CHECK(w.event.fields.count("actor_is_applicant") == 0);
  // An officer known to have applied for nothing who applies later is caught
  // on their own request, also after a restart.
  Accepted c = fx.Submit("3273010101900011", "Warga Lain");
  const events::Actor later{"3273010101900012", "verifikator", "DPMPTSP Kota Uji"};
  Accepted x = fx.engine->Act({c.event.request_id, "verifikasi", later, {}, "", std::nullopt, ""});
  CHECK(x.event.fields.count("actor_is_applicant") == 0);
  Accepted own = fx.Submit("3273010101900012", "Pegawai Baru");
  Accepted y =
      fx.engine->Act({own.event.request_id, "verifikasi", later, {}, "", std::nullopt, ""});
  CHECK(y.event.fields.at("actor_is_applicant") == events::FieldValue::Boolean(true));
  fx.engine.reset();
  fx.Open();
  Accepted again = fx.Submit("3273010101900012", "Pegawai Baru");
  Accepted z =
      fx.engine->Act({again.event.request_id, "verifikasi", later, {}, "", std::nullopt, ""});
  CHECK(z.event.fields.at("actor_is_applicant") == events::FieldValue::Boolean(true));
}

}  // namespace
}  // namespace jejak::engine
