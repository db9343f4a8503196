#include "workflow/guard.h"

#include <fmt/format.h>

#include <vector>

#include "base/error.h"
#include "events/field_value.h"
#include "workflow/guard_internal.h"

namespace jejak::workflow {

namespace {

using Node = std::shared_ptr<const Guard::Node>;
using Kind = GuardValue::Kind;

struct Token {
  enum class Type {
    kIdent,
    kNumber,
    kString,
    kOp,
    kLParen,
    kRParen,
    kLBracket,
    kRBracket,
    kComma,
    kEnd
  };
  Type type = Type::kEnd;
  std::string text;  // identifier, operator, canonical number or unquoted string
  int column = 0;    // 1-based
};

constexpr int kMaxDepth = 256;  // bounds recursion on hostile input

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Tokenizer and recursive-descent parser. A syntax error throws
// Error(kInvalidArgument) after recording its column in error_column.
class Parser {
 public:
  explicit Parser(const std::string& text) : text_(text) {}

  // date: parse a date expression alone (deadline_at), not a condition.
  Node ParseAll(std::set<std::string>* fields, std::map<std::string, int>* date_fields,
                bool date = false) {
    fields_ = fields;
    date_fields_ = date_fields;
    Tokenize();
    if (tokens_[0].type == Token::Type::kEnd) {
      Fail(1, date ? "the date is empty" : "the guard is empty");
    }
    Node n;
    if (date) {
      n = ParseOperand(0);
      if (n->op == Guard::Node::Op::kField) {
        date_fields->emplace(n->field, 1);
      } else if (!IsDate(*n)) {
        Fail(1,
             "expected a date: today, a date field, start_of_month(...), end_of_month(...), "
             "or date arithmetic such as today + 1 month");
      }
    } else {
      n = ParseOr(0);
    }
    if (Peek().type != Token::Type::kEnd) {
      Fail(Peek().column,
           fmt::format("unexpected {} after a complete expression", Describe(Peek())));
    }
    return n;
  }

  int error_column = 0;

 private:
  [[noreturn]] void Fail(int column, const std::string& message) {
    error_column = column;
    throw base::Error(base::ErrorCode::kInvalidArgument, message);
  }

  static std::string Describe(const Token& t) {
    switch (t.type) {
      case Token::Type::kEnd:
        return "end of guard";
      case Token::Type::kString:
        return fmt::format("text '{}'", t.text);
      default:
        return fmt::format("'{}'", t.text);
    }
  }

  void Tokenize() {
    size_t i = 0;
    while (i < text_.size()) {
      char c = text_[i];
      int column = static_cast<int>(i) + 1;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++i;
      } else if (IsIdentStart(c)) {
        size_t j = i;
        while (j < text_.size() && (IsIdentStart(text_[j]) || IsDigit(text_[j]))) ++j;
        Push(Token::Type::kIdent, text_.substr(i, j - i), column);
        i = j;
      } else if (IsDigit(c) || (c == '-' && i + 1 < text_.size() && IsDigit(text_[i + 1]))) {
        size_t j = i + 1;
        while (j < text_.size() && IsDigit(text_[j])) ++j;
        if (j < text_.size() && text_[j] == '.') {
          if (j + 1 >= text_.size() || !IsDigit(text_[j + 1])) {
            Fail(static_cast<int>(j) + 2, "expected a digit after the decimal point");
          }
          for (++j; j < text_.size() && IsDigit(text_[j]);) ++j;
        }
        if (j < text_.size() && (IsIdentStart(text_[j]) || text_[j] == '.')) {
          Fail(static_cast<int>(j) + 1, "a number must not run into letters or a second '.'");
        }
        Push(Token::Type::kNumber, events::CanonicalDecimal(text_.substr(i, j - i)), column);
        i = j;
      } else if (c == '\'' || c == '"') {
        std::string value;
        size_t j = i + 1;
        for (;; ++j) {
          if (j >= text_.size()) Fail(column, "text is not closed by a matching quote");
          if (text_[j] == c) break;
          if (text_[j] == '\\' && j + 1 < text_.size()) ++j;  // \' \" \\ escape
          value += text_[j];
        }
        Push(Token::Type::kString, value, column);
        i = j + 1;
      } else if (c == '+' || c == '-') {  // a '-' before a digit began a number above
        Push(Token::Type::kOp, std::string(1, c), column);
        ++i;
      } else if (c == '=' || c == '!' || c == '<' || c == '>') {
        bool two = i + 1 < text_.size() && text_[i + 1] == '=';
        if ((c == '=' || c == '!') && !two) {
          Fail(column, c == '=' ? "use '==' to compare, not '='" : "'!' must be followed by '='");
        }
        Push(Token::Type::kOp, text_.substr(i, two ? 2 : 1), column);
        i += two ? 2 : 1;
      } else if (c == '(' || c == ')' || c == '[' || c == ']' || c == ',') {
        static constexpr Token::Type kTypes[] = {Token::Type::kLParen, Token::Type::kRParen,
                                                 Token::Type::kLBracket, Token::Type::kRBracket,
                                                 Token::Type::kComma};
        Push(kTypes[std::string_view("()[],").find(c)], std::string(1, c), column);
        ++i;
      } else {
        Fail(column, fmt::format("unexpected character '{}'", c));
      }
    }
    Push(Token::Type::kEnd, "", static_cast<int>(text_.size()) + 1);
  }

