// jejak ledger ...: commands on the ledger itself.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "base/error.h"
#include "base/files.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/proof_files.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/salvage.h"
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
    throw base::Error(base::ErrorCode::kNotFound,
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

namespace fs = std::filesystem;

// The data directory's keys and secrets, which the new one needs (tracking
// codes, tokens and receipts stay valid); projections and the relay's
// position are derived from the ledger and start over.
void CopySecrets(const std::string& from, const std::string& to) {
  std::error_code ec;
  for (const char* name : {"tracking.key", "token.key", "keys"}) {
    fs::path src = fs::path(from) / name;
    if (!fs::exists(src, ec)) continue;
    fs::copy(src, fs::path(to) / name,
             fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      throw base::Error(base::ErrorCode::kIoError,
                        fmt::format("cannot copy {}: {}", src.string(), ec.message()));
    }
  }
}

std::string SeqRange(uint64_t from, uint64_t to) {
  return to - from == 1 ? std::to_string(from) : fmt::format("{}..{}", from, to - 1);
}

int RunSalvage(const Context& ctx, const std::string& out) {
  ctx.RequireData();
  std::error_code ec;
  if (fs::exists(out, ec) && fs::equivalent(out, ctx.data_dir, ec)) {
    throw base::Error(base::ErrorCode::kInvalidArgument,
                      "--out must be a new directory, not the one salvaged");
  }
  if (fs::exists(out, ec) && !fs::is_empty(out, ec)) {
    throw base::Error(base::ErrorCode::kInvalidArgument,
                      fmt::format("{} is not empty; salvage needs a new directory", out));
  }
  std::string ledger_out = out + "/ledger";
  std::string unsaved = out + "/salvage/unsaved.jsonl";
  fs::create_directories(out + "/salvage", ec);
  if (ec) {
    throw base::Error(base::ErrorCode::kIoError,
                      fmt::format("cannot create {}: {}", out, ec.message()));
  }
  ledger::SalvageReport r = ledger::Salvage(ctx.LedgerDir(), ledger_out, unsaved);
  CopySecrets(ctx.data_dir, out);
  nlohmann::json j = {
      {"complete", r.complete()},
      {"saved", r.saved},
      {"expected", r.expected},
      {"not_saved",
       r.complete() ? nlohmann::json() : nlohmann::json{{"from", r.saved}, {"to", r.expected - 1}}},
      {"problem", r.first_problem},
      {"exported", r.exported},
      {"unsaved_file", unsaved},
      {"checkpoints", r.checkpoints},
      {"damaged_files", r.damaged_files},
      {"ledger", ledger_out}};
  base::WriteFileAtomically(out + "/salvage/report.json", j.dump(2) + "\n", kOutputFileMode);
  if (ctx.json) {
    std::cout << j.dump() << std::endl;
  } else {
    fmt::print("Saved entries {} into {} ({} checkpoints kept)\n",
               r.saved == 0 ? "none" : SeqRange(0, r.saved), ledger_out, r.checkpoints);
    if (r.complete()) {
      fmt::print("Every entry was saved.\n");
    } else {
      fmt::print("NOT saved: entries {} ({} entries): {}\n", SeqRange(r.saved, r.expected),
                 r.expected - r.saved, r.first_problem);
      fmt::print("The values found for them ({}) are in {}, as found\n", r.exported, unsaved);
    }
    for (const auto& f : r.damaged_files) fmt::print("Damaged: {}\n", f);
  }
  return r.complete() ? kExitOk : kExitCheckFailed;
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
  static std::string salvage_out;
  auto* salvage = ledger->add_subcommand(
      "salvage",
      "Copy every entry of a damaged ledger that verifies into a new data directory, and say\n"
      "exactly which could not be saved. Reads the damaged files without changing them (the\n"
      "writer must be stopped). Entries 0..n-1 that verify keep their sequence numbers and\n"
      "hashes; from the first that is missing or fails on, none can be chained, so each is\n"
      "reported and the ones found are written to NEWDIR/salvage/unsaved.jsonl. Copies the\n"
      "keys and secrets; projections start over. Exit 0: every entry saved; 1: some not saved\n"
      "(docs/FORMAT.md, \"Durability and recovery\").");
  salvage->add_option("--out", salvage_out, "The new data directory (must not exist or be empty)")
      ->required();
  AddCommonFlags(salvage, ctx);
  salvage->callback([&ctx] { ctx.run = [&ctx] { return RunSalvage(ctx, salvage_out); }; });
}

}  // namespace jejak::cli
