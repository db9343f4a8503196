#include "workflow/workflow.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <utility>

#include "base/error.h"
#include "base/files.h"
#include "events/field_value.h"
#include "ledger/hash.h"
#include "workflow/internal.h"

namespace jejak::workflow {
namespace {

template <typename T>
const T* FindByName(const std::vector<T>& items, std::string_view name) {
  for (const T& item : items) {
    if (item.name == name) return &item;
  }
  return nullptr;
}

// Where the first line that is not UTF-8 starts ('\n' is never part of a
// longer UTF-8 sequence, so lines can be checked one by one).
SourcePos FirstNonUtf8Line(std::string_view text) {
  int line = 1;
  for (;;) {
    size_t nl = text.find('\n');
    if (!events::IsValidUtf8(text.substr(0, nl)) || nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
    ++line;
  }
  return {line, 1};
}

// Where the first control character other than tab, line feed and carriage
// return stands, which YAML does not allow (yaml-cpp turns a NUL inside a
// scalar into bytes that are not UTF-8); nullopt if there is none.
std::optional<std::pair<SourcePos, unsigned char>> FirstControlCharacter(std::string_view text) {
  int line = 1, column = 1;
  for (unsigned char c : text) {
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      return std::make_pair(SourcePos{line, column}, c);
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;  // columns count characters, not bytes
    }
  }
  return std::nullopt;
}

}  // namespace

bool StateSpec::WaitsForApplicant() const {
  return std::find(responsible_roles.begin(), responsible_roles.end(), kApplicantRole) !=
         responsible_roles.end();
}

bool StateSpec::OnlySystemActs() const {
  return !responsible_roles.empty() &&
         std::all_of(responsible_roles.begin(), responsible_roles.end(),
                     [](const std::string& role) { return role == kSystemRole; });
}

const FieldSpec* Workflow::FindField(std::string_view name) const {
  return FindByName(fields, name);
}
const StateSpec* Workflow::FindState(std::string_view name) const {
  return FindByName(states, name);
}
const ActionSpec* Workflow::FindAction(std::string_view name) const {
  return FindByName(actions, name);
}

const StateSpec& Workflow::InitialState() const {
  for (const StateSpec& s : states) {
    if (s.initial) return s;
  }
  // Unreachable for a loaded workflow: validation demands one initial state.
  throw base::Error(base::ErrorCode::kInvalidArgument,
                    fmt::format("workflow \"{}\" has no initial state", name));
}

WorkflowCheck CheckWorkflow(const std::string& yaml_text) {
  internal::ParsedWorkflow parsed;
  WorkflowCheck result;
  // Every text of a workflow ends up in events, which hold only UTF-8.
  if (!events::IsValidUtf8(yaml_text)) {
    result.problems.push_back({FirstNonUtf8Line(yaml_text), "the text is not valid UTF-8"});
    return result;
  }
  if (auto control = FirstControlCharacter(yaml_text)) {
    result.problems.push_back(
        {control->first, fmt::format("the text holds the control character U+{:04X}, which YAML "
                                     "does not allow",
                                     control->second)});
    return result;
  }
  internal::ParseYaml(yaml_text, &parsed, &result.problems);
  // Cross-references are only meaningful once the YAML could be read.
  bool readable = std::none_of(
      result.problems.begin(), result.problems.end(),
      [](const WorkflowProblem& p) { return p.message.starts_with("malformed YAML"); });
  if (readable) internal::CheckWorkflowGraph(&parsed, &result.problems);
  std::stable_sort(result.problems.begin(), result.problems.end(),
                   [](const WorkflowProblem& a, const WorkflowProblem& b) {
                     return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
                   });
  if (result.problems.empty()) {
    parsed.wf.source = yaml_text;
    parsed.wf.source_sha256 = ledger::HashToHex(ledger::Sha256Of(yaml_text));
    result.workflow = std::make_shared<const Workflow>(std::move(parsed.wf));
  }
  return result;
}

std::string FormatProblems(const std::string& file, const std::vector<WorkflowProblem>& problems) {
  std::string out;
  for (const WorkflowProblem& p : problems) {
    if (!out.empty()) out += '\n';
    out += p.pos.line > 0 ? fmt::format("{}:{}:{}: {}", file, p.pos.line, p.pos.column, p.message)
                          : fmt::format("{}: {}", file, p.message);
  }
  return out;
}

std::shared_ptr<const Workflow> ParseWorkflow(const std::string& yaml_text,
                                              const std::string& file) {
  WorkflowCheck check = CheckWorkflow(yaml_text);
  if (!check.problems.empty()) {
    throw base::Error(base::ErrorCode::kInvalidArgument, FormatProblems(file, check.problems));
  }
  return check.workflow;
}

std::string ReadWorkflowText(const std::string& path) {
  return base::ReadFile(path, "workflow file");
}

std::shared_ptr<const Workflow> LoadWorkflowFile(const std::string& path) {
  return ParseWorkflow(ReadWorkflowText(path), path);
}

}  // namespace jejak::workflow
