// jejak workflow ...: check and draw workflow definitions (docs/WORKFLOWS.md).
// Neither command needs --data: they only read YAML files.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "workflow/graph.h"
#include "workflow/workflow.h"

namespace jejak::cli {
namespace {

struct ValidateOptions {
  std::vector<std::string> files;
};

struct GraphOptions {
  std::string file;
  std::string format = "mermaid";
};

// Every file is checked, even after a bad one, so one run lists everything.
int RunValidate(const Context& ctx, const ValidateOptions& opts) {
  // ordered_json keeps the documented key order: file, ok, errors.
  nlohmann::ordered_json report = nlohmann::ordered_json::array();
  bool all_ok = true;
  for (const std::string& file : opts.files) {
    workflow::WorkflowCheck check;
    try {
      check = workflow::CheckWorkflow(workflow::ReadWorkflowText(file));
    } catch (const base::Error& e) {
      check.problems.push_back({{0, 0}, e.what()});
    }
    all_ok = all_ok && check.problems.empty();
    if (ctx.json) {
      nlohmann::ordered_json errors = nlohmann::ordered_json::array();
      for (const auto& p : check.problems) {
        errors.push_back({{"line", p.pos.line}, {"column", p.pos.column}, {"message", p.message}});
      }
      report.push_back({{"file", file}, {"ok", check.problems.empty()}, {"errors", errors}});
      if (check.workflow) {
        report.back()["workflow"] = check.workflow->name;
        report.back()["version"] = check.workflow->version;
        report.back()["sha256"] = check.workflow->source_sha256;
      }
    } else if (check.workflow) {
      fmt::print("OK {} ({} v{})\n", file, check.workflow->name, check.workflow->version);
    } else {
      fmt::print("{}\n", workflow::FormatProblems(file, check.problems));
    }
  }
  if (ctx.json) std::cout << report.dump(2) << std::endl;
  return all_ok ? kExitOk : kExitBadInput;
}

int RunGraph(const GraphOptions& opts) {
  workflow::GraphFormat format = workflow::ParseGraphFormat(opts.format);
  auto wf = workflow::LoadWorkflowFile(opts.file);
  fmt::print("{}", workflow::RenderGraph(*wf, format));
  return kExitOk;
}

}  // namespace

void AddWorkflowCommands(CLI::App& app, Context& ctx) {
  auto* workflow = app.add_subcommand(
      "workflow", "Check and draw workflow definitions (YAML, see docs/WORKFLOWS.md)");
  workflow->require_subcommand(1);

  auto validate_opts = std::make_shared<ValidateOptions>();
  auto* validate = workflow->add_subcommand(
      "validate",
      "Load and fully validate workflow files. Prints 'OK <file> (<name> v<version>)' for each\n"
      "valid file, and 'file:line:column: problem' for every problem of an invalid one.\n"
      "With --json, prints an array of {file, ok, errors: [{line, column, message}]}.\n"
      "Exits 0 if all files are valid, 2 otherwise.");
  validate->add_option("files", validate_opts->files, "Workflow YAML files")->required();
  validate->callback([&ctx, validate_opts] {
    ctx.run = [&ctx, validate_opts] { return RunValidate(ctx, *validate_opts); };
  });

  auto graph_opts = std::make_shared<GraphOptions>();
  auto* graph = workflow->add_subcommand(
      "graph",
      "Print a workflow's states and actions as a diagram on stdout: Mermaid stateDiagram-v2\n"
      "(renders in GitHub/GitLab Markdown) or Graphviz DOT (pipe to 'dot -Tsvg').");
  graph->add_option("file", graph_opts->file, "Workflow YAML file")->required();
  graph->add_option("--format", graph_opts->format, "mermaid (default) or dot")
      ->check(CLI::IsMember({"mermaid", "dot"}));
  graph->callback([&ctx, graph_opts] { ctx.run = [graph_opts] { return RunGraph(*graph_opts); }; });
}

}  // namespace jejak::cli
