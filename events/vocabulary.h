// The event types the engine writes and the payload fields it reserves
// (docs/FORMAT.md, "Event types"). Projections and other consumers read
// events through these names alone; workflow fields may not reuse them.
#pragma once

#include <string_view>

namespace jejak::events {

namespace types {
inline constexpr char kWorkflowDeployed[] = "workflow_deployed";
inline constexpr char kSubmitted[] = "submitted";
inline constexpr char kAction[] = "action";
inline constexpr char kWithdrawn[] = "withdrawn";
inline constexpr char kSlaBreached[] = "sla_breached";
inline constexpr char kSlaReminder[] = "sla_reminder";    // a deadline is near
inline constexpr char kSlaEscalated[] = "sla_escalated";  // a passed deadline called a role in
// One officer's approval of an action with a quorum, before the last
inline constexpr char kApproval[] = "approval";
inline constexpr char kCommandRejected[] = "command_rejected";
inline constexpr char kSigningKeyAdded[] = "signing_key_added";
inline constexpr char kCheckpointSigned[] = "checkpoint_signed";
inline constexpr char kSubjectErased[] = "subject_erased";
inline constexpr char kPersonalDataAccessed[] = "personal_data_accessed";
}  // namespace types

namespace fields {
// workflow_deployed
inline constexpr char kDefinition[] = "definition";               // string: the YAML source
inline constexpr char kDefinitionSha256[] = "definition_sha256";  // bytes
inline constexpr char kModel[] = "model";  // string: the workflow as JSON, for consumers
// submitted, action, withdrawn
inline constexpr char kAction[] = "action";  // the action's name
inline constexpr char kFrom[] = "from";      // state before
inline constexpr char kTo[] = "to";          // state after
inline constexpr char kReason[] = "reason";
inline constexpr char kDeadline[] = "deadline";   // timestamp: SLA deadline of the new state
inline constexpr char kRemindAt[] = "remind_at";  // timestamp: when to remind of it (remind_before)
// timestamp, on an action the engine took because this deadline passed
inline constexpr char kDeadlinePassed[] = "deadline_passed";
inline constexpr char kTrackingCodeSha256[] = "tracking_code_sha256";  // bytes
// boolean, on staff actions only when true: the officer's own id is the
// applicant's (whose subject id alone is in the event), so reports can tell
inline constexpr char kActorIsApplicant[] = "actor_is_applicant";
// A state's paused clock ("clock: pause"): on the event that takes the
// request from that state to the applicant, the state (string) and the time
// it had left (integer microseconds, counted as its sla counts); on the
// event that brings it back, clock_resumed (boolean true) beside the
// deadline that gives that time back.
// integers, on approval events and on the action that completes a quorum:
// the approvals so far (this one included) and the quorum
inline constexpr char kApprovals[] = "approvals";
inline constexpr char kQuorum[] = "quorum";
inline constexpr char kPausedState[] = "paused_state";
inline constexpr char kTimeLeft[] = "time_left";
inline constexpr char kClockResumed[] = "clock_resumed";
// sla_breached, sla_reminder, sla_escalated (also deadline)
inline constexpr char kState[] = "state";
inline constexpr char kEnteredAt[] = "entered_at";      // timestamp
inline constexpr char kEscalatedTo[] = "escalated_to";  // string: sla_escalated's role
// command_rejected
inline constexpr char kAttempted[] = "attempted";  // action name, "submit" or "withdraw"
inline constexpr char kRefusal[] = "refusal";      // the stable refusal reason
inline constexpr char kMessage[] = "message";
// signing_key_added: a checkpoint signing key (docs/FORMAT.md, "Keys")
inline constexpr char kKeyName[] = "key_name";          // string: the key's (and origin's) name
inline constexpr char kKeyId[] = "key_id";              // bytes: the 4-byte signed-note key id
inline constexpr char kPublicKey[] = "public_key";      // bytes: the 32-byte Ed25519 public key
inline constexpr char kVerifierKey[] = "verifier_key";  // string: the key in vkey form
// checkpoint_signed: a checkpoint the ledger signed (docs/FORMAT.md, "Checkpoints")
inline constexpr char kCheckpoint[] = "checkpoint";  // string: the whole signed note
inline constexpr char kIndexMark[] = "index_mark";   // integer: entries indexed when it was signed
// subject_erased: a data subject's keys destroyed (docs/PRIVACY.md); also reason
inline constexpr char kSubject[] = "subject";  // string: the subject id
// personal_data_accessed: staff shown personal fields of a request
inline constexpr char kAccessedFields[] = "accessed_fields";  // string: names, comma-separated
inline constexpr char kInterface[] = "interface";             // string: "api" or "cli"
}  // namespace fields

// True for the payload names above, which workflow fields may not use.
bool IsReservedFieldName(std::string_view name);

}  // namespace jejak::events
