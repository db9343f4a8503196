#include "kafka/sequenced_consumer.h"

#include "base/error.h"

namespace jejak::kafka {

using base::Error;
using base::ErrorCode;

SequenceChecker::SequenceChecker(LastAppliedFn last_applied)
    : last_applied_(std::move(last_applied)) {}

std::optional<uint64_t> SequenceChecker::LastApplied(std::string_view request_id) {
  auto it = last_.find(std::string(request_id));
  if (it != last_.end()) return it->second;
  std::optional<uint64_t> last = last_applied_ ? last_applied_(request_id) : std::nullopt;
  if (last) last_.emplace(request_id, *last);
  return last;
}

SequenceChecker::Verdict SequenceChecker::Check(const PublishedEvent& p) {
  std::optional<uint64_t> last = LastApplied(p.event.request_id);
  if (last && p.event.seq <= *last) return Verdict::kDuplicate;
  if (p.event.request_id.empty()) return Verdict::kApply;
  // The event must follow exactly the last one applied: a request's first
  // event has no jejak_prev, and nothing was applied before it.
  if (!last && p.prev_seq && *p.prev_seq < applied_before_) return Verdict::kApply;
  return p.prev_seq == last ? Verdict::kApply : Verdict::kGap;
}

void SequenceChecker::Applied(const PublishedEvent& p) { last_[p.event.request_id] = p.event.seq; }

SequencedConsumer::SequencedConsumer(SequencedConsumerOptions options, ApplyFn apply, GapFn on_gap)
    : options_(std::move(options)),
      apply_(std::move(apply)),
      on_gap_(std::move(on_gap)),
      checker_(options_.last_applied),
      // A rebalance may hand this member requests another one advanced.
      consumer_(options_.bootstrap, options_.group, {options_.topic}, options_.properties,
                [this](const KafkaRebalance&) { checker_.Forget(); }),
      last_commit_(std::chrono::steady_clock::now()) {}

SequencedConsumer::~SequencedConsumer() {
  if (broken_) return;
  try {
    consumer_.Commit();
  } catch (const Error&) {
    // Uncommitted records are handled again by the next consumer, and
    // dropped as duplicates.
  }
}

size_t SequencedConsumer::Poll(std::chrono::milliseconds timeout) {
  if (broken_) throw Error(ErrorCode::kInvalidArgument, "consumer: a callback failed earlier");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  size_t handled = 0;
  KafkaRecord record;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!consumer_.Poll(std::max(left, std::chrono::milliseconds(0)), &record)) break;
    broken_ = true;  // until this record is handled
    std::optional<PublishedEvent> p;
    try {
      p = FromKafkaRecord(record);
    } catch (const Error&) {
      ++stats_.invalid;
    }
    if (p) {
      switch (checker_.Check(*p)) {
        case SequenceChecker::Verdict::kApply:
          apply_(*p);
          checker_.Applied(*p);
          ++stats_.applied;
          break;
        case SequenceChecker::Verdict::kDuplicate:
          ++stats_.duplicates;
          break;
        case SequenceChecker::Verdict::kGap:
          ++stats_.gaps;
          if (on_gap_) on_gap_(*p, checker_.LastApplied(p->event.request_id));
          break;
      }
    }
    broken_ = false;
    consumer_.Store(record);
    ++handled;
    if (++uncommitted_ >= options_.commit_every ||
        std::chrono::steady_clock::now() - last_commit_ >= options_.commit_interval) {
      Commit();
    }
    if (left.count() <= 0) break;
  }
  return handled;
}

void SequencedConsumer::Commit() {
  consumer_.Commit();
  uncommitted_ = 0;
  last_commit_ = std::chrono::steady_clock::now();
}

}  // namespace jejak::kafka
