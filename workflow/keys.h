// The keys the workflow YAML accepts at each level. The parser rejects any
// other key, and tests check docs/workflow.schema.json lists exactly these,
// so the documentation, the schema and the parser cannot drift apart.
#pragma once

#include <array>
#include <string_view>

namespace jejak::workflow::keys {

inline constexpr std::array<std::string_view, 8> kTopLevel = {
    "workflow", "version", "agency", "title", "calendar", "fields", "states", "actions"};
inline constexpr std::array<std::string_view, 4> kCalendar = {"utc_offset", "working_days",
                                                              "working_hours", "holidays"};
inline constexpr std::array<std::string_view, 9> kField = {
    "type", "title", "required", "pattern", "min", "max", "values", "pii", "pii_roles"};
inline constexpr std::array<std::string_view, 8> kState = {
    "title", "initial", "terminal", "sla", "deadline_at", "remind_before", "on_deadline", "clock"};
inline constexpr std::array<std::string_view, 2> kOnDeadline = {"action", "escalate_to"};
inline constexpr std::array<std::string_view, 10> kAction = {
    "title", "from", "to", "roles", "fields", "requires", "guard", "reason", "four_eyes", "quorum"};
// Values of a state's "clock".
inline constexpr std::array<std::string_view, 2> kClocks = {"restart", "pause"};
// Values of a field's "type".
inline constexpr std::array<std::string_view, 6> kFieldTypes = {"string",  "integer", "decimal",
                                                                "boolean", "date",    "enum"};
inline constexpr std::array<std::string_view, 7> kWeekdays = {"mon", "tue", "wed", "thu",
                                                              "fri", "sat", "sun"};

}  // namespace jejak::workflow::keys
