// How the jejak executable wires its subcommands. Each command group adds its
// subcommands to the CLI11 app and sets Context::run when one is chosen; main
// runs it and turns any base::Error into a message and an exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace jejak::cli {

struct Context {
  std::string data_dir;  // --data
  bool json = false;     // --json: machine-readable output on stdout
  std::function<int()> run;

  // The ledger's directory inside the data directory.
  std::string LedgerDir() const { return data_dir + "/ledger"; }
  // The projection store inside the data directory.
  std::string ProjectionsDir() const { return data_dir + "/projections"; }
  // Throws Error(kInvalidArgument) if --data was not given.
  void RequireData() const;
};

// Adds --data (when data is true) and --json to a subcommand, so that they
// show in its --help; they may also be given before the subcommand.
void AddCommonFlags(CLI::App* cmd, Context& ctx, bool data = true);

void AddLedgerCommands(CLI::App& app, Context& ctx);
void AddWorkflowCommands(CLI::App& app, Context& ctx);
// Needs AddWorkflowCommands first: it adds 'workflow deploy'.
void AddEngineCommands(CLI::App& app, Context& ctx);
void AddDemoCommand(CLI::App& app, Context& ctx);
void AddKafkaCommands(CLI::App& app, Context& ctx);
// Needs AddLedgerCommands first: it adds 'ledger prove', 'export', 'verify-export'.
void AddProofCommands(CLI::App& app, Context& ctx);
void AddProjectionCommands(CLI::App& app, Context& ctx);
void AddProjectCommand(CLI::App& app, Context& ctx);
void AddServeCommands(CLI::App& app, Context& ctx);
void AddWitnessCommands(CLI::App& app, Context& ctx);

}  // namespace jejak::cli
