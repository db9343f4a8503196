// Pass 1 of the workflow loader: YAML text to a Workflow. This file reads the
// header and the calendar; items.cpp reads fields, states, actions.
#include <fmt/format.h>

#include <algorithm>

#include <limits>
#include <regex>

#include "events/field_value.h"
#include "events/time.h"
#include "workflow/internal.h"
#include "workflow/keys.h"
#include "workflow/yaml_reader.h"

namespace jejak::workflow::internal {

// Defined in items.cpp.
void ParseField(Reader& r, const Entry& e, FieldSpec* f);
void ParseState(Reader& r, const Entry& e, StateSpec* s, StateMarks* marks);
void ParseAction(Reader& r, const Entry& e, ActionSpec* a, ActionMarks* marks);

namespace {

// "+07:00" -> 420 with sign; "08:00" -> 480 without (24:00 ends a day).
std::optional<int> ParseClock(const std::string& s, bool sign) {
  static const std::regex kSigned("([+-])([0-9]{2}):([0-9]{2})"), kClock("([0-9]{2}):([0-9]{2})");
  std::smatch m;
  if (!std::regex_match(s, m, sign ? kSigned : kClock)) return std::nullopt;
  int h = std::stoi(m[sign ? 2 : 1]), min = std::stoi(m[sign ? 3 : 2]);
  if (min >= 60 || h > (sign ? 14 : 24) || (h == 24 && min != 0)) return std::nullopt;
  int total = h * 60 + min;
  return sign && m[1] == "-" ? -total : total;
}

void ParseWorkingDays(Reader& r, const Entry& e, Calendar* cal) {
  uint8_t mask = 0;
  for (const Item& d : r.List(e, "working_days")) {
    auto it = std::find(keys::kWeekdays.begin(), keys::kWeekdays.end(), d.text);
    if (it == keys::kWeekdays.end()) {
      r.Add(d.pos, fmt::format("unknown day \"{}\" in working_days; expected one of: {}", d.text,
                               JoinKeys(keys::kWeekdays)));
    } else {
      mask |= static_cast<uint8_t>(1 << (it - keys::kWeekdays.begin()));
    }
  }
  if (mask == 0 && e.value.IsSequence() && e.value.size() == 0) {
    r.Add(e.pos, "working_days must list at least one day");
  }
  if (mask != 0) cal->working_weekdays = mask;
}

void ParseCalendar(Reader& r, const Entry& section, Calendar* cal) {
  for (const Entry& e : r.Entries(section.value, section.pos, "calendar", keys::kCalendar)) {
    if (e.key == "utc_offset") {
      auto text = r.Text(e, "calendar utc_offset");
      std::optional<int> off = text ? ParseClock(*text, true) : std::nullopt;
      if (off) cal->utc_offset_minutes = *off;
      if (text && !off) {
        r.Add(e.pos, fmt::format("utc_offset \"{}\" must look like \"+07:00\" (WIB), \"+08:00\" "
                                 "(WITA) or \"+09:00\" (WIT)",
                                 *text));
      }
    } else if (e.key == "working_days") {
      ParseWorkingDays(r, e, cal);
    } else if (e.key == "working_hours") {
      auto text = r.Text(e, "working_hours");
      if (!text) continue;
      size_t dash = text->find('-');
      std::optional<int> start = ParseClock(text->substr(0, dash), false);
      std::optional<int> end =
          ParseClock(dash == std::string::npos ? "" : text->substr(dash + 1), false);
      if (!start || !end || *start >= *end) {
        r.Add(e.pos, fmt::format("working_hours \"{}\" must look like \"08:00-16:00\", the start "
                                 "before the end",
                                 *text));
      } else {
        cal->work_start_minute = *start;
        cal->work_end_minute = *end;
      }
    } else if (e.key == "holidays") {
      for (const Item& d : r.List(e, "holidays")) {
        std::optional<int64_t> day = events::ParseDate(d.text);
        if (!day) {
          r.Add(d.pos, fmt::format("holiday \"{}\" is not a YYYY-MM-DD date", d.text));
          continue;
        }
        cal->holidays.insert(*day);
      }
    }
  }
}

void ParseHeader(Reader& r, const Entry& e, Workflow* wf) {
  if (e.key == "workflow") {
    static const std::regex kName("[a-z][a-z0-9-]*");
    auto name = r.Text(e, "workflow (the workflow's name)");
    if (name && !std::regex_match(*name, kName)) {
      r.Add(e.pos, fmt::format("workflow name \"{}\" must be lowercase letters, digits and '-', "
                               "starting with a letter, as in \"oss-izin-usaha\"",
                               *name));
    } else if (name) {
      wf->name = *name;
    }
  } else if (e.key == "version") {
    static const std::regex kNumber("[1-9][0-9]{0,9}");
    auto v = r.Text(e, "version");
    if (v && std::regex_match(*v, kNumber) &&
        std::stoull(*v) <= std::numeric_limits<uint32_t>::max()) {
      wf->version = static_cast<uint32_t>(std::stoull(*v));
    } else if (v) {
      r.Add(e.pos, fmt::format("version \"{}\" must be a whole number from 1 to 4294967295", *v));
    }
  } else if (e.key == "agency") {
    wf->agency = r.Text(e, "agency").value_or("");
  } else if (e.key == "title") {
    wf->title = r.Text(e, "title").value_or("");
  }
}

}  // namespace

void ParseYaml(const std::string& text, ParsedWorkflow* out,
               std::vector<WorkflowProblem>* problems) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    problems->push_back({PosOf(e.mark), "malformed YAML: " + e.msg});
    return;
  }
  Reader r(text, problems);
  Workflow& wf = out->wf;
  std::vector<Entry> top = r.Entries(root, {1, 1}, "the workflow", keys::kTopLevel);
  if (!root.IsMap()) return;
  for (std::string_view key : {"workflow", "version", "agency", "title", "states", "actions"}) {
    if (!Find(top, key)) r.Add({1, 1}, fmt::format("missing required key \"{}\"", key));
  }
  for (const Entry& e : top) {
    if (e.key == "calendar") {
      ParseCalendar(r, e, &wf.calendar);
    } else if (e.key == "fields") {
      if (e.value.IsNull()) continue;  // a workflow may collect no fields
      for (const Entry& f : r.Entries(e.value, e.pos, "fields", {}, "field")) {
        ParseField(r, f, &wf.fields.emplace_back());
      }
    } else if (e.key == "states") {
      out->states_key = e.key_pos;
      out->states_ok = e.value.IsMap();
      for (const Entry& s : r.Entries(e.value, e.pos, "states", {}, "state")) {
        ParseState(r, s, &wf.states.emplace_back(), &out->state_marks.emplace_back());
      }
    } else if (e.key == "actions") {
      for (const Entry& a : r.Entries(e.value, e.pos, "actions", {}, "action")) {
        ParseAction(r, a, &wf.actions.emplace_back(), &out->action_marks.emplace_back());
      }
    } else {
      ParseHeader(r, e, &wf);
    }
  }
}

}  // namespace jejak::workflow::internal
