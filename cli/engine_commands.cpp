// Commands that change requests, run embedded against --data DIR:
// jejak workflow deploy, submit, act, withdraw; and jejak history.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/kafka.h"
#include "cli/proof_files.h"
#include "engine/deployed_workflow.h"
#include "engine/engine.h"
#include "engine/personal_view.h"
#include "events/encoding.h"
#include "events/json.h"
#include "events/time.h"
#include "events/vocabulary.h"
#include "ledger/ledger.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;

struct CommandOptions {
  std::vector<std::string> files;  // deploy
  std::string workflow, request, action;
  std::string subject, role, agency;
  std::vector<std::string> fields;  // k=v
  std::string reason, idempotency_key;
  std::optional<uint32_t> expect_version;
  bool show_personal = false;
  ReceiptOptions receipt;
  KafkaFlags kafka;
};

engine::FieldInputs ParseFields(const std::vector<std::string>& pairs) {
  engine::FieldInputs out;
  for (const auto& p : pairs) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("--field \"{}\" must look like name=value", p));
    }
    if (!out.emplace(p.substr(0, eq), p.substr(eq + 1)).second) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("--field {} is given twice", p.substr(0, eq)));
    }
  }
  return out;
}

std::string FieldText(const events::Event& e, const char* name) {
  auto it = e.fields.find(name);
  return it == e.fields.end() ? "" : it->second.ToDisplayString();
}

nlohmann::json AcceptedJson(const engine::Accepted& a) {
  nlohmann::json j = {{"request_id", a.event.request_id},
                      {"seq", a.event.seq},
                      {"chain", ledger::HashToHex(a.chain)},
                      {"request_version", a.request_version},
                      {"replayed", a.replayed},
                      {"event", events::ToJson(a.event)}};
  if (!a.tracking_code.empty()) j["tracking_code"] = a.tracking_code;
  return j;
}

// Called with the engine closed: the receipt's checkpoint needs the ledger.
int Report(const Context& ctx, const CommandOptions& o, const engine::Accepted& a) {
  std::optional<nlohmann::json> receipt = IssueReceipt(ctx, o.receipt, a.event.seq);
  if (ctx.json) {
    nlohmann::json j = AcceptedJson(a);
    if (receipt) j["receipt"] = *receipt;
    std::cout << j.dump() << std::endl;
    return kExitOk;
  }
  if (!o.receipt.file.empty()) fmt::print("Receipt written to {}\n", o.receipt.file);
  std::string state = FieldText(a.event, events::fields::kTo);
  std::string outcome = state.empty() ? "recorded" : "now " + state;
  if (a.event.type == events::types::kApproval) {
    outcome = fmt::format("approval {} of {} recorded; the request moves with the last",
                          a.event.fields.at(events::fields::kApprovals).number(),
                          a.event.fields.at(events::fields::kQuorum).number());
  }
  fmt::print("{} {}: {} (version {}, ledger entry {}){}\n", a.event.request_id,
             a.event.type == events::types::kAction || a.event.type == events::types::kApproval
                 ? FieldText(a.event, events::fields::kAction)
                 : a.event.type,
             outcome, a.request_version, a.event.seq,
             a.replayed ? " [already done: idempotent retry]" : "");
  if (!a.tracking_code.empty()) {
    fmt::print("Tracking code: {}  (keep it secret: it lets you read the request)\n",
               a.tracking_code);
  }
  std::string deadline = FieldText(a.event, events::fields::kDeadline);
  if (!deadline.empty()) fmt::print("Deadline for the next step: {}\n", deadline);
  return kExitOk;
}

