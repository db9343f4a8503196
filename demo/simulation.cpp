#include "demo/simulation.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <future>
#include <queue>
#include <set>
#include <unordered_map>

#include "base/error.h"
#include "demo/sample_data.h"
#include "events/vocabulary.h"
#include "workflow/field_rules.h"

namespace jejak::demo {
namespace {

using workflow::ActionSpec;
using workflow::Workflow;

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kDay = 1440 * kMinute;
// Commands are settled in windows of simulated time: one group commit per
// window, so a window is also the resolution of the events' times.
constexpr int64_t kWindow = 5 * kMinute;
// All officers of a role are away together for 3 to 10 working days (a
// field inspection, official travel, training) from about one working day
// in 50; requests waiting for that role pass their deadlines. And since
// deadlines that act are what the demo shows, the officers who move requests
// on from each state whose deadline acts (on_deadline) are away once, for
// two working days more than the deadline, one state after another.
constexpr double kAbsenceChance = 0.02;
// Applicants asked for something (documents, a confirmation) who never
// answer, whatever the deadline says.
constexpr double kSilentApplicantChance = 0.15;

struct Officer {
  std::string subject;
  std::vector<std::string> roles;
  std::shared_ptr<const Workflow> wf;
  // The request in service and what will be done with it when service ends.
  std::string request, action, role;
};

struct Request {
  std::string id, applicant;
  std::shared_ptr<const Workflow> wf;
  std::string state;
  int64_t entered = 0;
  bool busy = false;
  std::string code;  // tracking code
};

enum class Kind { kArrival, kOfficerFree, kApplicantTurn, kWithdraw };

struct Happening {
  int64_t t;
  Kind kind;
  size_t index;         // workflow (arrival) or officer
  std::string request;  // applicant turns
  bool operator>(const Happening& o) const { return t > o.t; }
};

// A command in flight, answered at the end of the simulated minute.
struct InFlight {
  std::future<engine::Accepted> result;
  std::string request;  // empty for submissions
  std::optional<size_t> officer;
};

bool Has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class Simulation {
 public:
  Simulation(engine::Engine& engine, std::atomic<int64_t>& clock, const SimulationOptions& o)
      : engine_(engine), clock_(clock), options_(o), rng_(o.seed) {
    engine_.Read([&](const engine::EngineState& s) { workflows_ = s.LatestWorkflows(); });
    if (workflows_.empty()) {
      throw base::Error(base::ErrorCode::kInvalidArgument, "no workflow is deployed");
    }
    workflow_count_ = workflows_.size();
    for (const auto& wf : workflows_) {
      StateDepths(*wf);
      HireOfficers(wf);
    }
  }

  SimulationReport Run(const std::function<void(uint64_t, uint64_t)>& progress,
                       const std::atomic<bool>& stop) {
    // From midnight of the first working day, over as many calendar days as
    // it takes to cover the working days asked for.
    const workflow::Calendar& cal = workflows_.front()->calendar;
    int64_t offset = cal.utc_offset_minutes * kMinute;
    int64_t day = (options_.start_us + offset) / kDay;
    while (!cal.IsWorkingDay(day)) ++day;
    int64_t start = day * kDay - offset;
    for (int left = options_.days; left > 0; ++day) left -= cal.IsWorkingDay(day) ? 1 : 0;
    int64_t end = day * kDay - offset;
    calendar_days_ = (end - start) / kDay;
    report_.first_day_us = start;
    report_.last_day_us = end - kDay;
    report_.officers = officers_.size();
    ScheduleArrivals(start);
    ScheduleDeadlineAbsences(Today(start, *workflows_.front()));
    for (size_t i = 0; i < officers_.size(); ++i) {
      agenda_.push({NextWorkStart(*officers_[i].wf, start) + Rand(0, 20) * kMinute,
                    Kind::kOfficerFree, i, ""});
    }
    uint64_t windows = (end - start) / kWindow;
    for (int64_t t = start; t < end; t += kWindow) {
      if (stop) {
        report_.interrupted = true;
        break;
      }
      clock_ = t;
      if ((t - start) % kDay == 0) PlanAbsences(t);
      while (!agenda_.empty() && agenda_.top().t < t + kWindow) {
        Happening h = agenda_.top();
        agenda_.pop();
        Handle(h, t);
      }
      Settle(t);
      if ((t / kWindow) % 3 == 0) CheckDeadlines(t);
      if (progress) progress((t - start) / kWindow + 1, windows);
    }
    for (const auto& [id, r] : requests_) {
      if (Terminal(r)) continue;
      ++report_.open_states[fmt::format("{} / {}", r.wf->name, r.state)];
      if (report_.example_request.empty() || id < report_.example_request) {
        report_.example_request = id;
        report_.example_code = r.code;
      }
    }
    return report_;
  }

 private:
  int64_t Rand(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng_);
  }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int64_t Today(int64_t t, const Workflow& wf) const {
    return (t + wf.calendar.utc_offset_minutes * kMinute) / kDay;
  }
  static bool Terminal(const Request& r) {
    const auto* s = r.wf->FindState(r.state);
    return s == nullptr || s->terminal;
  }

