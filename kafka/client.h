// The Kafka client: thin RAII wrappers over librdkafka's C API. They know
// nothing of events; cloud_event.h maps events to records.
//
// Every failure is thrown as Error: kUnavailable when the broker cannot be
// reached in time, kInvalidArgument for a bad configuration or a request the
// broker refuses (e.g. more replicas than brokers).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

struct rd_kafka_s;

namespace jejak::kafka {

// Extra librdkafka properties (its CONFIGURATION.md), applied after jejak's
// own settings, so that they can override them.
using KafkaProperties = std::vector<std::pair<std::string, std::string>>;

struct KafkaHeader {
  std::string name, value;
  friend bool operator==(const KafkaHeader&, const KafkaHeader&) = default;
};

// One Kafka record. partition and offset are set on records consumed.
struct KafkaRecord {
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string key, value;
  std::vector<KafkaHeader> headers;

  // The value of the last header with this name, or nullptr.
  const std::string* Header(std::string_view name) const;
};

// The outcome of one produced message, reported by Producer::Poll.
struct KafkaDelivery {
  uint64_t tag = 0;  // what the caller passed to Produce
  bool ok = false;
  std::string error;  // when !ok
  int32_t partition = -1;
  int64_t offset = -1;
};

// An idempotent producer (enable.idempotence=true, acks=all, messages never
// time out locally: librdkafka retries until the broker takes them). Keys are
// partitioned with murmur2, as Java clients do, so that equal keys share a
// partition and keep their order. Not thread-safe: one thread produces and
// polls.
class Producer {
 public:
  using DeliveryFn = std::function<void(const KafkaDelivery&)>;
  // Throws Error(kInvalidArgument) on a bad bootstrap list or property.
  Producer(const std::string& bootstrap, DeliveryFn on_delivery, const KafkaProperties& extra = {});
  // Unsent messages are dropped and reported as failed.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Queues a message (its topic, key, value, headers); false when the local
  // queue is full: Poll, then try again.
  bool Produce(const KafkaRecord& record, uint64_t tag);
  // Serves delivery reports and errors, waiting up to timeout for the first.
  void Poll(std::chrono::milliseconds timeout);
  // Messages queued or in flight whose delivery report has not been served.
  size_t outstanding() const;
  // Drops every queued and in-flight message; Poll then reports them failed.
  void Purge();
  // The last error librdkafka reported (e.g. every broker down), cleared by
  // a successful delivery; empty when none.
  const std::string& last_error() const { return last_error_; }
  // Set once the producer can no longer deliver (an idempotence failure);
  // it must then be destroyed and replaced.
  std::string FatalError() const;

 private:
  friend struct KafkaCallbacks;

  rd_kafka_s* rk_ = nullptr;
  DeliveryFn on_delivery_;
  std::string last_error_;
};

struct TopicSpec {
  std::string name;
  int partitions = 3;
  int replication = 1;
};

// Creates a topic through the admin API. Returns false if it already
// existed (its settings are kept). Throws Error(kUnavailable) if no broker
// answered within timeout, Error(kInvalidArgument) if the broker refused.
bool CreateTopic(const std::string& bootstrap, const TopicSpec& spec,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Partitions given to (assigned) or taken from (revoked) a consumer.
struct KafkaRebalance {
  bool assigned = false;
  std::vector<std::pair<std::string, int32_t>> partitions;  // topic, partition
};

// A consumer in a consumer group with manual commits: offsets are stored
// only by Store() (after the caller processed a record) and committed only
// by Commit(), and before partitions are taken away in a rebalance. New
// groups start at the earliest offset. Not thread-safe.
class Consumer {
 public:
  // on_rebalance, if given, runs inside Poll whenever partitions are
  // assigned or revoked; it must not throw.
  using RebalanceFn = std::function<void(const KafkaRebalance&)>;
  Consumer(const std::string& bootstrap, const std::string& group,
           const std::vector<std::string>& topics, const KafkaProperties& extra = {},
           RebalanceFn on_rebalance = {});
  // Leaves the group; stored offsets not yet committed are committed.
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // The next record, or false after timeout. Transient errors (broker down)
  // are retried inside librdkafka and show in last_error(); a fatal one
  // throws Error(kUnavailable).
  bool Poll(std::chrono::milliseconds timeout, KafkaRecord* record);
  // Marks record processed: the next commit resumes after it.
  void Store(const KafkaRecord& record);
  // The next commit resumes the partition at next_offset.
  void Store(const std::string& topic, int32_t partition, int64_t next_offset);
  // Synchronously commits stored offsets; throws Error(kUnavailable) if the
  // broker did not take them. Nothing to commit is not an error.
  void Commit();
  const std::string& last_error() const { return last_error_; }
  // Records in the assigned partitions not yet returned by Poll, from the
  // high watermarks last fetched; -1 if not known yet. Asks the broker for
  // the committed offsets of partitions not fetched from yet.
  int64_t Lag() const;
  // The number of partitions of topic, from the broker's metadata. Throws
  // Error(kUnavailable) if no broker answered within timeout.
  int PartitionCount(const std::string& topic,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  friend struct KafkaCallbacks;

  rd_kafka_s* rk_ = nullptr;
  RebalanceFn on_rebalance_;
  std::string last_error_;
};

}  // namespace jejak::kafka
