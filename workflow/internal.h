// Shared between the workflow loader's two passes (parser.cpp reads
// YAML into a Workflow, check.cpp checks cross-references and the
// state graph). Not part of the workflow library's interface.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "workflow/workflow.h"

namespace jejak::workflow::internal {

// Where the parts of an action were written, for precise error positions.
struct ActionMarks {
  std::vector<SourcePos> from, fields, required_fields, four_eyes;
  SourcePos to, guard, quorum;
  std::map<std::string, SourcePos> guard_dates;  // fields the guard uses as dates, and where
};

struct StateMarks {
  SourcePos initial;                                // of the "initial" key, if given
  SourcePos deadline_action, escalate_to;           // of on_deadline's values
  SourcePos clock;                                  // of the "clock" value, if given
  std::map<std::string, SourcePos> deadline_dates;  // fields deadline_at reads, and where
};

struct ParsedWorkflow {
  Workflow wf;
  std::vector<StateMarks> state_marks;    // parallel to wf.states
  std::vector<ActionMarks> action_marks;  // parallel to wf.actions
  SourcePos states_key;
  bool states_ok = false;  // the states section was present and a mapping
};

// Pass 1: reads YAML text. Problems are appended; what could be read is kept.
void ParseYaml(const std::string& text, ParsedWorkflow* out,
               std::vector<WorkflowProblem>* problems);
// Pass 2: unknown names, initial/terminal rules, reachability; fills
// StateSpec::responsible_roles and appends the built-in withdrawn state.
void CheckWorkflowGraph(ParsedWorkflow* p, std::vector<WorkflowProblem>* problems);

}  // namespace jejak::workflow::internal
