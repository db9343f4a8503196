// Workflow YAML (workflow/workflow.h) and guards (workflow/guard.h): what an
// agency deploys, and `jejak workflow validate` reads.
//
// Input: a first byte 'g' for a guard, anything else for a workflow (the
// YAML follows). For a guard, the text up to
// the first newline is the guard and each further line "name=value" a
// field it is evaluated over (typed by the value's look).
//
// Promises: CheckWorkflow reports problems and never throws; a workflow it
// accepts ParseWorkflow accepts too, and its JSON model reads back in the
// projections with the same states and actions. Guard::Parse and TryParse
// agree, and evaluation never throws.
#include <nlohmann/json.hpp>

#include <optional>

#include "base/error.h"
#include "events/field_value.h"
#include "fuzz/fuzz_util.h"
#include "projections/model.h"
#include "workflow/guard.h"
#include "workflow/json.h"
#include "workflow/workflow.h"

using jejak::base::Error;
using jejak::base::ErrorCode;
using jejak::events::FieldValue;
namespace workflow = jejak::workflow;

namespace {

void Workflow(const std::string& yaml) {
  workflow::WorkflowCheck check = workflow::CheckWorkflow(yaml);
  JEJAK_REQUIRE(check.problems.empty() == (check.workflow != nullptr));
  if (!check.workflow) {
    JEJAK_REQUIRE(!workflow::FormatProblems("fuzz.yaml", check.problems).empty());
    return;
  }
  const workflow::Workflow& wf = *check.workflow;
  JEJAK_REQUIRE(workflow::ParseWorkflow(yaml, "fuzz.yaml")->source_sha256 == wf.source_sha256);
  auto model = jejak::projections::WorkflowModel::FromJson(workflow::WorkflowToJson(wf).dump());
  JEJAK_REQUIRE(model.name == wf.name && model.version == wf.version);
  JEJAK_REQUIRE(model.states.size() == wf.states.size());
  JEJAK_REQUIRE(model.actions.size() == wf.actions.size());
  wf.InitialState();
}

// The typed value text looks like; nullopt if it is no value at all (not
// UTF-8), as no field can hold one.
std::optional<FieldValue> Value(std::string_view text) {
  if (!jejak::events::IsValidUtf8(text)) return std::nullopt;
  try {
    if (text == "true" || text == "false") return FieldValue::Boolean(text == "true");
    if (jejak::events::IsValidDate(text)) return FieldValue::Date(text);
    return FieldValue::Decimal(text);
  } catch (const Error&) {
    return FieldValue::String(std::string(text));
  }
}

void Guard(std::string_view in) {
  std::string text(jejak::fuzz::Take(&in, '\n'));
  int column = 0;
  std::string message;
  // The same text as a date expression alone (a state's deadline_at).
  if (auto date = workflow::Guard::TryParseDate(text, &column, &message)) {
    auto value = date->EvaluateDate({}, {});
    JEJAK_REQUIRE(!value || jejak::events::IsValidDate(*value));
  } else {
    JEJAK_REQUIRE(column >= 1 && !message.empty());
  }
  std::optional<workflow::Guard> tried = workflow::Guard::TryParse(text, &column, &message);
  std::optional<workflow::Guard> parsed;
  try {
    parsed = workflow::Guard::Parse(text);
  } catch (const Error& e) {
    JEJAK_REQUIRE(e.code() == ErrorCode::kInvalidArgument);
  }
  JEJAK_REQUIRE(tried.has_value() == parsed.has_value());
  if (!tried) {
    JEJAK_REQUIRE(column >= 1 && !message.empty());
    return;
  }
  JEJAK_REQUIRE(tried->fields() == parsed->fields());
  jejak::events::Fields fields;
  while (!in.empty()) {
    std::string_view line = jejak::fuzz::Take(&in, '\n');
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    if (auto v = Value(line.substr(eq + 1)))
      fields.insert_or_assign(std::string(line.substr(0, eq)), *v);
  }
  JEJAK_REQUIRE(tried->Evaluate(fields) == parsed->Evaluate(fields));
  // "today" a year and a half on, in WIT: dates shift and clamp without fail.
  jejak::events::Calendar wit;
  wit.utc_offset_minutes = 9 * 60;
  workflow::GuardClock clock{int64_t{1'800'000'000} * 1'000'000, &wit};
  JEJAK_REQUIRE(tried->Evaluate(fields, clock) == parsed->Evaluate(fields, clock));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in = jejak::fuzz::AsText(data + 1, size - 1);
  if (data[0] == 'g') {
    Guard(in);
  } else {
    Workflow(std::string(in));
  }
  return 0;
}
