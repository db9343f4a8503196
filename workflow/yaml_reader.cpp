#include "workflow/yaml_reader.h"

#include <fmt/format.h>

#include <algorithm>

namespace jejak::workflow::internal {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// "did you mean", for typos one or two letters off.
std::string Suggest(const std::string& word, KeyList keys) {
  for (auto k : keys) {
    if (EditDistance(word, k) <= 2) return fmt::format(" (did you mean \"{}\"?)", k);
  }
  return "";
}

}  // namespace

std::vector<Entry> Reader::Entries(const YAML::Node& node, SourcePos pos, const std::string& what,
                                   KeyList allowed, std::string_view kind) {
  std::vector<Entry> out;
  if (!node.IsMap()) {
    Add(pos, fmt::format("{} must be a mapping of {}s", what, kind));
    return out;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    SourcePos key_pos = PosOf(it->first.Mark());
    if (!it->first.IsScalar()) {
      Add(key_pos, fmt::format("a {} in {} must be plain text", kind, what));
      continue;
    }
    std::string key = it->first.Scalar();
    // yaml-cpp keeps every pair of a mapping with repeated keys.
    auto dup = std::find_if(out.begin(), out.end(), [&](const Entry& e) { return e.key == key; });
    if (dup != out.end()) {
      Add(key_pos, fmt::format("duplicate {} \"{}\" in {} (first at line {})", kind, key, what,
                               dup->key_pos.line));
      continue;
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      Add(key_pos, fmt::format("unknown key \"{}\" in {}{}; expected one of: {}", key, what,
                               Suggest(key, allowed), JoinKeys(allowed)));
      continue;
    }
    SourcePos value_pos = it->second.IsNull() ? key_pos : PosOf(it->second.Mark());
    out.push_back(Entry{key, key_pos, it->second, value_pos});
  }
  return out;
}

std::optional<std::string> Reader::Text(const Entry& e, const std::string& what) {
  if (!e.value.IsScalar() || e.value.Scalar().empty()) {
    Add(e.pos, fmt::format("{} must be non-empty text", what));
    return std::nullopt;
  }
  return e.value.Scalar();
}

std::optional<bool> Reader::Bool(const Entry& e, const std::string& what) {
  if (e.value.IsScalar() && (e.value.Scalar() == "true" || e.value.Scalar() == "false")) {
    return e.value.Scalar() == "true";
  }
  Add(e.pos, fmt::format("{} must be true or false", what));
  return std::nullopt;
}

std::vector<Item> Reader::List(const Entry& e, const std::string& what, bool single) {
  std::vector<Item> out;
  if (single && e.value.IsScalar() && !e.value.Scalar().empty()) {
    return {Item{e.value.Scalar(), e.pos}};
  }
  if (!e.value.IsSequence()) {
    Add(e.pos, fmt::format("{} must be a list{}", what, single ? " or a single name" : ""));
    return out;
  }
  for (const YAML::Node& n : e.value) {
    SourcePos pos = PosOf(n.Mark());
    if (!n.IsScalar() || n.Scalar().empty()) {
      Add(pos, fmt::format("each item of {} must be non-empty text", what));
    } else if (std::any_of(out.begin(), out.end(),
                           [&](const Item& i) { return i.text == n.Scalar(); })) {
      Add(pos, fmt::format("\"{}\" is listed twice in {}", n.Scalar(), what));
    } else {
      out.push_back(Item{n.Scalar(), pos});
    }
  }
  return out;
}

SourcePos Reader::GuardColumn(const YAML::Node& node, const std::string& guard, int col) const {
  YAML::Mark m = node.Mark();
  size_t start = static_cast<size_t>(m.pos);
  if (start < text_.size() && (text_[start] == '\'' || text_[start] == '"')) ++start;
  // A folded, multi-line or escaped scalar differs from the raw text.
  if (text_.compare(start, guard.size(), guard) != 0) return PosOf(m);
  return {m.line + 1, m.column + 1 + static_cast<int>(start - m.pos) + col - 1};
}

const Entry* Find(const std::vector<Entry>& entries, std::string_view key) {
  for (const Entry& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

std::string JoinKeys(KeyList keys) {
  std::string out;
  for (auto k : keys) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

void CheckName(Reader& r, const std::string& name, SourcePos pos, std::string_view kind) {
  bool ok = !name.empty() && name[0] >= 'a' && name[0] <= 'z' &&
            std::all_of(name.begin(), name.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            });
  if (!ok) {
    r.Add(pos, fmt::format("{} name \"{}\" must be lowercase letters, digits and '_', starting "
                           "with a letter",
                           kind, name));
  }
}

}  // namespace jejak::workflow::internal
