// Guards: a small expression language over a request's fields, for rules
// such as "capital >= 10000000000 and risk in ['menengah_tinggi', 'tinggi']".
//
//   expr    := or
//   or      := and ("or" and)*
//   and     := not ("and" not)*
//   not     := "not" not | compare
//   compare := operand (("==" | "!=" | "<" | "<=" | ">" | ">=") operand
//                       | "in" "[" literal ("," literal)* "]")?
//   operand := date | field-name | literal | "(" expr ")"
//   date    := ("today" | field-name | month "(" date ")") (("+" | "-") integer unit)*
//   month   := start_of_month | end_of_month
//   unit    := day(s) | working_day(s) | week(s) | month(s) | year(s)
//   literal := number | 'text' | "text" | true | false | null
//
// Dates are 'YYYY-MM-DD' text. "today" is the local date of the evaluation
// time in the workflow's calendar; working days skip its weekends and
// holidays. Months and years keep the day of the month, clamped to the
// month's last day (2026-01-31 + 1 month = 2026-02-28). A field in date
// arithmetic, or compared with a date, must be a date field (the workflow
// check says so at file:line:column); a literal compared with a date must
// be a date or null.
//
// A field that the request does not have is null: comparisons with null are
// false (and "!=" true), so guards can test for presence with "x != null".
// Precisely: null == null holds, null equals nothing else, and null is
// neither less nor greater than anything. Numbers are "-12.5"-style decimals;
// text may use \' \" and \\ escapes. "and", "or" and "not" treat anything
// but the boolean true as false, so "not premises_owned" holds when the field
// is missing.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "events/calendar.h"
#include "events/event.h"

namespace jejak::workflow {

// When a guard is evaluated: "today" and working days come from these.
struct GuardClock {
  int64_t now_us = 0;
  const events::Calendar* calendar = nullptr;  // null: the default calendar (WIB, Mon-Fri)
};

class Guard {
 public:
  // Throws Error(kInvalidArgument) with the 1-based column of the problem.
  static Guard Parse(const std::string& text);
  // Like Parse, but on a syntax error returns nullopt and reports the 1-based
  // column and the bare message, so a caller can map it into its own file.
  static std::optional<Guard> TryParse(const std::string& text, int* error_column,
                                       std::string* error_message);
  // The same for a date expression alone (a state's deadline_at): every
  // field it reads is used as a date.
  static std::optional<Guard> TryParseDate(const std::string& text, int* error_column,
                                           std::string* error_message);

  // Field names the expression reads, for validation against the workflow.
  const std::set<std::string>& fields() const;
  // Those it uses as dates, each with the 1-based column of one use.
  const std::map<std::string, int>& date_fields() const;
  const std::string& text() const;

  using Clock = GuardClock;

  // Evaluates over field values. Numbers compare numerically (integers and
  // decimals exactly), text and dates as text; a type mismatch is false.
  bool Evaluate(const events::Fields& fields, const Clock& clock = {}) const;
  // A date expression's 'YYYY-MM-DD'; nullopt if a date it needs is missing.
  std::optional<std::string> EvaluateDate(const events::Fields& fields, const Clock& clock) const;

  struct Node;  // the syntax tree, opaque outside guard.cpp

 private:
  std::shared_ptr<const Node> root_;
  std::set<std::string> fields_;
  std::map<std::string, int> date_fields_;
  std::string text_;
};

}  // namespace jejak::workflow
