#include "projections/reports.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "events/time.h"
#include "projections/keys.h"

namespace jejak::projections {
namespace {

using nlohmann::json;

bool InRange(const ReportOptions& o, int64_t day) {
  return (!o.from_day || day >= *o.from_day) && (!o.to_day || day <= *o.to_day);
}

// Nearest-rank percentile of values (sorted in place); null if empty.
json Percentile(std::vector<int64_t>& values, double p) {
  if (values.empty()) return nullptr;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(std::ceil(p * values.size()));
  return values[std::max<size_t>(rank, 1) - 1];
}

std::string DayText(int64_t day) {
  return events::FormatRfc3339(day * 86'400'000'000).substr(0, 10);
}

// "prefix|<text>|<8-byte day>" keys: the text part and the day.
bool SplitTextDay(std::string_view key, size_t prefix, std::string* text, int64_t* day) {
  if (key.size() < prefix + 9) return false;
  *text = std::string(key.substr(prefix, key.size() - prefix - 9));
  *day = static_cast<int64_t>(keys::FromBe64(key.substr(key.size() - 8)));
  return true;
}

// A candidate is a queue jump if the other request had waited longer by more
// than the grace period, and then went on waiting for more than the grace
// period: it was passed over, not merely in a colleague's hands already.
bool IsQueueJump(const Store& store, const json& a, int64_t grace_us) {
  if (a["lead_us"].get<int64_t>() <= grace_us) return false;
  uint64_t entry = a["other_entry_seq"];
  std::optional<int64_t> left;
  store.Scan(keys::HistoryPrefix(a["other_request"].get<std::string>()),
             [&](std::string_view key, std::string_view value) {
               if (keys::FromBe64(key.substr(key.size() - 8)) <= entry) return true;
               json step = json::parse(value);
               if (step.contains("to")) {
                 left = step["time"].get<int64_t>();
                 return false;
               }
               return true;
             });
  return !left || *left - a["time"].get<int64_t>() > grace_us;
}

void AddCounts(json& into, const json& from) {
  if (!from.is_object()) return;
  for (const auto& [k, v] : from.items()) into[k] = into.value(k, int64_t{0}) + v.get<int64_t>();
}

}  // namespace

json OfficerReport(const Store& store, const ReportOptions& o) {
  struct Acc {
    json actions = json::object(), refusals = json::object();
    std::vector<int64_t> waits;
    int64_t reversed = 0;
    std::set<std::string> requests;
    std::set<std::pair<std::string, std::string>> roles;  // workflow, role
  };
  std::map<std::string, Acc> officers;
  store.Scan("od|", [&](std::string_view key, std::string_view value) {
    std::string officer;
    int64_t day;
    if (!SplitTextDay(key, 3, &officer, &day) || !InRange(o, day)) return true;
    json od = json::parse(value);
    Acc& a = officers[officer];
    AddCounts(a.actions, od.value("actions", json::object()));
    AddCounts(a.refusals, od.value("refusals", json::object()));
    for (const auto& w : od.value("waits_us", json::array())) a.waits.push_back(w);
    a.reversed += od.value("reversed", int64_t{0});
    return true;
  });
  store.Scan("oq|", [&](std::string_view key, std::string_view) {
    size_t bar = key.find('|', 3);
    std::string officer(key.substr(3, bar - 3));
    int64_t day = static_cast<int64_t>(keys::FromBe64(key.substr(bar + 1, 8)));
    if (InRange(o, day) && officers.count(officer)) {
      officers[officer].requests.insert(std::string(key.substr(bar + 9)));
    }
    return true;
  });
  store.Scan("or|", [&](std::string_view key, std::string_view) {
    std::string officer(keys::Part(key, 1));
    if (officers.count(officer)) {
      officers[officer].roles.insert({std::string(keys::Part(key, 2)), std::string(keys::Part(key, 3))});
    }
    return true;
  });
  std::map<std::pair<std::string, std::string>, int64_t> breaches;  // (workflow, role)
  store.Scan("br|", [&](std::string_view key, std::string_view value) {
    int64_t day = static_cast<int64_t>(keys::FromBe64(key.substr(3, 8)));
    if (!InRange(o, day)) return true;
    std::string_view rest = key.substr(11);
    size_t bar = rest.find('|');
    breaches[{std::string(rest.substr(0, bar)), std::string(rest.substr(bar + 1))}] +=
        std::stoll(std::string(value));
    return true;
  });
  json out = json::array();
  for (auto& [officer, a] : officers) {
    int64_t total = 0, breached = 0;
    for (const auto& [k, v] : a.actions.items()) total += v.get<int64_t>();
    json roles = json::array();
    for (const auto& r : a.roles) {
      roles.push_back(r.first + "/" + r.second);
      auto it = breaches.find(r);
      if (it != breaches.end()) breached += it->second;
    }
    out.push_back({{"officer", officer},
                   {"roles", roles},
                   {"actions", a.actions},
                   {"actions_total", total},
                   {"requests_handled", a.requests.size()},
                   {"wait_median_us", Percentile(a.waits, 0.5)},
                   {"wait_p90_us", Percentile(a.waits, 0.9)},
                   {"sla_breaches", breached},
                   {"refusals", a.refusals},
                   {"reversed", a.reversed}});
  }
  return out;
}

json AnomalyReport(const Store& store, const ReportOptions& o) {
  std::vector<std::pair<std::pair<int64_t, uint64_t>, json>> found;
  store.Scan("an|", [&](std::string_view key, std::string_view value) {
    int64_t day = static_cast<int64_t>(keys::FromBe64(key.substr(3, 8)));
    if (!InRange(o, day)) return true;
    json a = json::parse(value);
    if (a["type"] == "queue_jump" && !IsQueueJump(store, a, o.grace_us)) return true;
    uint64_t seq = keys::FromBe64(key.substr(11, 8));
    found.push_back({{a["time"].get<int64_t>(), seq}, std::move(a)});
    return true;
  });
  // Bursts, from each officer's action times in the period.
  std::map<std::string, std::vector<std::pair<int64_t, uint64_t>>> times;
  store.Scan("od|", [&](std::string_view key, std::string_view value) {
    std::string officer;
    int64_t day;
    if (!SplitTextDay(key, 3, &officer, &day) || !InRange(o, day)) return true;
    json od = json::parse(value);
    const json& ts = od.value("times_us", json::array());
    const json& seqs = od.value("seqs", json::array());
    for (size_t i = 0; i < ts.size() && i < seqs.size(); ++i) {
      times[officer].push_back({ts[i].get<int64_t>(), seqs[i].get<uint64_t>()});
    }
    return true;
  });
  for (auto& [officer, t] : times) {
    std::sort(t.begin(), t.end());
    for (size_t i = 0, j = 0; j < t.size(); ++j) {
      while (t[j].first - t[i].first >= o.burst_window_us) ++i;
      if (static_cast<int>(j - i + 1) <= o.burst_threshold) continue;
      // A burst: extend it while the window stays over the threshold.
      size_t end = j;
      while (end + 1 < t.size() && t[end + 1].first - t[end + 1 - o.burst_threshold].first <
                                       o.burst_window_us) {
        ++end;
      }
      json seqs = json::array();
      for (size_t k = i; k <= end; ++k) seqs.push_back(t[k].second);
      found.push_back({{t[i].first, t[i].second},
                       {{"type", "burst"},
                        {"time", t[i].first},
                        {"officer", officer},
                        {"detail", std::to_string(end - i + 1) + " actions within " +
                                       std::to_string((t[end].first - t[i].first) / 1'000'000) +
                                       " s"},
                        {"events", seqs}}});
      j = end;  // resume after the burst
      i = end + 1;
    }
  }
  std::sort(found.begin(), found.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = json::array();
  for (auto& [k, a] : found) {
    a["time"] = events::FormatRfc3339(a["time"].get<int64_t>());
    out.push_back(std::move(a));
  }
  return out;
}

json AgencyReport(const Store& store, const ReportOptions& o) {
  std::set<std::string> workflows;
  store.Scan("wf|", [&](std::string_view key, std::string_view) {
    workflows.insert(std::string(keys::Part(key, 1)));
    return true;
  });
  json out = json::array();
  for (const auto& wf : workflows) {
    json by_state = json::object();
    store.Scan("sc|" + wf + "|", [&](std::string_view key, std::string_view value) {
      int64_t n = std::stoll(std::string(value));
      if (n != 0) by_state[std::string(keys::Part(key, 2))] = n;
      return true;
    });
    json days = json::array();
    std::vector<int64_t> completion;
    int64_t met = 0, breached = 0, arrivals = 0, completions = 0;
    store.Scan(keys::AgencyDayPrefix(wf), [&](std::string_view key, std::string_view value) {
      int64_t day = static_cast<int64_t>(keys::FromBe64(key.substr(key.size() - 8)));
      if (!InRange(o, day)) return true;
      json ag = json::parse(value);
      int64_t a = ag.value("arrivals", int64_t{0}), c = ag.value("completions", int64_t{0});
      arrivals += a;
      completions += c;
      days.push_back({{"day", DayText(day)}, {"arrivals", a}, {"completions", c}});
      for (const auto& d : ag.value("completion_us", json::array())) completion.push_back(d);
      met += ag.value("sla_met", int64_t{0});
      breached += ag.value("sla_breached", int64_t{0});
      return true;
    });
    json compliance = nullptr;
    if (met + breached > 0) compliance = 100.0 * met / (met + breached);
    out.push_back({{"workflow", wf},
                   {"requests_by_state", by_state},
                   {"arrivals", arrivals},
                   {"completions", completions},
                   {"per_day", days},
                   {"completion_median_us", Percentile(completion, 0.5)},
                   {"completion_p90_us", Percentile(completion, 0.9)},
                   {"sla_met", met},
                   {"sla_breached", breached},
                   {"sla_compliance_percent", compliance}});
  }
  return out;
}

}  // namespace jejak::projections
