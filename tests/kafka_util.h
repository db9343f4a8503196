// Helpers for the tests that run against the real Kafka broker that
// scripts/test.sh starts (scripts/kafka.sh). Those tests fail, never skip,
// when it is missing: CI must exercise them.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kafka/client.h"
#include "kafka/cloud_event.h"
#include "kafka/sequenced_consumer.h"
#include "tests/testutil.h"

namespace jejak::testing {

inline std::string RequireEnv(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) {
    FAIL(std::string(name)
         << " is not set: run the tests through scripts/test.sh, or start a broker "
            "with 'bash scripts/kafka.sh start' and export JEJAK_KAFKA_BOOTSTRAP and "
            "JEJAK_KAFKA_DIR");
  }
  return v;
}

// HOST:PORT of the test broker.
inline std::string KafkaBootstrap() { return RequireEnv("JEJAK_KAFKA_BOOTSTRAP"); }

// A topic (or group) name no other test or run uses.
inline std::string UniqueName(const std::string& what) {
  std::random_device rd;
  return "jejak.test." + what + "." + std::to_string(getpid()) + "." +
         std::to_string(rd() % 1000000);
}

// Runs scripts/kafka.sh stop|start on the test broker's directory.
inline void Broker(const std::string& action) {
  std::string script = std::string(JEJAK_DEFAULT_SOURCE_DIR) + "/scripts/kafka.sh";
  RunResult r = Run({"bash", script, action, "--dir", RequireEnv("JEJAK_KAFKA_DIR")});
  INFO("kafka.sh " << action << ": " << r.out << r.err);
  REQUIRE(r.exit_code == 0);
}

// What a fresh consumer group finds in a topic.
struct Consumed {
  std::vector<kafka::PublishedEvent> applied;  // in the order applied
  kafka::ConsumerStats stats;
};

// Consumes topic in a new group until want events were applied and nothing
// more arrived for quiet, or until timeout.
inline Consumed ConsumeAll(const std::string& topic, size_t want,
                           std::chrono::milliseconds timeout = std::chrono::seconds(60),
                           std::chrono::milliseconds quiet = std::chrono::seconds(2)) {
  Consumed c;
  kafka::SequencedConsumerOptions o;
  o.bootstrap = KafkaBootstrap();
  o.group = UniqueName("group");
  o.topic = topic;
  kafka::SequencedConsumer consumer(
      o, [&](const kafka::PublishedEvent& p) { c.applied.push_back(p); });
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto last_new = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() < deadline) {
    if (consumer.Poll(std::chrono::milliseconds(200)) > 0)
      last_new = std::chrono::steady_clock::now();
    if (c.applied.size() >= want && std::chrono::steady_clock::now() - last_new >= quiet) break;
  }
  c.stats = consumer.stats();
  return c;
}

}  // namespace jejak::testing
