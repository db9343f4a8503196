// jejak project: projections fed from Kafka instead of a local ledger, for a
// machine that has no ledger. DATA holds only DATA/projections; jejak status
// and jejak report read it there. The ordering, deduplication, chain checks
// and offset commits are kafka::OrderedConsumer's; this file runs the loop
// and reports progress.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "base/error.h"
#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/signals.h"
#include "kafka/ordered_consumer.h"
#include "projections/projector.h"

namespace jejak::cli {
namespace {

using base::Error;
using base::ErrorCode;
using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct ProjectOptions {
  std::string bootstrap, group, topic = "jejak.events";
  uint64_t until = UINT64_MAX;  // stop once next_seq reaches it
  double idle_seconds = 0;      // 0: run until a signal
  size_t max_buffer = 100'000;
  double progress_seconds = 5;
};

// One line of progress (or, with --json, one JSON object per line).
void Report(const Context& ctx, const char* state, uint64_t next, uint64_t applied,
            const kafka::OrderedConsumerStats& s) {
  if (ctx.json) {
    std::cout << json({{"state", state},
                       {"next_seq", next},
                       {"applied", applied},
                       {"records", s.records},
                       {"duplicates", s.duplicates},
                       {"invalid", s.invalid},
                       {"buffered", s.buffered},
                       {"kafka_lag", s.kafka_lag},
                       {"partitions", s.partitions_assigned}})
                     .dump()
              << std::endl;
    return;
  }
  std::string where =
      next == 0 ? "no entry applied yet" : fmt::format("applied up to ledger entry {}", next - 1);
  std::string lag = s.kafka_lag < 0 ? "unknown" : std::to_string(s.kafka_lag);
  fmt::print("{}{}: {} this run, {} duplicate{} dropped, Kafka lag {}{}\n",
             std::string_view(state) == "stopped" ? "Stopped, " : "", where, applied, s.duplicates,
             s.duplicates == 1 ? "" : "s", lag,
             s.waiting() ? fmt::format("; waiting for ledger sequence {} ({} later events "
                                       "buffered)",
                                       next, s.buffered)
                         : "");
  std::fflush(stdout);
}

int RunProject(const Context& ctx, const ProjectOptions& o) {
  ctx.RequireData();
  if (fs::exists(ctx.LedgerDir())) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("{} holds a ledger: its projections are built from that ledger "
                            "(jejak status and report catch up by themselves). Give jejak "
                            "project a directory of its own",
                            ctx.data_dir));
  }
  fs::create_directories(ctx.data_dir);
  projections::Projector projector(projections::Store::Open(ctx.ProjectionsDir()));
  kafka::OrderedConsumerOptions co;
  co.bootstrap = o.bootstrap;
  co.group = o.group;
  co.topic = o.topic;
  co.max_buffered = o.max_buffer;
  kafka::OrderedConsumer consumer(co, projector.next_seq());
  const std::atomic<bool>& stop = StopRequested();
  if (!ctx.json) {
    fmt::print("Projecting {} from Kafka {} (group {}) into {}, from ledger entry {}\n", o.topic,
               o.bootstrap, o.group, ctx.ProjectionsDir(), projector.next_seq());
    std::fflush(stdout);
  }
  auto progress_every = std::chrono::duration<double>(o.progress_seconds);
  auto idle_after = std::chrono::duration<double>(o.idle_seconds);
  auto began = Clock::now(), last_new = began, last_report = began;
  uint64_t applied = 0, reported_next = projector.next_seq(), reported_records = 0;
  auto done = [&] { return consumer.next_seq() >= o.until; };
  while (!stop.load() && !done()) {
    uint64_t records = consumer.stats().records;
    applied += consumer.Poll(std::chrono::milliseconds(200),
                             [&](const auto& batch) { projector.Apply(batch); });
    auto now = Clock::now();
    kafka::OrderedConsumerStats s = consumer.stats();
    // Idle time counts from the assignment on: joining the group takes a while.
    if (s.records != records || !consumer.started()) last_new = now;
    if (now - last_report >= progress_every &&
        (consumer.next_seq() != reported_next || s.records != reported_records)) {
      Report(ctx, "running", consumer.next_seq(), applied, s);
      last_report = now;
      reported_next = consumer.next_seq();
      reported_records = s.records;
    } else if (!consumer.started() && !consumer.last_error().empty() && !ctx.json &&
               now - last_report >= std::max(progress_every, std::chrono::duration<double>(5))) {
      fmt::print(stderr, "jejak: waiting for Kafka at {}: {}\n", o.bootstrap,
                 consumer.last_error());
      last_report = now;
    }
    if (o.idle_seconds > 0 && !consumer.started() &&
        now - began >= std::max(idle_after, std::chrono::duration<double>(30))) {
      throw Error(ErrorCode::kUnavailable,
                  fmt::format("kafka: no partition of {} was assigned to group {} at {}{}", o.topic,
                              o.group, o.bootstrap,
                              consumer.last_error().empty() ? "" : ": " + consumer.last_error()));
    }
    if (o.idle_seconds > 0 && now - last_new >= idle_after) {
      // Nothing more is coming: events held for a missing one are a gap.
      if (s.waiting()) throw consumer.GapError();
      break;
    }
  }
  Report(ctx, "stopped", consumer.next_seq(), applied, consumer.stats());
  return kExitOk;
}

}  // namespace

void AddProjectCommand(CLI::App& app, Context& ctx) {
  static ProjectOptions o;
  auto* cmd = app.add_subcommand(
      "project",
      "Run the projections from Kafka, on a machine without the ledger: consume the topic the\n"
      "relay publishes, in ledger order, into DATA/projections, which jejak status and jejak\n"
      "report then read. Drops duplicates by ledger sequence, checks each request's chain\n"
      "order, and commits Kafka offsets only after the projections' write. A --group belongs\n"
      "to one projection instance: it must read every partition. Runs until SIGINT/SIGTERM\n"
      "(or --until, --exit-when-idle). Exit 8 when the stream misses an event (a gap): the\n"
      "view stays before it; run again once the relay has published it.");
  cmd->add_option("--kafka", o.bootstrap, "Kafka broker(s), HOST:PORT[,HOST:PORT...]")->required();
  cmd->add_option("--group", o.group,
                  "Consumer group; its committed offsets are this projection's position")
      ->required();
  cmd->add_option("--topic", o.topic, "Topic the relay publishes to")->capture_default_str();
  cmd->add_option("--until", o.until,
                  "Stop once every ledger entry below SEQ is applied (e.g. the ledger's size)");
  cmd->add_option("--exit-when-idle", o.idle_seconds,
                  "Stop when no record arrived for this many seconds; exit 8 if events then "
                  "wait for a missing one")
      ->check(CLI::Range(0.0, 86'400.0));
  cmd->add_option("--max-buffer", o.max_buffer,
                  "Events held while an earlier one is missing, before giving up with exit 8")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{100'000'000}));
  cmd->add_option("--progress-interval", o.progress_seconds, "Seconds between progress lines")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 3600.0));
  AddCommonFlags(cmd, ctx);
  cmd->callback([&ctx] { ctx.run = [&ctx] { return RunProject(ctx, o); }; });
}

}  // namespace jejak::cli
