#include "workflow/guard.h"

#include <doctest/doctest.h>

#include "base/error.h"
#include "events/time.h"

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

// Evaluated on the given local (WIB) date at 10:00.
bool EvalOn(const std::string& guard, const events::Fields& fields, const char* date,
            const events::Calendar* calendar = nullptr) {
  int64_t now = events::ParseRfc3339(std::string(date) + "T10:00:00+07:00");
  return Guard::Parse(guard).Evaluate(fields, {now, calendar});
}

TEST_CASE("guard: today and date arithmetic in days, weeks, months and years") {
  events::Fields f = {{"terdaftar", FieldValue::Date("2026-09-08")},
                      {"akhir_bulan", FieldValue::Date("2026-01-31")},
                      {"kabisat", FieldValue::Date("2024-02-29")}};
  // Registered at least 3 months ago: on 8 December, since 8 September.
  CHECK(EvalOn("terdaftar <= today - 3 months", f, "2026-12-08"));
  CHECK_FALSE(EvalOn("terdaftar <= today - 3 months", f, "2026-12-07"));
  CHECK(EvalOn("today == '2026-12-08'", f, "2026-12-08"));
  // "today" is the calendar's local date: 23:30 UTC on the 7th is the 8th in WIB.
  CHECK(Guard::Parse("today == '2026-12-08'")
            .Evaluate(f, {events::ParseRfc3339("2026-12-07T23:30:00Z"), nullptr}));
  CHECK(EvalOn("terdaftar + 2 weeks == '2026-09-22'", f, "2026-12-08"));
  CHECK(EvalOn("terdaftar - 8 days == '2026-08-31'", f, "2026-12-08"));
  CHECK(EvalOn("terdaftar + 1 year - 1 day == '2027-09-07'", f, "2026-12-08"));
  CHECK(EvalOn("today -3 months == '2026-09-08'", f, "2026-12-08"));  // "-3" reads as minus 3
  // Month ends clamp to the target month's last day.
  CHECK(EvalOn("akhir_bulan + 1 month == '2026-02-28'", f, "2026-12-08"));
  CHECK(EvalOn("akhir_bulan + 3 months == '2026-04-30'", f, "2026-12-08"));
  CHECK(EvalOn("akhir_bulan - 2 months == '2025-11-30'", f, "2026-12-08"));
  CHECK(EvalOn("kabisat + 1 year == '2025-02-28'", f, "2026-12-08"));
  CHECK(EvalOn("kabisat + 4 years == '2028-02-29'", f, "2026-12-08"));
  // A missing date stays null through arithmetic.
  CHECK_FALSE(EvalOn("lahir + 1 day <= today", f, "2026-12-08"));
  CHECK(EvalOn("lahir + 1 day == null", f, "2026-12-08"));
}

TEST_CASE("guard: working days skip the calendar's weekends and holidays") {
  events::Fields f = {{"jumat", FieldValue::Date("2026-11-27")}};
  CHECK(EvalOn("jumat + 1 working_day == '2026-11-30'", f, "2026-12-08"));
  CHECK(EvalOn("jumat + 5 working_days == '2026-12-04'", f, "2026-12-08"));
  CHECK(EvalOn("jumat - 1 working_day == '2026-11-26'", f, "2026-12-08"));
  events::Calendar holidays;
  holidays.holidays.insert(events::DaysFromCivil(2026, 11, 30));
  CHECK(EvalOn("jumat + 1 working_day == '2026-12-01'", f, "2026-12-08", &holidays));
  // From a Saturday, the first working day after it.
  CHECK(EvalOn("today + 1 working_day == '2026-11-30'", f, "2026-11-28"));
}

TEST_CASE("guard: date syntax and literal types are checked where written") {
  CHECK(ErrorColumn("today - 3") == 10);  // no unit
  CHECK(ErrorColumn("today - 3 fortnights") == 11);
  CHECK(ErrorColumn("today - 1.5 days") == 9);  // whole numbers only
  CHECK(ErrorColumn("today - x days") == 9);
  CHECK(ErrorColumn("modal + 3 == 5") == 11);  // a number needs a unit...
  CHECK(ErrorColumn("5 + 3 days == 8") == 3);  // ...and only dates shift
  CHECK(ErrorColumn("today > 5") == 9);        // a date against a number
  CHECK(ErrorColumn("'x' < today") == 1);
  CHECK(ErrorColumn("today in ['2026-12-08', 'besok']") == 25);
  CHECK(ErrorColumn("today == null and today >= '2026-01-01'") == 0);
  Guard g = Guard::Parse("terdaftar <= today - 3 months and selesai + 2 days > mulai");
  // Compared with a date (terdaftar, mulai) or shifted (selesai): each must be a date field.
  CHECK(g.date_fields() ==
        std::map<std::string, int>{{"terdaftar", 1}, {"selesai", 35}, {"mulai", 54}});
  CHECK(Guard::Parse("a < b").date_fields().empty());
}

TEST_CASE("guard: start_of_month and end_of_month, and date expressions alone") {
  events::Fields f = {{"ditetapkan", FieldValue::Date("2024-02-10")}};
  CHECK(EvalOn("start_of_month(today + 1 month) == '2027-01-01'", f, "2026-12-08"));
  CHECK(EvalOn("end_of_month(ditetapkan) == '2024-02-29'", f, "2026-12-08"));
  CHECK(EvalOn("end_of_month(today) + 1 day == '2027-01-01'", f, "2026-12-31"));
  int column = 0;
  std::string message;
  auto next_month = Guard::TryParseDate("start_of_month(today + 1 month)", &column, &message);
  REQUIRE(next_month);
  int64_t now = events::ParseRfc3339("2026-12-08T10:00:00+07:00");
  CHECK(next_month->EvaluateDate({}, {now, nullptr}) == "2027-01-01");
  auto from_field = Guard::TryParseDate("ditetapkan + 12 months + 1 day", &column, &message);
  REQUIRE(from_field);
  CHECK(from_field->EvaluateDate(f, {now, nullptr}) == "2025-02-11");
  CHECK(from_field->EvaluateDate({}, {now, nullptr}) == std::nullopt);  // no date to start from
  auto bare = Guard::TryParseDate("ditetapkan", &column, &message);
  REQUIRE(bare);
  CHECK(bare->date_fields().count("ditetapkan"));
  CHECK_FALSE(Guard::TryParseDate("5", &column, &message));
  CHECK(message.find("expected a date") != std::string::npos);
  CHECK_FALSE(Guard::TryParseDate("today > ditetapkan", &column, &message));
  CHECK(column == 7);
  CHECK_FALSE(Guard::TryParseDate("start_of_month(5)", &column, &message));
  CHECK(column == 16);
  CHECK(ErrorColumn("end_of_month today") == 14);
}

}  // namespace
}  // namespace jejak::workflow
