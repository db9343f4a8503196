// --kafka on the jejak command and `jejak kafka status`, against the real
// broker and against none.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "kafka/cloud_event.h"
#include "tests/format_vectors.h"
#include "tests/kafka_util.h"
#include "tests/testutil.h"

namespace jejak::cli {
namespace {

using testing::JejakBin;
using testing::Run;
using testing::RunResult;
using testing::TempDir;

RunResult Jejak(const TempDir& dir, std::vector<std::string> args) {
  return testing::RunJejak(std::move(args), dir.path());
}

std::vector<std::string> Submit(const std::string& nik) { return testing::OssSubmitArgs(nik); }

nlohmann::json Status(const TempDir& dir) {
  RunResult s = Jejak(dir, {"kafka", "status", "--json"});
  REQUIRE(s.exit_code == 0);
  return nlohmann::json::parse(s.out);
}

TEST_CASE("kafka cli: commands with --kafka publish what they append and status shows no lag") {
  TempDir dir;
  std::string topic = testing::UniqueName("cli");
  std::vector<std::string> kafka = {"--kafka", testing::KafkaBootstrap(), "--topic", topic};
  auto with_kafka = [&](std::vector<std::string> args) {
    args.insert(args.end(), kafka.begin(), kafka.end());
    return args;
  };
  RunResult d =
      Jejak(dir, with_kafka({"workflow", "deploy",
                             testing::SourcePath("examples/workflows/oss-izin-usaha.yaml"), "--as",
                             "admin-01"}));
  INFO(d.out << d.err);
  REQUIRE(d.exit_code == 0);
  CHECK(d.out.find("Kafka: published to " + topic) != std::string::npos);
  RunResult s = Jejak(dir, with_kafka(Submit("3273010101900001")));
  REQUIRE(s.exit_code == 0);
  RunResult j = Jejak(dir, with_kafka(Submit("3273010101900002")));
  REQUIRE(j.exit_code == 0);

  nlohmann::json status = Status(dir);
  CHECK(status["ledger_size"] == 3);
  REQUIRE(status["topics"].size() == 1);
  CHECK(status["topics"][0]["topic"] == topic);
  CHECK(status["topics"][0]["published"] == 3);
  CHECK(status["topics"][0]["lag"] == 0);

  testing::Consumed c = testing::ConsumeAll(topic, 3);
  REQUIRE(c.applied.size() == 3);
  CHECK(c.stats.duplicates == 0);
  std::vector<std::string> types;
  for (const auto& p : c.applied) types.push_back(p.event.type);
  std::sort(types.begin(), types.end());
  CHECK(types == std::vector<std::string>{"submitted", "submitted", "workflow_deployed"});
}

TEST_CASE(
    "kafka cli: a command succeeds while Kafka is down and a later run publishes the backlog") {
  TempDir dir;
  std::string topic = testing::UniqueName("cli-down");
  RunResult d = Jejak(
      dir, {"workflow", "deploy", testing::SourcePath("examples/workflows/oss-izin-usaha.yaml"),
            "--kafka", "127.0.0.1:1", "--topic", topic, "--kafka-wait", "1"});
  INFO(d.out << d.err);
  REQUIRE(d.exit_code == 0);
  CHECK(d.out.find("Deployed oss-izin-usaha v3") != std::string::npos);
  CHECK(d.err.find("will be published by the next command run with --kafka") != std::string::npos);
  nlohmann::json status = Status(dir);
  REQUIRE(status["topics"].size() == 1);
  CHECK(status["topics"][0]["lag"] == 1);
  CHECK(status["topics"][0]["last_error"] != "");

  RunResult ok = [&] {
    std::vector<std::string> args = Submit("3273010101900003");
    args.insert(args.end(), {"--kafka", testing::KafkaBootstrap(), "--topic", topic});
    return Jejak(dir, args);
  }();
  REQUIRE(ok.exit_code == 0);
  status = Status(dir);
  CHECK(status["topics"][0]["lag"] == 0);
  CHECK(status["topics"][0]["published"] == 2);
  CHECK(testing::ConsumeAll(topic, 2).applied.size() == 2);
}

TEST_CASE("kafka cli: status without any relay and a topic the broker refuses") {
  TempDir dir;
  RunResult d = Jejak(
      dir, {"workflow", "deploy", testing::SourcePath("examples/workflows/oss-izin-usaha.yaml")});
  REQUIRE(d.exit_code == 0);
  RunResult s = Jejak(dir, {"kafka", "status"});
  CHECK(s.exit_code == 0);
  CHECK(s.out.find("No relay has published") != std::string::npos);
  RunResult r = Jejak(
      dir, {"workflow", "deploy", testing::SourcePath("examples/workflows/lapor-pengaduan.yaml"),
            "--kafka", testing::KafkaBootstrap(), "--topic", testing::UniqueName("cli-rf"),
            "--topic-replication", "3"});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);  // the deployment itself is durable
  CHECK(r.err.find("refused to create topic") != std::string::npos);
  CHECK(r.err.find("replication factor 3") != std::string::npos);
}

}  // namespace
}  // namespace jejak::cli
