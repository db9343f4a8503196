// A deployed workflow read from a ledger's workflow_deployed events, for
// readers without an engine (a read-only `jejak history`).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

#include "ledger/ledger.h"
#include "workflow/workflow.h"

namespace jejak::engine {

// The workflow name at version, or null if the ledger has no such
// deployment before entry `before`. Scans the ledger from its start up to
// the deployment (deployments are not indexed), so pass the first entry of
// the request that needs it.
std::shared_ptr<const workflow::Workflow> DeployedWorkflow(const ledger::Ledger& ledger,
                                                           std::string_view name, uint32_t version,
                                                           uint64_t before);

}  // namespace jejak::engine
