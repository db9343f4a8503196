#include "api/metrics.h"

#include <fmt/format.h>

namespace jejak::api {

void Metrics::Command(const std::string& command, const std::string& refusal_reason) {
  std::lock_guard lock(mu_);
  ++commands_[{command, refusal_reason.empty() ? "accepted" : "refused"}];
  if (!refusal_reason.empty()) ++refusals_[refusal_reason];
}

void Metrics::Http(int status, double seconds) {
  std::lock_guard lock(mu_);
  ++statuses_[status];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++buckets_[i];
  }
  ++count_;
  sum_ += seconds;
}

std::string Metrics::Render(const Gauges& g) const {
  std::lock_guard lock(mu_);
  std::string out;
  out += "# HELP jejak_commands_total Commands handled, by command and outcome.\n";
  out += "# TYPE jejak_commands_total counter\n";
  for (const auto& [k, n] : commands_) {
    out += fmt::format("jejak_commands_total{{command=\"{}\",outcome=\"{}\"}} {}\n", k.first,
                       k.second, n);
  }
  out += "# HELP jejak_refusals_total Refused commands, by reason.\n";
  out += "# TYPE jejak_refusals_total counter\n";
  for (const auto& [reason, n] : refusals_) {
    out += fmt::format("jejak_refusals_total{{reason=\"{}\"}} {}\n", reason, n);
  }
  out += "# HELP jejak_http_responses_total HTTP responses, by status.\n";
  out += "# TYPE jejak_http_responses_total counter\n";
  for (const auto& [status, n] : statuses_) {
    out += fmt::format("jejak_http_responses_total{{status=\"{}\"}} {}\n", status, n);
  }
  out += "# HELP jejak_http_request_duration_seconds Time to answer an HTTP request.\n";
  out += "# TYPE jejak_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("jejak_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                       buckets_[i]);
  }
  out += fmt::format("jejak_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count_);
  out += fmt::format("jejak_http_request_duration_seconds_sum {}\n", sum_);
  out += fmt::format("jejak_http_request_duration_seconds_count {}\n", count_);
  out += "# HELP jejak_ledger_entries Entries in the ledger.\n";
  out += "# TYPE jejak_ledger_entries gauge\n";
  out += fmt::format("jejak_ledger_entries {}\n", g.ledger_size);
  out += "# HELP jejak_projections_next_seq The next ledger entry the projections apply.\n";
  out += "# TYPE jejak_projections_next_seq gauge\n";
  out += fmt::format("jejak_projections_next_seq {}\n", g.projected);
  if (g.relay) {
    out += "# HELP jejak_relay_lag_entries Ledger entries not yet known to be in Kafka.\n";
    out += "# TYPE jejak_relay_lag_entries gauge\n";
    out += fmt::format("jejak_relay_lag_entries {}\n", g.relay_lag);
    out += "# HELP jejak_relay_published_entries Ledger entries known to be in Kafka.\n";
    out += "# TYPE jejak_relay_published_entries gauge\n";
    out += fmt::format("jejak_relay_published_entries {}\n", g.relay_published);
  }
  return out;
}

}  // namespace jejak::api