  // Distance of each state from the initial one, to tell progress from rework.
  void StateDepths(const Workflow& wf) {
    auto& depth = depth_[wf.name];
    std::queue<std::string> q;
    q.push(wf.InitialState().name);
    depth[q.front()] = 0;
    while (!q.empty()) {
      std::string s = q.front();
      q.pop();
      for (const auto& a : wf.actions) {
        if (Has(a.from, s) && !depth.count(a.to)) {
          depth[a.to] = depth[s] + 1;
          q.push(a.to);
        }
      }
    }
  }

  // Two to four officers per staff role, and for every four-eyes rule one
  // acting head who also holds the role of the step they must not repeat.
  void HireOfficers(const std::shared_ptr<const Workflow>& wf) {
    std::set<std::string> roles;
    for (const auto& a : wf->actions) {
      for (const auto& r : a.roles) {
        if (r != workflow::kApplicantRole && r != workflow::kSystemRole) roles.insert(r);
      }
    }
    // An officer takes about 35 steps a working day; staff each role for
    // its expected load (citizens submit every day, officers work on working
    // days; a role steps in at each state it can move a request on from),
    // a little under it for some roles, as offices are.
    int working_weekdays = std::popcount(wf->calendar.working_weekdays);
    double per_day = static_cast<double>(options_.requests_per_day) / workflow_count_ * 7 /
                     std::max(1, working_weekdays);
    const auto& depth = depth_[wf->name];
    std::map<std::string, std::set<std::string>> steps;  // role -> states it moves on from
    for (const auto& a : wf->actions) {
      for (const auto& from : a.from) {
        if (!depth.count(from) || !depth.count(a.to) || depth.at(a.to) <= depth.at(from)) continue;
        for (const auto& r : a.roles) steps[r].insert(from);
      }
    }
    std::map<std::string, size_t> first_of_role;
    for (const auto& role : roles) {
      double load = per_day * std::max<size_t>(1, steps[role].size());
      int64_t needed = static_cast<int64_t>(load / 35 * Rand(85, 115) / 100.0) + 1;
      for (int64_t i = 0, n = std::max<int64_t>(2, needed); i < n; ++i) {
        if (i == 0) first_of_role[role] = officers_.size();
        officers_.push_back(Officer{SampleNip(rng_), {role}, wf, "", "", ""});
      }
    }
    for (const auto& a : wf->actions) {
      if (a.distinct_from.empty() || !first_of_role.count(a.roles.front())) continue;
      Officer& acting = officers_[first_of_role[a.roles.front()]];
      for (const auto& other : a.distinct_from) {
        if (const ActionSpec* o = wf->FindAction(other)) {
          for (const auto& r : o->roles) {
            if (roles.count(r) && !Has(acting.roles, r)) acting.roles.push_back(r);
          }
        }
      }
    }
  }

  // The absences of the roles that act in states whose deadline acts:
  // (workflow, role) -> (local day it starts, working days).
  // One after another within each workflow, so that requests still reach
  // each state while its officers are away.
  void ScheduleDeadlineAbsences(int64_t first_day) {
    for (const auto& wf : workflows_) {
      int64_t start = first_day + Rand(0, 2);
      for (const auto& s : wf->states) {
        if (!s.sla || (s.deadline_action.empty() && s.escalate_to.empty())) continue;
        bool working_days = s.sla->unit == workflow::Duration::Unit::kWorkingDays;
        int64_t length = (working_days ? s.sla->amount : 1) + 2;
        const auto& depth = depth_[wf->name];
        for (const auto& a : wf->actions) {
          // The roles that move the request on from there, not those that
          // may also reject it.
          if (!Has(a.from, s.name) || a.reason_required || !depth.count(a.to) ||
              depth.at(a.to) <= depth.at(s.name)) {
            continue;
          }
          for (const auto& r : a.roles) {
            if (r == workflow::kApplicantRole || r == workflow::kSystemRole) continue;
            planned_absences_.emplace(std::make_pair(wf->name, r), std::make_pair(start, length));
          }
        }
        start += length * 7 / 5 + Rand(2, 4);
      }
    }
  }

