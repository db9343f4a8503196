// A workflow as JSON: the "model" carried in workflow_deployed events (so
// consumers need no YAML parser) and the body of GET /v1/workflows/{name}.
// Its shape is specified in docs/FORMAT.md ("Workflow model").
#pragma once

#include <nlohmann/json.hpp>

#include "workflow/workflow.h"

namespace jejak::workflow {

nlohmann::json WorkflowToJson(const Workflow& workflow);

}  // namespace jejak::workflow
