#include "workflow/json.h"

#include <fmt/format.h>

#include "events/time.h"

namespace jejak::workflow {
namespace {

using nlohmann::json;

std::string_view KindName(FieldKind kind) {
  switch (kind) {
    case FieldKind::kString:
      return "string";
    case FieldKind::kInteger:
      return "integer";
    case FieldKind::kDecimal:
      return "decimal";
    case FieldKind::kBoolean:
      return "boolean";
    case FieldKind::kDate:
      return "date";
    case FieldKind::kEnum:
      return "enum";
  }
  return "string";
}

json CalendarToJson(const Calendar& c) {
  static constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  json days = json::array();
  for (int d = 0; d < 7; ++d) {
    if (c.working_weekdays >> d & 1) days.push_back(kDays[d]);
  }
  json holidays = json::array();
  for (int64_t day : c.holidays) holidays.push_back(events::FormatDate(day));
  return {{"utc_offset_minutes", c.utc_offset_minutes},
          {"working_days", days},
          {"work_start_minute", c.work_start_minute},
          {"work_end_minute", c.work_end_minute},
          {"holidays", holidays}};
}

}  // namespace

json WorkflowToJson(const Workflow& wf) {
  json fields = json::array();
  for (const auto& f : wf.fields) {
    json j = {{"name", f.name},         {"title", f.title}, {"type", KindName(f.kind)},
              {"required", f.required}, {"pii", f.pii},     {"pii_roles", f.pii_roles}};
    if (f.pattern) j["pattern"] = *f.pattern;
    if (f.min) j["min"] = *f.min;
    if (f.max) j["max"] = *f.max;
    if (f.kind == FieldKind::kEnum) j["values"] = f.values;
    fields.push_back(std::move(j));
  }
  json states = json::array();
  for (const auto& s : wf.states) {
    json j = {{"name", s.name},
              {"title", s.title},
              {"initial", s.initial},
              {"terminal", s.terminal},
              {"responsible_roles", s.responsible_roles}};
    if (s.sla) j["sla"] = s.sla->ToString();
    if (s.deadline_at) j["deadline_at"] = s.deadline_at->text();
    if (s.remind_before) j["remind_before"] = s.remind_before->ToString();
    if (!s.deadline_action.empty()) j["on_deadline"] = {{"action", s.deadline_action}};
    if (!s.escalate_to.empty()) j["on_deadline"] = {{"escalate_to", s.escalate_to}};
    if (s.clock == StateSpec::Clock::kPause) j["clock"] = "pause";
    states.push_back(std::move(j));
  }
  json actions = json::array();
  for (const auto& a : wf.actions) {
    json j = {{"name", a.name},
              {"title", a.title},
              {"from", a.from},
              {"to", a.to},
              {"roles", a.roles},
              {"fields", a.fields},
              {"requires", a.required_fields},
              {"reason_required", a.reason_required},
              {"four_eyes", a.distinct_from}};
    if (a.guard) j["guard"] = a.guard->text();
    if (a.quorum > 1) j["quorum"] = a.quorum;
    actions.push_back(std::move(j));
  }
  return {{"name", wf.name},
          {"version", wf.version},
          {"agency", wf.agency},
          {"title", wf.title},
          {"calendar", CalendarToJson(wf.calendar)},
          {"fields", fields},
          {"states", states},
          {"actions", actions},
          {"source_sha256", wf.source_sha256}};
}

}  // namespace jejak::workflow
