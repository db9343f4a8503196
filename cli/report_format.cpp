#include "cli/report_format.h"

#include <fmt/format.h>

#include <vector>

namespace jejak::cli {
namespace {

using nlohmann::json;
using Row = std::vector<std::string>;

std::string Seconds(const json& us) {
  if (us.is_null()) return "-";
  double s = us.get<int64_t>() / 1e6;
  if (s < 3600) return fmt::format("{:.0f}m", s / 60);
  if (s < 86400 * 2) return fmt::format("{:.1f}h", s / 3600);
  return fmt::format("{:.1f}d", s / 86400);
}

std::string Counts(const json& counts) {
  std::string out;
  for (const auto& [k, v] : counts.items())
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", k, v.get<int64_t>());
  return out.empty() ? "-" : out;
}

std::string Csv(const std::string& cell) {
  if (cell.find_first_of(",\"\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void PrintRows(const Row& header, const std::vector<Row>& rows, bool csv) {
  if (csv) {
    for (const Row* r : {&header}) {
      for (size_t i = 0; i < r->size(); ++i) fmt::print("{}{}", i ? "," : "", Csv((*r)[i]));
      fmt::print("\n");
    }
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) fmt::print("{}{}", i ? "," : "", Csv(r[i]));
      fmt::print("\n");
    }
    return;
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  auto print = [&](const Row& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      fmt::print("{}{:<{}}", i ? "  " : "", r[i], i + 1 == r.size() ? 0 : width[i]);
    }
    fmt::print("\n");
  };
  print(header);
  for (const auto& r : rows) print(r);
  if (rows.empty()) fmt::print("(nothing in this period)\n");
}

}  // namespace

void PrintStatus(const json& s) {
  fmt::print("{}  {} ({} v{})\n", s["request_id"].get<std::string>(),
             s["workflow_title"].get<std::string>(), s["workflow"].get<std::string>(),
             s["workflow_version"].get<int>());
  fmt::print("State:    {} ({})\n", s["state_title"].get<std::string>(),
             s["state"].get<std::string>());
  if (!s["terminal"].get<bool>()) {
    std::string next;
    for (const auto& n : s["next"]) {
      next += fmt::format("\n          {} — by {}", n["title"].get<std::string>(),
                          fmt::join(n["roles"].get<std::vector<std::string>>(), ", "));
      if (n.contains("approvals_text")) {
        next += fmt::format(" ({})", n["approvals_text"].get<std::string>());
      }
    }
    fmt::print("Next:{}\n", next);
  }
  if (s.contains("escalated_to")) {
    fmt::print("Escalated: to {}, its deadline passed\n", s["escalated_to"].get<std::string>());
  }
  if (s.contains("deadline")) {
    fmt::print("Deadline: {}{}\n", s["deadline"].get<std::string>(),
               s["overdue"].get<bool>() ? "  (passed)" : "");
  }
  if (s.contains("clock_paused")) {
    fmt::print("Clock:    {}\n", s["clock_paused"]["text"].get<std::string>());
  }
  if (s.contains("queue_ahead")) {
    fmt::print("Queue:    {} request(s) have waited longer in this state\n",
               s["queue_ahead"].get<int64_t>());
  }
  fmt::print("Updated:  {}\nHistory:\n", s["last_update"].get<std::string>());
  for (const auto& h : s["history"]) {
    fmt::print("  {}  {:<40} {} {}\n", h["time"].get<std::string>(), h["title"].get<std::string>(),
               h["role"].get<std::string>(), h["officer"].get<std::string>());
    if (h.contains("reason")) fmt::print("      reason: {}\n", h["reason"].get<std::string>());
  }
}

void PrintReport(const std::string& kind, const json& report, bool csv) {
  std::vector<Row> rows;
  if (kind == "officers") {
    for (const auto& o : report) {
      rows.push_back({o["officer"],
                      fmt::format("{}", fmt::join(o["roles"].get<std::vector<std::string>>(), " ")),
                      std::to_string(o["actions_total"].get<int64_t>()),
                      std::to_string(o["requests_handled"].get<int64_t>()),
                      Seconds(o["wait_median_us"]), Seconds(o["wait_p90_us"]),
                      std::to_string(o["sla_breaches"].get<int64_t>()),
                      std::to_string(o["escalations"].get<int64_t>()), Counts(o["refusals"]),
                      std::to_string(o["reversed"].get<int64_t>()), Counts(o["actions"])});
    }
    PrintRows({"officer", "roles", "actions", "requests", "wait_p50", "wait_p90", "sla_breaches",
               "escalated", "refused", "reversed", "by_action"},
              rows, csv);
  } else if (kind == "anomalies") {
    for (const auto& a : report) {
      std::vector<uint64_t> ev = a["events"].get<std::vector<uint64_t>>();
      rows.push_back({a["time"], a["type"], a["officer"], a.value("request", ""), a["detail"],
                      fmt::format("{}", fmt::join(ev, " "))});
    }
    PrintRows({"time", "type", "officer", "request", "detail", "ledger_entries"}, rows, csv);
  } else {
    for (const auto& w : report) {
      const json& c = w["sla_compliance_percent"];
      rows.push_back(
          {w["workflow"], std::to_string(w["arrivals"].get<int64_t>()),
           std::to_string(w["completions"].get<int64_t>()), Seconds(w["completion_median_us"]),
           Seconds(w["completion_p90_us"]),
           c.is_null() ? "-" : fmt::format("{:.1f}%", c.get<double>()),
           Counts(w["automatic_actions"]), std::to_string(w["escalations"].get<int64_t>()),
           std::to_string(w["reminders"].get<int64_t>()), Counts(w["requests_by_state"])});
    }
    PrintRows({"workflow", "arrivals", "completions", "done_p50", "done_p90", "sla_ok", "automatic",
               "escalated", "reminded", "now_by_state"},
              rows, csv);
  }
}

}  // namespace jejak::cli
