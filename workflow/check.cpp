// Pass 2 of the workflow loader: names that refer to other parts of the
// workflow, and the shape of the state graph.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include "workflow/internal.h"
#include "workflow/keys.h"

namespace jejak::workflow::internal {
namespace {

using Problems = std::vector<WorkflowProblem>;

// Date arithmetic, comparisons with dates and deadline_at need date fields;
// what names the guard or deadline_at.
void CheckDateField(const FieldSpec& spec, const std::string& what, SourcePos pos, Problems* out) {
  if (spec.kind == FieldKind::kDate) return;
  out->push_back({pos, fmt::format("{} uses field \"{}\" as a date, but it is of type {}", what,
                                   spec.name, keys::kFieldTypes[static_cast<int>(spec.kind)])});
}

void CheckFieldRefs(const Workflow& wf, const ActionSpec& a, const ActionMarks& m, Problems* out) {
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (!wf.FindField(a.fields[i])) {
      out->push_back({m.fields[i], fmt::format("action \"{}\" lists unknown field \"{}\" in fields",
                                               a.name, a.fields[i])});
    }
  }
  for (size_t i = 0; i < a.required_fields.size(); ++i) {
    const std::string& f = a.required_fields[i];
    if (!wf.FindField(f)) {
      out->push_back(
          {m.required_fields[i], fmt::format("action \"{}\" lists unknown field \"{}\" in "
                                             "requires",
                                             a.name, f)});
    } else if (std::find(a.fields.begin(), a.fields.end(), f) == a.fields.end()) {
      out->push_back(
          {m.required_fields[i], fmt::format("action \"{}\" requires field \"{}\" but does not "
                                             "list it in fields",
                                             a.name, f)});
    }
  }
  if (a.guard) {
    for (const std::string& f : a.guard->fields()) {
      if (!wf.FindField(f)) {
        out->push_back(
            {m.guard, fmt::format("guard of action \"{}\" uses unknown field \"{}\"", a.name, f)});
      }
    }
    for (const auto& [f, pos] : m.guard_dates) {
      if (const FieldSpec* spec = wf.FindField(f)) {
        CheckDateField(*spec, fmt::format("guard of action \"{}\"", a.name), pos, out);
      }
    }
  }
  for (size_t i = 0; i < a.distinct_from.size(); ++i) {
    if (!wf.FindAction(a.distinct_from[i])) {
      out->push_back({m.four_eyes[i], fmt::format("four_eyes of action \"{}\" names unknown action "
                                                  "\"{}\"",
                                                  a.name, a.distinct_from[i])});
    }
  }
}

void CheckStateRefs(const Workflow& wf, const ActionSpec& a, const ActionMarks& m, Problems* out) {
  for (size_t i = 0; i < a.from.size(); ++i) {
    const StateSpec* s = wf.FindState(a.from[i]);
    if (!s && a.from[i] != kWithdrawnState) {
      out->push_back({m.from[i], fmt::format("action \"{}\" starts from unknown state \"{}\"",
                                             a.name, a.from[i])});
    } else if (!s || s->terminal) {
      out->push_back({m.from[i], fmt::format("action \"{}\" leaves terminal state \"{}\"; a "
                                             "terminal state has no outgoing actions",
                                             a.name, a.from[i])});
    }
  }
  if (!a.to.empty() && !wf.FindState(a.to) && a.to != kWithdrawnState) {
    out->push_back(
        {m.to, fmt::format("action \"{}\" leads to unknown state \"{}\"", a.name, a.to)});
  }
}

// States reachable from start along actions, forwards or backwards.
std::set<std::string> Reach(const Workflow& wf, const std::set<std::string>& start, bool forward) {
  std::set<std::string> seen = start;
  std::deque<std::string> queue(start.begin(), start.end());
  while (!queue.empty()) {
    std::string s = queue.front();
    queue.pop_front();
    for (const ActionSpec& a : wf.actions) {
      for (const std::string& from : a.from) {
        const std::string& src = forward ? from : a.to;
        const std::string& dst = forward ? a.to : from;
        if (src == s && seen.insert(dst).second) queue.push_back(dst);
      }
    }
  }
  return seen;
}

void CheckGraph(const ParsedWorkflow& p, Problems* out) {
  const Workflow& wf = p.wf;
  std::vector<size_t> initial;
  std::set<std::string> terminal;
  for (size_t i = 0; i < wf.states.size(); ++i) {
    if (wf.states[i].initial) initial.push_back(i);
    if (wf.states[i].terminal) terminal.insert(wf.states[i].name);
  }
  if (initial.empty()) {
    out->push_back({p.states_key, "no initial state: mark exactly one state initial: true"});
  }
  for (size_t k = 1; k < initial.size(); ++k) {
    out->push_back({p.state_marks[initial[k]].initial,
                    fmt::format("several initial states: \"{}\" and \"{}\"; exactly one state is "
                                "initial",
                                wf.states[initial[0]].name, wf.states[initial[k]].name)});
  }
  if (terminal.empty()) {
    out->push_back({p.states_key, "no terminal state: mark at least one state terminal: true"});
  }
  for (size_t i : initial) {
    if (wf.states[i].terminal) {
      out->push_back({wf.states[i].pos,
                      fmt::format("initial state \"{}\" cannot be terminal", wf.states[i].name)});
    }
  }
  if (initial.size() == 1) {
    std::set<std::string> reached = Reach(wf, {wf.states[initial[0]].name}, true);
    for (const StateSpec& s : wf.states) {
      if (!reached.count(s.name)) {
        out->push_back({s.pos, fmt::format("state \"{}\" cannot be reached from the initial "
                                           "state \"{}\"",
                                           s.name, wf.states[initial[0]].name)});
      }
    }
  }
  if (!terminal.empty()) {
    // Withdrawal is always possible, so it does not count as a way out.
    terminal.insert(kWithdrawnState);
    std::set<std::string> finishing = Reach(wf, terminal, false);
    for (const StateSpec& s : wf.states) {
      if (!s.terminal && !finishing.count(s.name)) {
        out->push_back(
            {s.pos, fmt::format("state \"{}\" has no path to a terminal state", s.name)});
      }
    }
  }
}

// A quorum is of officers: the applicant is one person, and the system
// acts once.
void CheckQuorum(const ActionSpec& a, const ActionMarks& m, Problems* out) {
  if (a.quorum <= 1) return;
  for (const auto& role : a.roles) {
    if (role == kApplicantRole || role == kSystemRole) {
      out->push_back({m.quorum, fmt::format("action \"{}\" needs a quorum of {}, but its roles "
                                            "include {}: a quorum is of officers",
                                            a.name, a.quorum, role)});
      return;
    }
  }
}

// on_deadline names an action that leaves the state and that the system may
// take, or a staff role that may act there (one of its responsible_roles,
// which must be set).
void CheckDeadlineRefs(const Workflow& wf, const StateSpec& s, const StateMarks& m, Problems* out) {
  // deadline_at reads date fields only.
  for (const auto& [f, pos] : m.deadline_dates) {
    const FieldSpec* spec = wf.FindField(f);
    if (spec == nullptr) {
      out->push_back(
          {pos, fmt::format("deadline_at of state \"{}\" uses unknown field \"{}\"", s.name, f)});
    } else if (spec->pii) {
      out->push_back({pos, fmt::format("deadline_at of state \"{}\" reads personal field \"{}\": "
                                       "personal fields are stored encrypted, so it could never be "
                                       "computed (docs/PRIVACY.md)",
                                       s.name, f)});
    } else {
      CheckDateField(*spec, fmt::format("deadline_at of state \"{}\"", s.name), pos, out);
    }
  }
  if (!s.deadline_action.empty()) {
    const ActionSpec* a = wf.FindAction(s.deadline_action);
    if (a == nullptr) {
      out->push_back({m.deadline_action, fmt::format("on_deadline of state \"{}\" names unknown "
                                                     "action \"{}\"",
                                                     s.name, s.deadline_action)});
    } else if (std::find(a->from.begin(), a->from.end(), s.name) == a->from.end()) {
      out->push_back({m.deadline_action,
                      fmt::format("on_deadline of state \"{}\": action \"{}\" cannot be taken "
                                  "from \"{}\" (its from lists {})",
                                  s.name, a->name, s.name, fmt::join(a->from, ", "))});
    } else if (std::find(a->roles.begin(), a->roles.end(), kSystemRole) == a->roles.end()) {
      out->push_back({m.deadline_action,
                      fmt::format("on_deadline of state \"{}\": action \"{}\" is not one the "
                                  "system may take: add {} to its roles",
                                  s.name, a->name, kSystemRole)});
    }
  }
  if (s.clock == StateSpec::Clock::kPause && s.WaitsForApplicant()) {
    out->push_back({m.clock, fmt::format("clock of state \"{}\" pauses while the applicant has "
                                         "the request, but the applicant acts in \"{}\" itself",
                                         s.name, s.name)});
  }
  if (!s.escalate_to.empty()) {
    const auto& roles = s.responsible_roles;
    bool acts_here = std::find(roles.begin(), roles.end(), s.escalate_to) != roles.end();
    if (s.escalate_to == kSystemRole || s.escalate_to == kApplicantRole || !acts_here) {
      out->push_back({m.escalate_to,
                      fmt::format("on_deadline of state \"{}\" escalates to \"{}\", which no "
                                  "staff action leaving \"{}\" allows: name a role that can act "
                                  "there",
                                  s.name, s.escalate_to, s.name)});
    }
  }
}

}  // namespace

