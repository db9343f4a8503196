// Projections from the embedded ledger: jejak projections rebuild, jejak
// status (the citizen's view) and jejak report (auditors' reports). Each
// command first brings the projections up to date with the ledger, unless
// another process (a server) keeps them, in which case it reads theirs; in a
// directory without a ledger they read what jejak project fed from Kafka.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>

#include "base/error.h"
#include "base/hex.h"
#include "base/reason.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/progress.h"
#include "cli/report_format.h"
#include "engine/tracking_code.h"
#include "events/calendar.h"
#include "events/encoding.h"
#include "events/time.h"
#include "ledger/ledger.h"
#include "projections/catch_up.h"
#include "projections/projector.h"
#include "projections/report_options.h"
#include "projections/reports.h"
#include "projections/status.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;
using nlohmann::json;
namespace fs = std::filesystem;

// Applies every ledger entry the projector has not seen.
void CatchUp(projections::Projector& p, ledger::Ledger& ledger, ProgressBar* bar) {
  projections::CatchUpFromLedger(p, ledger, [&](uint64_t next, uint64_t end) {
    if (bar) bar->Update(next, end);
  });
}

}  // namespace

std::unique_ptr<projections::Store> UpToDate(const Context& ctx) {
  ctx.RequireData();
  if (!fs::exists(ctx.LedgerDir()) && fs::exists(ctx.ProjectionsDir())) {
    return projections::Store::OpenReadOnly(ctx.ProjectionsDir());
  }
  auto ledger = ledger::Ledger::OpenReadOnly(ctx.LedgerDir());
  try {
    projections::Projector p(projections::Store::Open(ctx.ProjectionsDir()));
    CatchUp(p, *ledger, nullptr);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::kBusy) throw;
  }
  return projections::Store::OpenReadOnly(ctx.ProjectionsDir());
}

namespace {

// How far a projection without a ledger is, for output; null otherwise.
json KafkaFedPosition(const Context& ctx, const projections::Store& store) {
  if (fs::exists(ctx.LedgerDir())) return nullptr;
  return {{"source", "kafka"}, {"next_seq", store.next_seq()}};
}

void PrintKafkaFedPosition(const json& position) {
  if (position.is_null()) return;
  uint64_t next = position["next_seq"];
  fmt::print("(projections fed from Kafka by jejak project: {})\n",
             next == 0 ? "no ledger entry applied yet"
                       : fmt::format("ledger entries 0 to {} applied", next - 1));
}

int RunRebuild(const Context& ctx) {
  ctx.RequireData();
  auto ledger = ledger::Ledger::OpenReadOnly(ctx.LedgerDir());
  // Build beside the old view and swap, so an interrupted rebuild leaves the
  // old view in place.
  std::string target = ctx.ProjectionsDir(), fresh = target + ".rebuild";
  fs::remove_all(fresh);
  auto started = std::chrono::steady_clock::now();
  uint64_t applied = 0;
  {
    projections::Projector p(projections::Store::Open(fresh));
    ProgressBar bar("rebuilding");
    CatchUp(p, *ledger, &bar);
    applied = p.next_seq();
  }
  {
    // Holding the old view for writing proves no server is using it.
    if (fs::exists(target)) projections::Store::Open(target);
  }
  fs::remove_all(target);
  fs::rename(fresh, target);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (ctx.json) {
    std::cout << json({{"events", applied}, {"seconds", s}}).dump() << std::endl;
  } else {
    fmt::print("Rebuilt projections from {} ledger entries in {:.2f} s ({:.0f} events/s)\n",
               applied, s, s > 0 ? applied / s : 0);
  }
  return kExitOk;
}

struct StatusOptions {
  std::string request, code;
};

int RunStatus(const Context& ctx, const StatusOptions& o) {
  auto store = UpToDate(ctx);
  auto status = projections::RequestStatus(*store, o.request, events::NowMicros());
  // The same answer for an unknown request and a wrong code: a code must not
  // let anyone probe which requests exist.
  if (!status ||
      (*status)["tracking_code_sha256"] != base::ToHex(engine::TrackingCodeDigest(o.code))) {
    throw Error(base::reason::kBadCode,
                fmt::format("no request {} with this tracking code", o.request));
  }
  status->erase("tracking_code_sha256");
  json position = KafkaFedPosition(ctx, *store);
  if (ctx.json) {
    if (!position.is_null()) (*status)["projection"] = position;
    std::cout << status->dump() << std::endl;
  } else {
    PrintStatus(*status);
    PrintKafkaFedPosition(position);
  }
  return kExitOk;
}

struct ReportCommandOptions {
  std::string kind, from, to, format = "table", grace = "1h", burst = "20/10m", reset_window = "2h";
};

int RunReport(const Context& ctx, const ReportCommandOptions& o) {
  projections::ReportOptions ro =
      projections::ParseReportOptions(o.from, o.to, o.grace, o.burst, o.reset_window);
  auto store = UpToDate(ctx);
  json report = o.kind == "officers"    ? projections::OfficerReport(*store, ro)
                : o.kind == "anomalies" ? projections::AnomalyReport(*store, ro)
                                        : projections::AgencyReport(*store, ro);
  std::string format = ctx.json ? "json" : o.format;
  if (format == "json") {
    std::cout << report.dump(2) << std::endl;
  } else {
    PrintReport(o.kind, report, format == "csv");
    if (format == "table") PrintKafkaFedPosition(KafkaFedPosition(ctx, *store));
  }
  return kExitOk;
}

}  // namespace

void AddProjectionCommands(CLI::App& app, Context& ctx) {
  auto* proj = app.add_subcommand("projections", "Views and reports built from the ledger");
  proj->require_subcommand(1);
  auto* rebuild = proj->add_subcommand(
      "rebuild", "Rebuild every view from ledger entry 0 (beside the old view, then swap)");
  AddCommonFlags(rebuild, ctx);
  rebuild->callback([&ctx] { ctx.run = [&ctx] { return RunRebuild(ctx); }; });

  static StatusOptions so;
  auto* status = app.add_subcommand(
      "status", "A request as its applicant sees it: state, next step, deadline, queue, history");
  status->add_option("REQUEST", so.request, "Request id")->required();
  status->add_option("--code", so.code, "The tracking code given at submission")->required();
  AddCommonFlags(status, ctx);
  status->callback([&ctx] { ctx.run = [&ctx] { return RunStatus(ctx, so); }; });

  static ReportCommandOptions ro;
  auto* report = app.add_subcommand("report", "Accountability reports for auditors");
  report->add_option("KIND", ro.kind, "officers, anomalies or agency")
      ->required()
      ->check(CLI::IsMember({"officers", "anomalies", "agency"}));
  report->add_option("--from", ro.from, "First day (YYYY-MM-DD, agency local time)");
  report->add_option("--to", ro.to, "Last day, inclusive");
  report->add_option("--format", ro.format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  report->add_option("--grace", ro.grace,
                     "Queue-jumping: flag when another request waited longer by more than this "
                     "(default 1h)");
  report->add_option("--burst", ro.burst,
                     "Bursts: more than N actions within a window, as N/WINDOW (default 20/10m)");
  report->add_option("--reset-window", ro.reset_window,
                     "Deadline resets: a request sent back to its applicant this close to its "
                     "deadline or closer (default 2h)");
  AddCommonFlags(report, ctx);
  report->callback([&ctx] { ctx.run = [&ctx] { return RunReport(ctx, ro); }; });
}

}  // namespace jejak::cli