  void Push(Token::Type type, std::string text, int column) {
    tokens_.push_back(Token{type, std::move(text), column});
  }

  const Token& Peek() const { return tokens_[pos_]; }
  const Token& Next() { return tokens_[pos_++]; }
  bool IsKeyword(const char* word) const {
    return Peek().type == Token::Type::kIdent && Peek().text == word;
  }

  void Enter(int depth) {
    if (depth > kMaxDepth) Fail(Peek().column, "the guard is nested too deeply");
  }

  static Node Binary(Guard::Node::Op op, Node left, Node right) {
    auto n = std::make_shared<Guard::Node>();
    n->op = op;
    n->kids = {std::move(left), std::move(right)};
    return n;
  }

  Node ParseOr(int depth) {
    Enter(depth);
    Node left = ParseAnd(depth + 1);
    while (IsKeyword("or")) {
      Next();
      left = Binary(Guard::Node::Op::kOr, left, ParseAnd(depth + 1));
    }
    return left;
  }

  Node ParseAnd(int depth) {
    Node left = ParseNot(depth + 1);
    while (IsKeyword("and")) {
      Next();
      left = Binary(Guard::Node::Op::kAnd, left, ParseNot(depth + 1));
    }
    return left;
  }

  Node ParseNot(int depth) {
    Enter(depth);
    if (!IsKeyword("not")) return ParseCompare(depth + 1);
    Next();
    auto n = std::make_shared<Guard::Node>();
    n->op = Guard::Node::Op::kNot;
    n->kids = {ParseNot(depth + 1)};
    return n;
  }

