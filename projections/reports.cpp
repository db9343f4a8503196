#include "projections/reports.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "events/time.h"
#include "projections/keys.h"
#include "projections/records.h"

namespace jejak::projections {
namespace {

using nlohmann::json;

// Nearest-rank percentile of values (reordered); null if empty.
json Percentile(std::vector<int64_t>& values, double p) {
  if (values.empty()) return nullptr;
  size_t rank = static_cast<size_t>(std::ceil(p * values.size()));
  auto nth = values.begin() + static_cast<std::ptrdiff_t>(std::max<size_t>(rank, 1) - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

// The first key of prefix's table for the period's first day, when the day
// leads the key after the prefix ("br|", "an|").
std::string FromDay(const char* prefix, const ReportOptions& o) {
  return o.from_day ? prefix + keys::Day(*o.from_day) : std::string(prefix);
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

// Scans prefix from `from` in key order. fn may skip ahead: it sets *seek to
// a later key and returns false, and the scan goes on from there.
void ScanWithSeeks(
    const Store& store, const std::string& prefix, std::string from,
    const std::function<bool(std::string_view, std::string_view, std::string*)>& fn) {
  for (;;) {
    std::string seek;
    store.Scan(
        prefix, [&](std::string_view key, std::string_view value) { return fn(key, value, &seek); },
        from);
    if (seek.empty() || seek <= from) return;
    from = std::move(seek);
  }
}

// Calls fn(text, day, value) for "prefix<text>|<8-byte day>" keys in the
// period, seeking past the days before it for each text.
void ScanTextDays(const Store& store, const std::string& prefix, const ReportOptions& o,
                  const std::function<void(const std::string&, int64_t, std::string_view)>& fn) {
  ScanWithSeeks(store, prefix, prefix,
                [&](std::string_view key, std::string_view value, std::string* seek) {
                  std::string text;
                  int64_t day;
                  if (!SplitTextDay(key, prefix.size(), &text, &day)) return true;
                  if (o.from_day && day < *o.from_day) {
                    *seek = prefix + text + "|" + keys::Day(*o.from_day);
                    return false;
                  }
                  if (o.to_day && day > *o.to_day) {
                    *seek = prefix + text + "|" + std::string(8, '\xff');  // past the text's days
                    return false;
                  }
                  fn(text, day, value);
                  return true;
                });
}

// Calls fn(day, key, value) for "prefix<8-byte day>..." keys (prefix of 3
// characters) in the period, in key order.
void ScanDays(const Store& store, const char* prefix, const ReportOptions& o,
              const std::function<void(int64_t, std::string_view, std::string_view)>& fn) {
  store.Scan(
      prefix,
      [&](std::string_view key, std::string_view value) {
        int64_t day = static_cast<int64_t>(keys::FromBe64(key.substr(3, 8)));
        if (o.to_day && day > *o.to_day) return false;
        fn(day, key, value);
        return true;
      },
      FromDay(prefix, o));
}

// A candidate is a queue jump if the other request had waited longer by more
// than the grace period, and then went on waiting for more than the grace
// period: it was passed over, not merely in a colleague's hands already.
bool IsQueueJump(const Store& store, const AnomalyRecord& a, int64_t grace_us) {
  std::optional<int64_t> left;
  if (auto raw = store.Get(keys::Request(a.other_request))) {
    for (const Step& step : RequestRecord::Decode(*raw).History()) {
      if (step.seq > a.other_entry_seq && !step.to.empty()) {
        left = step.time;
        break;
      }
    }
  }
  return !left || *left - a.time > grace_us;
}

// An anomaly as the report shows it, with its details in words.
json AnomalyJson(std::string_view type, const AnomalyRecord& a) {
  json out = {{"type", type},      {"time", a.time},       {"officer", a.officer},
              {"role", a.role},    {"request", a.request}, {"workflow", a.workflow},
              {"events", a.events}};
  if (type == "queue_jump") {
    out["detail"] =
        fmt::format("{} acted on {} while {} had waited {} s longer in \"{}\"", a.officer,
                    a.request, a.other_request, a.lead_us / 1'000'000, a.state);
    out["other_request"] = a.other_request;
    out["other_entry_seq"] = a.other_entry_seq;
    out["lead_us"] = a.lead_us;
  } else if (type == "self_dealing") {
    out["detail"] = fmt::format("{} acted ({}) on {}, which they applied for themselves", a.officer,
                                a.action, a.request);
  } else if (type == "deadline_reset") {
    out["detail"] =
        fmt::format("{} sent {} back to its applicant ({}) {} s before the deadline of \"{}\"",
                    a.officer, a.request, a.action, a.lead_us / 1'000'000, a.state);
    out["time_left_us"] = a.lead_us;
    out["state"] = a.state;
  } else if (type == "after_hours") {
    out["detail"] =
        fmt::format("{} acted ({}) on {} outside working hours", a.officer, a.action, a.request);
  } else {
    out["detail"] =
        fmt::format("{} tried \"{}\" on {}: {}", a.officer, a.attempted, a.request, a.message);
  }
  return out;
}

void AddCounts(json& into, const std::map<std::string, int64_t>& from) {
  for (const auto& [k, v] : from) into[k] = into.value(k, int64_t{0}) + v;
}

}  // namespace

json OfficerReport(const Store& store, const ReportOptions& o) {
  struct Acc {
    json actions = json::object(), refusals = json::object();
    std::vector<int64_t> waits;
    int64_t reversed = 0, requests = 0;
    std::set<std::pair<std::string, std::string>> roles;  // workflow, role
  };
  std::map<std::string, Acc> officers;
  ScanTextDays(store, "od|", o, [&](const std::string& officer, int64_t, std::string_view value) {
    OfficerDay od;
    od.DecodeCounts(value);
    Acc& a = officers[officer];
    AddCounts(a.actions, od.actions);
    AddCounts(a.refusals, od.refusals);
    a.reversed += od.reversed;
    // Requests also handled on an earlier day of the period count once.
    a.requests += od.requests;
    for (int64_t prev : od.repeats) {
      if (!o.from_day || prev >= *o.from_day) --a.requests;
    }
  });
  ScanTextDays(store, "ow|", o, [&](const std::string& officer, int64_t, std::string_view value) {
    OfficerDay od;
    od.waits.swap(officers[officer].waits);
    od.DecodeWaits(value);
    od.waits.swap(officers[officer].waits);
  });
  store.Scan("or|", [&](std::string_view key, std::string_view) {
    auto it = officers.find(std::string(keys::Part(key, 1)));
    if (it != officers.end()) {
      it->second.roles.insert({std::string(keys::Part(key, 2)), std::string(keys::Part(key, 3))});
    }
    return true;
  });
  auto by_role = [&](const char* prefix) {  // (workflow, role) -> count, from a br|-like table
    std::map<std::pair<std::string, std::string>, int64_t> counts;
    ScanDays(store, prefix, o, [&](int64_t, std::string_view key, std::string_view value) {
      std::string_view rest = key.substr(11);
      size_t bar = rest.find('|');
      counts[{std::string(rest.substr(0, bar)), std::string(rest.substr(bar + 1))}] +=
          static_cast<int64_t>(keys::FromBe64(value));
    });
    return counts;
  };
  auto breaches = by_role("br|"), escalations = by_role("es|");
  json out = json::array();
  for (auto& [officer, a] : officers) {
    int64_t total = 0, breached = 0, escalated = 0;
    for (const auto& [k, v] : a.actions.items()) total += v.get<int64_t>();
    json roles = json::array();
    for (const auto& r : a.roles) {
      roles.push_back(r.first + "/" + r.second);
      auto it = breaches.find(r);
      if (it != breaches.end()) breached += it->second;
      it = escalations.find(r);
      if (it != escalations.end()) escalated += it->second;
    }
    out.push_back({{"officer", officer},
                   {"roles", roles},
                   {"actions", a.actions},
                   {"actions_total", total},
                   {"requests_handled", a.requests},
                   {"wait_median_us", Percentile(a.waits, 0.5)},
                   {"wait_p90_us", Percentile(a.waits, 0.9)},
                   {"sla_breaches", breached},
                   {"escalations", escalated},
                   {"refusals", a.refusals},
                   {"reversed", a.reversed}});
  }
  return out;
}

json AnomalyReport(const Store& store, const ReportOptions& o) {
  std::vector<std::pair<std::pair<int64_t, uint64_t>, json>> found;
  ScanDays(store, "an|", o, [&](int64_t, std::string_view key, std::string_view value) {
    AnomalyRecord a = AnomalyRecord::Decode(value);
    uint64_t seq = keys::FromBe64(key.substr(11, 8));
    std::string_view type = key.substr(19);
    if (type == "deadline_reset" && a.lead_us > o.reset_window_us) return;
    found.push_back({{a.time, seq}, AnomalyJson(type, a)});
  });
  // Queue jumps: per day, only the candidates with a lead over the grace
  // period (one seek a day).
  ScanWithSeeks(store, "aj|", FromDay("aj|", o),
                [&](std::string_view key, std::string_view value, std::string* seek) {
                  int64_t day = static_cast<int64_t>(keys::FromBe64(key.substr(3, 8)));
                  if (o.to_day && day > *o.to_day) return false;
                  if (static_cast<int64_t>(keys::FromBe64(key.substr(11, 8))) <= o.grace_us) {
                    *seek =
                        "aj|" + keys::Day(day) + keys::Be64(static_cast<uint64_t>(o.grace_us) + 1);
                    return false;
                  }
                  AnomalyRecord a = AnomalyRecord::Decode(value);
                  if (IsQueueJump(store, a, o.grace_us)) {
                    found.push_back({{a.time, keys::FromBe64(key.substr(19, 8))},
                                     AnomalyJson("queue_jump", a)});
                  }
                  return true;
                });
  // Bursts, from each officer's action times in the period.
  std::map<std::string, std::vector<std::pair<int64_t, uint64_t>>> times;
  ScanTextDays(store, "ot|", o, [&](const std::string& officer, int64_t, std::string_view value) {
    OfficerDay od;
    od.times.swap(times[officer]);
    od.DecodeTimes(value);
    od.times.swap(times[officer]);
  });
  for (auto& [officer, t] : times) {
    if (!std::is_sorted(t.begin(), t.end())) std::sort(t.begin(), t.end());  // days come in order
    for (size_t i = 0, j = 0; j < t.size(); ++j) {
      while (t[j].first - t[i].first >= o.burst_window_us) ++i;
      if (static_cast<int>(j - i + 1) <= o.burst_threshold) continue;
      // A burst: extend it while the window stays over the threshold.
      size_t end = j;
      while (end + 1 < t.size() &&
             t[end + 1].first - t[end + 1 - o.burst_threshold].first < o.burst_window_us) {
        ++end;
      }
      json seqs = json::array();
      for (size_t k = i; k <= end; ++k) seqs.push_back(t[k].second);
      found.push_back(
          {{t[i].first, t[i].second},
           {{"type", "burst"},
            {"time", t[i].first},
            {"officer", officer},
            {"detail", std::to_string(end - i + 1) + " actions within " +
                           std::to_string((t[end].first - t[i].first) / 1'000'000) + " s"},
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
  std::map<std::string, std::vector<std::pair<int64_t, AgencyDay>>> figures;  // by workflow
  ScanTextDays(store, "ag|", o, [&](const std::string& wf, int64_t day, std::string_view value) {
    figures[wf].emplace_back(day, AgencyDay::Decode(value));
  });
  json out = json::array();
  for (const auto& wf : workflows) {
    json by_state = json::object();
    store.Scan("sc|" + wf + "|", [&](std::string_view key, std::string_view value) {
      auto n = static_cast<int64_t>(keys::FromBe64(value));
      if (n != 0) by_state[std::string(keys::Part(key, 2))] = n;
      return true;
    });
    json days = json::array();
    std::vector<int64_t> completion;
    int64_t met = 0, breached = 0, arrivals = 0, completions = 0, escalations = 0, reminders = 0;
    json automatic = json::object();  // by action
    for (const auto& [day, ag] : figures[wf]) {
      AddCounts(automatic, ag.automatic);
      escalations += ag.escalations;
      reminders += ag.reminders;
      arrivals += ag.arrivals;
      completions += ag.completions;
      days.push_back(
          {{"day", DayText(day)}, {"arrivals", ag.arrivals}, {"completions", ag.completions}});
      completion.insert(completion.end(), ag.completion_us.begin(), ag.completion_us.end());
      met += ag.sla_met;
      breached += ag.sla_breached;
    }
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
                   {"sla_compliance_percent", compliance},
                   {"automatic_actions", automatic},
                   {"escalations", escalations},
                   {"reminders", reminders}});
  }
  return out;
}

}  // namespace jejak::projections
