// The outbox relay against the real broker: every ledger entry reaches
// Kafka, in per-request order, with its headers; nothing is lost when the
// broker stops or the relay's process is killed, and after consumer-side
// dedupe exactly the ledger's entries remain.
#include <doctest/doctest.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "base/error.h"
#include "events/encoding.h"
#include "events/time.h"
#include "kafka/relay.h"
#include "ledger/ledger.h"
#include "tests/kafka_util.h"
#include "tests/testutil.h"

namespace jejak::kafka {
namespace {

using namespace std::chrono_literals;
using testing::KafkaBootstrap;
using testing::SampleEvent;
using testing::TempDir;
using testing::UniqueName;

void AppendSamples(ledger::Ledger& ledger, uint64_t count) {
  std::vector<std::string> batch;
  for (uint64_t i = 0; i < count; ++i) {
    batch.push_back(events::Encode(SampleEvent(ledger.size() + batch.size())));
    if (batch.size() == 50 || i + 1 == count) ledger.AppendBatch(std::move(batch)), batch.clear();
  }
}

RelayOptions Options(const TempDir& dir, const std::string& topic) {
  RelayOptions o;
  o.data_dir = dir.path();
  o.bootstrap = KafkaBootstrap();
  o.topic = topic;
  o.partitions = 3;
  return o;
}

// Every seq from 0 to n-1 exactly once, and each request's events in order.
void CheckExactlyOnceInOrder(const std::vector<kafka::PublishedEvent>& applied, uint64_t n) {
  std::set<uint64_t> seqs;
  std::map<std::string, uint64_t> last;
  for (const auto& p : applied) {
    CHECK(seqs.insert(p.event.seq).second);
    auto it = last.find(p.event.request_id);
    if (it != last.end()) CHECK(p.event.seq > it->second);
    last[p.event.request_id] = p.event.seq;
  }
  CHECK(seqs.size() == n);
  if (!seqs.empty()) CHECK(*seqs.rbegin() == n - 1);
}

TEST_CASE("relay: publishes each ledger entry once in per-request order with CloudEvents headers") {
  TempDir dir;
  auto ledger = ledger::Ledger::Open(dir.Sub("ledger"));
  constexpr uint64_t kN = 600;
  AppendSamples(*ledger, kN);
  std::string topic = UniqueName("relay-headers");
  {
    auto relay = Relay::Start(*ledger, Options(dir, topic));
    REQUIRE(relay->Drain(60s));
    RelayStatus s = relay->status();
    CHECK(s.published == kN);
    CHECK(s.lag() == 0);
    CHECK(s.topic_ready);
  }
  auto saved = ReadRelayPositions(dir.path());
  REQUIRE(saved.size() == 1);
  CHECK(saved[0].topic == topic);
  CHECK(saved[0].position == kN);

  // Raw records: a healthy run publishes each entry exactly once.
  kafka::Consumer consumer(KafkaBootstrap(), UniqueName("group"), {topic});
  std::vector<kafka::KafkaRecord> records;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  kafka::KafkaRecord r;
  while (std::chrono::steady_clock::now() < deadline) {
    if (consumer.Poll(200ms, &r)) {
      records.push_back(r);
    } else if (records.size() >= kN) {
      break;  // and nothing more within 200 ms
    }
  }
  REQUIRE(records.size() == kN);
  std::string source = "jejak:ledger:" + ledger::HashToHex(ledger->Get(0)->chain);
  std::vector<kafka::PublishedEvent> applied;
  std::map<std::string, uint64_t> last;
  std::set<int32_t> partitions;
  for (const auto& rec : records) {
    kafka::PublishedEvent p = kafka::FromKafkaRecord(rec);
    auto entry = ledger->Get(p.event.seq);
    REQUIRE(entry);
    events::Event expected = events::Decode(entry->bytes);
    expected.seq = entry->seq;
    CHECK(p.event == expected);
    CHECK(rec.key == expected.request_id);
    CHECK(*rec.Header("ce_specversion") == "1.0");
    CHECK(*rec.Header("ce_id") == expected.id.ToString());
    CHECK(*rec.Header("ce_source") == source);
    CHECK(*rec.Header("ce_type") == "id.jejak.action");
    CHECK(*rec.Header("ce_time") == events::FormatRfc3339(expected.time_us));
    CHECK(*rec.Header("ce_subject") == expected.request_id);
    CHECK(*rec.Header("content-type") == "application/json");
    CHECK(*rec.Header("jejak_seq") == std::to_string(entry->seq));
    CHECK(*rec.Header("jejak_chain") == ledger::HashToHex(entry->chain));
    // jejak_prev chains each request's events.
    auto it = last.find(expected.request_id);
    if (it == last.end()) {
      CHECK(!p.prev_seq);
    } else {
      CHECK(p.prev_seq == it->second);
    }
    last[expected.request_id] = p.event.seq;
    partitions.insert(rec.partition);
    applied.push_back(p);
  }
  CHECK(partitions.size() == 3);  // 97 request ids spread over every partition
  CheckExactlyOnceInOrder(applied, kN);
}

TEST_CASE("relay: every entry arrives after the broker stops and restarts while appends go on") {
  TempDir dir;
  auto ledger = ledger::Ledger::Open(dir.Sub("ledger"));
  std::string topic = UniqueName("relay-restart");
  auto relay = Relay::Start(*ledger, Options(dir, topic));
  AppendSamples(*ledger, 100);
  REQUIRE(relay->Drain(60s));

  std::atomic<bool> stop{false};
  std::thread appender([&] {
    while (!stop) {
      AppendSamples(*ledger, 5);
      std::this_thread::sleep_for(5ms);
    }
  });
  std::this_thread::sleep_for(300ms);
  testing::Broker("stop");
  uint64_t size_at_stop = ledger->size();
  std::this_thread::sleep_for(1500ms);
  // Commands keep landing in the ledger; the relay falls behind.
  CHECK(ledger->size() > size_at_stop);
  RelayStatus down = relay->status();
  CHECK(down.lag() > 0);
  CHECK(down.published <= size_at_stop);
  CHECK(!relay->Drain(200ms));
  testing::Broker("start");
  std::this_thread::sleep_for(300ms);
  stop = true;
  appender.join();
  uint64_t n = ledger->size();
  REQUIRE(relay->Drain(90s));
  CHECK(relay->status().lag() == 0);
  relay.reset();

  testing::Consumed c = testing::ConsumeAll(topic, n);
  INFO("duplicates " << c.stats.duplicates << ", gaps " << c.stats.gaps);
  CHECK(c.applied.size() == n);
  CHECK(c.stats.gaps == 0);
  CHECK(c.stats.invalid == 0);
  CheckExactlyOnceInOrder(c.applied, n);
}

TEST_CASE("relay: a process killed with SIGKILL while publishing resumes and loses nothing") {
  TempDir dir;
  std::string topic = UniqueName("relay-kill");
  constexpr uint64_t kTotal = 4000;
  auto helper = [&] {
    return std::vector<std::string>{JEJAK_RELAY_HELPER, dir.path(), KafkaBootstrap(), topic,
                                    std::to_string(kTotal)};
  };
  {
    testing::Subprocess child(helper());
    // Kill it once a good part is published and a position saved, while
    // appending and publishing go on.
    auto deadline = std::chrono::steady_clock::now() + 60s;
    uint64_t published = 0;
    while ((published < 500 || ReadRelayPositions(dir.path()).empty()) &&
           std::chrono::steady_clock::now() < deadline) {
      child.Drain(10ms);
      size_t at = child.out().rfind("published ");
      if (at != std::string::npos) published = std::stoull(child.out().substr(at + 10));
    }
    REQUIRE(published >= 500);
    child.Kill(SIGKILL);
    CHECK(child.Wait() == -SIGKILL);
  }
  uint64_t size_at_kill = ledger::Ledger::OpenReadOnly(dir.Sub("ledger"))->size();
  CHECK(size_at_kill < kTotal);
  auto saved = ReadRelayPositions(dir.path());
  REQUIRE(saved.size() == 1);
  CHECK(saved[0].position > 0);
  CHECK(saved[0].position <= size_at_kill);

  testing::RunResult again = testing::Run(helper());
  INFO(again.out << again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(again.out.find("drained") != std::string::npos);

  testing::Consumed c = testing::ConsumeAll(topic, kTotal);
  INFO("duplicates " << c.stats.duplicates << ", gaps " << c.stats.gaps);
  CHECK(c.applied.size() == kTotal);
  CHECK(c.stats.gaps == 0);
  CheckExactlyOnceInOrder(c.applied, kTotal);
}

TEST_CASE("relay: refuses a saved position from another ledger") {
  TempDir dir;
  auto ledger = ledger::Ledger::Open(dir.Sub("ledger"));
  AppendSamples(*ledger, 3);
  std::filesystem::create_directories(dir.Sub("relay"));
  std::ofstream(dir.Sub("relay/t.position"))
      << R"({"topic":"t","position":2,"chain":")" << std::string(64, '0')
      << R"(","bootstrap":"","last_error":"","updated":"2026-01-01T00:00:00.000000Z"})";
  RelayOptions o;
  o.data_dir = dir.path();
  o.bootstrap = "127.0.0.1:1";
  o.topic = "t";
  CHECK_THROWS_WITH_AS(Relay::Start(*ledger, o), doctest::Contains("another ledger"), base::Error);
  o.topic = "bad/topic";
  CHECK_THROWS_AS(Relay::Start(*ledger, o), base::Error);
}

}  // namespace
}  // namespace jejak::kafka
