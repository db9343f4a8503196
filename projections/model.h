// What projections know of a workflow version: read from the JSON "model"
// of its workflow_deployed event (docs/FORMAT.md, "Workflow model"), never
// from YAML files.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "events/calendar.h"

namespace jejak::projections {

struct StateModel {
  std::string title;
  bool terminal = false;
  bool has_sla = false;
  bool working_days = false;  // its sla counts working days
  std::vector<std::string> responsible_roles;
  int depth = 0;  // steps from the initial state; lower means earlier

  // As workflow::StateSpec's: the applicant acts here; only the system does.
  bool WaitsForApplicant() const;
  bool OnlySystemActs() const;
};

struct ActionModel {
  std::string title;
  std::vector<std::string> roles;
  std::vector<std::string> from;
  std::string to;
  uint32_t quorum = 1;  // distinct officers who must take it (workflow "quorum")
};

struct WorkflowModel {
  std::string name;
  uint32_t version = 0;
  std::string agency, title;
  events::Calendar calendar;
  std::map<std::string, StateModel> states;
  std::map<std::string, ActionModel> actions;

  // Throws Error(kCorruption) if json is not a workflow model.
  static WorkflowModel FromJson(const std::string& json);
  // FromJson through a process-wide cache keyed by the JSON text itself. A
  // model is a pure function of its bytes, so an entry never goes stale and
  // stores opened side by side cannot mix models up: nothing to invalidate.
  // Thread-safe; the cache is bounded (cleared when full).
  static std::shared_ptr<const WorkflowModel> FromJsonCached(const std::string& json);
  const StateModel* State(const std::string& name) const;
  // Local calendar day (days since 1970-01-01) of t in this agency's zone.
  int64_t LocalDay(int64_t t_us) const;
};

}  // namespace jejak::projections
