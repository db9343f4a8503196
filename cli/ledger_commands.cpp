// jejak ledger ...: commands on the ledger itself.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "events/error.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"

namespace jejak::cli {
namespace {

int RunVerify(const Context& ctx) {
  ctx.RequireData();
  ledger::VerifyReport report;
  {
    ProgressBar bar("verifying");
    report = ledger::VerifyLedger(ctx.LedgerDir(),
                                  [&](uint64_t done, uint64_t total) { bar.Update(done, total); });
  }
  if (ctx.json) {
    nlohmann::json j = {
        {"ok", report.ok},
        {"entries", report.entries},
        {"head", ledger::HashToHex(report.head)},
        {"merkle_root",
         report.merkle ? nlohmann::json(ledger::HashToHex(report.merkle_root)) : nlohmann::json()},
        {"checkpoints", report.checkpoints}};
    if (!report.ok) {
      j["bad_seq"] = report.bad_seq ? nlohmann::json(*report.bad_seq) : nlohmann::json();
      j["problem"] = report.problem;
    }
    std::cout << j.dump() << std::endl;
  } else if (report.ok) {
    fmt::print("OK {} entries, head {}\n", report.entries, ledger::HashToHex(report.head));
  } else {
    fmt::print("FAILED at entry {}: {}\n", report.bad_seq ? std::to_string(*report.bad_seq) : "?",
               report.problem);
  }
  return report.ok ? kExitOk : kExitCheckFailed;
}

// Opening the ledger for writing migrates it (ledger.h); this says so.
int RunMigrate(const Context& ctx) {
  ctx.RequireData();
  // Open() would create a ledger where there is none.
  if (!std::filesystem::exists(std::filesystem::path(ctx.LedgerDir()) / "CURRENT")) {
    throw events::Error(events::ErrorCode::kNotFound,
                        fmt::format("no jejak ledger in {}", ctx.LedgerDir()));
  }
  auto ledger = ledger::Ledger::Open(ctx.LedgerDir());
  uint64_t size = ledger->size();
  ledger.reset();
  if (ctx.json) {
    std::cout << nlohmann::json{{"ok", true},
                                {"format", ledger::layout::kFormatValue},
                                {"entries", size}}
                     .dump()
              << std::endl;
  } else {
    fmt::print("OK ledger format {}, {} entries\n", ledger::layout::kFormatValue, size);
  }
  return kExitOk;
}

}  // namespace

void AddLedgerCommands(CLI::App& app, Context& ctx) {
  auto* ledger = app.add_subcommand("ledger", "Inspect and verify the hash-chained ledger");
  ledger->require_subcommand(1);
  auto* verify = ledger->add_subcommand(
      "verify",
      "Re-derive every chain hash from the stored bytes and check continuity, the Merkle\n"
      "tree and the checkpoints' roots, and the indexes.\n"
      "Safe to run while another process writes. Prints 'OK <n> entries, head <hex>'.");
  AddCommonFlags(verify, ctx);
  verify->callback([&ctx] { ctx.run = [&ctx] { return RunVerify(ctx); }; });
  auto* migrate = ledger->add_subcommand(
      "migrate",
      "Upgrade the ledger's storage to this jejak's format (docs/FORMAT.md, \"Format versions\n"
      "and migration\"). Any command that opens the ledger for writing does it too; this\n"
      "one only does that. Needs the writer stopped. Prints 'OK ledger format <f>, <n> entries'.");
  AddCommonFlags(migrate, ctx);
  migrate->callback([&ctx] { ctx.run = [&ctx] { return RunMigrate(ctx); }; });
}

}  // namespace jejak::cli
