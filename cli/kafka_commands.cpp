// Kafka in the CLI: --kafka on the commands that write, and
// jejak kafka status --data DIR.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/kafka.h"
#include "events/time.h"

namespace jejak::cli {

void AddKafkaFlags(CLI::App* cmd, KafkaFlags& f) {
  cmd->add_option("--kafka", f.bootstrap,
                  "Also publish the ledger to this Kafka broker (HOST:PORT[,HOST:PORT...])");
  cmd->add_option("--topic", f.topic, "Kafka topic for --kafka")->capture_default_str();
  cmd->add_option("--topic-partitions", f.partitions, "Partitions if the topic must be created")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000));
  cmd->add_option("--topic-replication", f.replication,
                  "Replication factor if the topic must be created")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--kafka-wait", f.wait_seconds,
                  "Seconds to wait for Kafka to take the new entries before exiting")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
}

KafkaRelay::KafkaRelay(const Context& ctx, const KafkaFlags& flags, ledger::Ledger& ledger)
    : ctx_(ctx), flags_(flags) {
  if (flags.bootstrap.empty()) return;
  kafka::RelayOptions o;
  o.data_dir = ctx.data_dir;
  o.bootstrap = flags.bootstrap;
  o.topic = flags.topic;
  o.partitions = flags.partitions;
  o.replication = flags.replication;
  relay_ = kafka::Relay::Start(ledger, std::move(o));
}

KafkaRelay::~KafkaRelay() = default;

void KafkaRelay::Finish() {
  if (!relay_) return;
  auto wait = std::chrono::milliseconds(static_cast<int64_t>(flags_.wait_seconds * 1000));
  bool drained = relay_->Drain(wait);
  kafka::RelayStatus s = relay_->status();
  relay_.reset();  // saves the position
  if (drained) {
    if (!ctx_.json) {
      fmt::print("Kafka: published to {} up to ledger entry {}\n", s.topic,
                 s.published ? s.published - 1 : 0);
    }
    return;
  }
  // The command itself succeeded: its event is durable in the ledger.
  fmt::print(stderr,
             "jejak: warning: Kafka did not take the new entries{}: {} ledger entr{} wait and "
             "will be published by the next command run with --kafka{}\n",
             s.failed ? "" : fmt::format(" within {} s", flags_.wait_seconds), s.lag(),
             s.lag() == 1 ? "y" : "ies",
             s.last_error.empty() ? "" : fmt::format(" (last error: {})", s.last_error));
}

namespace {

int RunStatus(const Context& ctx) {
  ctx.RequireData();
  uint64_t size = ledger::Ledger::OpenReadOnly(ctx.LedgerDir())->size();
  auto positions = kafka::ReadRelayPositions(ctx.data_dir);
  if (ctx.json) {
    nlohmann::json topics = nlohmann::json::array();
    for (const auto& p : positions) {
      topics.push_back({{"topic", p.topic},
                        {"published", p.position},
                        {"lag", size > p.position ? size - p.position : 0},
                        {"bootstrap", p.bootstrap},
                        {"updated", events::FormatRfc3339(p.updated_us)},
                        {"last_error", p.last_error}});
    }
    std::cout << nlohmann::json{{"ledger_size", size}, {"topics", topics}}.dump() << std::endl;
    return kExitOk;
  }
  if (positions.empty()) {
    fmt::print(
        "No relay has published from {} yet ({} ledger entries): run a command with "
        "--kafka HOST:PORT\n",
        ctx.data_dir, size);
    return kExitOk;
  }
  for (const auto& p : positions) {
    uint64_t lag = size > p.position ? size - p.position : 0;
    fmt::print("{}: published {} of {} ledger entries, lag {} (to {}, saved {})\n", p.topic,
               p.position, size, lag, p.bootstrap, events::FormatRfc3339(p.updated_us));
    if (!p.last_error.empty()) fmt::print("  last error: {}\n", p.last_error);
  }
  return kExitOk;
}

}  // namespace

void AddKafkaCommands(CLI::App& app, Context& ctx) {
  auto* kafka = app.add_subcommand("kafka", "Publishing the ledger to Kafka");
  kafka->require_subcommand(1);
  auto* status = kafka->add_subcommand(
      "status",
      "How far each topic's relay has published the ledger (its lag), from the position it\n"
      "saved in DATA/relay; works beside a running writer");
  AddCommonFlags(status, ctx);
  status->callback([&ctx] { ctx.run = [&ctx] { return RunStatus(ctx); }; });
}

}  // namespace jejak::cli
