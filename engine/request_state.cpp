#include "engine/request_state.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "base/hex.h"
#include "ledger/hash.h"

namespace jejak::engine {
namespace {

using base::Error;
using base::ErrorCode;
using workflow::kWithdrawnState;
using workflow::ParseWorkflow;
using workflow::StateSpec;
using workflow::Workflow;
namespace f = events::fields;
namespace t = events::types;

[[noreturn]] void Corrupt(const events::Event& e, const std::string& why) {
  throw Error(ErrorCode::kCorruption, fmt::format("ledger entry {}: {}", e.seq, why));
}

const events::FieldValue* Field(const events::Event& e, const char* name) {
  auto it = e.fields.find(name);
  return it == e.fields.end() ? nullptr : &it->second;
}

std::string Text(const events::Event& e, const char* name) {
  const auto* v = Field(e, name);
  if (v == nullptr) Corrupt(e, fmt::format("{} event has no \"{}\"", e.type, name));
  return v->text();
}

std::string IdempotencyKey(const std::string& subject, const std::string& key) {
  return subject + '\x1f' + key;
}

// Request ids look like "OSS-2026-000123"; remembers the highest number.
void NoteNumber(std::map<std::pair<std::string, int>, uint64_t>& numbers, const std::string& id) {
  size_t a = id.rfind('-');
  if (a == std::string::npos || a < 5) return;
  size_t b = id.rfind('-', a - 1);
  if (b == std::string::npos) return;
  try {
    int year = std::stoi(id.substr(b + 1, a - b - 1));
    uint64_t n = std::stoull(id.substr(a + 1));
    auto& slot = numbers[{id.substr(0, b), year}];
    slot = std::max(slot, n);
  } catch (const std::exception&) {
  }
}

}  // namespace

bool RequestState::terminal() const {
  const StateSpec* s = workflow->FindState(state);
  return s == nullptr || s->terminal;
}

void EngineState::Evolve(const events::Event& e) {
  EvolveRequest(e);
  if (!e.idempotency_key.empty()) {
    const RequestState* r = Request(e.request_id);
    idempotency_[IdempotencyKey(e.actor.subject, e.idempotency_key)] = IdempotencyRecord{
        e.request_id, e.type, Field(e, f::kAction) ? Field(e, f::kAction)->text() : "", e.seq,
        r ? r->version : 0};
  }
}

void EngineState::EvolveRequest(const events::Event& e) {
  if (e.type == t::kWorkflowDeployed) return ApplyDeployment(e);
  if (e.type == t::kSubjectErased) {
    erased_.insert(Text(e, f::kSubject));
    return;
  }
  if (e.type == t::kSubmitted) {
    auto wf = Find(e.workflow, e.workflow_version);
    if (!wf)
      Corrupt(e, fmt::format("request uses undeployed workflow {} v{}", e.workflow,
                             e.workflow_version));
    RequestState& r = requests_[e.request_id];
    r.id = e.request_id;
    r.workflow = wf;
    r.applicant = e.actor.subject;
    r.submitted_at = e.time_us;
    NoteNumber(numbers_, e.request_id);
    EnterState(r, Text(e, f::kTo), e.time_us, e);
    return;
  }
  if (e.type == t::kAction) {
    RequestState& r = Existing(e);
    r.performers[Text(e, f::kAction)].insert(e.actor.subject);
    EnterState(r, Text(e, f::kTo), e.time_us, e);
    return;
  }
  if (e.type == t::kApproval) {
    RequestState& r = Existing(e);
    std::string action = Text(e, f::kAction);
    r.performers[action].insert(e.actor.subject);
    r.approvals[action].insert(e.actor.subject);
    SetFields(r, e);
    ++r.version;
    return;
  }
  if (e.type == t::kWithdrawn) {
    EnterState(Existing(e), kWithdrawnState, e.time_us, e);
    return;
  }
  if (e.type == t::kSlaBreached) {
    RequestState& r = Existing(e);
    if (Text(e, f::kState) != r.state) return;
    r.breached = true;
    // Handled: neither the deadline nor a reminder before it is due again.
    Unindex(deadlines_, r.deadline_slot);
    Unindex(reminders_, r.reminder_slot);
    return;
  }
  if (e.type == t::kSlaReminder) {
    RequestState& r = Existing(e);
    if (Text(e, f::kState) == r.state) Unindex(reminders_, r.reminder_slot);
    return;
  }
  if (e.type == t::kSlaEscalated) {
    RequestState& r = Existing(e);
    std::string role = Text(e, f::kEscalatedTo);
    auto& roles = r.escalated_to;
    if (Text(e, f::kState) == r.state &&
        std::find(roles.begin(), roles.end(), role) == roles.end()) {
      roles.push_back(role);
    }
    return;
  }
  // command_rejected, personal_data_accessed and types from newer versions
  // change no request.
}

void EngineState::ApplyDeployment(const events::Event& e) {
  std::string source = Text(e, f::kDefinition);
  std::shared_ptr<const Workflow> wf;
  try {
    wf = ParseWorkflow(source, fmt::format("ledger entry {}", e.seq));
  } catch (const Error& err) {
    Corrupt(e, fmt::format("deployed workflow does not load: {}", err.what()));
  }
  const auto* sha = Field(e, f::kDefinitionSha256);
  if (sha == nullptr || base::ToHex(sha->text()) != wf->source_sha256) {
    Corrupt(e, "deployed workflow's definition_sha256 does not match its definition");
  }
  if (wf->name != e.workflow || wf->version != e.workflow_version) {
    Corrupt(e, "deployment event names a different workflow than its definition");
  }
  workflows_[wf->name][wf->version] = std::move(wf);
}

RequestState& EngineState::Existing(const events::Event& e) {
  auto it = requests_.find(e.request_id);
  if (it == requests_.end()) Corrupt(e, fmt::format("unknown request {}", e.request_id));
  return it->second;
}

void EngineState::SetFields(RequestState& r, const events::Event& e) {
  for (const auto& [name, value] : e.fields) {
    if (!events::IsReservedFieldName(name)) r.fields.insert_or_assign(name, value);
  }
}

void EngineState::EnterState(RequestState& r, const std::string& state, int64_t at,
                             const events::Event& e) {
  if (state != kWithdrawnState && r.workflow->FindState(state) == nullptr) {
    Corrupt(e, fmt::format("unknown state \"{}\"", state));
  }
  SetFields(r, e);
  const workflow::StateSpec* spec = r.workflow->FindState(state);
  if (const auto* paused = Field(e, f::kPausedState)) {
    const auto* left = Field(e, f::kTimeLeft);
    r.paused_clocks[paused->text()] = left != nullptr ? left->number() : 0;
  } else if (spec == nullptr || !spec->WaitsForApplicant()) {
    r.paused_clocks.clear();  // given back (Enter in decide.cpp), or no longer wanted
  }
  r.state = state;
  r.entered_state_at = at;
  r.approvals.clear();
  r.breached = false;
  r.escalated_to.clear();
  r.deadline.reset();
  Unindex(deadlines_, r.deadline_slot);
  Unindex(reminders_, r.reminder_slot);
  ++r.version;
  if (const auto* d = Field(e, f::kDeadline)) {
    r.deadline = d->number();
    r.deadline_slot = deadlines_.emplace(d->number(), r.id);
  }
  if (const auto* d = Field(e, f::kRemindAt); d != nullptr && r.deadline) {
    r.reminder_slot = reminders_.emplace(d->number(), r.id);
  }
}

std::shared_ptr<const Workflow> EngineState::Latest(std::string_view name) const {
  auto it = workflows_.find(std::string(name));
  if (it == workflows_.end() || it->second.empty()) return nullptr;
  return it->second.rbegin()->second;
}

std::shared_ptr<const Workflow> EngineState::Find(std::string_view name, uint32_t version) const {
  auto it = workflows_.find(std::string(name));
  if (it == workflows_.end()) return nullptr;
  auto v = it->second.find(version);
  return v == it->second.end() ? nullptr : v->second;
}

std::vector<std::shared_ptr<const Workflow>> EngineState::LatestWorkflows() const {
  std::vector<std::shared_ptr<const Workflow>> out;
  for (const auto& [name, versions] : workflows_) {
    if (!versions.empty()) out.push_back(versions.rbegin()->second);
  }
  return out;
}

const RequestState* EngineState::Request(std::string_view id) const {
  auto it = requests_.find(std::string(id));
  return it == requests_.end() ? nullptr : &it->second;
}

void EngineState::Unindex(TimeIndex& index, std::optional<TimeIndex::iterator>& slot) {
  if (slot) index.erase(*slot);
  slot.reset();
}

std::vector<DueItem> EngineState::Due(int64_t t) const {
  // Handled deadlines and reminders have left their indexes, so everything
  // in them at or before t is due.
  std::vector<DueItem> due;
  auto collect = [&](const TimeIndex& index, DueItem::Kind kind) {
    for (auto it = index.begin(); it != index.end() && it->first <= t; ++it) {
      const RequestState* r = Request(it->second);
      if (r != nullptr && !r->terminal()) due.push_back({it->first, kind, r});
    }
  };
  collect(reminders_, DueItem::Kind::kReminder);
  collect(deadlines_, DueItem::Kind::kDeadline);
  std::stable_sort(due.begin(), due.end(), [](const DueItem& a, const DueItem& b) {
    return a.at != b.at ? a.at < b.at : a.kind < b.kind;
  });
  return due;
}

uint64_t EngineState::NextNumber(const std::string& prefix, int year) const {
  auto it = numbers_.find({prefix, year});
  return it == numbers_.end() ? 1 : it->second + 1;
}

const IdempotencyRecord* EngineState::Idempotency(const std::string& subject,
                                                  const std::string& key) const {
  auto it = idempotency_.find(IdempotencyKey(subject, key));
  return it == idempotency_.end() ? nullptr : &it->second;
}

}  // namespace jejak::engine