  // At local midnight: which roles go away from today, and until when.
  void PlanAbsences(int64_t midnight) {
    std::set<std::pair<std::string, std::string>> planned;
    for (const auto& o : officers_) {
      auto key = std::make_pair(o.wf->name, o.roles.front());
      int64_t today = Today(midnight, *o.wf);
      if (!o.wf->calendar.IsWorkingDay(today) || !planned.insert(key).second ||
          away_until_[key] > midnight) {
        continue;
      }
      int64_t days = 0;
      auto scripted = planned_absences_.find(key);
      if (scripted != planned_absences_.end() && scripted->second.first <= today) {
        days = scripted->second.second;
        planned_absences_.erase(scripted);
      } else if (Chance(kAbsenceChance)) {
        days = Rand(3, 10);
      }
      if (days == 0) continue;
      int64_t back = midnight;
      for (; days > 0; --days) {
        back = NextWorkStart(*o.wf, back + kDay) - o.wf->calendar.work_start_minute * kMinute;
      }
      away_until_[key] = NextWorkStart(*o.wf, back);
      ++report_.absences;
    }
  }

  int64_t NextWorkStart(const Workflow& wf, int64_t t) const {
    const auto& cal = wf.calendar;
    int64_t offset = cal.utc_offset_minutes * kMinute;
    for (int64_t day = (t + offset) / kDay;; ++day) {
      int64_t begin = day * kDay + cal.work_start_minute * kMinute - offset;
      if (cal.IsWorkingDay(day) && begin >= t) return begin;
      if (cal.IsWorkingDay(day) && cal.IsWorkingTime(t)) return t;
    }
  }

  void ScheduleArrivals(int64_t start) {
    for (int64_t d = 0; d < calendar_days_; ++d) {
      for (int i = 0; i < options_.requests_per_day; ++i) {
        // Citizens submit online between 06:00 and 22:00 local time.
        size_t w = static_cast<size_t>(Rand(0, static_cast<int64_t>(workflows_.size()) - 1));
        int64_t local =
            Rand(int64_t{6} * 60, int64_t{22} * 60 - 1) * kMinute + Rand(0, kMinute - 1);
        // start is local midnight already.
        agenda_.push({start + d * kDay + local, Kind::kArrival, w, ""});
      }
    }
  }

  void Handle(const Happening& h, int64_t now) {
    now_ = now;
    switch (h.kind) {
      case Kind::kArrival:
        return Submit(*workflows_[h.index], now);
      case Kind::kOfficerFree:
        return OfficerFree(h.index, now);
      case Kind::kApplicantTurn:
        return ApplicantTurn(h.request, now, false);
      case Kind::kWithdraw:
        return ApplicantTurn(h.request, now, true);
    }
  }

  void Submit(const Workflow& wf, int64_t now) {
    engine::SubmitCommand c;
    c.workflow = wf.name;
    c.applicant = SampleNik(rng_);
    // Careful applicants fill in what the rules look at; others, half the time.
    std::set<std::string> set_by_actions, read_by_guards;
    for (const auto& a : wf.actions) {
      set_by_actions.insert(a.fields.begin(), a.fields.end());
      if (a.guard) read_by_guards.insert(a.guard->fields().begin(), a.guard->fields().end());
    }
    for (const auto& f : wf.fields) {
      if (f.required || read_by_guards.count(f.name) ||
          (!set_by_actions.count(f.name) && Chance(0.5))) {
        c.fields[f.name] = SampleValue(f, rng_, Today(now, wf));
      }
    }
    if (c.fields.count("nik")) c.fields["nik"] = c.applicant;
    if (Chance(0.02) && c.fields.count("nik")) c.fields["nik"] = "3273-0101";  // a typo
    if (Chance(0.003)) {  // an officer files a request of their own
      for (const auto& o : officers_) {
        if (o.wf->name == wf.name) {
          c.applicant = o.subject;
          break;
        }
      }
    }
    inflight_.push_back({engine_.SubmitAsync(std::move(c)), "", std::nullopt});
  }

