#include "workflow/guard.h"

#include <doctest/doctest.h>

#include "base/error.h"

namespace jejak::workflow {
namespace {

using events::FieldValue;

events::Fields Oss() {
  return {{"modal", FieldValue::Decimal("10000000000.5")},
          {"karyawan", FieldValue::Integer(12)},
          {"risiko", FieldValue::String("menengah_tinggi")},
          {"milik_sendiri", FieldValue::Boolean(true)},
          {"tanggal", FieldValue::Date("2026-11-28")},
          {"kosong", FieldValue::String("")}};
}

bool Eval(const std::string& guard, const events::Fields& fields = Oss()) {
  return Guard::Parse(guard).Evaluate(fields);
}

// The 1-based column a syntax error names, or 0 if the guard parses.
int ErrorColumn(const std::string& guard) {
  int column = 0;
  std::string message;
  return Guard::TryParse(guard, &column, &message) ? 0 : column;
}

TEST_CASE("guard: numbers compare exactly across integers and decimals") {
  CHECK(Eval("modal >= 10000000000"));
  CHECK(Eval("modal > 10000000000.49999999999999999"));
  CHECK_FALSE(Eval("modal > 10000000000.5"));
  CHECK(Eval("modal == 10000000000.50"));
  CHECK(Eval("modal < 10000000000.500000000000000001"));
  CHECK(Eval("karyawan == 12.0"));
  CHECK(Eval("karyawan > 9"));  // not "12" < "9" as text
  CHECK(Eval("karyawan >= -5 and -5 < 0"));
  CHECK(Eval("karyawan != 13"));
  CHECK(Eval("0.1 < 0.11 and -0.5 > -1 and -1.5 < -1.25"));
  // 2^63 + 1 does not fit a double exactly; the comparison still is exact.
  CHECK(Eval("9223372036854775809 > 9223372036854775808"));
}

TEST_CASE("guard: text and dates and booleans and in lists") {
  CHECK(Eval("risiko == 'menengah_tinggi'"));
  CHECK(Eval("risiko in ['tinggi', \"menengah_tinggi\"]"));
  CHECK_FALSE(Eval("risiko in ['rendah', 'tinggi']"));
  CHECK(Eval("tanggal >= '2026-01-01' and tanggal < '2026-12-01'"));
  CHECK(Eval("milik_sendiri == true and milik_sendiri != false"));
  CHECK(Eval("milik_sendiri"));
  CHECK_FALSE(Eval("not milik_sendiri"));
  CHECK(Eval("kosong == ''"));
  CHECK(Eval("'it\\'s' == \"it's\""));
  CHECK(Eval("karyawan in [1, 12, 'dua belas']"));
}

TEST_CASE("guard: precedence and grouping") {
  // not binds tighter than and, and tighter than or.
  CHECK(Eval("karyawan == 1 or karyawan == 12 and modal > 0"));
  CHECK_FALSE(Eval("(karyawan == 1 or karyawan == 12) and modal < 0"));
  CHECK(Eval("not karyawan == 1 and not not milik_sendiri"));
  CHECK(Eval("(karyawan > 10) == true"));
}

TEST_CASE("guard: missing fields are null") {
  events::Fields none;
  CHECK(Eval("npwp == null", none));
  CHECK_FALSE(Eval("npwp != null", none));
  CHECK(Eval("karyawan != null"));
  CHECK_FALSE(Eval("karyawan == null"));
  // Ordering with null is false either way round; "!=" is true against values.
  CHECK_FALSE(Eval("npwp < 5", none));
  CHECK_FALSE(Eval("npwp >= 5", none));
  CHECK(Eval("npwp != 5", none));
  CHECK_FALSE(Eval("npwp in [1, 2]", none));
  CHECK(Eval("not npwp", none));
  CHECK_FALSE(Eval("npwp", none));
}

TEST_CASE("guard: comparing different kinds is false") {
  CHECK_FALSE(Eval("karyawan == '12'"));
  CHECK_FALSE(Eval("karyawan != '12'"));
  CHECK_FALSE(Eval("risiko > 5"));
  CHECK_FALSE(Eval("milik_sendiri == 1"));
  CHECK_FALSE(Eval("milik_sendiri < true"));  // booleans have no order
  CHECK_FALSE(Eval("karyawan and true"));     // only true is true
}

TEST_CASE("guard: the fields it reads and its text") {
  Guard g = Guard::Parse("(modal > 0 or risiko in ['tinggi']) and not npwp != null");
  CHECK(g.fields() == std::set<std::string>{"modal", "risiko", "npwp"});
  CHECK(g.text() == "(modal > 0 or risiko in ['tinggi']) and not npwp != null");
  CHECK(Guard::Parse("true").fields().empty());
  CHECK(Guard::Parse("true").Evaluate({}));
}

TEST_CASE("guard: syntax errors name their 1-based column") {
  CHECK(ErrorColumn("modal > 5") == 0);
  CHECK(ErrorColumn("") == 1);
  CHECK(ErrorColumn("   ") == 1);
  CHECK(ErrorColumn("modal = 5") == 7);
  CHECK(ErrorColumn("modal ! 5") == 7);
  CHECK(ErrorColumn("modal >") == 8);
  CHECK(ErrorColumn("(modal > 5") == 11);
  CHECK(ErrorColumn("modal > 5)") == 10);
  CHECK(ErrorColumn("risiko in 'tinggi'") == 11);
  CHECK(ErrorColumn("risiko in ['a' 'b']") == 16);
  CHECK(ErrorColumn("risiko in [a]") == 12);
  CHECK(ErrorColumn("risiko == 'tinggi") == 11);
  CHECK(ErrorColumn("modal > 5 $ 3") == 11);
  CHECK(ErrorColumn("modal > 1.") == 11);
  CHECK(ErrorColumn("modal > 1.2.3") == 12);
  CHECK(ErrorColumn("modal > 12abc") == 11);
  CHECK(ErrorColumn("a == 1 == 2") == 8);
  CHECK(ErrorColumn("and == 1") == 1);
  CHECK(ErrorColumn("a and or b") == 7);
  CHECK(ErrorColumn(std::string(300, '(') + "a" + std::string(300, ')')) > 0);
  try {
    Guard::Parse("modal >> 5");
    FAIL("expected an error");
  } catch (const base::Error& e) {
    CHECK(e.code() == base::ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()) ==
          "guard \"modal >> 5\": column 8: expected a field name, a value or '(', found '>'");
  }
}

}  // namespace
}  // namespace jejak::workflow
