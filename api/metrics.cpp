#include "api/metrics.h"

#include <fmt/format.h>

namespace jejak::api {
namespace {

// The HELP and TYPE lines that precede a metric in the Prometheus text format.
void Describe(std::string& out, const char* name, const char* type, const char* help) {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void Gauge(std::string& out, const char* name, const char* help, uint64_t value) {
  Describe(out, name, "gauge", help);
  out += fmt::format("{} {}\n", name, value);
}

}  // namespace

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
  Describe(out, "jejak_commands_total", "counter", "Commands handled, by command and outcome.");
  for (const auto& [k, n] : commands_) {
    out += fmt::format("jejak_commands_total{{command=\"{}\",outcome=\"{}\"}} {}\n", k.first,
                       k.second, n);
  }
  Describe(out, "jejak_refusals_total", "counter", "Refused commands, by reason.");
  for (const auto& [reason, n] : refusals_) {
    out += fmt::format("jejak_refusals_total{{reason=\"{}\"}} {}\n", reason, n);
  }
  Describe(out, "jejak_http_responses_total", "counter", "HTTP responses, by status.");
  for (const auto& [status, n] : statuses_) {
    out += fmt::format("jejak_http_responses_total{{status=\"{}\"}} {}\n", status, n);
  }
  Describe(out, "jejak_http_request_duration_seconds", "histogram",
           "Time to answer an HTTP request.");
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("jejak_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                       buckets_[i]);
  }
  out += fmt::format("jejak_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count_);
  out += fmt::format("jejak_http_request_duration_seconds_sum {}\n", sum_);
  out += fmt::format("jejak_http_request_duration_seconds_count {}\n", count_);
  Gauge(out, "jejak_ledger_entries", "Entries in the ledger.", g.ledger_size);
  Gauge(out, "jejak_projections_next_seq", "The next ledger entry the projections apply.",
        g.projected);
  if (g.relay) {
    Gauge(out, "jejak_relay_lag_entries", "Ledger entries not yet known to be in Kafka.",
          g.relay_lag);
    Gauge(out, "jejak_relay_published_entries", "Ledger entries known to be in Kafka.",
          g.relay_published);
  }
  return out;
}

}  // namespace jejak::api
