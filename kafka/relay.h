// The outbox relay: publishes every ledger entry, in ledger order, to a Kafka
// topic (kafka/cloud_event.h gives the record). The ledger is always
// written first; the relay follows it and never holds up a command.
//
// Contract:
// - One background thread reads entries from the saved position on and
//   produces them with an idempotent producer. The position (the first entry
//   not yet known to be in Kafka) is saved in
//   DIR/relay/<topic>.position (DIR is the data directory) with fsync and
//   rename, and only once the delivery reports of every entry before it
//   succeeded. After a crash the relay resumes there, so entries after it
//   may be published twice: consumers drop them by ledger sequence.
// - The topic is created through the admin API with the configured
//   partitions and replication (kept if it exists). If the broker refuses,
//   the relay stops and status().failed says why.
// - While Kafka is unreachable the relay retries with backoff; the ledger
//   grows meanwhile, and the lag shows in status() and in the saved file.
// - A delivery that fails makes the relay publish again from the first
//   failed entry, so a later entry may reach Kafka before an earlier one;
//   every record names its request's previous event (jejak_prev) so that
//   consumers see such a gap and wait for the re-published entries.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafka/client.h"
#include "ledger/ledger.h"

namespace jejak::kafka {

struct RelayOptions {
  std::string data_dir;   // the position lives in data_dir/relay
  std::string bootstrap;  // HOST:PORT[,HOST:PORT...]
  std::string topic = "jejak.events";
  int partitions = 3;
  int replication = 1;
  // The CloudEvents source; default "jejak:ledger:<hex of chain[0]>", which
  // names the ledger independently of where it runs.
  std::string source;
  kafka::KafkaProperties producer_properties;
  size_t max_in_flight = 50'000;  // messages produced but not yet reported
  std::chrono::milliseconds min_backoff{100}, max_backoff{5'000};
  std::chrono::milliseconds save_interval{200};  // at most one position write per interval
};

struct RelayStatus {
  std::string topic;
  uint64_t published = 0;    // entries [0, published) are known to be in Kafka
  uint64_t ledger_size = 0;  // the ledger's size when last looked at
  uint64_t lag() const { return ledger_size > published ? ledger_size - published : 0; }
  bool topic_ready = false;
  bool failed = false;     // stopped for good; last_error says why
  std::string last_error;  // the latest problem, e.g. the broker unreachable
};

// What a relay saved in data_dir/relay: for `jejak kafka status` and for
// readers in other processes.
struct SavedRelayPosition {
  std::string topic;
  uint64_t position = 0;
  std::string bootstrap;
  std::string last_error;
  int64_t updated_us = 0;
};

class Relay {
 public:
  // Starts the relay thread; does not wait for Kafka. ledger must outlive
  // the relay. Throws Error(kCorruption) if the saved position does not
  // belong to this ledger (beyond its end, or another chain hash).
  static std::unique_ptr<Relay> Start(ledger::Ledger& ledger, RelayOptions options);
  // Stops at once, saving the position of what was delivered.
  virtual ~Relay() = default;

  // Waits until every entry appended before the call is in Kafka; false
  // after timeout or if the relay failed.
  virtual bool Drain(std::chrono::milliseconds timeout) = 0;
  virtual RelayStatus status() const = 0;
};

// Every saved position under data_dir/relay, ordered by topic.
std::vector<SavedRelayPosition> ReadRelayPositions(const std::string& data_dir);

}  // namespace jejak::kafka
