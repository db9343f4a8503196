#include "engine/decide.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "base/error.h"
#include "base/reason.h"
#include "events/time.h"
#include "ledger/hash.h"
#include "workflow/field_rules.h"
#include "workflow/json.h"

namespace jejak::engine {
namespace {

using base::Error;
using base::ErrorCode;
using events::FieldValue;
using workflow::ActionSpec;
using workflow::CoerceField;
using workflow::FieldSpec;
using workflow::kApplicantRole;
using workflow::kSystemRole;
using workflow::kWithdrawnState;
using workflow::StateSpec;
using workflow::Workflow;
using workflow::WorkflowToJson;
namespace f = events::fields;
namespace t = events::types;

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

events::Event NewEvent(const std::string& type, const Workflow& wf, std::string request_id,
                       events::Actor actor, int64_t now, std::string idempotency_key) {
  events::Event e;
  e.id = events::EventId::New();
  e.type = type;
  e.workflow = wf.name;
  e.workflow_version = wf.version;
  e.request_id = std::move(request_id);
  e.actor = std::move(actor);
  e.time_us = now;
  e.correlation_id = e.request_id;
  e.idempotency_key = std::move(idempotency_key);
  return e;
}

const RequestState& FindRequest(const EngineState& state, const std::string& id) {
  const RequestState* r = state.Request(id);
  if (r == nullptr) {
    throw Error(base::reason::kUnknownRequest, fmt::format("no request {}", id));
  }
  return *r;
}

void CheckVersion(const RequestState& r, const std::optional<uint32_t>& expected) {
  if (expected && *expected != r.version) {
    throw Error(base::reason::kVersionConflict,
                fmt::format("request {} is at version {}, not the expected {}", r.id, r.version,
                            *expected));
  }
}

void CheckOpen(const RequestState& r) {
  if (r.terminal()) {
    throw Error(base::reason::kRequestClosed,
                fmt::format("request {} is closed (state \"{}\")", r.id, r.state));
  }
}

// Converts the command's field texts to typed values; only names in allowed.
events::Fields CoerceInputs(const Workflow& wf, const FieldInputs& inputs,
                            const std::vector<std::string>* allowed, const std::string& what) {
  events::Fields out;
  for (const auto& [name, text] : inputs) {
    const FieldSpec* spec = wf.FindField(name);
    if (spec == nullptr || (allowed != nullptr && !Contains(*allowed, name))) {
      throw Error(base::reason::kUnknownField,
                  fmt::format("{} does not take field \"{}\"{}", what, name,
                              allowed == nullptr || allowed->empty()
                                  ? std::string()
                                  : fmt::format(" (it takes: {})", fmt::join(*allowed, ", "))));
    }
    try {
      out.emplace(name, CoerceField(*spec, text));
    } catch (const Error& e) {
      throw Error(base::reason::kInvalidField, e.what());
    }
  }
  return out;
}

void RequireFields(const events::Fields& given, const std::vector<std::string>& required,
                   const std::string& what) {
  for (const auto& name : required) {
    if (!given.count(name)) {
      throw Error(base::reason::kMissingField, fmt::format("{} requires field \"{}\"", what, name));
    }
  }
}

// Sets "to" and, if the state has an SLA, its deadline. r is the request
// before the move (null for a submission): a state whose clock pauses keeps
// its time left while the applicant has the request, and gets it back when
// the request comes back from them.
void Enter(events::Event& e, const Workflow& wf, const std::string& state, int64_t now,
           const RequestState* r) {
  e.fields.insert_or_assign(f::kTo, FieldValue::String(state));
  const StateSpec* spec = wf.FindState(state);
  const StateSpec* from = r != nullptr ? wf.FindState(r->state) : nullptr;
  if (from != nullptr && from->clock == StateSpec::Clock::kPause && from->sla && r->deadline &&
      spec != nullptr && spec->WaitsForApplicant()) {
    e.fields.insert_or_assign(f::kPausedState, FieldValue::String(from->name));
    e.fields.insert_or_assign(f::kTimeLeft, FieldValue::Integer(wf.calendar.TimeLeft(
                                                now, *r->deadline, from->sla->unit)));
  }
  std::optional<int64_t> computed;
  if (spec != nullptr && spec->deadline_at) {
    // The request's fields as this event leaves them.
    events::Fields fields = r != nullptr ? r->fields : events::Fields();
    for (const auto& [name, value] : e.fields) fields.insert_or_assign(name, value);
    // A date it cannot compute (a date field missing) leaves the state without one.
    if (auto date = spec->deadline_at->EvaluateDate(fields, {now, &wf.calendar})) {
      computed = wf.calendar.StartOfDay(*events::ParseDate(*date));
    }
  }
  if (spec != nullptr && (spec->sla || computed)) {
    int64_t deadline = computed ? *computed : wf.calendar.Deadline(now, *spec->sla);
    if (spec->sla && spec->clock == StateSpec::Clock::kPause && from != nullptr &&
        from->WaitsForApplicant()) {
      if (auto it = r->paused_clocks.find(state); it != r->paused_clocks.end()) {
        deadline = wf.calendar.Resume(now, it->second, spec->sla->unit);
        e.fields.insert_or_assign(f::kClockResumed, FieldValue::Boolean(true));
      }
    }
    e.fields.insert_or_assign(f::kDeadline, FieldValue::Timestamp(deadline));
    if (spec->remind_before) {
      // A reminder already due at entry would say nothing the entry does not.
      int64_t remind_at = wf.calendar.Before(deadline, *spec->remind_before);
      if (remind_at > now)
        e.fields.insert_or_assign(f::kRemindAt, FieldValue::Timestamp(remind_at));
    }
  }
}

std::string RequestIdPrefix(const std::string& workflow) {
  std::string prefix;
  for (char c : workflow.substr(0, workflow.find('-'))) {
    if (prefix.size() < 8 && std::isalnum(static_cast<unsigned char>(c))) {
      prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
  }
  return prefix.empty() ? "REQ" : prefix;
}

}  // namespace

std::optional<events::Event> DecideDeploy(const EngineState& state,
                                          const std::shared_ptr<const Workflow>& wf,
                                          const events::Actor& deployer, int64_t now) {
  if (auto existing = state.Find(wf->name, wf->version)) {
    if (existing->source_sha256 == wf->source_sha256) return std::nullopt;
    throw Error(base::reason::kVersionExists,
                fmt::format("{} version {} is already deployed with different content; deploy "
                            "the change as a new version",
                            wf->name, wf->version));
  }
  if (auto latest = state.Latest(wf->name); latest && latest->version > wf->version) {
    throw Error(base::reason::kVersionNotNewer,
                fmt::format("{} version {} is older than the deployed version {}", wf->name,
                            wf->version, latest->version));
  }
  // Personal fields are sealed before the engine keeps them, so a guard over
  // one could never hold. (Checked here, not when a workflow loads, so that
  // ledgers deployed before sealing still replay.)
  for (const auto& a : wf->actions) {
    if (!a.guard) continue;
    for (const std::string& name : a.guard->fields()) {
      const FieldSpec* spec = wf->FindField(name);
      if (spec != nullptr && spec->pii) {
        throw Error(ErrorCode::kInvalidArgument,
                    fmt::format("the guard of action \"{}\" reads personal field \"{}\": "
                                "personal fields are stored encrypted and guards cannot read them "
                                "(docs/PRIVACY.md)",
                                a.name, name));
      }
    }
  }
  events::Event e = NewEvent(t::kWorkflowDeployed, *wf, "", deployer, now, "");
  e.correlation_id.clear();
  e.fields.emplace(f::kDefinition, FieldValue::String(wf->source));
  e.fields.emplace(
      f::kDefinitionSha256,
      FieldValue::Bytes(std::string(ledger::AsBytes(ledger::HashFromHex(wf->source_sha256)))));
  // Validation admits UTF-8 text only; should a byte that is not slip through
  // anyway, the model shows U+FFFD rather than dump() throwing a JSON error
  // out of the decider thread.
  e.fields.emplace(f::kModel, FieldValue::String(WorkflowToJson(*wf).dump(
                                  -1, ' ', false, nlohmann::json::error_handler_t::replace)));
  return e;
}

events::Event DecideSubmit(const EngineState& state, const SubmitCommand& cmd, int64_t now,
                           const TrackingCodes& codes) {
  auto wf = state.Latest(cmd.workflow);
  if (!wf) {
    throw Error(base::reason::kUnknownWorkflow,
                fmt::format("no workflow \"{}\" is deployed", cmd.workflow));
  }
  if (cmd.applicant.empty()) {
    throw Error(base::reason::kMissingApplicant, "a submission needs the applicant's id");
  }
  std::string what = fmt::format("submitting {}", wf->name);
  events::Fields fields = CoerceInputs(*wf, cmd.fields, nullptr, what);
  for (const auto& spec : wf->fields) {
    if (spec.required && !fields.count(spec.name)) {
      throw Error(base::reason::kMissingField,
                  fmt::format("{} requires field \"{}\"", what, spec.name));
    }
  }
  int year, local_offset = wf->calendar.utc_offset_minutes;
  unsigned month, day;
  events::CivilFromDays((now / 60'000'000 + local_offset) / (int64_t{24} * 60), &year, &month,
                        &day);
  std::string prefix = RequestIdPrefix(wf->name);
  std::string id = fmt::format("{}-{}-{:06}", prefix, year, state.NextNumber(prefix, year));

  events::Event e = NewEvent(t::kSubmitted, *wf, id, {cmd.applicant, kApplicantRole, ""}, now,
                             cmd.idempotency_key);
  e.fields = std::move(fields);
  e.fields.emplace(f::kTrackingCodeSha256,
                   FieldValue::Bytes(TrackingCodeDigest(codes.CodeFor(id))));
  Enter(e, *wf, wf->InitialState().name, now, nullptr);
  return e;
}

events::Event DecideAct(const EngineState& state, const ActCommand& cmd, int64_t now) {
  const RequestState& r = FindRequest(state, cmd.request_id);
  CheckVersion(r, cmd.expect_version);
  CheckOpen(r);
  const Workflow& wf = *r.workflow;
  const ActionSpec* action = wf.FindAction(cmd.action);
  if (action == nullptr) {
    throw Error(base::reason::kUnknownAction,
                fmt::format("{} v{} has no action \"{}\"", wf.name, wf.version, cmd.action));
  }
  if (!Contains(action->roles, cmd.actor.role)) {
    throw Error(base::reason::kForbiddenRole,
                fmt::format("role \"{}\" may not {} (allowed: {})", cmd.actor.role, action->name,
                            fmt::join(action->roles, ", ")));
  }
  if (cmd.actor.role == kApplicantRole && cmd.actor.subject != r.applicant) {
    throw Error(base::reason::kNotApplicant,
                fmt::format("only the applicant of {} may {}", r.id, action->name));
  }
  if (!Contains(action->from, r.state)) {
    throw Error(base::reason::kInvalidState,
                fmt::format("{} is not allowed in state \"{}\" (only from: {})", action->name,
                            r.state, fmt::join(action->from, ", ")));
  }
  for (const auto& other : action->distinct_from) {
    auto it = r.performers.find(other);
    if (it != r.performers.end() && it->second.count(cmd.actor.subject)) {
      throw Error(base::reason::kFourEyes,
                  fmt::format("four-eyes rule: {} already performed \"{}\" on {}, so someone "
                              "else must {}",
                              cmd.actor.subject, other, r.id, action->name));
    }
  }
  std::string what = fmt::format("action \"{}\"", action->name);
  events::Fields fields = CoerceInputs(wf, cmd.fields, &action->fields, what);
  RequireFields(fields, action->required_fields, what);
  if (action->reason_required && cmd.reason.empty()) {
    throw Error(base::reason::kReasonRequired, fmt::format("{} requires a reason", what));
  }
  if (action->guard) {
    events::Fields merged = r.fields;
    for (const auto& [name, value] : fields) merged.insert_or_assign(name, value);
    if (!action->guard->Evaluate(merged, {now, &wf.calendar})) {
      throw Error(base::reason::kGuardFailed,
                  fmt::format("{} is not allowed for {}: its condition \"{}\" does not hold",
                              action->name, r.id, action->guard->text()));
    }
  }
  // A quorum: each officer once; the request moves with the last approval.
  uint32_t approvals = 1;
  if (action->quorum > 1) {
    auto given = r.approvals.find(action->name);
    if (given != r.approvals.end()) {
      if (given->second.count(cmd.actor.subject)) {
        throw Error(base::reason::kFourEyes,
                    fmt::format("four-eyes rule: {} already approved \"{}\" on {} ({} of {} "
                                "approvals): the others must come from other officers",
                                cmd.actor.subject, action->name, r.id, given->second.size(),
                                action->quorum));
      }
      approvals += static_cast<uint32_t>(given->second.size());
    }
  }
  bool moves = approvals >= action->quorum;
  events::Event e =
      NewEvent(moves ? t::kAction : t::kApproval, wf, r.id, cmd.actor, now, cmd.idempotency_key);
  e.fields = std::move(fields);
  e.fields.emplace(f::kAction, FieldValue::String(action->name));
  e.fields.emplace(f::kFrom, FieldValue::String(r.state));
  if (!cmd.reason.empty()) e.fields.emplace(f::kReason, FieldValue::String(cmd.reason));
  if (action->quorum > 1) {
    e.fields.emplace(f::kApprovals, FieldValue::Integer(approvals));
    e.fields.emplace(f::kQuorum, FieldValue::Integer(action->quorum));
  }
  if (moves) Enter(e, wf, action->to, now, &r);
  return e;
}

events::Event DecideWithdraw(const EngineState& state, const WithdrawCommand& cmd, int64_t now) {
  const RequestState& r = FindRequest(state, cmd.request_id);
  if (cmd.applicant != r.applicant) {
    throw Error(base::reason::kNotApplicant,
                fmt::format("only the applicant of {} may withdraw it", r.id));
  }
  CheckVersion(r, cmd.expect_version);
  CheckOpen(r);
  events::Event e = NewEvent(t::kWithdrawn, *r.workflow, r.id, {r.applicant, kApplicantRole, ""},
                             now, cmd.idempotency_key);
  e.fields.emplace(f::kFrom, FieldValue::String(r.state));
  if (!cmd.reason.empty()) e.fields.emplace(f::kReason, FieldValue::String(cmd.reason));
  Enter(e, *r.workflow, kWithdrawnState, now, &r);
  return e;
}

std::vector<events::Event> DecideDeadlines(const EngineState& state, int64_t now) {
  std::vector<events::Event> out;
  for (const DueItem& due : state.Due(now)) {
    const RequestState& r = *due.request;
    const events::Actor system{kSystemRole, kSystemRole, r.workflow->agency};
    auto deadline_event = [&](const char* type) {
      events::Event e = NewEvent(type, *r.workflow, r.id, system, now, "");
      e.fields.emplace(f::kState, FieldValue::String(r.state));
      e.fields.emplace(f::kDeadline, FieldValue::Timestamp(*r.deadline));
      e.fields.emplace(f::kEnteredAt, FieldValue::Timestamp(r.entered_state_at));
      return e;
    };
    if (due.kind == DueItem::Kind::kReminder) {
      out.push_back(deadline_event(t::kSlaReminder));
      continue;
    }
    const StateSpec* spec = r.workflow->FindState(r.state);
    // Where only the system acts (a change that takes effect on a date), the
    // deadline is a schedule, not a breach, unless its action is refused.
    bool scheduled = spec != nullptr && !spec->deadline_action.empty() && spec->OnlySystemActs();
    if (!scheduled) out.push_back(deadline_event(t::kSlaBreached));
    if (spec == nullptr) continue;
    if (!spec->escalate_to.empty()) {
      events::Event e = deadline_event(t::kSlaEscalated);
      e.fields.emplace(f::kEscalatedTo, FieldValue::String(spec->escalate_to));
      out.push_back(std::move(e));
    }
    if (!spec->deadline_action.empty()) {
      // Decided against the state before this check's events: a request's
      // deadline is due at most once per check, and its breach (and
      // reminder) events leave its state as it is.
      ActCommand cmd;
      cmd.request_id = r.id;
      cmd.action = spec->deadline_action;
      cmd.actor = system;
      try {
        events::Event e = DecideAct(state, cmd, now);
        e.fields.insert_or_assign(f::kDeadlinePassed, FieldValue::Timestamp(*r.deadline));
        out.push_back(std::move(e));
      } catch (const Error& refusal) {
        // The breach marks the deadline handled: it is not tried again.
        if (scheduled) out.push_back(deadline_event(t::kSlaBreached));
        out.push_back(RejectionEvent(state, cmd, refusal, now));
      }
    }
  }
  return out;
}

events::Event DecideErase(const EngineState& state, const EraseSubjectCommand& cmd,
                          const std::string& subject, int64_t now) {
  if (state.IsErased(subject)) {
    throw Error(base::reason::kUnknownSubject,
                fmt::format("subject {} is erased already", subject));
  }
  events::Event e;
  e.id = events::EventId::New();
  e.type = t::kSubjectErased;
  e.actor = cmd.actor;
  e.time_us = now;
  e.fields.insert_or_assign(f::kSubject, FieldValue::String(subject));
  e.fields.insert_or_assign(f::kReason, FieldValue::String(cmd.reason));
  return e;
}

events::Event DecideAccess(const EngineState& state, const AccessRecord& access, int64_t now) {
  const RequestState& r = FindRequest(state, access.request_id);
  events::Event e = NewEvent(t::kPersonalDataAccessed, *r.workflow, r.id, access.actor, now, "");
  std::string names;
  for (const auto& name : access.fields) names += (names.empty() ? "" : ",") + name;
  e.fields.insert_or_assign(f::kAccessedFields, FieldValue::String(names));
  e.fields.insert_or_assign(f::kInterface, FieldValue::String(access.interface));
  return e;
}

bool IsAuditedRefusal(const ActCommand& cmd, const Error& refusal) {
  return cmd.actor.role != kApplicantRole &&
         (refusal.reason() == base::reason::kForbiddenRole.name ||
          refusal.reason() == base::reason::kFourEyes.name);
}

events::Event RejectionEvent(const EngineState& state, const ActCommand& cmd, const Error& refusal,
                             int64_t now) {
  const RequestState& r = FindRequest(state, cmd.request_id);
  events::Event e = NewEvent(t::kCommandRejected, *r.workflow, r.id, cmd.actor, now, "");
  e.fields.emplace(f::kAttempted, FieldValue::String(cmd.action));
  e.fields.emplace(f::kRefusal, FieldValue::String(refusal.reason()));
  e.fields.emplace(f::kMessage, FieldValue::String(refusal.what()));
  e.fields.emplace(f::kState, FieldValue::String(r.state));
  return e;
}

}  // namespace jejak::engine