int RunDeploy(const Context& ctx, const CommandOptions& o) {
  ctx.RequireData();
  // Every file must load before anything is written.
  std::vector<std::shared_ptr<const workflow::Workflow>> workflows;
  for (const auto& file : o.files) workflows.push_back(workflow::LoadWorkflowFile(file));
  auto eng = ctx.OpenEngine();
  KafkaRelay kafka(ctx, o.kafka, eng->ledger());
  events::Actor deployer{o.subject.empty() ? "admin" : o.subject, "admin", o.agency};
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < o.files.size(); ++i) {
    const std::string& file = o.files[i];
    const auto& wf = workflows[i];
    auto result = eng->Deploy(wf, deployer);
    if (ctx.json) {
      out.push_back({{"file", file},
                     {"workflow", wf->name},
                     {"version", wf->version},
                     {"deployed", result.has_value()},
                     {"seq", result ? nlohmann::json(result->event.seq) : nlohmann::json()}});
    } else if (result) {
      fmt::print("Deployed {} v{} ({}) at ledger entry {}\n", wf->name, wf->version, file,
                 result->event.seq);
    } else {
      fmt::print("{} v{} is already deployed with this exact definition\n", wf->name, wf->version);
    }
  }
  kafka.Finish();
  if (ctx.json) std::cout << out.dump() << std::endl;
  return kExitOk;
}

int RunSubmit(const Context& ctx, const CommandOptions& o) {
  auto eng = ctx.OpenEngine();
  KafkaRelay kafka(ctx, o.kafka, eng->ledger());
  engine::SubmitCommand c{o.workflow, o.subject, ParseFields(o.fields), o.idempotency_key};
  engine::Accepted a = eng->Submit(std::move(c));
  kafka.Finish();
  eng.reset();
  return Report(ctx, o, a);
}

int RunAct(const Context& ctx, const CommandOptions& o) {
  auto eng = ctx.OpenEngine();
  engine::ActCommand c;
  c.request_id = o.request;
  c.action = o.action;
  c.actor = {o.subject, o.role, o.agency};
  c.fields = ParseFields(o.fields);
  c.reason = o.reason;
  c.expect_version = o.expect_version;
  c.idempotency_key = o.idempotency_key;
  KafkaRelay kafka(ctx, o.kafka, eng->ledger());
  engine::Accepted a = eng->Act(std::move(c));
  kafka.Finish();
  eng.reset();
  return Report(ctx, o, a);
}

int RunWithdraw(const Context& ctx, const CommandOptions& o) {
  auto eng = ctx.OpenEngine();
  engine::WithdrawCommand c{o.request, o.subject, o.reason, o.expect_version, o.idempotency_key};
  KafkaRelay kafka(ctx, o.kafka, eng->ledger());
  engine::Accepted a = eng->Withdraw(std::move(c));
  kafka.Finish();
  eng.reset();
  return Report(ctx, o, a);
}

