// The consuming side of jejak's Kafka stream, for projections that run from
// Kafka instead of the local ledger.
//
// The relay may publish an entry more than once (it resumes from its last
// saved position after a crash) and, after a failed delivery, publish later
// entries again after earlier ones. Every record carries its ledger sequence
// and the sequence of its request's previous event (jejak_prev), so that a
// consumer can drop duplicates and notice a missing event of a request
// instead of silently building a wrong view.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kafka/client.h"
#include "kafka/cloud_event.h"

namespace jejak::kafka {

// Decides per event whether a view applies it. Requests are checked
// independently: each request's events must arrive with increasing seq, each
// naming the last one applied as its jejak_prev. System events (empty
// request id) are not chained; they are only deduplicated by seq.
class SequenceChecker {
 public:
  enum class Verdict {
    kApply,      // the next event of its request
    kDuplicate,  // seq at or before the request's last applied event
    kGap,        // an earlier event of the request was never applied
  };
  // last_applied answers for requests not seen in this process (a projection
  // reads its own store); by default nothing was applied before.
  using LastAppliedFn = std::function<std::optional<uint64_t>(std::string_view request_id)>;
  explicit SequenceChecker(LastAppliedFn last_applied = {});

  Verdict Check(const PublishedEvent& p);
  // The request's last applied seq, as Check sees it.
  std::optional<uint64_t> LastApplied(std::string_view request_id);
  void Applied(const PublishedEvent& p);
  // Drops the in-memory cache, e.g. after partitions moved to other members.
  void Forget() { last_.clear(); }
  // For a view that applied every event before seq without knowing which
  // belonged to which request: a request not seen since may name any
  // sequence before seq as its previous event (but none from seq on).
  void AssumeAppliedBefore(uint64_t seq) { applied_before_ = seq; }
  size_t size() const { return last_.size(); }  // requests cached

 private:
  LastAppliedFn last_applied_;
  std::unordered_map<std::string, uint64_t> last_;
  uint64_t applied_before_ = 0;
};

struct SequencedConsumerOptions {
  std::string bootstrap, group, topic;
  KafkaProperties properties;
  SequenceChecker::LastAppliedFn last_applied;
  size_t commit_every = 1000;                       // commit after this many records, or
  std::chrono::milliseconds commit_interval{1000};  // after this long
};

struct ConsumerStats {
  uint64_t applied = 0, duplicates = 0, gaps = 0, invalid = 0;
};

// Consumes a topic in a consumer group and hands each event that is next in
// its request's order to apply. Duplicates are dropped; an event after a gap
// goes to on_gap instead (not applied; if the relay re-publishes the missing
// events, they and this one are applied when they arrive in order); records
// that are not jejak events are counted and skipped. A record's offset is
// committed only after apply (or on_gap) returned for it. If either throws,
// the exception propagates and the consumer is broken: destroy it, and a
// new one resumes at the first record not handled.
class SequencedConsumer {
 public:
  using ApplyFn = std::function<void(const PublishedEvent&)>;
  using GapFn = std::function<void(const PublishedEvent&, std::optional<uint64_t> last_applied)>;
  SequencedConsumer(SequencedConsumerOptions options, ApplyFn apply, GapFn on_gap = {});
  ~SequencedConsumer();  // commits what was handled

  // Handles the records that arrive within timeout; returns how many.
  size_t Poll(std::chrono::milliseconds timeout);
  void Commit();
  const ConsumerStats& stats() const { return stats_; }
  const std::string& last_error() const { return consumer_.last_error(); }

 private:
  SequencedConsumerOptions options_;
  ApplyFn apply_;
  GapFn on_gap_;
  SequenceChecker checker_;
  Consumer consumer_;
  ConsumerStats stats_;
  size_t uncommitted_ = 0;
  std::chrono::steady_clock::time_point last_commit_;
  bool broken_ = false;
};

}  // namespace jejak::kafka
