// Reading YAML with positions, for the workflow loader: every accessor
// reports what is wrong at the right line:column and carries on, so one load
// reports all problems at once. Internal to the workflow library.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "workflow/workflow.h"

namespace jejak::workflow::internal {

using KeyList = std::span<const std::string_view>;

// yaml-cpp marks are 0-based; SourcePos is 1-based.
inline SourcePos PosOf(const YAML::Mark& m) { return {m.line + 1, m.column + 1}; }

// One "key: value" of a mapping. A null value's mark points past it, at the
// next token, so its position is its key's.
struct Entry {
  std::string key;
  SourcePos key_pos;
  YAML::Node value;
  SourcePos pos;
};

// One item of a list of names.
struct Item {
  std::string text;
  SourcePos pos;
};

class Reader {
 public:
  Reader(const std::string& text, std::vector<WorkflowProblem>* problems)
      : text_(text), problems_(problems) {}

  void Add(SourcePos pos, std::string message) { problems_->push_back({pos, std::move(message)}); }

  // The entries of a mapping in order, without duplicates; reports duplicate
  // keys, and keys not in allowed unless allowed is empty (a map of names,
  // whose kind is "field", "state", ...).
  std::vector<Entry> Entries(const YAML::Node& node, SourcePos pos, const std::string& what,
                             KeyList allowed, std::string_view kind = "key");
  // Non-empty scalar text.
  std::optional<std::string> Text(const Entry& e, const std::string& what);
  // Only true and false: YAML 1.1's yes/no/on/off are typos waiting to happen.
  std::optional<bool> Bool(const Entry& e, const std::string& what);
  // A sequence of non-empty text items, each listed once, or a single item
  // when single is true.
  std::vector<Item> List(const Entry& e, const std::string& what, bool single = false);
  // Where column col (1-based) of a guard string falls in the file: exact
  // when the scalar sits on one line as written (plain, or quoted without
  // escapes); otherwise the scalar's own position.
  SourcePos GuardColumn(const YAML::Node& node, const std::string& guard, int col) const;

 private:
  const std::string& text_;
  std::vector<WorkflowProblem>* problems_;
};

const Entry* Find(const std::vector<Entry>& entries, std::string_view key);
std::string JoinKeys(KeyList keys);
// Reports a name that is not lowercase letters, digits and '_'.
void CheckName(Reader& r, const std::string& name, SourcePos pos, std::string_view kind);

}  // namespace jejak::workflow::internal