  // The officer finishes the request in hand, then takes the next one.
  void OfficerFree(size_t index, int64_t now) {
    Officer& o = officers_[index];
    if (!o.request.empty()) {
      engine::ActCommand c;
      c.request_id = o.request;
      c.action = o.action;
      c.actor = {o.subject, o.role, o.wf->agency};
      Fill(c, *o.wf->FindAction(o.action), now);
      inflight_.push_back({engine_.ActAsync(std::move(c)), o.request, index});
      o.request.clear();
    }
    // Away with any role they hold (an acting head goes with the team).
    int64_t back = 0;
    for (const auto& role : o.roles) {
      auto away = away_until_.find({o.wf->name, role});
      if (away != away_until_.end()) back = std::max(back, away->second);
    }
    if (back > now) {
      agenda_.push({back + Rand(0, 15) * kMinute, Kind::kOfficerFree, index, ""});
      return;
    }
    if (!o.wf->calendar.IsWorkingTime(now)) {
      agenda_.push(
          {NextWorkStart(*o.wf, now) + Rand(0, 15) * kMinute, Kind::kOfficerFree, index, ""});
      return;
    }
    Request* r = PickRequest(o);
    if (r == nullptr) {
      agenda_.push({now + Rand(10, 20) * kMinute, Kind::kOfficerFree, index, ""});
      return;
    }
    Take(*r);
    o.request = r->id;
    if (Chance(0.01) && ChooseForbidden(o, *r)) {
      agenda_.push({now + Rand(1, 3) * kMinute, Kind::kOfficerFree, index, ""});
      return;
    }
    if (!ChooseAction(o, *r)) {
      Release(*r);
      o.request.clear();
    }
    agenda_.push({now + Rand(3, 20) * kMinute, Kind::kOfficerFree, index, ""});
  }

  // Oldest first across the officer's queues; now and then, not.
  Request* PickRequest(const Officer& o) {
    std::vector<std::set<std::pair<int64_t, std::string>>*> mine;
    for (const auto& s : o.wf->states) {
      for (const auto& a : o.wf->actions) {
        if (!Has(a.from, s.name)) continue;
        // A state is in the officer's queue if they can move it on there, not
        // merely reject it or send it back.
        const auto& depth = depth_[o.wf->name];
        bool forward =
            depth.count(a.to) && depth.count(s.name) && depth.at(a.to) > depth.at(s.name);
        bool can =
            forward && !a.reason_required &&
            std::any_of(o.roles.begin(), o.roles.end(), [&](auto& r) { return Has(a.roles, r); });
        auto it = queues_.find({o.wf->name, s.name});
        if (can && it != queues_.end() && !it->second.empty()) {
          mine.push_back(&it->second);
          break;
        }
      }
    }
    if (mine.empty()) return nullptr;
    if (Chance(0.03)) {  // queue-jumping
      auto* q = mine[Rand(0, static_cast<int64_t>(mine.size()) - 1)];
      auto it = q->begin();
      std::advance(it, Rand(0, std::min<int64_t>(static_cast<int64_t>(q->size()), 50) - 1));
      return &requests_.at(it->second);
    }
    auto* best = *std::min_element(mine.begin(), mine.end(),
                                   [](auto* a, auto* b) { return *a->begin() < *b->begin(); });
    return &requests_.at(best->begin()->second);
  }

  void Take(Request& r) {
    queues_[{r.wf->name, r.state}].erase({r.entered, r.id});
    r.busy = true;
  }

  void Release(Request& r) {
    r.busy = false;
    if (!Terminal(r)) queues_[{r.wf->name, r.state}].insert({r.entered, r.id});
  }

  // Mostly progress, sometimes rework, rarely a rejection. People read the
  // file first: an action whose condition fails on the request's data is
  // only tried now and then (the engine refuses it).
  const ActionSpec* Choose(const Workflow& wf, const std::string& state,
                           const std::vector<std::string>& roles, std::string* role,
                           const std::string& request_id = "") {
    events::Fields fields;
    if (!request_id.empty()) {
      engine_.Read([&](const engine::EngineState& s) {
        if (const auto* r = s.Request(request_id)) fields = r->fields;
      });
    }
    std::vector<std::pair<const ActionSpec*, double>> options;
    for (const auto& a : wf.actions) {
      if (!Has(a.from, state)) continue;
      // The fields the action itself sets and its guard reads, as the
      // officer would fill them in (Fill), read with the request's.
      events::Fields probe = fields;
      if (a.guard) {
        for (const auto& name : a.fields) {
          if (!a.guard->fields().count(name)) continue;
          const workflow::FieldSpec& spec = *wf.FindField(name);
          try {
            probe.insert_or_assign(
                name, workflow::CoerceField(spec, SampleValue(spec, rng_, Today(now_, wf))));
          } catch (const base::Error&) {
          }
        }
      }
      if (a.guard && !request_id.empty() && !a.guard->Evaluate(probe, {now_, &wf.calendar}) &&
          !Chance(0.02)) {
        continue;
      }
      for (const auto& r : roles) {
        if (!Has(a.roles, r)) continue;
        auto& depth = depth_[wf.name];
        double w = a.reason_required ? 0.06 : depth[a.to] <= depth[state] ? 0.12 : 1.0;
        options.push_back({&a, w});
        break;
      }
    }
    if (options.empty()) return nullptr;
    std::vector<double> weights;
    weights.reserve(options.size());
    for (auto& o : options) weights.push_back(o.second);
    const ActionSpec* a =
        options[std::discrete_distribution<size_t>(weights.begin(), weights.end())(rng_)].first;
    for (const auto& r : roles) {
      if (Has(a->roles, r)) *role = r;
    }
    return a;
  }

