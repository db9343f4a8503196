// The jejak executable: parses the command line (the only place that does)
// and dispatches to the command groups.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "base/error.h"
#include "base/pkcs11_token.h"
#include "cli/command.h"
#include "cli/exit_codes.h"

namespace jejak::cli {

void AddCommonFlags(CLI::App* cmd, Context& ctx, bool data) {
  if (data) cmd->add_option("--data", ctx.data_dir, "Data directory (ledger and projections)");
  cmd->add_flag("--json", ctx.json, "Machine-readable JSON output on stdout");
}

void AddKekOption(CLI::App* cmd, Context& ctx) {
  cmd->add_option("--kek", ctx.kek,
                  "Key-encryption key: a file (jejak keys generate --kek FILE) outside the data "
                  "directory, or the PKCS#11 URI of an AES-256 key on a token; needed to accept "
                  "or read personal data (default: $JEJAK_KEK)");
}

// JEJAK_KEK is read here, not through CLI11's envname: several subcommands
// bind --kek to this one string, and CLI11 would let the variable override a
// --kek given to another of them.
std::string Context::KekPath() const {
  if (!kek.empty()) return kek;
  const char* env = std::getenv("JEJAK_KEK");  // NOLINT(concurrency-mt-unsafe): before any thread
  return env == nullptr ? "" : env;
}

std::shared_ptr<const privacy::KeyEncryptionKey> Context::Kek() const {
  std::string kek = KekPath();
  if (kek.empty()) return nullptr;
  namespace fs = std::filesystem;
  if (!data_dir.empty() && !base::IsPkcs11Uri(kek)) {
    std::error_code ec;
    std::string k = fs::weakly_canonical(kek, ec).string();
    std::string d = fs::weakly_canonical(data_dir, ec).string();
    if (!ec && k.starts_with(d + "/")) {
      throw base::Error(base::ErrorCode::kInvalidArgument,
                        fmt::format("the key-encryption key {} lies inside the data directory {}: "
                                    "keep it elsewhere (another disk, a token's mount), so that a "
                                    "copy of the data directory decrypts nothing",
                                    kek, data_dir));
    }
  }
  return privacy::KeyEncryptionKey::Load(kek);
}

std::unique_ptr<engine::Engine> Context::OpenEngine() const {
  RequireData();
  engine::EngineOptions o;
  o.data_dir = data_dir;
  o.sla_interval = std::chrono::milliseconds(0);
  o.kek = Kek();
  return engine::Engine::Open(std::move(o));
}

void Context::RequireData() const {
  if (data_dir.empty()) {
    throw base::Error(base::ErrorCode::kInvalidArgument,
                      "--data DIR is required: the data directory to work on");
  }
}

}  // namespace jejak::cli

namespace {

int Main(int argc, char** argv) {
  using namespace jejak;
  CLI::App app{"jejak: an event-sourced workflow engine with a tamper-evident audit ledger"};
  app.footer(cli::kExitCodesHelp);
  app.require_subcommand(1);
  app.fallthrough();
  cli::Context ctx;
  app.add_option("--data", ctx.data_dir, "Data directory (ledger and projections)");
  app.add_flag("--json", ctx.json, "Machine-readable JSON output on stdout");
  cli::AddLedgerCommands(app, ctx);
  cli::AddWorkflowCommands(app, ctx);
  cli::AddEngineCommands(app, ctx);
  cli::AddDemoCommand(app, ctx);
  cli::AddKafkaCommands(app, ctx);
  cli::AddProofCommands(app, ctx);
  cli::AddProjectionCommands(app, ctx);
  cli::AddProjectCommand(app, ctx);
  cli::AddServeCommands(app, ctx);
  cli::AddWitnessCommands(app, ctx);
  cli::AddSubjectCommands(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? cli::kExitOk : cli::kExitBadInput;
  }
  try {
    return ctx.run ? ctx.run() : cli::kExitOk;
  } catch (const base::Error& e) {
    if (ctx.json) {
      nlohmann::json j = {{"error",
                           {{"code", base::ErrorCodeName(e.code())},
                            {"reason", e.reason()},
                            {"message", e.what()}}}};
      // The message may echo input that is not UTF-8.
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
    }
    fmt::print(stderr, "jejak: {}\n", e.what());
    return cli::ExitCodeFor(e);
  } catch (const std::exception& e) {
    fmt::print(stderr, "jejak: internal error: {}\n", e.what());
    return cli::kExitIoError;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (...) {  // setting up the command line, or reporting an error, failed
    std::fputs("jejak: internal error\n", stderr);
    return jejak::cli::kExitIoError;
  }
}
