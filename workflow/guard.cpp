#include "workflow/guard.h"

#include <fmt/format.h>

#include <vector>

#include "base/error.h"
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

  Node ParseAll(std::set<std::string>* fields) {
    fields_ = fields;
    Tokenize();
    if (tokens_[0].type == Token::Type::kEnd) Fail(1, "the guard is empty");
    Node n = ParseOr(0);
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
    Node left = ParseOperand(depth + 1);
    if (Peek().type == Token::Type::kOp) {
      static const std::pair<std::string_view, CompareOp> kOps[] = {
          {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
          {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
      auto n = std::make_shared<Guard::Node>();
      n->op = Guard::Node::Op::kCompare;
      for (const auto& [text, op] : kOps) {
        if (Peek().text == text) n->compare = op;
      }
      Next();
      n->kids = {left, ParseOperand(depth + 1)};
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
        n->list.push_back(ParseLiteral());
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
    if (t.type == Token::Type::kIdent && kReserved.count(t.text) == 0) {
      n->op = Guard::Node::Op::kField;
      n->field = t.text;
      fields_->insert(t.text);
      Next();
      return n;
    }
    Fail(t.column, fmt::format("expected a field name, a value or '(', found {}", Describe(t)));
  }

  const std::string& text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
  std::set<std::string>* fields_ = nullptr;
};

}  // namespace

std::optional<Guard> Guard::TryParse(const std::string& text, int* error_column,
                                     std::string* error_message) {
  Guard g;
  Parser parser(text);
  try {
    g.root_ = parser.ParseAll(&g.fields_);
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
const std::string& Guard::text() const { return text_; }

bool Guard::Evaluate(const events::Fields& fields) const { return EvaluateNode(*root_, fields); }

}  // namespace jejak::workflow