  // False if the officer can do nothing with the request.
  bool ChooseAction(Officer& o, const Request& r) {
    const ActionSpec* a = Choose(*o.wf, r.state, o.roles, &o.role, r.id);
    if (a == nullptr) a = Choose(*o.wf, r.state, o.roles, &o.role);
    if (a == nullptr) return false;
    o.action = a->name;
    return true;
  }

  // An attempt at an action the officer's role does not allow.
  bool ChooseForbidden(Officer& o, const Request& r) {
    for (const auto& a : o.wf->actions) {
      if (Has(a.from, r.state) && !Has(a.roles, o.roles.front()) &&
          !Has(a.roles, workflow::kApplicantRole)) {
        o.action = a.name;
        o.role = o.roles.front();
        return true;
      }
    }
    return false;
  }

  // The action's own fields; where its condition reads them, the officer
  // fills in values that meet it (a few tries, as a person would).
  void Fill(engine::ActCommand& c, const ActionSpec& a, int64_t now) {
    const Workflow& wf = *requests_.at(c.request_id).wf;
    events::Fields current;
    engine_.Read([&](const engine::EngineState& s) {
      if (const auto* r = s.Request(c.request_id)) current = r->fields;
    });
    for (int attempt = 0; attempt < 20; ++attempt) {
      c.fields.clear();
      events::Fields merged = current;
      for (const auto& name : a.fields) {
        if (Has(a.required_fields, name) || (a.guard && a.guard->fields().count(name)) ||
            Chance(0.3)) {
          const workflow::FieldSpec& spec = *wf.FindField(name);
          c.fields[name] = SampleValue(spec, rng_, Today(now, wf));
          try {
            merged.insert_or_assign(name, workflow::CoerceField(spec, c.fields[name]));
          } catch (const base::Error&) {
          }
        }
      }
      if (!a.guard || a.guard->Evaluate(merged, {now, &wf.calendar})) break;
    }
    if (a.reason_required) c.reason = SampleReason(rng_);
  }

  void ApplicantTurn(const std::string& id, int64_t now, bool withdraw) {
    Request& r = requests_.at(id);
    if (r.busy || Terminal(r)) return;
    if (withdraw) {
      Take(r);
      engine::WithdrawCommand c{id, r.applicant, "Tidak jadi mengajukan", std::nullopt, ""};
      inflight_.push_back({engine_.WithdrawAsync(std::move(c)), id, std::nullopt});
      return;
    }
    std::string role;
    const ActionSpec* a = Choose(*r.wf, r.state, {workflow::kApplicantRole}, &role, id);
    if (a == nullptr) return;
    Take(r);
    engine::ActCommand c;
    c.request_id = id;
    c.action = a->name;
    c.actor = {r.applicant, workflow::kApplicantRole, ""};
    Fill(c, *a, now);
    inflight_.push_back({engine_.ActAsync(std::move(c)), id, std::nullopt});
  }

  // The request moved to the event's state.
  void Moved(Request& r, const events::Event& e, int64_t now) {
    r.state = e.fields.at(events::fields::kTo).text();
    r.entered = now;
    Release(r);
    if (Terminal(r)) ++finished_[r.state == workflow::kWithdrawnState ? "withdrawn" : r.state];
    if (Choose(*r.wf, r.state, {workflow::kApplicantRole}, &scratch_) != nullptr &&
        !Chance(kSilentApplicantChance)) {
      agenda_.push({now + Rand(60, int64_t{2} * 1440) * kMinute, Kind::kApplicantTurn, 0, r.id});
    }
  }

