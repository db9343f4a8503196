// Evaluation of a parsed guard over a request's fields.
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

GuardValue Eval(const Guard::Node& n, const events::Fields& fields);

bool Truth(const Guard::Node& n, const events::Fields& fields) {
  GuardValue v = Eval(n, fields);
  return v.kind == Kind::kBool && v.boolean;
}

GuardValue Bool(bool b) { return {Kind::kBool, b, ""}; }

GuardValue Eval(const Guard::Node& n, const events::Fields& fields) {
  using Op = Guard::Node::Op;
  switch (n.op) {
    case Op::kOr:
      return Bool(Truth(*n.kids[0], fields) || Truth(*n.kids[1], fields));
    case Op::kAnd:
      return Bool(Truth(*n.kids[0], fields) && Truth(*n.kids[1], fields));
    case Op::kNot:
      return Bool(!Truth(*n.kids[0], fields));
    case Op::kCompare:
      return Bool(Compare(Eval(*n.kids[0], fields), n.compare, Eval(*n.kids[1], fields)));
    case Op::kIn: {
      GuardValue v = Eval(*n.kids[0], fields);
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
  }
  return {};
}

}  // namespace

bool EvaluateNode(const Guard::Node& node, const events::Fields& fields) {
  return Truth(node, fields);
}

}  // namespace jejak::workflow