// Without --show-personal, reads through a read-only instance, so it works
// beside a running writer, and shows personal fields as hidden. With it,
// opens the data directory for writing: the fields the role may read are
// opened, and the access is recorded before they are shown.
int RunHistory(const Context& ctx, const CommandOptions& o) {
  ctx.RequireData();
  std::unique_ptr<engine::Engine> eng;
  std::unique_ptr<ledger::Ledger> reader;
  if (o.show_personal) {
    if (o.subject.empty() || o.role.empty()) {
      throw Error(ErrorCode::kInvalidArgument,
                  "--show-personal needs --as and --role: who reads, for the access trail");
    }
    if (!ctx.Kek()) {
      throw Error(ErrorCode::kInvalidArgument, "--show-personal needs --kek FILE (or JEJAK_KEK)");
    }
    try {
      eng = ctx.OpenEngine();
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kBusy) throw;
      throw Error(ErrorCode::kBusy,
                  fmt::format("{}; while jejak serve runs, read personal fields through its API "
                              "(GET /v1/requests/{}/history), which records the access",
                              e.what(), o.request));
    }
  } else {
    reader = ledger::Ledger::OpenReadOnly(ctx.LedgerDir());
  }
  const ledger::Ledger& ledger = eng ? eng->ledger() : *reader;
  auto entries = ledger.ReadRequest(o.request);
  if (entries.empty()) {
    throw Error(ErrorCode::kNotFound, fmt::format("no request {} in the ledger", o.request));
  }
  std::map<std::pair<std::string, uint32_t>, std::shared_ptr<const workflow::Workflow>> workflows;
  auto workflow_of = [&](const events::Event& e) {
    auto key = std::make_pair(e.workflow, e.workflow_version);
    auto it = workflows.find(key);
    if (it != workflows.end()) return it->second;
    std::shared_ptr<const workflow::Workflow> wf;
    if (eng) {
      eng->Read([&](const engine::EngineState& s) { wf = s.Find(e.workflow, e.workflow_version); });
    } else {
      wf = engine::DeployedWorkflow(ledger, e.workflow, e.workflow_version, entries.front().seq);
    }
    return workflows[key] = wf;
  };
  std::set<std::string> opened;
  std::vector<std::pair<events::Event, engine::ShownFields>> shown;
  for (const auto& entry : entries) {
    events::Event e = events::Decode(entry.bytes);
    e.seq = entry.seq;
    auto wf = workflow_of(e);
    engine::ShownFields s = engine::ShowPersonalFields(
        e, wf.get(),
        [&](const workflow::FieldSpec& f) {
          return o.show_personal &&
                 std::find(f.pii_roles.begin(), f.pii_roles.end(), o.role) != f.pii_roles.end();
        },
        eng ? eng->keys() : nullptr);
    opened.insert(s.opened.begin(), s.opened.end());
    shown.emplace_back(std::move(e), std::move(s));
  }
  if (!opened.empty()) {
    eng->RecordAccess(
        {o.request, {o.subject, o.role, o.agency}, {opened.begin(), opened.end()}, "cli"});
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [e, s] : shown) {
    if (ctx.json) {
      nlohmann::json j = events::ToJson(e);
      for (const auto& [name, why] : s.hidden) j["fields"][name] = engine::HiddenMarker(why);
      out.push_back(std::move(j));
      continue;
    }
    std::string what = e.type == events::types::kAction || e.type == events::types::kApproval
                           ? FieldText(e, events::fields::kAction)
                           : e.type;
    std::string from = FieldText(e, events::fields::kFrom), to = FieldText(e, events::fields::kTo);
    std::string move =
        to.empty() ? "" : fmt::format(" {}{}", from.empty() ? "" : from + " -> ", to);
    fmt::print("{:>6}  {}  {:<18} by {} ({}){}\n", e.seq, events::FormatRfc3339(e.time_us), what,
               e.actor.subject, e.actor.role, move);
    std::string reason = FieldText(e, events::fields::kReason);
    if (!reason.empty()) fmt::print("        reason: {}\n", reason);
    std::string refusal = FieldText(e, events::fields::kRefusal);
    if (!refusal.empty())
      fmt::print("        refused ({}): {}\n", refusal, FieldText(e, events::fields::kMessage));
    std::string fields;
    for (const auto& [name, value] : e.fields) {
      if (events::IsReservedFieldName(name)) continue;
      auto hidden = s.hidden.find(name);
      fields += fmt::format("{}{}={}", fields.empty() ? "" : ", ", name,
                            hidden != s.hidden.end() ? engine::HiddenMarker(hidden->second)
                                                     : value.ToDisplayString());
    }
    if (!fields.empty()) fmt::print("        fields: {}\n", fields);
  }
  if (ctx.json) std::cout << out.dump() << std::endl;
  return kExitOk;
}

void AddCommonOptions(CLI::App* cmd, CommandOptions& o) {
  cmd->add_option("--idempotency-key", o.idempotency_key,
                  "Retrying with the same key returns the first result and appends nothing");
  AddReceiptOptions(cmd, o.receipt);
  AddKafkaFlags(cmd, o.kafka);
}

}  // namespace

