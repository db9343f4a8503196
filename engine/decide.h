// Deciding commands: pure functions from the engine's state and a command to
// the one event that records it, or a refusal thrown as base::Error with a
// stable reason (docs/ENGINE.md). Nothing here writes; the engine appends the
// event and applies it to the state.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "engine/commands.h"
#include "engine/request_state.h"
#include "engine/tracking_code.h"

namespace jejak::engine {

// The event for a deployment, or nullopt if this exact definition is
// already deployed. Throws kConflict if the version exists with other
// content or is older than the latest deployed one.
std::optional<events::Event> DecideDeploy(const EngineState& state,
                                          const std::shared_ptr<const workflow::Workflow>& workflow,
                                          const events::Actor& deployer, int64_t now);

events::Event DecideSubmit(const EngineState& state, const SubmitCommand& cmd, int64_t now,
                           const TrackingCodes& codes);
events::Event DecideAct(const EngineState& state, const ActCommand& cmd, int64_t now);
events::Event DecideWithdraw(const EngineState& state, const WithdrawCommand& cmd, int64_t now);

// The subject_erased event erasing subject (already resolved from the
// command's id). Throws kUnknownSubject if it is erased already.
events::Event DecideErase(const EngineState& state, const EraseSubjectCommand& cmd,
                          const std::string& subject, int64_t now);
// The personal_data_accessed event of an access. Throws kUnknownRequest.
events::Event DecideAccess(const EngineState& state, const AccessRecord& access, int64_t now);

// What the deadlines and reminders due at or before now do, in time order:
// an sla_reminder per reminder; per deadline an sla_breached, then the
// state's on_deadline: an sla_escalated, or its action taken as "system"
// (a command_rejected with the reason if the action is refused, say by its
// guard). One check writes all of them in one batch, and the breach marks
// the deadline as handled, so each happens exactly once.
std::vector<events::Event> DecideDeadlines(const EngineState& state, int64_t now);

// True if a refusal is an attempt worth an audit event: staff acting beyond
// their authority or against four-eyes.
bool IsAuditedRefusal(const ActCommand& cmd, const base::Error& refusal);
// The command_rejected event recording such an attempt.
events::Event RejectionEvent(const EngineState& state, const ActCommand& cmd,
                             const base::Error& refusal, int64_t now);

}  // namespace jejak::engine
