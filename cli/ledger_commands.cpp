// jejak ledger ...: commands on the ledger itself.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
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
    nlohmann::json j = {{"ok", report.ok},
                        {"entries", report.entries},
                        {"head", ledger::HashToHex(report.head)},
                        {"merkle_root", report.merkle ? nlohmann::json(ledger::HashToHex(
                                                            report.merkle_root))
                                                      : nlohmann::json()},
                        {"checkpoints", report.checkpoints}};
    if (!report.ok) {
      j["bad_seq"] = report.bad_seq ? nlohmann::json(*report.bad_seq) : nlohmann::json();
      j["problem"] = report.problem;
    }
    std::cout << j.dump() << std::endl;
  } else if (report.ok) {
    fmt::print("OK {} entries, head {}\n", report.entries, ledger::HashToHex(report.head));
  } else {
    fmt::print("FAILED at entry {}: {}\n",
               report.bad_seq ? std::to_string(*report.bad_seq) : "?", report.problem);
  }
  return report.ok ? kExitOk : kExitCheckFailed;
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
}

}  // namespace jejak::cli
