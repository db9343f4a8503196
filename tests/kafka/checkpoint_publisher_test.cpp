// Cosigned checkpoints on a Kafka topic (kafka/checkpoint_publisher.h),
// against the real test broker: each one arrives once, in order, keyed by
// the origin; a broker that cannot be reached is an error, not a hang.
#include <doctest/doctest.h>

#include "base/error.h"
#include "kafka/checkpoint_publisher.h"
#include "kafka/client.h"
#include "tests/kafka_util.h"

namespace jejak::kafka {
namespace {

using namespace std::chrono_literals;

TEST_CASE("checkpoint publisher: cosigned checkpoints arrive in order, keyed by origin") {
  std::string topic = testing::UniqueName("checkpoints");
  CheckpointPublisher publisher(testing::KafkaBootstrap(), topic);
  const std::string first = "jejak.go.id/uji\n3\nAAAA\n\n\xE2\x80\x94 jejak.go.id/uji sig1\n";
  const std::string second =
      "jejak.go.id/uji\n9\nBBBB\n\n\xE2\x80\x94 jejak.go.id/uji sig2\n"
      "\xE2\x80\x94 ombudsman.go.id/saksi cosig\n";
  publisher.Publish(first);
  publisher.Publish(second);

  Consumer consumer(testing::KafkaBootstrap(), testing::UniqueName("group"), {topic});
  std::vector<KafkaRecord> got;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (got.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    KafkaRecord r;
    if (consumer.Poll(200ms, &r)) got.push_back(r);
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].value == first);
  CHECK(got[1].value == second);
  CHECK(got[0].key == "jejak.go.id/uji");
  REQUIRE(got[1].Header("content-type") != nullptr);
  CHECK(*got[1].Header("content-type") == "text/plain; charset=utf-8");
}

TEST_CASE("checkpoint publisher: an unreachable broker is an error within the timeout") {
  CheckpointPublisher publisher("127.0.0.1:1", testing::UniqueName("checkpoints"));
  auto start = std::chrono::steady_clock::now();
  CHECK_THROWS_AS(publisher.Publish("o\n1\nAAAA\n\n\xE2\x80\x94 o sig\n", 2s), base::Error);
  CHECK(std::chrono::steady_clock::now() - start < 30s);
}

}  // namespace
}  // namespace jejak::kafka
