// How the jejak executable wires its subcommands. Each command group adds its
// subcommands to the CLI11 app and sets Context::run when one is chosen; main
// runs it and turns any base::Error into a message and an exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "privacy/kek.h"
#include "projections/store.h"

namespace jejak::cli {

struct Context {
  std::string data_dir;  // --data
  bool json = false;     // --json: machine-readable output on stdout
  std::string kek;       // --kek: the key-encryption key file
  std::function<int()> run;

  // The ledger's directory inside the data directory.
  std::string LedgerDir() const { return data_dir + "/ledger"; }
  // The projection store inside the data directory.
  std::string ProjectionsDir() const { return data_dir + "/projections"; }
  // Throws Error(kInvalidArgument) if --data was not given.
  void RequireData() const;
  // --kek, else $JEJAK_KEK, else empty.
  std::string KekPath() const;
  // The key-encryption key of KekPath(), or null without one. Throws
  // Error(kInvalidArgument) if the file lies inside the data directory:
  // whoever copies the data directory must not get the key with it.
  std::shared_ptr<const privacy::KeyEncryptionKey> Kek() const;
  // The engine over the data directory, for writing, with Kek() (commands
  // run at once, so no background deadline checks).
  std::unique_ptr<engine::Engine> OpenEngine() const;
};

// The projections, caught up with the ledger when this process may write
// them. A directory without a ledger holds projections fed from Kafka (jejak
// project): they are read as they are.
std::unique_ptr<projections::Store> UpToDate(const Context& ctx);

// Adds --data (when data is true) and --json to a subcommand, so that they
// show in its --help; they may also be given before the subcommand.
void AddCommonFlags(CLI::App* cmd, Context& ctx, bool data = true);
// Adds --kek (default: the environment variable JEJAK_KEK) to a command that
// reads or writes personal data.
void AddKekOption(CLI::App* cmd, Context& ctx);

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
void AddSubjectCommands(CLI::App& app, Context& ctx);

}  // namespace jejak::cli