  // Runs the engine's deadline check and counts what it did; the actions it
  // took move the simulated requests (an officer busy with one then finds
  // it moved on, as a real one would).
  void CheckDeadlines(int64_t now) {
    namespace t = events::types;
    for (const engine::Accepted& a : engine_.CheckDeadlines()) {
      const events::Event& e = a.event;
      if (e.type == t::kSlaBreached) {
        ++report_.sla_breaches;
      } else if (e.type == t::kSlaReminder) {
        ++report_.reminders;
      } else if (e.type == t::kSlaEscalated) {
        ++report_.escalations;
      } else if (e.type == t::kCommandRejected) {
        ++report_.automatic_refused;
      } else if (e.type == t::kAction) {
        ++report_
              .automatic_actions[e.workflow + " / " + e.fields.at(events::fields::kAction).text()];
        auto it = requests_.find(e.request_id);
        if (it == requests_.end()) continue;
        // Out of its old queue; one an officer holds stays held, and the
        // officer's action on it is refused (it moved on).
        if (!it->second.busy) Take(it->second);
        Moved(it->second, e, now);
      }
    }
  }

  // Waits for the minute's commands and moves the simulated requests.
  void Settle(int64_t now) {
    for (auto& f : inflight_) {
      try {
        engine::Accepted a = f.result.get();
        const auto& e = a.event;
        if (e.type == events::types::kSubmitted) {
          ++report_.submitted;
          Request& r = requests_[e.request_id];
          r = Request{
              e.request_id, e.actor.subject, FindWorkflow(e.workflow, e.workflow_version), "", 0,
              false,        a.tracking_code};
          if (Chance(0.01))
            agenda_.push({now + Rand(60, int64_t{2} * 1440) * kMinute, Kind::kWithdraw, 0, r.id});
        } else {
          ++report_.actions;
        }
        Moved(requests_.at(e.request_id), e, now);
      } catch (const base::Error& e) {
        std::string reason(e.reason().empty() ? base::ErrorCodeName(e.code()) : e.reason());
        ++report_.refusals[reason];
        report_.examples.emplace(reason, e.what());
        if (!f.request.empty()) Release(requests_.at(f.request));
      }
    }
    inflight_.clear();
    report_.closed = report_.rejected = report_.withdrawn = 0;
    for (const auto& [state, n] : finished_) {
      if (state == "withdrawn") {
        report_.withdrawn += n;
      } else if (state.find("tolak") != std::string::npos ||
                 state.find("tidak") != std::string::npos) {
        report_.rejected += n;
      } else {
        report_.closed += n;
      }
    }
  }

  std::shared_ptr<const Workflow> FindWorkflow(const std::string& name, uint32_t version) {
    for (const auto& wf : workflows_) {
      if (wf->name == name && wf->version == version) return wf;
    }
    std::shared_ptr<const Workflow> found;
    engine_.Read([&](const engine::EngineState& s) { found = s.Find(name, version); });
    return found;
  }

  engine::Engine& engine_;
  std::atomic<int64_t>& clock_;
  SimulationOptions options_;
  std::mt19937_64 rng_;
  std::vector<std::shared_ptr<const Workflow>> workflows_;
  std::map<std::string, std::map<std::string, int>> depth_;
  std::vector<Officer> officers_;
  // (workflow, role) -> when its officers are back, and the roles planned today.
  std::map<std::pair<std::string, std::string>, int64_t> away_until_;
  std::map<std::pair<std::string, std::string>, std::pair<int64_t, int64_t>> planned_absences_;
  std::unordered_map<std::string, Request> requests_;
  std::map<std::pair<std::string, std::string>, std::set<std::pair<int64_t, std::string>>> queues_;
  std::priority_queue<Happening, std::vector<Happening>, std::greater<>> agenda_;
  std::vector<InFlight> inflight_;
  std::map<std::string, uint64_t> finished_;
  std::string scratch_;
  int64_t calendar_days_ = 0;
  int64_t now_ = 0;  // of the happening being handled: guards read "today" from it
  size_t workflow_count_ = 1;
  SimulationReport report_;
};

}  // namespace

SimulationReport RunSimulation(engine::Engine& engine, std::atomic<int64_t>& clock,
                               const SimulationOptions& options,
                               const std::function<void(uint64_t, uint64_t)>& progress,
                               const std::atomic<bool>& stop) {
  return Simulation(engine, clock, options).Run(progress, stop);
}

}  // namespace jejak::demo
