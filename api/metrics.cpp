#include "api/metrics.h"

#include <fmt/format.h>

#include <algorithm>

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
  statuses_[std::clamp(status, 0, kStatuses - 1)].fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(seconds, std::memory_order_relaxed);
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
  for (int status = 0; status < kStatuses; ++status) {
    uint64_t n = statuses_[status].load(std::memory_order_relaxed);
    if (n > 0) out += fmt::format("jejak_http_responses_total{{status=\"{}\"}} {}\n", status, n);
  }
  Describe(out, "jejak_http_request_duration_seconds", "histogram",
           "Time to answer an HTTP request.");
  // Requests in progress may show in some counters and not yet in others:
  // clamp so that the buckets stay cumulative and within the count.
  std::array<uint64_t, kBuckets.size()> buckets;
  for (size_t i = 0; i < kBuckets.size(); ++i) buckets[i] = buckets_[i].load();
  uint64_t count = count_.load();
  for (size_t i = kBuckets.size(); i-- > 0;) {
    buckets[i] = std::min(buckets[i], i + 1 < kBuckets.size() ? buckets[i + 1] : count);
  }
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    out += fmt::format("jejak_http_request_duration_seconds_bucket{{le=\"{}\"}} {}\n", kBuckets[i],
                       buckets[i]);
  }
  out += fmt::format("jejak_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}\n", count);
  out += fmt::format("jejak_http_request_duration_seconds_sum {}\n", sum_.load());
  out += fmt::format("jejak_http_request_duration_seconds_count {}\n", count);
  Gauge(out, "jejak_ledger_entries", "Entries in the ledger.", g.ledger_size);
  Gauge(out, "jejak_ledger_degraded",
        "1 while the ledger (or its indexes) cannot write: commands get 503.",
        g.ledger_degraded ? 1 : 0);
  Describe(out, "jejak_ledger_write_errors_total", "counter",
           "Failed ledger writes and storage errors since the server started.");
  out += fmt::format("jejak_ledger_write_errors_total {}\n", g.ledger_write_errors);
  Describe(out, "jejak_projections_errors_total", "counter",
           "Failed projection catch-ups (each retried after a wait that doubles up to 30 s).");
  out += fmt::format("jejak_projections_errors_total {}\n", g.projection_errors);
  Gauge(out, "jejak_projections_next_seq", "The next ledger entry the projections apply.",
        g.projected);
  if (g.relay) {
    Gauge(out, "jejak_relay_lag_entries", "Ledger entries not yet known to be in Kafka.",
          g.relay_lag);
    Gauge(out, "jejak_relay_published_entries", "Ledger entries known to be in Kafka.",
          g.relay_published);
  }
  if (g.witnesses > 0) {
    Gauge(out, "jejak_witnesses", "Witnesses configured (jejak serve --witness).", g.witnesses);
    Gauge(out, "jejak_witness_cosignatures",
          "Cosignatures of the latest checkpoint sent to the witnesses.", g.witness_cosignatures);
    Describe(out, "jejak_witness_refusals_total", "counter",
             "Checkpoints a witness refused or could not be asked about (each is logged).");
    out += fmt::format("jejak_witness_refusals_total {}\n", g.witness_refusals);
  }
  return out;
}

}  // namespace jejak::api
