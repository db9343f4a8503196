// --kafka for the commands that write: with it, an outbox relay
// (kafka/relay.h) publishes the ledger to Kafka beside the engine.
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/command.h"
#include "kafka/relay.h"
#include "ledger/ledger.h"

namespace jejak::cli {

struct KafkaFlags {
  std::string bootstrap;  // --kafka HOST:PORT; empty: no Kafka
  std::string topic = "jejak.events";
  int partitions = 3;
  int replication = 1;
  double wait_seconds = 10;  // how long a one-shot command waits for delivery
};

// Adds --kafka, --topic, --topic-partitions, --topic-replication, --kafka-wait.
void AddKafkaFlags(CLI::App* cmd, KafkaFlags& flags);

// Runs the relay over ledger while it lives, if --kafka was given; does
// nothing otherwise. Declare it after the engine, so that it stops first.
class KafkaRelay {
 public:
  KafkaRelay(const Context& ctx, const KafkaFlags& flags, ledger::Ledger& ledger);
  ~KafkaRelay();

  // Waits up to --kafka-wait for everything to be published, says how it
  // went (a backlog is published by a later run), and stops the relay.
  // Call it before closing the engine.
  void Finish();

 private:
  const Context& ctx_;
  KafkaFlags flags_;
  std::unique_ptr<kafka::Relay> relay_;
};

}  // namespace jejak::cli
