// Consuming jejak's topic in ledger order, for views that need the global
// order (projections: queue positions and reports span requests).
//
// Kafka keeps order only within a partition, and the relay may publish an
// entry again after a crash or a failed delivery (5,6,7,5,6,7 in one
// partition). So this consumer holds records in a buffer keyed by ledger
// sequence (jejak_seq), drops copies of what it holds or applied, and hands
// out only the run of sequences that continues the view without a gap. Each
// event of the run must name its request's last applied event as jejak_prev
// (SequenceChecker); a disagreement is an error, never a wrong view.
//
// Offsets are committed only after the caller durably applied a run: per
// partition, the offset of the first record still needed (buffered, not
// applied), or the one after the last record seen. A restart therefore
// re-reads what was buffered and drops what was applied.
//
// One member of a group must read every partition, since the view needs all
// events: a group belongs to one view. Being assigned fewer partitions than
// the topic has (another member joined) stops the consumer.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "events/event.h"
#include "kafka/client.h"
#include "kafka/cloud_event.h"
#include "kafka/sequenced_consumer.h"

namespace jejak::kafka {

struct OrderedConsumerOptions {
  std::string bootstrap, group, topic;
  KafkaProperties properties;
  // Events held while an earlier one is missing; once this many wait and
  // no record fetched is the missing one, Poll throws the gap error.
  size_t max_buffered = 100'000;
  size_t max_batch = 4096;  // events per call of apply
};

struct OrderedConsumerStats {
  uint64_t records = 0;                  // records read
  uint64_t duplicates = 0;               // copies of an event applied or held already
  uint64_t invalid = 0;                  // records that are not jejak events (skipped)
  size_t buffered = 0;                   // events held, waiting for next_seq
  std::optional<uint64_t> highest_seen;  // the highest ledger sequence read
  int64_t kafka_lag = -1;                // records not yet read (Kafka's view); -1 unknown
  int partitions_assigned = 0;
  bool waiting() const { return buffered > 0; }  // next_seq is missing
};

class OrderedConsumer {
 public:
  // Applies a run of events in ledger order, durably, before returning.
  using ApplyFn = std::function<void(const std::vector<events::Event>&)>;

  // next_seq: the first ledger sequence the view has not applied. Does not
  // wait for the broker.
  OrderedConsumer(OrderedConsumerOptions options, uint64_t next_seq);
  ~OrderedConsumer();  // commits what was applied, leaves the group

  // Reads the records that arrive within timeout, then calls apply with
  // every event that continues the view (in runs of at most max_batch), and
  // commits offsets. Returns the number of events applied. Throws:
  // - Error(kCorruption, reason "chain_order") if an event's jejak_prev
  //   disagrees with its request's last applied event, or two records of one
  //   sequence differ: the stream is not this view's ledger;
  // - Error(kUnavailable, reason "stream_gap") once max_buffered events
  //   wait for a missing one (GapError());
  // - Error(kBusy, reason "group_shared") if this member was assigned fewer
  //   than all partitions of the topic;
  // - whatever apply throws.
  // After a throw the consumer is broken: destroy it; a new one resumes at
  // the first record not applied.
  size_t Poll(std::chrono::milliseconds timeout, const ApplyFn& apply);

  uint64_t next_seq() const { return next_; }
  // True once partitions were assigned: reading has begun.
  bool started() const { return started_; }
  OrderedConsumerStats stats() const;
  // The gap error for the present buffer (for a caller that gives up
  // waiting, e.g. when the stream went idle with events held).
  base::Error GapError() const;
  const std::string& last_error() const { return consumer_.last_error(); }

 private:
  struct Partition {
    std::deque<std::pair<int64_t, uint64_t>> needed;  // (offset, seq), in offset order
    int64_t next_offset = -1;                         // after the last record read
    int64_t committed = -1;
  };

  void OnRebalance(const KafkaRebalance& r);
  void CheckAssignment();
  void Take(const KafkaRecord& record);
  std::vector<events::Event> NextRun();
  void CommitApplied();

  OrderedConsumerOptions o_;
  uint64_t next_;
  std::map<uint64_t, PublishedEvent> buffer_;  // seq >= next_
  std::map<int32_t, Partition> partitions_;
  SequenceChecker checker_;
  OrderedConsumerStats stats_;
  bool started_ = false, rebalanced_ = false, broken_ = false;
  int assigned_ = 0;
  Consumer consumer_;  // last: its callbacks use the members above
};

}  // namespace jejak::kafka