void AddEngineCommands(CLI::App& app, Context& ctx) {
  static CommandOptions o;  // lives as long as the parsed command line

  CLI::App* workflow = app.get_subcommand("workflow");
  auto* deploy = workflow->add_subcommand(
      "deploy", "Deploy workflow definitions: each becomes a ledger event with its SHA-256");
  deploy->add_option("FILE", o.files, "Workflow YAML files")->required()->check(CLI::ExistingFile);
  deploy->add_option("--as", o.subject, "Who deploys (recorded as the actor)");
  deploy->add_option("--agency", o.agency, "The deployer's agency");
  AddKafkaFlags(deploy, o.kafka);
  AddCommonFlags(deploy, ctx);
  AddKekOption(deploy, ctx);
  deploy->callback([&ctx] { ctx.run = [&ctx] { return RunDeploy(ctx, o); }; });

  auto* submit = app.add_subcommand("submit", "Submit a new request as a citizen");
  submit->add_option("WORKFLOW", o.workflow, "Workflow name")->required();
  submit->add_option("--as", o.subject, "The applicant's id (e.g. NIK)")->required();
  submit->add_option("--field", o.fields, "A field value, name=value (repeatable)");
  AddCommonOptions(submit, o);
  AddCommonFlags(submit, ctx);
  AddKekOption(submit, ctx);
  submit->callback([&ctx] { ctx.run = [&ctx] { return RunSubmit(ctx, o); }; });

  auto* act = app.add_subcommand("act", "Perform an action on a request (officer or applicant)");
  act->add_option("REQUEST", o.request, "Request id")->required();
  act->add_option("ACTION", o.action, "Action name from the workflow")->required();
  act->add_option("--as", o.subject, "Who acts (officer id, or the applicant's id)")->required();
  act->add_option("--role", o.role, "The actor's role, or 'applicant'")->required();
  act->add_option("--agency", o.agency, "The actor's agency");
  act->add_option("--field", o.fields, "A field value, name=value (repeatable)");
  act->add_option("--reason", o.reason, "Why (required by rejections)");
  act->add_option("--expect-version", o.expect_version,
                  "Refuse with exit code 4 unless the request is at this version");
  AddCommonOptions(act, o);
  AddCommonFlags(act, ctx);
  AddKekOption(act, ctx);
  act->callback([&ctx] { ctx.run = [&ctx] { return RunAct(ctx, o); }; });

  auto* withdraw = app.add_subcommand("withdraw", "Withdraw a request as its applicant");
  withdraw->add_option("REQUEST", o.request, "Request id")->required();
  withdraw->add_option("--as", o.subject, "The applicant's id")->required();
  withdraw->add_option("--reason", o.reason, "Why");
  withdraw->add_option("--expect-version", o.expect_version, "Expected request version");
  AddCommonOptions(withdraw, o);
  AddCommonFlags(withdraw, ctx);
  AddKekOption(withdraw, ctx);
  withdraw->callback([&ctx] { ctx.run = [&ctx] { return RunWithdraw(ctx, o); }; });

  auto* history = app.add_subcommand(
      "history",
      "Every ledger event of one request, in order; personal fields hidden unless "
      "--show-personal");
  history->add_option("REQUEST", o.request, "Request id")->required();
  history->add_flag("--show-personal", o.show_personal,
                    "Open the personal fields --role may read (the workflow's pii_roles); the "
                    "access is recorded in the ledger first. Needs --kek and the data directory "
                    "for writing");
  history->add_option("--as", o.subject, "Who reads (for the access trail)");
  history->add_option("--role", o.role, "Their role");
  history->add_option("--agency", o.agency, "Their agency");
  AddCommonFlags(history, ctx);
  AddKekOption(history, ctx);
  history->callback([&ctx] { ctx.run = [&ctx] { return RunHistory(ctx, o); }; });
}

}  // namespace jejak::cli
