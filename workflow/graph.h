// Diagrams of a workflow's states and actions, for documentation and review:
// Mermaid (renders on GitHub and GitLab) and Graphviz DOT.
#pragma once

#include <string>
#include <string_view>

#include "workflow/workflow.h"

namespace jejak::workflow {

enum class GraphFormat { kMermaid, kDot };

// "mermaid" or "dot"; throws Error(kInvalidArgument) for anything else.
GraphFormat ParseGraphFormat(std::string_view name);

// One node per state, labelled with its title (and SLA); one edge per
// action and source state, labelled with the action's name and roles. The
// initial state has an arrow from a start marker; terminal states lead to
// an end marker (Mermaid) or are drawn with a double border (DOT). The
// built-in withdrawn state is only drawn when an action leads to it, since
// the withdraw command reaches it from every non-terminal state.
std::string RenderGraph(const Workflow& wf, GraphFormat format);

}  // namespace jejak::workflow
