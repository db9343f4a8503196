// Evaluation of a parsed guard over a request's fields.
#include <fmt/format.h>

#include <algorithm>

#include "events/field_value.h"
#include "events/time.h"
#include "workflow/decimal.h"
#include "workflow/guard_internal.h"

namespace jejak::workflow {
namespace {

using Kind = GuardValue::Kind;

GuardValue FromField(const events::FieldValue& f) {
  using events::FieldType;
  switch (f.type()) {
    case FieldType::kInteger:
    case FieldType::kTimestamp:
      return {Kind::kNumber, false, std::to_string(f.number())};
    case FieldType::kDecimal:
      return {Kind::kNumber, false, f.text()};
    case FieldType::kBoolean:
      return {Kind::kBool, f.boolean(), ""};
    case FieldType::kString:
    case FieldType::kDate:
    case FieldType::kBytes:
      return {Kind::kText, false, f.text()};
    case FieldType::kSealed:
      return {};  // unreadable: the workflow check keeps guards off personal fields
  }
  return {};
}

// Null equals only null; any other mix of kinds is false for every operator.
bool Compare(const GuardValue& a, CompareOp op, const GuardValue& b) {
  if (a.kind == Kind::kNull || b.kind == Kind::kNull) {
    bool both = a.kind == b.kind;
    return op == CompareOp::kEq ? both : (op == CompareOp::kNe ? !both : false);
  }
  if (a.kind != b.kind) return false;
  int c = 0;
  if (a.kind == Kind::kNumber) {
    c = CompareDecimal(a.text, b.text);
  } else if (a.kind == Kind::kText) {
    c = a.text.compare(b.text);
  } else if (op == CompareOp::kEq || op == CompareOp::kNe) {
    c = a.boolean == b.boolean ? 0 : 1;
  } else {
    return false;  // booleans have no order
  }
  switch (op) {
    case CompareOp::kEq:
      return c == 0;
    case CompareOp::kNe:
      return c != 0;
    case CompareOp::kLt:
      return c < 0;
    case CompareOp::kLe:
      return c <= 0;
    case CompareOp::kGt:
      return c > 0;
    case CompareOp::kGe:
      return c >= 0;
  }
  return false;
}

constexpr int64_t kDayUs = int64_t{86'400} * 1'000'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

GuardValue DateValue(int64_t day) {
  int year;
  unsigned month, d;
  events::CivilFromDays(day, &year, &month, &d);
  if (year < 1 || year > 9999) return {};  // beyond what a date field can hold
  return {Kind::kText, false, fmt::format("{:04}-{:02}-{:02}", year, month, d)};
}

unsigned DaysInMonth(int year, unsigned month) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// date moved by n.amount of n.unit; null if date is not a date.
GuardValue Shift(const GuardValue& date, const Guard::Node& n, const events::Calendar& calendar) {
  if (date.kind != Kind::kText || !events::IsValidDate(date.text)) return {};
  int year = std::stoi(date.text.substr(0, 4));
  unsigned month = std::stoul(date.text.substr(5, 2)), day = std::stoul(date.text.substr(8, 2));
  int64_t days = events::DaysFromCivil(year, month, day);
  switch (n.unit) {
    case DateUnit::kDays:
      return DateValue(days + n.amount);
    case DateUnit::kWeeks:
      return DateValue(days + 7 * n.amount);
    case DateUnit::kWorkingDays: {
      if (calendar.working_weekdays == 0) return DateValue(days + n.amount);
      int64_t step = n.amount < 0 ? -1 : 1;
      for (int64_t left = n.amount * step; left > 0;) {
        days += step;
        if (calendar.IsWorkingDay(days)) --left;
      }
      return DateValue(days);
    }
    case DateUnit::kMonths:
    case DateUnit::kYears: {
      int64_t months = n.unit == DateUnit::kYears ? 12 * n.amount : n.amount;
      int64_t index = int64_t{year} * 12 + (month - 1) + months;
      int y = static_cast<int>(FloorDiv(index, 12));
      auto m = static_cast<unsigned>(index - int64_t{y} * 12 + 1);
      if (y < 1 || y > 9999) return {};
      return DateValue(events::DaysFromCivil(y, m, std::min(day, DaysInMonth(y, m))));
    }
  }
  return {};
}

GuardValue Eval(const Guard::Node& n, const events::Fields& fields, const Guard::Clock& clock);

bool Truth(const Guard::Node& n, const events::Fields& fields, const Guard::Clock& clock) {
  GuardValue v = Eval(n, fields, clock);
  return v.kind == Kind::kBool && v.boolean;
}

GuardValue Bool(bool b) { return {Kind::kBool, b, ""}; }

GuardValue Eval(const Guard::Node& n, const events::Fields& fields, const Guard::Clock& clock) {
  using Op = Guard::Node::Op;
  static const events::Calendar kDefaultCalendar;
  const events::Calendar& calendar = clock.calendar ? *clock.calendar : kDefaultCalendar;
  auto truth = [&](size_t kid) { return Truth(*n.kids[kid], fields, clock); };
  switch (n.op) {
    case Op::kOr:
      return Bool(truth(0) || truth(1));
    case Op::kAnd:
      return Bool(truth(0) && truth(1));
    case Op::kNot:
      return Bool(!truth(0));
    case Op::kCompare:
      return Bool(
          Compare(Eval(*n.kids[0], fields, clock), n.compare, Eval(*n.kids[1], fields, clock)));
    case Op::kIn: {
      GuardValue v = Eval(*n.kids[0], fields, clock);
      if (v.kind == Kind::kNull) return Bool(false);
      for (const GuardValue& item : n.list) {
        if (Compare(v, CompareOp::kEq, item)) return Bool(true);
      }
      return Bool(false);
    }
    case Op::kField: {
      auto it = fields.find(n.field);
      return it == fields.end() ? GuardValue{} : FromField(it->second);
    }
    case Op::kLiteral:
      return n.literal;
    case Op::kToday:
      return DateValue(
          FloorDiv(clock.now_us + int64_t{calendar.utc_offset_minutes} * 60'000'000, kDayUs));
    case Op::kDateShift:
      return Shift(Eval(*n.kids[0], fields, clock), n, calendar);
    case Op::kMonthStart:
    case Op::kMonthEnd: {
      GuardValue d = Eval(*n.kids[0], fields, clock);
      if (d.kind != Kind::kText || !events::IsValidDate(d.text)) return {};
      int year = std::stoi(d.text.substr(0, 4));
      unsigned month = std::stoul(d.text.substr(5, 2));
      unsigned day = n.op == Op::kMonthStart ? 1 : DaysInMonth(year, month);
      return DateValue(events::DaysFromCivil(year, month, day));
    }
  }
  return {};
}

}  // namespace

bool EvaluateNode(const Guard::Node& node, const events::Fields& fields,
                  const Guard::Clock& clock) {
  return Truth(node, fields, clock);
}

GuardValue EvaluateValue(const Guard::Node& node, const events::Fields& fields,
                         const Guard::Clock& clock) {
  return Eval(node, fields, clock);
}

}  // namespace jejak::workflow
