#include "kafka/ordered_consumer.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/error.h"
#include "base/reason.h"

namespace jejak::kafka {
namespace {

using base::Error;
using base::ErrorCode;

// The checker's per-request cache is bounded; past this many requests it
// starts over, knowing only that every earlier event was applied.
constexpr size_t kMaxCheckedRequests = 1'000'000;

KafkaProperties WithDefaults(KafkaProperties extra) {
  // A crashed member holds its partitions until its session expires: keep
  // that short, so that a restarted projection resumes soon.
  extra.insert(extra.begin(), std::pair<std::string, std::string>("session.timeout.ms", "10000"));
  return extra;
}

}  // namespace

OrderedConsumer::OrderedConsumer(OrderedConsumerOptions options, uint64_t next_seq)
    : o_(std::move(options)),
      next_(next_seq),
      consumer_(o_.bootstrap, o_.group, {o_.topic}, WithDefaults(o_.properties),
                [this](const KafkaRebalance& r) { OnRebalance(r); }) {
  checker_.AssumeAppliedBefore(next_seq);
}

OrderedConsumer::~OrderedConsumer() = default;

void OrderedConsumer::OnRebalance(const KafkaRebalance& r) {
  for (const auto& [topic, partition] : r.partitions) {
    if (topic != o_.topic) continue;
    if (r.assigned) {
      ++assigned_;
    } else {
      --assigned_;
      // Reading restarts at the committed offset: what was held stays in
      // the buffer, and its records come again as copies.
      partitions_.erase(partition);
    }
  }
  if (r.assigned) {
    started_ = true;
    rebalanced_ = true;
  }
}

void OrderedConsumer::CheckAssignment() {
  rebalanced_ = false;
  int total = consumer_.PartitionCount(o_.topic);
  if (total > 0 && assigned_ < total) {
    throw Error(base::reason::kGroupShared,
                fmt::format("consumer group {} gave this projection {} of the {} partitions of {}: "
                            "another member uses the group. A group belongs to one projection "
                            "instance, which reads every partition; stop the other one or choose "
                            "another --group",
                            o_.group, assigned_, total, o_.topic));
  }
}

void OrderedConsumer::Take(const KafkaRecord& record) {
  ++stats_.records;
  Partition& part = partitions_[record.partition];
  part.next_offset = record.offset + 1;
  PublishedEvent p;
  try {
    p = FromKafkaRecord(record);
  } catch (const Error&) {
    ++stats_.invalid;
    return;
  }
  uint64_t seq = p.event.seq;
  stats_.highest_seen = std::max(stats_.highest_seen.value_or(0), seq);
  if (seq < next_) {
    ++stats_.duplicates;
    return;
  }
  auto [it, inserted] = buffer_.try_emplace(seq);
  if (inserted) {
    it->second = std::move(p);
  } else {
    ++stats_.duplicates;
    if (it->second.chain_hex != p.chain_hex) {
      throw Error(base::reason::kChainOrder,
                  fmt::format("two records of ledger sequence {} carry different chain hashes "
                              "({} and {}, the latter at {}/{}@{}): the topic mixes ledgers",
                              seq, it->second.chain_hex, p.chain_hex, record.topic,
                              record.partition, record.offset));
    }
  }
  part.needed.emplace_back(record.offset, seq);
}

std::vector<events::Event> OrderedConsumer::NextRun() {
  std::vector<events::Event> run;
  while (run.size() < o_.max_batch && !buffer_.empty() &&
         buffer_.begin()->first == next_ + run.size()) {
    PublishedEvent& p = buffer_.begin()->second;
    if (checker_.Check(p) != SequenceChecker::Verdict::kApply) {
      if (!run.empty()) break;  // apply what comes before it first
      std::optional<uint64_t> last = checker_.LastApplied(p.event.request_id);
      throw Error(
          base::reason::kChainOrder,
          fmt::format("request {}: ledger sequence {} names {} as the request's previous event, "
                      "but {}: the stream does not follow the ledger's order; the view stays "
                      "at entry {}",
                      p.event.request_id, p.event.seq,
                      p.prev_seq ? std::to_string(*p.prev_seq) : "none",
                      last ? fmt::format("the last one applied is {}", *last)
                           : "no earlier event of it was applied",
                      next_));
    }
    checker_.Applied(p);
    if (checker_.size() > kMaxCheckedRequests) {
      checker_.Forget();
      checker_.AssumeAppliedBefore(p.event.seq + 1);
    }
    run.push_back(std::move(p.event));
    buffer_.erase(buffer_.begin());
  }
  return run;
}

size_t OrderedConsumer::Poll(std::chrono::milliseconds timeout, const ApplyFn& apply) {
  if (broken_) throw Error(ErrorCode::kInvalidArgument, "consumer: it failed earlier");
  broken_ = true;  // until this call returns normally
  auto deadline = std::chrono::steady_clock::now() + timeout;
  KafkaRecord record;
  size_t read = 0;
  bool drained = false;  // every record at hand was read
  for (;;) {
    // Wait for the first record only; then take what has already arrived.
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    bool got = consumer_.Poll(
        read > 0 ? std::chrono::milliseconds(0) : std::max(left, std::chrono::milliseconds(0)),
        &record);
    if (rebalanced_) CheckAssignment();
    if (got) {
      Take(record);
      if (++read >= o_.max_batch * 4) break;
    } else if (read > 0 || left.count() <= 0) {
      drained = true;
      break;
    }
  }
  size_t applied = 0;
  for (std::vector<events::Event> run = NextRun(); !run.empty(); run = NextRun()) {
    apply(run);
    next_ += run.size();
    applied += run.size();
  }
  CommitApplied();
  // Full, and the missing event is not among the records already fetched.
  if (buffer_.size() >= o_.max_buffered && drained) throw GapError();
  broken_ = false;
  return applied;
}

void OrderedConsumer::CommitApplied() {
  bool any = false;
  for (auto& [partition, part] : partitions_) {
    while (!part.needed.empty() && part.needed.front().second < next_) part.needed.pop_front();
    int64_t offset = part.needed.empty() ? part.next_offset : part.needed.front().first;
    if (offset < 0 || offset == part.committed) continue;
    consumer_.Store(o_.topic, partition, offset);
    part.committed = offset;
    any = true;
  }
  if (any) consumer_.Commit();
}

OrderedConsumerStats OrderedConsumer::stats() const {
  OrderedConsumerStats s = stats_;
  s.buffered = buffer_.size();
  s.kafka_lag = consumer_.Lag();
  s.partitions_assigned = assigned_;
  return s;
}

Error OrderedConsumer::GapError() const {
  uint64_t from = buffer_.empty() ? next_ : buffer_.begin()->first;
  return Error(base::reason::kStreamGap,
               fmt::format("gap: waiting for ledger sequence {} ({} later event{} buffered, the "
                           "first is {}); the view stays at entry {}. The relay publishes a "
                           "missing entry again after a failed delivery: check `jejak kafka "
                           "status` where the ledger is, then run again to resume",
                           next_, buffer_.size(), buffer_.size() == 1 ? "" : "s", from, next_));
}

}  // namespace jejak::kafka
