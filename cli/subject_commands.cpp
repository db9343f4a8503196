// jejak subject erase | report: a data subject's rights under UU PDP
// (docs/PRIVACY.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/kafka.h"
#include "engine/engine.h"
#include "engine/subject_report.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;

struct SubjectOptions {
  std::string subject, reason, actor, agency;
  KafkaFlags kafka;
};

std::unique_ptr<engine::Engine> OpenWriter(const Context& ctx) {
  ctx.RequireData();
  if (ctx.KekPath().empty()) {
    throw Error(ErrorCode::kInvalidArgument,
                "--kek FILE (or JEJAK_KEK) is required: the key store opens only with it");
  }
  try {
    return ctx.OpenEngine();
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kBusy) throw;
    throw Error(ErrorCode::kBusy,
                fmt::format("{}; while jejak serve runs, use its API (docs/PRIVACY.md)", e.what()));
  }
}

int RunErase(const Context& ctx, const SubjectOptions& o) {
  auto eng = OpenWriter(ctx);
  KafkaRelay kafka(ctx, o.kafka, eng->ledger());
  engine::Erasure r = eng->EraseSubject({o.subject, o.reason, {o.actor, "dpo", o.agency}});
  kafka.Finish();
  if (ctx.json) {
    std::cout << nlohmann::json({{"subject", r.subject},
                                 {"seq", r.accepted.event.seq},
                                 {"plaintext_entries", r.plaintext_entries},
                                 {"purged", r.purged},
                                 {"purge_problem", r.purge_problem}})
                     .dump()
              << std::endl;
  } else {
    fmt::print(
        "Subjek {} dihapus / erased at ledger entry {}: its data keys are destroyed, so "
        "its sealed personal fields can never be read again; the ledger still verifies.\n",
        r.subject, r.accepted.event.seq);
    if (r.purged) {
      fmt::print("The key store's files were checked: no copy of the keys is left in them.\n");
    } else {
      fmt::print(
          "The keys are deleted, but the check of the key store's files failed ({}); it "
          "is tried again each time jejak opens the data directory.\n",
          r.purge_problem);
    }
    if (r.plaintext_entries > 0) {
      fmt::print(
          "Note: {} ledger entr{} of this subject predate sealing and hold their personal "
          "data in plaintext. The ledger is immutable, so they stay as they are.\n",
          r.plaintext_entries, r.plaintext_entries == 1 ? "y" : "ies");
    } else {
      fmt::print("No entry of this subject holds personal data in plaintext.\n");
    }
  }
  return r.purged ? kExitOk : kExitIoError;
}

// Human-readable report, Indonesian first.
void PrintReport(const nlohmann::json& r) {
  fmt::print("Rekam jejak data pribadi / personal data report\n");
  fmt::print("Subjek / subject: {}{}\n",
             r["subject"].is_null() ? "(tanpa id subjek / no subject id)"
                                    : r["subject"].get<std::string>(),
             r["erased"].get<bool>() ? "  [dihapus / erased]" : "");
  fmt::print("Permohonan / requests: {}\n", r["requests"].size());
  for (const auto& q : r["requests"]) {
    fmt::print("\n{}  {} ({})\n", q["request_id"].get<std::string>(),
               q.value("title", std::string()), q.value("agency", std::string()));
    fmt::print("  Data pribadi / personal data:\n");
    for (const auto& [name, value] : q["personal_data"].items()) {
      fmt::print("    {}: {}\n", name, value.is_string() ? value.get<std::string>() : value.dump());
    }
    fmt::print("  Pemrosesan / processing:\n");
    for (const auto& s : q["processing"]) {
      fmt::print(
          "    {:>6}  {}  {:<22} oleh / by {} ({})\n", s["seq"].get<uint64_t>(),
          s["time"].get<std::string>(),
          s.contains("action") ? s["action"].get<std::string>() : s["type"].get<std::string>(),
          s["by"]["subject"].get<std::string>(), s["by"]["role"].get<std::string>());
    }
    fmt::print("  Akses petugas / staff access: {}\n", q["accesses"].size());
    for (const auto& a : q["accesses"]) {
      fmt::print("    {:>6}  {}  {} ({}) melihat / saw {} via {}\n", a["seq"].get<uint64_t>(),
                 a["time"].get<std::string>(), a["by"]["subject"].get<std::string>(),
                 a["by"]["role"].get<std::string>(), a["fields"].get<std::string>(),
                 a["interface"].get<std::string>());
    }
  }
}

int RunReport(const Context& ctx, const SubjectOptions& o) {
  auto eng = OpenWriter(ctx);
  engine::SubjectReport r = engine::BuildSubjectReport(*eng, o.subject);
  // The report shows personal data to whoever runs it: on the record first.
  for (const auto& [request, fields] : r.opened) {
    eng->RecordAccess({request, {o.actor, "dpo", o.agency}, fields, "cli"});
  }
  if (ctx.json) {
    std::cout << r.document.dump() << std::endl;
  } else {
    PrintReport(r.document);
  }
  return kExitOk;
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
  AddKafkaFlags(erase, o.kafka);
  AddCommonFlags(erase, ctx);
  AddKekOption(erase, ctx);
  erase->callback([&ctx] { ctx.run = [&ctx] { return RunErase(ctx, o); }; });

  auto* report = subject->add_subcommand(
      "report",
      "What jejak holds about a subject: their requests, personal data, every step and every "
      "staff access (UU PDP Art 7, 32); the access this report is, is recorded too");
  report->add_option("--subject", o.subject, "The subject's NIK (or subject id)")->required();
  report->add_option("--as", o.actor, "Who asks (the data-protection officer)")->required();
  report->add_option("--agency", o.agency, "Their agency");
  AddCommonFlags(report, ctx);
  AddKekOption(report, ctx);
  report->callback([&ctx] { ctx.run = [&ctx] { return RunReport(ctx, o); }; });
}

}  // namespace jejak::cli
