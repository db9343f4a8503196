#include "engine/deployed_workflow.h"

#include <fmt/format.h>

#include "events/encoding.h"
#include "events/vocabulary.h"

namespace jejak::engine {

std::shared_ptr<const workflow::Workflow> DeployedWorkflow(const ledger::Ledger& ledger,
                                                           std::string_view name, uint32_t version,
                                                           uint64_t before) {
  std::shared_ptr<const workflow::Workflow> found;
  ledger.Scan(0, before, [&](const ledger::Entry& entry) {
    events::EventKeys keys = events::CheckCanonical(entry.bytes);
    if (keys.type != events::types::kWorkflowDeployed) return true;
    events::Event e = events::Decode(entry.bytes);
    if (e.workflow != name || e.workflow_version != version) return true;
    auto it = e.fields.find(events::fields::kDefinition);
    if (it == e.fields.end()) return true;
    found = workflow::ParseWorkflow(it->second.text(), fmt::format("ledger entry {}", entry.seq));
    return false;  // a version is deployed once
  });
  return found;
}

}  // namespace jejak::engine
