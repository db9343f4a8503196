#include "projections/model.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <mutex>
#include <queue>
#include <shared_mutex>
#include <unordered_map>

#include "base/error.h"
#include "events/time.h"

namespace jejak::projections {
namespace {

using nlohmann::json;

int64_t ParseDay(const std::string& date) {
  int64_t t = events::ParseRfc3339(date + "T00:00:00Z");
  return t / 86'400'000'000;
}

}  // namespace

std::shared_ptr<const WorkflowModel> WorkflowModel::FromJsonCached(const std::string& text) {
  // A deployment has a handful of models; the bound only keeps a process
  // reading many stores from growing without end.
  constexpr size_t kMaxModels = 256;
  static std::shared_mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const WorkflowModel>> cache;
  {
    std::shared_lock lock(mu);
    auto it = cache.find(text);
    if (it != cache.end()) return it->second;
  }
  auto model = std::make_shared<const WorkflowModel>(FromJson(text));
  std::unique_lock lock(mu);
  if (cache.size() >= kMaxModels) cache.clear();
  return cache.emplace(text, std::move(model)).first->second;
}

WorkflowModel WorkflowModel::FromJson(const std::string& text) {
  WorkflowModel m;
  try {
    json j = json::parse(text);
    m.name = j.at("name");
    m.version = j.at("version");
    m.agency = j.at("agency");
    m.title = j.at("title");
    const json& cal = j.at("calendar");
    m.calendar.utc_offset_minutes = cal.at("utc_offset_minutes");
    m.calendar.working_weekdays = 0;
    static constexpr const char* kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (const auto& d : cal.at("working_days")) {
      for (int i = 0; i < 7; ++i) {
        if (d == kDays[i]) m.calendar.working_weekdays |= 1 << i;
      }
    }
    m.calendar.work_start_minute = cal.at("work_start_minute");
    m.calendar.work_end_minute = cal.at("work_end_minute");
    for (const auto& h : cal.at("holidays")) m.calendar.holidays.insert(ParseDay(h));
    std::string initial;
    for (const auto& s : j.at("states")) {
      StateModel& st = m.states[s.at("name")];
      st.title = s.at("title");
      st.terminal = s.at("terminal");
      st.has_sla = s.contains("sla") || s.contains("deadline_at");
      st.working_days = s.value("sla", "").ends_with("wd");
      st.responsible_roles = s.at("responsible_roles").get<std::vector<std::string>>();
      if (s.at("initial").get<bool>()) initial = s.at("name");
    }
    for (const auto& a : j.at("actions")) {
      ActionModel& am = m.actions[a.at("name")];
      am.title = a.at("title");
      am.roles = a.at("roles").get<std::vector<std::string>>();
      am.from = a.at("from").get<std::vector<std::string>>();
      am.to = a.at("to");
      am.quorum = a.value("quorum", 1u);
    }
    // Depth by breadth-first search from the initial state, to tell a step
    // forward from a step back (a decision reversed).
    for (auto& [name, st] : m.states) st.depth = 1 << 20;
    std::queue<std::string> q;
    if (!initial.empty()) {
      m.states[initial].depth = 0;
      q.push(initial);
    }
    while (!q.empty()) {
      std::string s = q.front();
      q.pop();
      for (const auto& [name, a] : m.actions) {
        if (std::find(a.from.begin(), a.from.end(), s) == a.from.end()) continue;
        auto it = m.states.find(a.to);
        if (it != m.states.end() && it->second.depth > m.states[s].depth + 1) {
          it->second.depth = m.states[s].depth + 1;
          q.push(a.to);
        }
      }
    }
  } catch (const json::exception& e) {
    throw base::Error(base::ErrorCode::kCorruption,
                      fmt::format("a deployed workflow model is malformed: {}", e.what()));
  }
  return m;
}

bool StateModel::WaitsForApplicant() const {
  return std::find(responsible_roles.begin(), responsible_roles.end(), "applicant") !=
         responsible_roles.end();
}

bool StateModel::OnlySystemActs() const {
  return !responsible_roles.empty() &&
         std::all_of(responsible_roles.begin(), responsible_roles.end(),
                     [](const std::string& role) { return role == "system"; });
}

const StateModel* WorkflowModel::State(const std::string& name) const {
  auto it = states.find(name);
  return it == states.end() ? nullptr : &it->second;
}

int64_t WorkflowModel::LocalDay(int64_t t_us) const { return calendar.LocalDay(t_us); }

}  // namespace jejak::projections