void CheckWorkflowGraph(ParsedWorkflow* p, Problems* problems) {
  Workflow& wf = p->wf;
  for (size_t i = 0; i < wf.actions.size(); ++i) {
    CheckFieldRefs(wf, wf.actions[i], p->action_marks[i], problems);
    CheckStateRefs(wf, wf.actions[i], p->action_marks[i], problems);
    CheckQuorum(wf.actions[i], p->action_marks[i], problems);
  }
  if (p->states_ok) CheckGraph(*p, problems);
  for (StateSpec& s : wf.states) {
    for (const ActionSpec& a : wf.actions) {
      if (std::find(a.from.begin(), a.from.end(), s.name) == a.from.end()) continue;
      for (const std::string& role : a.roles) {
        auto& r = s.responsible_roles;
        if (std::find(r.begin(), r.end(), role) == r.end()) r.push_back(role);
      }
    }
  }
  for (size_t i = 0; i < wf.states.size() && i < p->state_marks.size(); ++i) {
    CheckDeadlineRefs(wf, wf.states[i], p->state_marks[i], problems);
  }
  StateSpec withdrawn;
  withdrawn.name = kWithdrawnState;
  withdrawn.title = "Dibatalkan oleh pemohon";
  withdrawn.terminal = true;
  wf.states.push_back(std::move(withdrawn));
}

}  // namespace jejak::workflow::internal
