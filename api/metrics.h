// Counters for GET /metrics in the Prometheus text format: commands by kind
// and outcome, refusals by reason, HTTP requests by status, and a latency
// histogram of HTTP requests. Thread-safe; Http() takes no lock, as every
// request calls it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace jejak::api {

class Metrics {
 public:
  // command: submit, act, withdraw; reason empty when accepted.
  void Command(const std::string& command, const std::string& refusal_reason);
  void Http(int status, double seconds);

  struct Gauges {
    uint64_t ledger_size = 0;
    uint64_t projected = 0;  // next sequence number the projections expect
    bool relay = false;      // whether a Kafka relay runs
    uint64_t relay_lag = 0;
    uint64_t relay_published = 0;
    bool ledger_degraded = false;  // the ledger cannot write (ledger::WriteHealth)
    uint64_t ledger_write_errors = 0;
    uint64_t projection_errors = 0;   // failed catch-ups (LiveProjector)
    size_t witnesses = 0;             // configured (jejak serve --witness)
    size_t witness_cosignatures = 0;  // of the latest checkpoint sent to them
    uint64_t witness_refusals = 0;
  };
  std::string Render(const Gauges& gauges) const;

  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                      0.05,   0.1,   0.25,   0.5,   1,    2.5};

 private:
  mutable std::mutex mu_;  // guards commands_ and refusals_
  std::map<std::pair<std::string, std::string>, uint64_t> commands_;  // (command, outcome)
  std::map<std::string, uint64_t> refusals_;
  static constexpr int kStatuses = 600;  // HTTP statuses are below
  std::array<std::atomic<uint64_t>, kStatuses> statuses_{};
  std::array<std::atomic<uint64_t>, kBuckets.size()> buckets_{};
  std::atomic<uint64_t> count_ = 0;
  std::atomic<double> sum_ = 0;
};

}  // namespace jejak::api
