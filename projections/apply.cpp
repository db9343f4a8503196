#include "projections/apply.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "base/error.h"
#include "events/vocabulary.h"
#include "projections/keys.h"
#include "projections/projector.h"

namespace jejak::projections::apply {
namespace {

namespace f = events::fields;

// Events carry a handful of fields: a look through them beats a map lookup
// that makes a std::string of the name.
const events::FieldValue* Field(const events::Event& e, std::string_view name) {
  for (const auto& [key, value] : e.fields) {
    if (key == name) return &value;
  }
  return nullptr;
}

// Several fields in one walk through the event's; nullptr for those the
// event lacks. Names mostly differ in length, so few bytes are compared.
template <size_t N>
std::array<const events::FieldValue*, N> Fields(const events::Event& e,
                                                const std::array<std::string_view, N>& names) {
  std::array<const events::FieldValue*, N> found{};
  for (const auto& [key, value] : e.fields) {
    for (size_t i = 0; i < N; ++i) {
      if (names[i] == key) {
        found[i] = &value;
        break;
      }
    }
  }
  return found;
}

std::string Text(const events::FieldValue* v) {
  if (v == nullptr) return "";
  return v->type() == events::FieldType::kString ? v->text() : v->ToDisplayString();
}

std::string Text(const events::Event& e, std::string_view name) { return Text(Field(e, name)); }

std::optional<int64_t> Time(const events::FieldValue* v) {
  if (v == nullptr) return std::nullopt;
  return v->number();
}

// Names are compared as string_views: lengths first, then bytes.
using std::string_view_literals::operator""sv;

bool IsStaff(const events::Actor& a) {
  std::string_view role = a.role;
  return role != "applicant"sv && role != "system"sv;
}

RequestRecord& RequestOrThrow(Target& t, const events::Event& e) {
  RequestRecord* rec = t.state.FindRequest(e.request_id);
  if (rec == nullptr) {
    throw base::Error(base::ErrorCode::kCorruption,
                      fmt::format("entry {}: event for unknown request {}", e.seq, e.request_id));
  }
  return *rec;
}

std::string ActorCode(const events::Actor& a) {
  std::string_view role = a.role;
  if (role == "applicant"sv) return "pemohon";
  if (role == "system"sv) return "sistem";
  return OfficerCode(a.subject);
}

// One step of the public history a citizen sees; from, to and reason as the
// event has them.
void AddStep(RequestRecord& rec, const events::Event& e, std::string action, std::string from,
             std::string to, std::string reason) {
  rec.AddStep(Step{e.seq, e.time_us, e.type, std::move(action), e.actor.role, ActorCode(e.actor),
                   std::move(from), std::move(to), std::move(reason)});
}

// Recorded as facts; the report words them (reports.cpp).
AnomalyRecord& NewAnomaly(AnomalyRecord& a, const WorkflowModel& m, const events::Event& e) {
  a.time = e.time_us;
  a.officer = e.actor.subject;
  a.role = e.actor.role;
  a.request = e.request_id;
  a.workflow = m.name;
  return a;
}

void PutAnomaly(Target& t, const WorkflowModel& m, const events::Event& e, std::string_view type,
                const AnomalyRecord& a) {
  t.store.Put(keys::Anomaly(m.LocalDay(e.time_us), e.seq, type), a.Encode());
}

// Counts the request once per officer and day; a request the officer also
// acted on at an earlier day is noted with the latest such day (records.h).
void CountRequest(Target& t, RequestRecord& rec, OfficerDay& od, const std::string& officer,
                  int64_t day) {
  auto& days = rec.officer_days;  // sorted (officer, day) pairs
  auto first = std::lower_bound(days.begin(), days.end(), officer,
                                [](const auto& d, const std::string& o) { return d.first < o; });
  auto pos = first;
  while (pos != days.end() && pos->first == officer && pos->second < day) ++pos;
  bool has_next = pos != days.end() && pos->first == officer;
  if (has_next && pos->second == day) return;
  ++od.requests;
  bool has_prev = pos != first;
  int64_t prev = has_prev ? (pos - 1)->second : 0, next = has_next ? pos->second : 0;
  if (has_next) {
    std::vector<int64_t>& later = t.state.Officer(officer, next).repeats;
    if (has_prev) {
      auto it = std::find(later.begin(), later.end(), prev);
      if (it != later.end()) later.erase(it);
    }
    later.push_back(day);
  }
  if (has_prev) od.repeats.push_back(prev);
  days.insert(pos, {officer, day});
}

// Staff work counted for the accountability report.
void OfficerAction(Target& t, const WorkflowModel& m, const events::Event& e, RequestRecord& rec,
                   const std::string& action) {
  int64_t day = m.LocalDay(e.time_us);
  OfficerDay& od = t.state.Officer(e.actor.subject, day);
  ++od.actions[action];
  od.waits.push_back(e.time_us - rec.entered_at);
  od.times.emplace_back(e.time_us, e.seq);
  CountRequest(t, rec, od, e.actor.subject, day);
  t.state.ActedAs(e.actor.subject, m.name, e.actor.role);
}

// An officer acting on their own request, or outside working hours.
void ConductAnomalies(Target& t, const WorkflowModel& m, const events::Event& e,
                      const RequestRecord& rec, const std::string& action) {
  auto self = e.fields.find(f::kActorIsApplicant);
  if (e.actor.subject == rec.applicant ||
      (self != e.fields.end() && self->second.type() == events::FieldType::kBoolean &&
       self->second.boolean())) {
    AnomalyRecord a;
    NewAnomaly(a, m, e).action = action;
    a.events = {rec.entry_seq, e.seq};
    PutAnomaly(t, m, e, "self_dealing", a);
  }
  if (!m.calendar.IsWorkingTime(e.time_us)) {
    AnomalyRecord a;
    NewAnomaly(a, m, e).action = action;
    a.events = {e.seq};
    PutAnomaly(t, m, e, "after_hours", a);
  }
}

// Checks an officer's action against the queue of the state it left: did a
// request of the same workflow wait there longer? Records the lead; the
// report applies the grace period.
void QueueJump(Target& t, const WorkflowModel& m, const events::Event& e, const RequestRecord& rec,
               ViewState::StateSlot& from) {
  const WaitingQueue::Entry* other = t.state.Waiting(from).FirstExcept(e.request_id);
  if (other == nullptr || other->entered >= rec.entered_at) return;
  AnomalyRecord a;
  NewAnomaly(a, m, e);
  a.lead_us = rec.entered_at - other->entered;
  a.state = from.state;
  a.other_request = other->id;
  a.other_entry_seq = other->seq;
  a.events = {other->seq, e.seq};
  t.store.Put(keys::QueueJump(m.LocalDay(e.time_us), a.lead_us, e.seq), a.Encode());
}

// Staff sending a request back to its applicant before the deadline of the
// state it leaves: the applicant's answer starts a new stay, and a new
// deadline. Recorded with the time that was left; the report keeps those
// within its window ("deadline_reset").
void DeadlineReset(Target& t, const WorkflowModel& m, const events::Event& e,
                   const RequestRecord& rec, const std::string& from, const std::string& to,
                   const std::string& action) {
  if (!rec.deadline || rec.breached || e.time_us > *rec.deadline) return;
  // A clock that pauses meanwhile (clock: pause) is not reset.
  if (e.fields.count(f::kPausedState)) return;
  const StateModel* to_st = m.State(to);
  if (to_st == nullptr || to_st->terminal) return;
  if (!to_st->WaitsForApplicant()) return;
  AnomalyRecord a;
  NewAnomaly(a, m, e).action = action;
  a.state = from;
  a.lead_us = *rec.deadline - e.time_us;
  a.events = {rec.entry_seq, e.seq};
  PutAnomaly(t, m, e, "deadline_reset", a);
}

void CountSla(Target& t, const WorkflowModel& m, int64_t at, bool met) {
  AgencyDay& ag = t.state.Agency(m.name, m.LocalDay(at));
  ++(met ? ag.sla_met : ag.sla_breached);
}

void AttributeBreach(Target& t, const WorkflowModel& m, const std::string& state, int64_t at) {
  const StateModel* st = m.State(state);
  if (st == nullptr) return;
  for (const auto& role : st->responsible_roles) {
    t.state.Add(keys::BreachDay(m.LocalDay(at), m.name, role), 1);
  }
}

}  // namespace

void Submitted(Target& t, const WorkflowModel& m, const events::Event& e) {
  auto [deadline, from, reason, to_field, code] =
      Fields<5>(e, {f::kDeadline, f::kFrom, f::kReason, f::kTo, f::kTrackingCodeSha256});
  std::string to = Text(to_field);
  RequestRecord& rec = t.state.NewRequest(e.request_id);
  rec.workflow = e.workflow;
  rec.version = e.workflow_version;
  rec.applicant = e.actor.subject;
  rec.state = to;
  rec.entered_at = rec.submitted_at = rec.updated_at = e.time_us;
  rec.entry_seq = e.seq;
  if (code != nullptr) rec.tracking_code_sha256 = code->text();
  rec.deadline = Time(deadline);
  AddStep(rec, e, "", Text(from), to, Text(reason));
  ViewState::StateSlot& slot = t.state.State(m.name, to);
  t.state.Enqueue(slot, e.time_us, e.request_id, e.seq);
  t.state.CountState(slot, 1);
  ++t.state.Agency(m.name, m.LocalDay(e.time_us)).arrivals;
}

void Transition(Target& t, const WorkflowModel& m, const events::Event& e) {
  RequestRecord& rec = RequestOrThrow(t, e);
  auto [action_field, deadline, from_field, reason, to_field] =
      Fields<5>(e, {f::kAction, f::kDeadline, f::kFrom, f::kReason, f::kTo});
  // rec.state is set to `to` below; nothing reads it before.
  std::string from = std::move(rec.state), to = Text(to_field);
  bool withdrawn = std::string_view(e.type) == std::string_view(events::types::kWithdrawn);
  std::string action = withdrawn ? "withdraw" : Text(action_field);
  int64_t at = e.time_us;
  bool staff = IsStaff(e.actor);
  ViewState::StateSlot &from_slot = t.state.State(m.name, from),
                       &to_slot = t.state.State(m.name, to);
  if (staff) {
    OfficerAction(t, m, e, rec, action);
    QueueJump(t, m, e, rec, from_slot);
    ConductAnomalies(t, m, e, rec, action);
    DeadlineReset(t, m, e, rec, from, Text(to_field), action);
  }
  // A step back past a staff decision reverses it, e.g. a resolved
  // complaint reopened, or an approval sent back for review.
  const StateModel* from_st = m.State(from);
  const StateModel* to_st = m.State(to);
  if (rec.last_staff && from_st && to_st && to_st->depth < from_st->depth &&
      *rec.last_staff != e.actor.subject) {
    ++t.state.Officer(*rec.last_staff, m.LocalDay(at)).reversed;
  }
  // The stay in the old state ends: on time, or late without a breach event.
  // Where only the system acts, the deadline was a schedule: no SLA to count.
  bool scheduled = from_st != nullptr && from_st->OnlySystemActs();
  if (rec.deadline && !rec.breached && !scheduled) {
    if (at > *rec.deadline) {
      CountSla(t, m, at, false);
      AttributeBreach(t, m, from, at);
    } else {
      CountSla(t, m, at, true);
    }
  }
  t.state.Dequeue(from_slot, rec.entered_at, e.request_id);
  t.state.CountState(from_slot, -1);
  t.state.CountState(to_slot, 1);
  if (std::string_view(e.actor.role) == "system"sv && !withdrawn && !scheduled) {
    // A deemed approval or automatic closure: the agency missed a deadline.
    ++t.state.Agency(m.name, m.LocalDay(at)).automatic[action];
  }
  if (to_st == nullptr || to_st->terminal) {
    AgencyDay& ag = t.state.Agency(m.name, m.LocalDay(at));
    ++ag.completions;
    ag.completion_us.push_back(at - rec.submitted_at);
  } else {
    t.state.Enqueue(to_slot, at, e.request_id, e.seq);
  }
  rec.state = to;
  rec.entered_at = rec.updated_at = at;
  rec.entry_seq = e.seq;
  rec.breached = false;
  rec.escalated_to.reset();
  rec.deadline = Time(deadline);
  // The clock of the state left pauses while the applicant has the request.
  if (auto paused = e.fields.find(f::kPausedState); paused != e.fields.end()) {
    auto left = e.fields.find(f::kTimeLeft);
    rec.paused_state = paused->second.text();
    rec.paused_time_left = left != e.fields.end() ? left->second.number() : 0;
  } else if (to_st == nullptr || !to_st->WaitsForApplicant()) {
    rec.paused_state.reset();
    rec.paused_time_left = 0;
  }
  if (staff) rec.last_staff = e.actor.subject;
  AddStep(rec, e, std::move(action), Text(from_field), std::move(to), Text(reason));
}

void Approval(Target& t, const WorkflowModel& m, const events::Event& e) {
  RequestRecord& rec = RequestOrThrow(t, e);
  auto [action_field, from, reason] = Fields<3>(e, {f::kAction, f::kFrom, f::kReason});
  std::string action = Text(action_field);
  if (IsStaff(e.actor)) {
    OfficerAction(t, m, e, rec, action);
    ConductAnomalies(t, m, e, rec, action);
  }
  rec.updated_at = e.time_us;
  AddStep(rec, e, std::move(action), Text(from), "", Text(reason));
}

void SlaBreached(Target& t, const WorkflowModel& m, const events::Event& e) {
  RequestRecord& rec = RequestOrThrow(t, e);
  std::string state = Text(e, f::kState);
  if (rec.state != state || rec.breached) return;
  rec.breached = true;
  rec.updated_at = e.time_us;
  CountSla(t, m, e.time_us, false);
  AttributeBreach(t, m, state, e.time_us);
  AddStep(rec, e, "", Text(e, f::kFrom), Text(e, f::kTo), Text(e, f::kReason));
}

// The request also waits for the role now: its status shows it, and the
// role's holders see the escalation in their report.
void SlaEscalated(Target& t, const WorkflowModel& m, const events::Event& e) {
  RequestRecord& rec = RequestOrThrow(t, e);
  std::string state = Text(e, f::kState), role = Text(e, f::kEscalatedTo);
  if (rec.state != state || rec.escalated_to) return;
  rec.escalated_to = role;
  rec.updated_at = e.time_us;
  int64_t day = m.LocalDay(e.time_us);
  t.state.Add(keys::EscalationDay(day, m.name, role), 1);
  ++t.state.Agency(m.name, day).escalations;
  AddStep(rec, e, "", state, "", role);
}

// Reminders are for staff and notifications, not the public history.
void SlaReminder(Target& t, const WorkflowModel& m, const events::Event& e) {
  RequestOrThrow(t, e);
  ++t.state.Agency(m.name, m.LocalDay(e.time_us)).reminders;
}

void CommandRejected(Target& t, const WorkflowModel& m, const events::Event& e) {
  std::string reason = Text(e, f::kRefusal);
  ++t.state.Officer(e.actor.subject, m.LocalDay(e.time_us)).refusals[reason];
  if (reason == "four_eyes") {
    AnomalyRecord a;
    NewAnomaly(a, m, e).attempted = Text(e, f::kAttempted);
    a.message = Text(e, f::kMessage);
    a.events = {e.seq};
    PutAnomaly(t, m, e, "four_eyes_attempt", a);
  }
}

}  // namespace jejak::projections::apply
