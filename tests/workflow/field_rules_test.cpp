// CoerceField and CheckField: command text to typed values, and the rules.
#include <doctest/doctest.h>

#include "base/error.h"
#include "workflow/field_rules.h"
#include "workflow/workflow.h"

namespace jejak::workflow {
namespace {

using events::FieldType;
using events::FieldValue;

FieldSpec Spec(const std::string& name, FieldKind kind) {
  FieldSpec f;
  f.name = name;
  f.title = name;
  f.kind = kind;
  return f;
}

// The message of the error CoerceField throws, or "" if it accepts text.
std::string Refusal(const FieldSpec& spec, const std::string& text) {
  try {
    CoerceField(spec, text);
    return "";
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kInvalidArgument);
    return e.what();
  }
}

TEST_CASE("field rules: integers") {
  FieldSpec f = Spec("karyawan", FieldKind::kInteger);
  f.min = "1";
  f.max = "1000000";
  CHECK(CoerceField(f, "12") == FieldValue::Integer(12));
  CHECK(CoerceField(f, "+7") == FieldValue::Integer(7));
  CHECK(CoerceField(f, "1000000") == FieldValue::Integer(1000000));
  CHECK(Refusal(f, "0") == "field \"karyawan\": \"0\" is below the minimum 1");
  CHECK(Refusal(f, "1000001") == "field \"karyawan\": \"1000001\" is above the maximum 1000000");
  CHECK(Refusal(f, "12.5") == "field \"karyawan\": \"12.5\" is not a whole number");
  CHECK(Refusal(f, "dua").find("is not a whole number") != std::string::npos);
  CHECK(Refusal(f, "").find("is not a whole number") != std::string::npos);
  CHECK(Refusal(f, "+-3").find("is not a whole number") != std::string::npos);
  CHECK(Refusal(f, " 12").find("is not a whole number") != std::string::npos);
  CHECK(Refusal(f, "99999999999999999999").find("out of the range") != std::string::npos);
  FieldSpec neg = Spec("suhu", FieldKind::kInteger);
  CHECK(CoerceField(neg, "-9223372036854775808").number() == INT64_MIN);
}

TEST_CASE("field rules: decimals are exact and canonical") {
  FieldSpec f = Spec("modal", FieldKind::kDecimal);
  f.min = "0";
  f.max = "10000000000";
  FieldValue v = CoerceField(f, "1500000.50");
  CHECK(v.type() == FieldType::kDecimal);
  CHECK(v.text() == "1500000.5");
  CHECK(CoerceField(f, "10000000000.000").text() == "10000000000");
  CHECK(Refusal(f, "10000000000.0000000001").find("is above the maximum 10000000000") !=
        std::string::npos);
  CHECK(Refusal(f, "-0.01").find("is below the minimum 0") != std::string::npos);
  CHECK(Refusal(f, "1,5") == "field \"modal\": \"1,5\" is not a decimal number such as 1500000.50");
  CHECK(Refusal(f, "1e9").find("not a decimal") != std::string::npos);
}

TEST_CASE("field rules: booleans and dates and enums") {
  FieldSpec b = Spec("milik_sendiri", FieldKind::kBoolean);
  CHECK(CoerceField(b, "true") == FieldValue::Boolean(true));
  CHECK(CoerceField(b, "false") == FieldValue::Boolean(false));
  CHECK(Refusal(b, "ya") == "field \"milik_sendiri\": \"ya\" is not true or false");
  CHECK(Refusal(b, "TRUE") != "");

  FieldSpec d = Spec("tanggal_kejadian", FieldKind::kDate);
  CHECK(CoerceField(d, "2026-11-28") == FieldValue::Date("2026-11-28"));
  CHECK(Refusal(d, "2026-02-30").find("is not a date written YYYY-MM-DD") != std::string::npos);
  CHECK(Refusal(d, "28-11-2026") != "");

  FieldSpec e = Spec("skala", FieldKind::kEnum);
  e.values = {"mikro", "kecil", "menengah"};
  CHECK(CoerceField(e, "kecil") == FieldValue::String("kecil"));
  CHECK(Refusal(e, "besar") ==
        "field \"skala\": \"besar\" is not one of the choices: mikro, kecil, menengah");
  CHECK(Refusal(e, "Kecil") != "");  // case matters
}

// std::regex recursed once per character: 100,000 characters overflowed the
// decider thread's stack. RE2 matches in linear time without recursion.
TEST_CASE("field rules: a pattern field with 100,000 characters is refused, not a crash") {
  FieldSpec koordinat = Spec("koordinat", FieldKind::kString);
  koordinat.pattern = "-?[0-9]{1,2}\\.[0-9]+, ?-?[0-9]{1,3}\\.[0-9]+";
  std::string huge = "-6." + std::string(100'000, '9');
  std::string m = Refusal(koordinat, huge);
  CHECK(m.find("does not match the pattern") != std::string::npos);
  CHECK(m.find("(100003 bytes)") != std::string::npos);
  CHECK(m.size() < 300);  // the refusal quotes a short prefix, not the value
  CHECK(Refusal(koordinat, "-6.9175, 107.6191") == "");
  // Alternation over a long input: linear, and still correct.
  FieldSpec alt = Spec("alt", FieldKind::kString);
  alt.pattern = "(a|aa)*b";
  CHECK(Refusal(alt, std::string(100'000, 'a')) != "");
  CHECK(Refusal(alt, std::string(100'000, 'a') + "b") == "");
}

TEST_CASE("field rules: a pattern RE2 cannot compile is an error, not a crash") {
  FieldSpec f = Spec("kode", FieldKind::kString);
  f.pattern = "(?=lookahead)x";
  CHECK_THROWS_AS(CoerceField(f, "x"), base::Error);
}

TEST_CASE("field rules: strings by pattern and length in characters") {
  FieldSpec kbli = Spec("kbli", FieldKind::kString);
  kbli.pattern = "[0-9]{5}";
  CHECK(CoerceField(kbli, "47111") == FieldValue::String("47111"));
  // The whole value must match, not just a part of it.
  CHECK(Refusal(kbli, "471112") ==
        "field \"kbli\": \"471112\" does not match the pattern [0-9]{5}");
  CHECK(Refusal(kbli, "x47111") != "");
  FieldSpec hp = Spec("nomor_hp", FieldKind::kString);
  hp.pattern = "(\\+62|0)8[0-9]{8,11}";
  CHECK(CoerceField(hp, "+6281234567890").text() == "+6281234567890");
  CHECK(CoerceField(hp, "081234567890").text() == "081234567890");
  CHECK(Refusal(hp, "6281234567890") != "");
}

TEST_CASE("field rules: string lengths count characters not bytes") {
  FieldSpec nama = Spec("nama_usaha", FieldKind::kString);
  nama.min = "3";
  nama.max = "5";
  CHECK(CoerceField(nama, "Kopi").text() == "Kopi");
  CHECK(CoerceField(nama, "Café!").text() == "Café!");  // 5 characters, 6 bytes
  CHECK(Refusal(nama, "Ko") ==
        "field \"nama_usaha\": length 2 of \"Ko\" is below the minimum 3 characters");
  CHECK(Refusal(nama, "Warung") ==
        "field \"nama_usaha\": length 6 of \"Warung\" is above the maximum 5 characters");
  CHECK(Refusal(nama, std::string("a\xff")).find("not valid UTF-8") != std::string::npos);
}

TEST_CASE("field rules: personal data is not echoed in errors") {
  FieldSpec nik = Spec("nik", FieldKind::kString);
  nik.pattern = "[0-9]{16}";
  nik.pii = true;
  CHECK(CoerceField(nik, "3273012501900001").text() == "3273012501900001");
  std::string m = Refusal(nik, "32730125019000");
  CHECK(m == "field \"nik\": the value does not match the pattern [0-9]{16}");
  CHECK(m.find("32730125019000") == std::string::npos);
}

TEST_CASE("field rules: CheckField checks typed values and their type") {
  FieldSpec f = Spec("karyawan", FieldKind::kInteger);
  f.max = "10";
  CHECK_NOTHROW(CheckField(f, FieldValue::Integer(10)));
  CHECK_THROWS_WITH_AS(CheckField(f, FieldValue::Integer(11)),
                       "field \"karyawan\": \"11\" is above the maximum 10", base::Error);
  CHECK_THROWS_WITH_AS(CheckField(f, FieldValue::String("10")),
                       "field \"karyawan\": expected a value of type integer, got string",
                       base::Error);
  FieldSpec e = Spec("skala", FieldKind::kEnum);
  e.values = {"mikro"};
  CHECK_NOTHROW(CheckField(e, FieldValue::String("mikro")));
  CHECK_THROWS_AS(CheckField(e, FieldValue::String("kecil")), base::Error);
  FieldSpec d = Spec("modal", FieldKind::kDecimal);
  CHECK_THROWS_AS(CheckField(d, FieldValue::Integer(5)), base::Error);
}

}  // namespace
}  // namespace jejak::workflow
