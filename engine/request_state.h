// The engine's in-memory view of every request and deployed workflow, built
// only by applying ledger events in order (Evolve). Deciding a command reads
// it; appending the command's event and applying it is the only way it
// changes, so replaying the ledger after a restart restores it exactly.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "events/event.h"
#include "events/vocabulary.h"
#include "workflow/workflow.h"

namespace jejak::engine {

struct RequestState {
  std::string id;
  std::shared_ptr<const workflow::Workflow> workflow;  // the version it was submitted under
  std::string applicant;
  std::string state;
  int64_t submitted_at = 0;
  int64_t entered_state_at = 0;
  std::optional<int64_t> deadline;  // SLA deadline of the current state
  bool breached = false;            // an sla_breached event exists for it
  // Roles a passed deadline called in (on_deadline escalate_to), besides
  // those of the actions leaving the state.
  std::vector<std::string> escalated_to;
  uint32_t version = 0;   // events that changed the request
  events::Fields fields;  // current values of the request's fields
  // Four-eyes: who performed each action on this request (approvals too).
  std::map<std::string, std::set<std::string>> performers;
  // Actions with a quorum: who approved each in the current state so far.
  std::map<std::string, std::set<std::string>> approvals;
  // Paused clocks (a state's "clock: pause") while the applicant has the
  // request: state -> the time it had left.
  std::map<std::string, int64_t> paused_clocks;
  // This request's slots in EngineState's deadline and reminder indexes.
  std::optional<std::multimap<int64_t, std::string>::iterator> deadline_slot, reminder_slot;

  bool terminal() const;
};

// A deadline or a reminder that is due (EngineState::Due).
struct DueItem {
  enum class Kind { kReminder, kDeadline };
  int64_t at = 0;
  Kind kind = Kind::kDeadline;
  const RequestState* request = nullptr;
};

// Where an idempotent command's event went.
struct IdempotencyRecord {
  std::string request_id;
  std::string type;    // event type
  std::string action;  // for "action" events
  uint64_t seq = 0;
  uint32_t request_version = 0;  // the request's version after the event
};

class EngineState {
 public:
  // Applies one event. Throws Error(kCorruption) if the event cannot be
  // applied (an unknown workflow, a request that does not exist).
  void Evolve(const events::Event& event);

  std::shared_ptr<const workflow::Workflow> Latest(std::string_view name) const;
  std::shared_ptr<const workflow::Workflow> Find(std::string_view name, uint32_t version) const;
  std::vector<std::shared_ptr<const workflow::Workflow>> LatestWorkflows() const;

  const RequestState* Request(std::string_view id) const;
  size_t request_count() const { return requests_.size(); }
  // Reminders not yet given and deadlines not yet breached, at or before t,
  // in time order (a reminder first at equal times), of open requests.
  std::vector<DueItem> Due(int64_t t) const;
  // The next request number for an id prefix and year ("OSS", 2026).
  uint64_t NextNumber(const std::string& prefix, int year) const;

  const IdempotencyRecord* Idempotency(const std::string& subject, const std::string& key) const;

  // Data subjects a subject_erased event erased (docs/PRIVACY.md).
  bool IsErased(const std::string& subject) const { return erased_.count(subject) != 0; }
  const std::set<std::string>& erased_subjects() const { return erased_; }

 private:
  void EvolveRequest(const events::Event& e);
  void ApplyDeployment(const events::Event& e);
  RequestState& Existing(const events::Event& e);
  void EnterState(RequestState& r, const std::string& state, int64_t at, const events::Event& e);
  static void SetFields(RequestState& r, const events::Event& e);

  std::map<std::string, std::map<uint32_t, std::shared_ptr<const workflow::Workflow>>> workflows_;
  std::unordered_map<std::string, RequestState> requests_;
  // Deadlines not yet breached and reminders not yet given, of the requests'
  // current states: time -> request id.
  using TimeIndex = std::multimap<int64_t, std::string>;
  static void Unindex(TimeIndex& index, std::optional<TimeIndex::iterator>& slot);
  TimeIndex deadlines_;
  TimeIndex reminders_;
  std::map<std::pair<std::string, int>, uint64_t> numbers_;
  std::map<std::string, IdempotencyRecord> idempotency_;  // subject '\x1f' key
  std::set<std::string> erased_;
};

}  // namespace jejak::engine
