// Pass 1 of the workflow loader, continued: one field, state or action, each
// checked on its own. Cross-references are check.cpp's job.
#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "events/field_value.h"
#include "events/vocabulary.h"
#include "workflow/decimal.h"
#include "workflow/internal.h"
#include "workflow/keys.h"
#include "workflow/pattern.h"
#include "workflow/yaml_reader.h"

namespace jejak::workflow::internal {
namespace {

// Words of the guard language cannot name fields: guards could not use them.
bool IsGuardWord(const std::string& s) {
  for (const char* w : {"and", "or", "not", "in", "true", "false", "null"}) {
    if (s == w) return true;
  }
  return false;
}

std::vector<std::string> Names(const std::vector<Item>& items, std::vector<SourcePos>* marks) {
  std::vector<std::string> out;
  for (const Item& i : items) {
    out.push_back(i.text);
    if (marks) marks->push_back(i.pos);
  }
  return out;
}

// A bound of field f: canonical decimal text, a whole number for integer
// fields and a non-negative length for strings.
std::optional<std::string> ParseBound(Reader& r, const Entry& e, const FieldSpec& f) {
  std::string what = fmt::format("{} of field \"{}\"", e.key, f.name);
  auto text = r.Text(e, what);
  if (!text) return std::nullopt;
  if (f.kind != FieldKind::kInteger && f.kind != FieldKind::kDecimal &&
      f.kind != FieldKind::kString) {
    r.Add(e.key_pos, fmt::format("{} applies only to integer, decimal and string fields (for "
                                 "strings it bounds the length)",
                                 e.key));
    return std::nullopt;
  }
  std::string canonical;
  try {
    canonical = events::CanonicalDecimal(*text);
  } catch (const base::Error&) {
    r.Add(e.pos, fmt::format("{} must be a number, not \"{}\"", what, *text));
    return std::nullopt;
  }
  bool whole = canonical.find('.') == std::string::npos;
  if (f.kind == FieldKind::kInteger && !whole) {
    r.Add(e.pos, fmt::format("{} must be a whole number for an integer field", what));
    return std::nullopt;
  }
  if (f.kind == FieldKind::kString && (!whole || canonical[0] == '-')) {
    r.Add(e.pos, fmt::format("{} is a length for a string field: a whole number >= 0", what));
    return std::nullopt;
  }
  return canonical;
}

}  // namespace

void ParseField(Reader& r, const Entry& e, FieldSpec* f) {
  f->name = e.key;
  f->pos = e.key_pos;
  CheckName(r, e.key, e.key_pos, "field");
  if (IsGuardWord(e.key)) {
    r.Add(e.key_pos,
          fmt::format("\"{}\" is a word of the guard language and cannot name a field", e.key));
  }
  if (events::IsReservedFieldName(e.key)) {
    r.Add(e.key_pos, fmt::format("\"{}\" is reserved: the engine writes it in events "
                                 "(docs/FORMAT.md, \"Event types\")",
                                 e.key));
  }
  std::string what = fmt::format("field \"{}\"", e.key);
  std::vector<Entry> es = r.Entries(e.value, e.pos, what, keys::kField);
  if (!e.value.IsMap()) return;
  const Entry* type = Find(es, "type");
  if (!type) r.Add(e.key_pos, fmt::format("{} has no type", what));
  if (!Find(es, "title")) r.Add(e.key_pos, fmt::format("{} has no title", what));
  if (type) {
    auto t = r.Text(*type, "type of " + what);
    auto it = t ? std::find(keys::kFieldTypes.begin(), keys::kFieldTypes.end(), *t)
                : keys::kFieldTypes.end();
    if (t && it == keys::kFieldTypes.end()) {
      r.Add(type->pos, fmt::format("unknown type \"{}\" of {}; expected one of: {}", *t, what,
                                   JoinKeys(keys::kFieldTypes)));
    }
    if (it != keys::kFieldTypes.end()) {
      f->kind = static_cast<FieldKind>(it - keys::kFieldTypes.begin());
    } else {
      return;  // the other rules depend on the type
    }
  }
  SourcePos max_pos;
  for (const Entry& x : es) {
    if (x.key == "title") {
      f->title = r.Text(x, "title of " + what).value_or("");
    } else if (x.key == "required") {
      f->required = r.Bool(x, "required of " + what).value_or(false);
    } else if (x.key == "pii") {
      f->pii = r.Bool(x, "pii of " + what).value_or(false);
    } else if (x.key == "pii_roles") {
      f->pii_roles = Names(r.List(x, "pii_roles of " + what), nullptr);
    } else if (x.key == "pattern") {
      f->pattern = r.Text(x, "pattern of " + what);
      if (!f->pattern) continue;
      if (f->kind != FieldKind::kString) {
        r.Add(x.key_pos,
              fmt::format("pattern applies only to string fields, and {} is not one", what));
      }
      if (auto why = PatternError(*f->pattern)) {
        r.Add(x.pos, fmt::format("bad pattern of {}: {}", what, *why));
      }
    } else if (x.key == "min") {
      f->min = ParseBound(r, x, *f);
    } else if (x.key == "max") {
      f->max = ParseBound(r, x, *f);
      max_pos = x.pos;
    } else if (x.key == "values") {
      f->values = Names(r.List(x, "values of " + what), nullptr);
      if (f->kind != FieldKind::kEnum) {
        r.Add(x.key_pos, fmt::format("values apply only to enum fields, and {} is not one", what));
      } else if (f->values.empty() && x.value.IsSequence()) {
        r.Add(x.pos, fmt::format("values of {} must list at least one choice", what));
      }
    }
  }
  if (f->min && f->max && CompareDecimal(*f->min, *f->max) > 0) {
    r.Add(max_pos, fmt::format("max {} of {} is less than its min {}", *f->max, what, *f->min));
  }
  if (f->kind == FieldKind::kEnum && !Find(es, "values")) {
    r.Add(e.key_pos, fmt::format("enum {} has no values: list its choices", what));
  }
  if (!f->pii_roles.empty() && !f->pii) {
    r.Add(Find(es, "pii_roles")->key_pos, fmt::format("pii_roles of {} need pii: true", what));
  }
}

namespace {

// on_deadline: {action: NAME} or {escalate_to: ROLE}; the names are checked
// against the actions in pass 2 (check.cpp).
void ParseOnDeadline(Reader& r, const Entry& e, const std::string& state, StateSpec* s,
                     StateMarks* marks) {
  std::string what = "on_deadline of " + state;
  std::vector<Entry> es = r.Entries(e.value, e.pos, what, keys::kOnDeadline);
  if (!e.value.IsMap()) return;
  for (const Entry& x : es) {
    if (x.key == "action") {
      s->deadline_action = r.Text(x, "action of " + what).value_or("");
      marks->deadline_action = x.pos;
    } else if (x.key == "escalate_to") {
      s->escalate_to = r.Text(x, "escalate_to of " + what).value_or("");
      marks->escalate_to = x.pos;
    }
  }
  if (es.empty()) {
    r.Add(e.pos, fmt::format("{} names nothing: give action or escalate_to", what));
  } else if (Find(es, "action") && Find(es, "escalate_to")) {
    r.Add(e.pos, fmt::format("{} gives both action and escalate_to: an action moves the request "
                             "on, so there is nobody left to escalate to; choose one",
                             what));
  }
}

// A guard, or a date expression alone (date), with its problems at their
// place in the file; dates gets where each field used as a date stands.
std::optional<Guard> ParseExpression(Reader& r, const Entry& x, const std::string& label, bool date,
                                     std::map<std::string, SourcePos>* dates) {
  auto text = r.Text(x, label);
  if (!text) return std::nullopt;
  int column = 0;
  std::string message;
  std::optional<Guard> g = date ? Guard::TryParseDate(*text, &column, &message)
                                : Guard::TryParse(*text, &column, &message);
  if (!g) {
    r.Add(r.GuardColumn(x.value, *text, column),
          fmt::format("bad {} at column {}{}: {}", label, column, date ? "" : " of the guard",
                      message));
    return std::nullopt;
  }
  for (const auto& [field, at] : g->date_fields())
    (*dates)[field] = r.GuardColumn(x.value, *text, at);
  return g;
}

}  // namespace

void ParseState(Reader& r, const Entry& e, StateSpec* s, StateMarks* marks) {
  s->name = e.key;
  s->pos = e.key_pos;
  CheckName(r, e.key, e.key_pos, "state");
  if (e.key == kWithdrawnState) {
    r.Add(e.key_pos, fmt::format("\"{}\" is a built-in terminal state (the applicant's withdraw "
                                 "command leads there): do not declare it",
                                 kWithdrawnState));
  }
  std::string what = fmt::format("state \"{}\"", e.key);
  std::vector<Entry> es = r.Entries(e.value, e.pos, what, keys::kState);
  if (e.value.IsMap() && !Find(es, "title")) r.Add(e.key_pos, what + " has no title");
  const Entry* sla = nullptr;
  bool has_deadline = Find(es, "sla") || Find(es, "deadline_at");
  auto duration = [&](const Entry& x) -> std::optional<Duration> {
    auto text = r.Text(x, x.key + " of " + what);
    if (!text) return std::nullopt;
    try {
      return Duration::Parse(*text);
    } catch (const base::Error& err) {
      r.Add(x.pos, fmt::format("{} of {}: {}", x.key, what, err.what()));
      return std::nullopt;
    }
  };
  for (const Entry& x : es) {
    if (x.key == "title") {
      s->title = r.Text(x, "title of " + what).value_or("");
    } else if (x.key == "initial") {
      s->initial = r.Bool(x, "initial of " + what).value_or(false);
      marks->initial = x.key_pos;
    } else if (x.key == "terminal") {
      s->terminal = r.Bool(x, "terminal of " + what).value_or(false);
    } else if (x.key == "sla") {
      sla = &x;
      s->sla = duration(x);
    } else if (x.key == "deadline_at") {
      if (Find(es, "sla")) {
        r.Add(x.key_pos, fmt::format("{} has both sla and deadline_at: give one", what));
      }
      s->deadline_at =
          ParseExpression(r, x, "deadline_at of " + what, true, &marks->deadline_dates);
    } else if (x.key == "remind_before") {
      s->remind_before = duration(x);
      if (!has_deadline) {
        r.Add(x.key_pos, fmt::format("remind_before of {} needs an sla or deadline_at", what));
      }
    } else if (x.key == "on_deadline") {
      ParseOnDeadline(r, x, what, s, marks);
      if (!has_deadline) {
        r.Add(x.key_pos, fmt::format("on_deadline of {} needs an sla or deadline_at", what));
      }
    } else if (x.key == "clock") {
      marks->clock = x.pos;
      auto text = r.Text(x, "clock of " + what);
      if (text == "pause") {
        s->clock = StateSpec::Clock::kPause;
      } else if (text && text != "restart") {
        r.Add(x.pos, fmt::format("clock of {} is \"{}\"; expected one of: {}", what, *text,
                                 JoinKeys(keys::kClocks)));
      }
      if (!Find(es, "sla")) r.Add(x.key_pos, fmt::format("clock of {} needs an sla", what));
    }
  }
  if (sla && s->terminal) {
    r.Add(sla->key_pos, fmt::format("{} is terminal: nothing waits there, so it has no sla", what));
  }
  if (const Entry* at = Find(es, "deadline_at"); at && s->terminal) {
    r.Add(at->key_pos,
          fmt::format("{} is terminal: nothing waits there, so it has no deadline_at", what));
  }
  if (s->sla && s->remind_before && s->sla->unit == s->remind_before->unit &&
      s->remind_before->amount >= s->sla->amount) {
    r.Add(Find(es, "remind_before")->pos,
          fmt::format("remind_before of {} ({}) is not shorter than its sla ({})", what,
                      s->remind_before->ToString(), s->sla->ToString()));
  }
}

// More officers than this never sign one decision.
constexpr int kMaxQuorum = 20;

void ParseAction(Reader& r, const Entry& e, ActionSpec* a, ActionMarks* marks) {
  a->name = e.key;
  a->pos = e.key_pos;
  CheckName(r, e.key, e.key_pos, "action");
  std::string what = fmt::format("action \"{}\"", e.key);
  std::vector<Entry> es = r.Entries(e.value, e.pos, what, keys::kAction);
  if (!e.value.IsMap()) return;
  for (std::string_view key : {"title", "from", "to", "roles"}) {
    if (!Find(es, key)) r.Add(e.key_pos, fmt::format("{} has no {}", what, key));
  }
  for (const Entry& x : es) {
    if (x.key == "title") {
      a->title = r.Text(x, "title of " + what).value_or("");
    } else if (x.key == "from") {
      a->from = Names(r.List(x, "from of " + what, true), &marks->from);
    } else if (x.key == "to") {
      a->to = r.Text(x, "to of " + what).value_or("");
      marks->to = x.pos;
    } else if (x.key == "roles") {
      std::vector<Item> roles = r.List(x, "roles of " + what);
      if (roles.empty() && x.value.IsSequence()) {
        r.Add(x.pos, fmt::format("roles of {} must list at least one role", what));
      }
      for (const Item& role : roles) CheckName(r, role.text, role.pos, "role");
      a->roles = Names(roles, nullptr);
    } else if (x.key == "fields") {
      a->fields = Names(r.List(x, "fields of " + what), &marks->fields);
    } else if (x.key == "requires") {
      a->required_fields = Names(r.List(x, "requires of " + what), &marks->required_fields);
    } else if (x.key == "four_eyes") {
      a->distinct_from = Names(r.List(x, "four_eyes of " + what), &marks->four_eyes);
    } else if (x.key == "quorum") {
      marks->quorum = x.pos;
      auto text = r.Text(x, "quorum of " + what);
      if (text && text->size() <= 2 && !text->empty() &&
          std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; }) &&
          std::stoi(*text) >= 1 && std::stoi(*text) <= kMaxQuorum) {
        a->quorum = static_cast<uint32_t>(std::stoi(*text));
      } else if (text) {
        r.Add(x.pos, fmt::format("quorum of {} is \"{}\"; expected a whole number from 1 to {}",
                                 what, *text, kMaxQuorum));
      }
    } else if (x.key == "reason") {
      auto text = r.Text(x, "reason of " + what);
      if (text && *text != "required" && *text != "optional") {
        r.Add(x.pos, fmt::format("reason of {} must be \"required\" or \"optional\"", what));
      }
      a->reason_required = text == "required";
    } else if (x.key == "guard") {
      marks->guard = x.pos;
      a->guard = ParseExpression(r, x, "guard of " + what, false, &marks->guard_dates);
    }
  }
}

}  // namespace jejak::workflow::internal
