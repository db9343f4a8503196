// The syntax tree of a guard, shared by its parser (guard.cpp) and its
// evaluator (guard_eval.cpp). Internal to the workflow library.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "workflow/guard.h"

namespace jejak::workflow {

// A guard value. Integers and decimals are both numbers held as canonical
// decimal text so they compare exactly; strings, enums and dates are text.
struct GuardValue {
  enum class Kind { kNull, kBool, kNumber, kText };
  Kind kind = Kind::kNull;
  bool boolean = false;
  std::string text;
};

enum class CompareOp { kEq, kNe, kLt, kLe, kGt, kGe };
enum class DateUnit { kDays, kWorkingDays, kWeeks, kMonths, kYears };

struct Guard::Node {
  enum class Op {
    kOr,
    kAnd,
    kNot,
    kCompare,
    kIn,
    kField,
    kLiteral,
    kToday,
    kDateShift,
    kMonthStart,
    kMonthEnd
  };
  Op op = Op::kLiteral;
  CompareOp compare = CompareOp::kEq;
  std::string field;                              // kField
  GuardValue literal;                             // kLiteral
  std::vector<std::shared_ptr<const Node>> kids;  // operands; kDateShift, kMonth*: the date
  std::vector<GuardValue> list;                   // kIn
  int64_t amount = 0;                             // kDateShift, negative to go back
  DateUnit unit = DateUnit::kDays;                // kDateShift
};

// The node's value: a condition (only the boolean true holds), or a date.
GuardValue EvaluateValue(const Guard::Node& node, const events::Fields& fields,
                         const Guard::Clock& clock);
// The node's value taken as a condition: only the boolean true holds.
bool EvaluateNode(const Guard::Node& node, const events::Fields& fields, const Guard::Clock& clock);

}  // namespace jejak::workflow