  Node ParseCompare(int depth) {
    int left_column = Peek().column;
    Node left = ParseOperand(depth + 1);
    if (Peek().type == Token::Type::kOp) {
      static const std::pair<std::string_view, CompareOp> kOps[] = {
          {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
          {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
      auto n = std::make_shared<Guard::Node>();
      n->op = Guard::Node::Op::kCompare;
      bool found = false;
      for (const auto& [text, op] : kOps) {
        if (Peek().text == text) {
          n->compare = op;
          found = true;
        }
      }
      if (!found) {
        Fail(Peek().column, fmt::format("'{}' works on dates only: today or a date field, then a "
                                        "whole number and a unit, as in today - 3 months",
                                        Peek().text));
      }
      Next();
      int right_column = Peek().column;
      Node right = ParseOperand(depth + 1);
      CheckDateComparison(left, right, right_column);
      CheckDateComparison(right, left, left_column);
      n->kids = {left, right};
      return n;
    }
    if (IsKeyword("in")) {
      Next();
      auto n = std::make_shared<Guard::Node>();
      n->op = Guard::Node::Op::kIn;
      n->kids = {left};
      if (Peek().type != Token::Type::kLBracket) {
        Fail(Peek().column, fmt::format("expected '[' after 'in', found {}", Describe(Peek())));
      }
      Next();
      for (;;) {
        int column = Peek().column;
        n->list.push_back(ParseLiteral());
        if (IsDate(*left)) CheckDateLiteral(n->list.back(), column);
        if (Peek().type == Token::Type::kRBracket) break;
        if (Peek().type != Token::Type::kComma) {
          Fail(Peek().column,
               fmt::format("expected ',' or ']' in the list, found {}", Describe(Peek())));
        }
        Next();
      }
      Next();
      return n;
    }
    return left;
  }

  // Returns true and fills *v if the next token is a literal.
  bool TryLiteral(GuardValue* v) {
    const Token& t = Peek();
    if (t.type == Token::Type::kNumber) {
      *v = GuardValue{Kind::kNumber, false, t.text};
    } else if (t.type == Token::Type::kString) {
      *v = GuardValue{Kind::kText, false, t.text};
    } else if (t.type == Token::Type::kIdent && (t.text == "true" || t.text == "false")) {
      *v = GuardValue{Kind::kBool, t.text == "true", ""};
    } else if (t.type == Token::Type::kIdent && t.text == "null") {
      *v = GuardValue{};
    } else {
      return false;
    }
    Next();
    return true;
  }

  GuardValue ParseLiteral() {
    GuardValue v;
    if (!TryLiteral(&v)) {
      Fail(Peek().column,
           fmt::format("expected a number, text, true, false or null, found {}", Describe(Peek())));
    }
    return v;
  }

  static bool IsDate(const Guard::Node& n) {
    using Op = Guard::Node::Op;
    return n.op == Op::kToday || n.op == Op::kDateShift || n.op == Op::kMonthStart ||
           n.op == Op::kMonthEnd;
  }

  // A literal compared with a date must be one, or null.
  void CheckDateLiteral(const GuardValue& v, int column) {
    if (v.kind == Kind::kNull || (v.kind == Kind::kText && events::IsValidDate(v.text))) return;
    Fail(column, "a date compares only with a date ('2026-12-31'), a date field or null");
  }

  // If date is a date expression, other (at column) must be able to be one.
  void CheckDateComparison(const Node& date, const Node& other, int column) {
    if (!IsDate(*date)) return;
    if (other->op == Guard::Node::Op::kLiteral) CheckDateLiteral(other->literal, column);
    if (other->op == Guard::Node::Op::kField) date_fields_->emplace(other->field, column);
  }

  static const std::pair<std::string_view, DateUnit>* FindUnit(std::string_view word) {
    static const std::pair<std::string_view, DateUnit> kUnits[] = {
        {"day", DateUnit::kDays},
        {"days", DateUnit::kDays},
        {"working_day", DateUnit::kWorkingDays},
        {"working_days", DateUnit::kWorkingDays},
        {"week", DateUnit::kWeeks},
        {"weeks", DateUnit::kWeeks},
        {"month", DateUnit::kMonths},
        {"months", DateUnit::kMonths},
        {"year", DateUnit::kYears},
        {"years", DateUnit::kYears}};
    for (const auto& u : kUnits) {
      if (u.first == word) return &u;
    }
    return nullptr;
  }

  // ("+" | "-") integer unit, any number of times, after a date term; a
  // field shifted so is used as a date (noted at column).
  Node ParseDateShifts(Node date, int column) {
    for (;;) {
      const Token& t = Peek();
      bool sign_op = t.type == Token::Type::kOp && (t.text == "+" || t.text == "-");
      bool negative_number = t.type == Token::Type::kNumber && t.text[0] == '-';
      if (!sign_op && !negative_number) return date;
      int64_t sign = 1;
      if (sign_op) {
        sign = t.text == "-" ? -1 : 1;
        Next();
      }
      const Token& number = Peek();
      std::string digits = number.text;
      if (negative_number) digits.erase(0, 1), sign = -1;
      if (number.type != Token::Type::kNumber || digits.empty() || digits[0] == '-' ||
          digits.find('.') != std::string::npos || digits.size() > 5) {
        Fail(number.column,
             fmt::format("expected a whole number of days, working_days, weeks, months or years "
                         "(at most 99999), found {}",
                         Describe(number)));
      }
      Next();
      const auto* unit = Peek().type == Token::Type::kIdent ? FindUnit(Peek().text) : nullptr;
      if (unit == nullptr) {
        Fail(Peek().column,
             fmt::format("expected a unit (days, working_days, weeks, months or years) after {}, "
                         "found {}",
                         digits, Describe(Peek())));
      }
      Next();
      if (date->op == Guard::Node::Op::kField) date_fields_->emplace(date->field, column);
      auto n = std::make_shared<Guard::Node>();
      n->op = Guard::Node::Op::kDateShift;
      n->amount = sign * std::stoll(digits);
      n->unit = unit->second;
      n->kids = {std::move(date)};
      date = std::move(n);
    }
  }

  Node ParseOperand(int depth) {
    Enter(depth);
    auto n = std::make_shared<Guard::Node>();
    if (TryLiteral(&n->literal)) return n;
    const Token& t = Peek();
    if (t.type == Token::Type::kLParen) {
      Next();
      Node inner = ParseOr(depth + 1);
      if (Peek().type != Token::Type::kRParen) {
        Fail(Peek().column, fmt::format("expected ')' to close the '(' at column {}, found {}",
                                        t.column, Describe(Peek())));
      }
      Next();
      return inner;
    }
    static const std::set<std::string> kReserved = {"and", "or", "not", "in"};
    // "today", start_of_month and end_of_month are words of the language too.
    int column = t.column;
    if (t.type == Token::Type::kIdent && t.text == "today") {
      n->op = Guard::Node::Op::kToday;
      Next();
      return ParseDateShifts(n, column);
    }
    if (t.type == Token::Type::kIdent && (t.text == "start_of_month" || t.text == "end_of_month")) {
      n->op =
          t.text == "start_of_month" ? Guard::Node::Op::kMonthStart : Guard::Node::Op::kMonthEnd;
      std::string name = t.text;
      Next();
      if (Peek().type != Token::Type::kLParen) {
        Fail(Peek().column, fmt::format("expected '(' after {}", name));
      }
      Next();
      int arg_column = Peek().column;
      Node arg = ParseOperand(depth + 1);
      if (arg->op == Guard::Node::Op::kField) {
        date_fields_->emplace(arg->field, arg_column);
      } else if (!IsDate(*arg)) {
        Fail(arg_column,
             fmt::format("{} takes a date: today, a date field or date arithmetic", name));
      }
      if (Peek().type != Token::Type::kRParen) {
        Fail(Peek().column,
             fmt::format("expected ')' to close {}(, found {}", name, Describe(Peek())));
      }
      Next();
      n->kids = {std::move(arg)};
      return ParseDateShifts(n, column);
    }
    if (t.type == Token::Type::kIdent && kReserved.count(t.text) == 0) {
      n->op = Guard::Node::Op::kField;
      n->field = t.text;
      fields_->insert(t.text);
      Next();
      return ParseDateShifts(n, column);
    }
    Fail(t.column, fmt::format("expected a field name, a value or '(', found {}", Describe(t)));
  }

  const std::string& text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::set<std::string>* fields_ = nullptr;
  std::map<std::string, int>* date_fields_ = nullptr;  // field -> column of a use as a date
};

}  // namespace

std::optional<Guard> Guard::TryParse(const std::string& text, int* error_column,
                                     std::string* error_message) {
  Guard g;
  Parser parser(text);
  try {
    g.root_ = parser.ParseAll(&g.fields_, &g.date_fields_);
  } catch (const base::Error& e) {
    *error_column = parser.error_column;
    *error_message = e.what();
    return std::nullopt;
  }
  g.text_ = text;
  return g;
}

std::optional<Guard> Guard::TryParseDate(const std::string& text, int* error_column,
                                         std::string* error_message) {
  Guard g;
  Parser parser(text);
  try {
    g.root_ = parser.ParseAll(&g.fields_, &g.date_fields_, true);
  } catch (const base::Error& e) {
    *error_column = parser.error_column;
    *error_message = e.what();
    return std::nullopt;
  }
  g.text_ = text;
  return g;
}

Guard Guard::Parse(const std::string& text) {
  int column = 0;
  std::string message;
  std::optional<Guard> g = TryParse(text, &column, &message);
  if (!g) {
    throw base::Error(base::ErrorCode::kInvalidArgument,
                      fmt::format("guard \"{}\": column {}: {}", text, column, message));
  }
  return *std::move(g);
}

const std::set<std::string>& Guard::fields() const { return fields_; }
const std::map<std::string, int>& Guard::date_fields() const { return date_fields_; }
const std::string& Guard::text() const { return text_; }

bool Guard::Evaluate(const events::Fields& fields, const Clock& clock) const {
  return EvaluateNode(*root_, fields, clock);
}

std::optional<std::string> Guard::EvaluateDate(const events::Fields& fields,
                                               const Clock& clock) const {
  GuardValue v = EvaluateValue(*root_, fields, clock);
  if (v.kind != Kind::kText || !events::IsValidDate(v.text)) return std::nullopt;
  return v.text;
}

}  // namespace jejak::workflow
