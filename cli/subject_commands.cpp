// jejak subject erase | report: a data subject's rights under UU PDP
// (docs/PRIVACY.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "engine/engine.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;

struct SubjectOptions {
  std::string subject, reason, actor, agency;
};

std::unique_ptr<engine::Engine> OpenWriter(const Context& ctx) {
  ctx.RequireData();
  engine::EngineOptions o;
  o.data_dir = ctx.data_dir;
  o.sla_interval = std::chrono::milliseconds(0);
  o.kek = ctx.Kek();
  if (!o.kek) {
    throw Error(ErrorCode::kInvalidArgument,
                "--kek FILE (or JEJAK_KEK) is required: the key store opens only with it");
  }
  try {
    return engine::Engine::Open(std::move(o));
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kBusy) throw;
    throw Error(ErrorCode::kBusy,
                fmt::format("{}; while jejak serve runs, use its API (docs/PRIVACY.md)", e.what()));
  }
}

int RunErase(const Context& ctx, const SubjectOptions& o) {
  auto eng = OpenWriter(ctx);
  engine::Erasure r = eng->EraseSubject({o.subject, o.reason, {o.actor, "dpo", o.agency}});
  if (ctx.json) {
    std::cout << nlohmann::json({{"subject", r.subject},
                                 {"seq", r.accepted.event.seq},
                                 {"plaintext_entries", r.plaintext_entries},
                                 {"purged", r.purged},
                                 {"purge_problem", r.purge_problem}})
                     .dump()
              << std::endl;
  } else {
    fmt::print("Subjek {} dihapus / erased at ledger entry {}: its data keys are destroyed, so "
               "its sealed personal fields can never be read again; the ledger still verifies.\n",
               r.subject, r.accepted.event.seq);
    if (r.purged) {
      fmt::print("The key store's files were checked: no copy of the keys is left in them.\n");
    } else {
      fmt::print("The keys are deleted, but the check of the key store's files failed ({}); it "
                 "is tried again each time jejak opens the data directory.\n",
                 r.purge_problem);
    }
    if (r.plaintext_entries > 0) {
      fmt::print("Note: {} ledger entr{} of this subject predate sealing and hold their personal "
                 "data in plaintext. The ledger is immutable, so they stay as they are.\n",
                 r.plaintext_entries, r.plaintext_entries == 1 ? "y" : "ies");
    } else {
      fmt::print("No entry of this subject holds personal data in plaintext.\n");
    }
  }
  return r.purged ? kExitOk : kExitIoError;
}

}  // namespace

void AddSubjectCommands(CLI::App& app, Context& ctx) {
  static SubjectOptions o;
  auto* subject = app.add_subcommand(
      "subject", "A data subject's rights under UU PDP: erasure and the report of their data");
  subject->require_subcommand(1);
  auto* erase = subject->add_subcommand(
      "erase",
      "Erase a subject: append subject_erased, then destroy their data keys (crypto-shredding)");
  erase->add_option("--subject", o.subject, "The subject's NIK (or subject id)")->required();
  erase->add_option("--reason", o.reason, "Why, for the record (no personal data in it)")
      ->required();
  erase->add_option("--as", o.actor, "The data-protection officer who erases")->required();
  erase->add_option("--agency", o.agency, "The officer's agency");
  AddCommonFlags(erase, ctx);
  AddKekOption(erase, ctx);
  erase->callback([&ctx] { ctx.run = [&ctx] { return RunErase(ctx, o); }; });
}

}  // namespace jejak::cli
