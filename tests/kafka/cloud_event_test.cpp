// The Kafka record of an event (docs/FORMAT.md, "Kafka messages") and the
// consumer's duplicate and gap checks, without a broker.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "base/error.h"
#include "events/time.h"
#include "kafka/cloud_event.h"
#include "kafka/sequenced_consumer.h"
#include "tests/testutil.h"

namespace jejak::kafka {
namespace {

using base::Error;
using events::FormatRfc3339;

PublishedEvent Published(uint64_t seq, std::string request, std::optional<uint64_t> prev) {
  PublishedEvent p;
  p.event = testing::SampleEvent(seq, std::move(request));
  p.event.seq = seq;
  p.chain_hex = std::string(64, 'a');
  p.prev_seq = prev;
  return p;
}

TEST_CASE("cloud event: binary-mode CloudEvents headers and a round trip") {
  PublishedEvent p = Published(42, "OSS-2026-000001", 40);
  KafkaRecord r = ToKafkaRecord(p, "jejak.events", "jejak:ledger:abc");
  CHECK(r.topic == "jejak.events");
  CHECK(r.key == "OSS-2026-000001");
  CHECK(nlohmann::json::parse(r.value)["seq"] == 42);
  CHECK(*r.Header("ce_specversion") == "1.0");
  CHECK(*r.Header("ce_id") == p.event.id.ToString());
  CHECK(*r.Header("ce_source") == "jejak:ledger:abc");
  CHECK(*r.Header("ce_type") == "id.jejak.action");
  CHECK(*r.Header("ce_time") == FormatRfc3339(p.event.time_us));
  CHECK(*r.Header("ce_subject") == "OSS-2026-000001");
  CHECK(*r.Header("jejak_seq") == "42");
  CHECK(*r.Header("jejak_prev") == "40");
  CHECK(*r.Header("jejak_chain") == std::string(64, 'a'));
  PublishedEvent back = FromKafkaRecord(r);
  CHECK(back.event == p.event);
  CHECK(back.prev_seq == 40u);
  CHECK(back.chain_hex == p.chain_hex);

  // A request's first event has no jejak_prev; system events no subject.
  KafkaRecord first = ToKafkaRecord(Published(3, "R", std::nullopt), "t", "s");
  CHECK(first.Header("jejak_prev") == nullptr);
  CHECK_FALSE(FromKafkaRecord(first).prev_seq);
}

TEST_CASE("cloud event: headers that disagree with the value are refused") {
  KafkaRecord r = ToKafkaRecord(Published(42, "R-1", std::nullopt), "t", "s");
  auto with = [&](const char* name, const std::string& value) {
    KafkaRecord copy = r;
    copy.headers.push_back({name, value});  // the last header of a name wins
    return copy;
  };
  CHECK_THROWS_AS(FromKafkaRecord(with("jejak_seq", "41")), Error);
  CHECK_THROWS_AS(FromKafkaRecord(with("jejak_seq", "4x")), Error);
  CHECK_THROWS_AS(FromKafkaRecord(with("ce_id", "x")), Error);
  CHECK_THROWS_AS(FromKafkaRecord(with("ce_type", "id.jejak.submitted")), Error);
  CHECK_THROWS_AS(FromKafkaRecord(with("ce_specversion", "0.3")), Error);
  CHECK_THROWS_AS(FromKafkaRecord(with("jejak_prev", "42")), Error);
  KafkaRecord other_key = r;
  other_key.key = "R-2";
  CHECK_THROWS_AS(FromKafkaRecord(other_key), Error);
  KafkaRecord not_json = r;
  not_json.value = "{";
  CHECK_THROWS_AS(FromKafkaRecord(not_json), Error);
}

TEST_CASE("sequence checker: drops duplicates and reports a gap until the missing event comes") {
  SequenceChecker c;
  using V = SequenceChecker::Verdict;
  auto step = [&](uint64_t seq, const char* req, std::optional<uint64_t> prev) {
    PublishedEvent p = Published(seq, req, prev);
    V v = c.Check(p);
    if (v == V::kApply) c.Applied(p);
    return v;
  };
  CHECK(step(1, "A", std::nullopt) == V::kApply);
  CHECK(step(2, "B", std::nullopt) == V::kApply);
  CHECK(step(5, "A", 1) == V::kApply);
  CHECK(step(5, "A", 1) == V::kDuplicate);
  CHECK(step(1, "A", std::nullopt) == V::kDuplicate);
  // Entry 7 of A was lost for now: 9 names it as its predecessor.
  CHECK(step(9, "A", 7) == V::kGap);
  CHECK(step(7, "A", 5) == V::kApply);
  CHECK(step(9, "A", 7) == V::kApply);
  // A request seen first in the middle: its earlier events are missing.
  CHECK(step(12, "C", 10) == V::kGap);
  // A first event arriving after others of its request is inconsistent.
  CHECK(step(13, "B", std::nullopt) == V::kGap);
  // System events are only deduplicated.
  CHECK(step(3, "", std::nullopt) == V::kApply);
  CHECK(step(3, "", std::nullopt) == V::kDuplicate);
  CHECK(step(20, "", std::nullopt) == V::kApply);
}

TEST_CASE("sequence checker: asks its store about requests it has not seen") {
  SequenceChecker c([](std::string_view request) -> std::optional<uint64_t> {
    if (request == "A") return 10;
    return std::nullopt;
  });
  CHECK(c.Check(Published(10, "A", 4)) == SequenceChecker::Verdict::kDuplicate);
  CHECK(c.Check(Published(12, "A", 10)) == SequenceChecker::Verdict::kApply);
  CHECK(c.Check(Published(12, "A", 11)) == SequenceChecker::Verdict::kGap);
  CHECK(c.Check(Published(2, "B", std::nullopt)) == SequenceChecker::Verdict::kApply);
}

TEST_CASE("sequence checker: after a restart, requests not seen may name any entry before it") {
  SequenceChecker c;
  c.AssumeAppliedBefore(100);
  using V = SequenceChecker::Verdict;
  CHECK(c.Check(Published(100, "A", 42)) == V::kApply);
  CHECK(c.Check(Published(101, "B", std::nullopt)) == V::kApply);
  // Entries from 100 on are seen by this checker: naming one it never
  // applied for this request is a gap.
  CHECK(c.Check(Published(102, "C", 100)) == V::kGap);
  c.Applied(Published(100, "A", 42));
  CHECK(c.Check(Published(103, "A", 42)) == V::kGap);
  CHECK(c.Check(Published(103, "A", 100)) == V::kApply);
}

}  // namespace
}  // namespace jejak::kafka
