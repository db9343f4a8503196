// kafka/client.h against the real broker: topic creation through the admin
// API, the idempotent producer's delivery reports, and a consumer group
// whose manual commits decide where the group resumes.
#include <doctest/doctest.h>

#include "base/error.h"
#include "kafka/client.h"
#include "tests/kafka_util.h"

namespace jejak::kafka {
namespace {

using base::Error;
using base::ErrorCode;
using namespace std::chrono_literals;
using testing::KafkaBootstrap;
using testing::UniqueName;

TEST_CASE("kafka: CreateTopic creates once and names what the broker refused") {
  std::string topic = UniqueName("create");
  CHECK(CreateTopic(KafkaBootstrap(), {topic, 2, 1}));
  CHECK_FALSE(CreateTopic(KafkaBootstrap(), {topic, 2, 1}));
  try {
    CreateTopic(KafkaBootstrap(), {UniqueName("create3"), 1, 3});
    FAIL("three replicas on one broker were accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(e.what()).find("replication factor 3") != std::string::npos);
  }
}

TEST_CASE("kafka: an unreachable broker is reported as unavailable") {
  try {
    CreateTopic("127.0.0.1:1", {UniqueName("nowhere"), 1, 1}, 1s);
    FAIL("created a topic on no broker");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
  }
}

TEST_CASE("kafka: records keep key value and headers and a group resumes after its commit") {
  std::string topic = UniqueName("roundtrip");
  REQUIRE(CreateTopic(KafkaBootstrap(), {topic, 1, 1}));
  std::vector<KafkaDelivery> reports;
  {
    Producer producer(KafkaBootstrap(), [&](const KafkaDelivery& d) { reports.push_back(d); });
    for (uint64_t i = 0; i < 50; ++i) {
      KafkaRecord r{topic,
                    -1,
                    -1,
                    "key-" + std::to_string(i),
                    "value " + std::to_string(i),
                    {{"h1", "a"}, {"empty", ""}, {"bin", std::string("\0\xff", 2)}}};
      REQUIRE(producer.Produce(r, 1000 + i));
    }
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (reports.size() < 50 && std::chrono::steady_clock::now() < deadline) producer.Poll(50ms);
    CHECK(producer.outstanding() == 0);
  }
  REQUIRE(reports.size() == 50);
  for (uint64_t i = 0; i < 50; ++i) {
    CHECK(reports[i].ok);
    CHECK(reports[i].tag == 1000 + i);  // one partition: reported in order
    CHECK(reports[i].offset == static_cast<int64_t>(i));
  }

  std::string group = UniqueName("group");
  auto read = [&](size_t want, size_t store) {
    Consumer consumer(KafkaBootstrap(), group, {topic});
    std::vector<KafkaRecord> got;
    KafkaRecord r;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (got.size() < want && std::chrono::steady_clock::now() < deadline) {
      if (consumer.Poll(100ms, &r)) got.push_back(r);
    }
    for (size_t i = 0; i < store && i < got.size(); ++i) consumer.Store(got[i]);
    consumer.Commit();
    return got;
  };
  std::vector<KafkaRecord> first = read(50, 30);
  REQUIRE(first.size() == 50);
  CHECK(first[7].key == "key-7");
  CHECK(first[7].value == "value 7");
  CHECK(first[7].headers ==
        std::vector<KafkaHeader>{{"h1", "a"}, {"empty", ""}, {"bin", std::string("\0\xff", 2)}});
  CHECK(*first[7].Header("h1") == "a");
  CHECK(first[7].Header("missing") == nullptr);
  // Only 30 were stored before the commit: the group resumes at offset 30.
  std::vector<KafkaRecord> second = read(20, 20);
  REQUIRE(second.size() == 20);
  CHECK(second.front().offset == 30);
  CHECK(second.back().key == "key-49");
}

}  // namespace
}  // namespace jejak::kafka
