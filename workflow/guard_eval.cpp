// Evaluation of a parsed guard over a request's fields.
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

// A day as a date value; null beyond the years a date field holds.
GuardValue DateValue(int64_t day) {
  std::string text = events::FormatDate(day);
  if (!events::IsValidDate(text)) return {};
  return {Kind::kText, false, std::move(text)};
}

// The day of a date value; nullopt if it is not a date.
std::optional<int64_t> DayOf(const GuardValue& v) {
  return v.kind == Kind::kText ? events::ParseDate(v.text) : std::nullopt;
}

// date moved by n.amount of n.unit; null if date is not a date.
GuardValue Shift(const GuardValue& date, const Guard::Node& n, const events::Calendar& calendar) {
  std::optional<int64_t> days = DayOf(date);
  if (!days) return {};
  switch (n.unit) {
    case DateUnit::kDays:
      return DateValue(*days + n.amount);
    case DateUnit::kWeeks:
      return DateValue(*days + 7 * n.amount);
    case DateUnit::kWorkingDays:
      if (calendar.working_weekdays == 0) return DateValue(*days + n.amount);
      return DateValue(calendar.AddWorkingDays(*days, n.amount));
    case DateUnit::kMonths:
    case DateUnit::kYears: {
      int year;
      unsigned month, day;
      events::CivilFromDays(*days, &year, &month, &day);
      int64_t months = n.unit == DateUnit::kYears ? 12 * n.amount : n.amount;
      int64_t index = int64_t{year} * 12 + (month - 1) + months;
      if (index < 12 || index >= 10'000 * 12) return {};  // before 0001 or after 9999
      int y = static_cast<int>(index / 12);
      auto m = static_cast<unsigned>(index % 12 + 1);
      return DateValue(events::DaysFromCivil(y, m, std::min(day, events::DaysInMonth(y, m))));
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
      return DateValue(calendar.LocalDay(clock.now_us));
    case Op::kDateShift:
      return Shift(Eval(*n.kids[0], fields, clock), n, calendar);
    case Op::kMonthStart:
    case Op::kMonthEnd: {
      std::optional<int64_t> days = DayOf(Eval(*n.kids[0], fields, clock));
      if (!days) return {};
      int year;
      unsigned month, day;
      events::CivilFromDays(*days, &year, &month, &day);
      day = n.op == Op::kMonthStart ? 1 : events::DaysInMonth(year, month);
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
