// A workflow definition: one public service's states, actions, fields, roles,
// deadlines and four-eyes rules, loaded from YAML (docs/WORKFLOWS.md,
// docs/workflow.schema.json). A loaded Workflow is fully validated and
// immutable; the engine and the projections only ever see valid ones.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "events/calendar.h"
#include "events/field_value.h"
#include "workflow/guard.h"

namespace jejak::workflow {

using events::Calendar;
using events::Duration;

// Where something was written in the YAML source (1-based).
struct SourcePos {
  int line = 0;
  int column = 0;
};

enum class FieldKind { kString, kInteger, kDecimal, kBoolean, kDate, kEnum };

struct FieldSpec {
  std::string name;
  std::string title;
  FieldKind kind = FieldKind::kString;
  bool required = false;                // required at submission
  std::optional<std::string> pattern;   // ECMAScript regex, must match whole value
  std::optional<std::string> min, max;  // numeric bounds (decimal text); lengths for strings
  std::vector<std::string> values;      // the choices of an enum
  bool pii = false;                     // personal data (NIK, address, ...)
  std::vector<std::string> pii_roles;   // staff roles that may read it when pii
  SourcePos pos;
};

struct StateSpec {
  std::string name;
  std::string title;
  bool initial = false;
  bool terminal = false;
  std::optional<Duration> sla;  // how long a request may wait here
  // Or until when: a date computed at entry (a date expression, guard.h),
  // the deadline being that date's start in the calendar. Not both.
  std::optional<Guard> deadline_at;
  // What the deadline does besides being recorded as breached: a reminder
  // this long before it, then an action the engine takes as "system", or
  // a role the request also waits for (at most one of the two).
  std::optional<Duration> remind_before;
  std::string deadline_action;
  std::string escalate_to;
  // When a request goes from here to the applicant and comes back: a whole
  // new sla (restart), or the time that was left when it went (pause).
  enum class Clock { kRestart, kPause };
  Clock clock = Clock::kRestart;
  // Who is expected to act next here: the roles of the actions leaving it.
  std::vector<std::string> responsible_roles;
  SourcePos pos;

  // True if the applicant is among responsible_roles.
  bool WaitsForApplicant() const;
  // True if only the system acts here (a change that takes effect on a
  // date): its deadline is a schedule, not a breach.
  bool OnlySystemActs() const;
  // True if a request here has a deadline (sla or deadline_at).
  bool HasDeadline() const { return sla.has_value() || deadline_at.has_value(); }
};

inline constexpr char kApplicantRole[] = "applicant";
inline constexpr char kSystemRole[] = "system";
// Built-in terminal state reached by the withdraw command.
inline constexpr char kWithdrawnState[] = "withdrawn";

struct ActionSpec {
  std::string name;
  std::string title;
  std::vector<std::string> from;             // states it may be taken from
  std::string to;                            // state it leads to
  std::vector<std::string> roles;            // staff roles, or "applicant"
  std::vector<std::string> fields;           // fields it may set
  std::vector<std::string> required_fields;  // "requires": fields it must set
  std::optional<Guard> guard;                // must hold over the request's fields
  bool reason_required = false;              // e.g. rejections: a non-empty reason
  // Four-eyes: the actor must differ from whoever performed any of these
  // actions earlier on the same request.
  std::vector<std::string> distinct_from;
  // Quorum: how many distinct officers must take it before the request
  // moves; each one before the last is recorded as an approval.
  uint32_t quorum = 1;
  SourcePos pos;
};

struct Workflow {
  std::string name;  // stable id, e.g. "oss-izin-usaha"
  uint32_t version = 0;
  std::string agency;
  std::string title;
  Calendar calendar;
  std::vector<FieldSpec> fields;  // in definition order
  std::vector<StateSpec> states;  // in definition order; kWithdrawnState included
  std::vector<ActionSpec> actions;
  std::string source;         // the YAML text it was loaded from
  std::string source_sha256;  // hex SHA-256 of source

  const FieldSpec* FindField(std::string_view name) const;
  const StateSpec* FindState(std::string_view name) const;
  const ActionSpec* FindAction(std::string_view name) const;
  const StateSpec& InitialState() const;
};

// One problem found while validating a workflow; pos is {0, 0} when it is
// about the whole file (for instance, the file cannot be read).
struct WorkflowProblem {
  SourcePos pos;
  std::string message;  // without the "file:line:column: " prefix
};

struct WorkflowCheck {
  std::shared_ptr<const Workflow> workflow;  // null unless problems is empty
  std::vector<WorkflowProblem> problems;     // sorted by position
};

// Parses and validates YAML text, returning every problem instead of
// throwing; the structured form of ParseWorkflow for tools and editors.
WorkflowCheck CheckWorkflow(const std::string& yaml_text);

// "file:line:column: message" lines, one per problem, joined by '\n'.
std::string FormatProblems(const std::string& file, const std::vector<WorkflowProblem>& problems);

// Reads a whole workflow file (base::ReadFile): Error(kNotFound) if there is
// none, Error(kIoError) if it cannot be read.
std::string ReadWorkflowText(const std::string& path);

// Parses and validates YAML text. file names the source in error messages.
// Throws Error(kInvalidArgument) whose message lists every problem found, one
// per line, each as "file:line:column: what is wrong".
std::shared_ptr<const Workflow> ParseWorkflow(const std::string& yaml_text,
                                              const std::string& file);
// Reads and parses a file. Throws Error(kNotFound) if it cannot be read.
std::shared_ptr<const Workflow> LoadWorkflowFile(const std::string& path);

}  // namespace jejak::workflow
