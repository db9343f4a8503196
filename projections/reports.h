// Accountability reports for auditors, computed from the facts the projector
// keeps (never from the ledger): per officer, anomalies, and per workflow.
// Percentiles are nearest-rank: the p-th percentile of N sorted values is
// the value at rank ceil(p * N). Days are the agency's local calendar days.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>

#include "projections/store.h"

namespace jejak::projections {

struct ReportOptions {
  std::optional<int64_t> from_day, to_day;  // inclusive, days since 1970-01-01
  // Queue-jumping: another request waited longer than this in the same state.
  int64_t grace_us = 3'600'000'000;  // 1 hour
  // Bursts: more than burst_threshold actions by one officer within
  // burst_window_us.
  int burst_threshold = 20;
  int64_t burst_window_us = 600'000'000;  // 10 minutes
  // Deadline resets: a request returned to its applicant this close to the
  // deadline of the state it left, or closer.
  int64_t reset_window_us = 7'200'000'000;  // 2 hours
};

// Per officer: actions by type, requests handled, wait from a request
// entering a state to the officer's action (median, p90), SLA breaches in
// states their roles were responsible for, refused attempts by reason, and
// decisions later reversed.
nlohmann::json OfficerReport(const Store& store, const ReportOptions& options);

// Queue-jumping, self-dealing, four-eyes attempts, actions outside working
// hours, bursts and deadline resets, each with the ledger sequence numbers
// that show it.
nlohmann::json AnomalyReport(const Store& store, const ReportOptions& options);

// Per workflow: requests by state now, arrivals and completions per day,
// median and p90 completion time, SLA compliance in percent.
nlohmann::json AgencyReport(const Store& store, const ReportOptions& options);

}  // namespace jejak::projections
