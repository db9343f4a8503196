// jejak demo: simulates working days at a one-stop service office on the
// bundled example workflows, through the real engine and ledger, then
// verifies the ledger. This is the README's main job.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/kafka.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "demo/examples.h"
#include "demo/simulation.h"
#include "engine/engine.h"
#include "events/encoding.h"
#include "events/time.h"
#include "ledger/verify.h"
#include "projections/reports.h"

namespace jejak::cli {
namespace {

constexpr int64_t kDayUs = 86'400'000'000;
constexpr int64_t kWib = 7 * 3'600'000'000LL;  // the demo's agencies are in WIB

struct DemoOptions {
  int days = 20;
  int requests = 300;
  uint64_t seed = 1;
  KafkaFlags kafka;
};

// Midnight (WIB) of the day after the ledger's last event, or of today.
int64_t FirstDay(ledger::Ledger& ledger, int utc_offset_minutes) {
  int64_t t = events::NowMicros() - kDayUs;
  if (ledger.size() > 0) {
    t = std::max<int64_t>(0, events::Decode(ledger.Get(ledger.size() - 1)->bytes).time_us);
  }
  int64_t offset = utc_offset_minutes * 60'000'000LL;
  return ((t + offset) / kDayUs + 1) * kDayUs - offset;
}

std::string Day(int64_t t) { return events::FormatRfc3339(t + kWib).substr(0, 10); }

// The demo's key-encryption key: --kek, else DATA.kek beside the data
// directory (never inside it), made on first use.
std::string DemoKek(const Context& ctx) {
  if (std::string given = ctx.KekPath(); !given.empty()) return given;
  std::string path = std::filesystem::path(ctx.data_dir).lexically_normal().string();
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  path += ".kek";
  if (!std::filesystem::exists(path)) privacy::KeyEncryptionKey::Generate(path);
  return path;
}

int RunDemo(const Context& given, const DemoOptions& o) {
  given.RequireData();
  Context ctx = given;
  ctx.kek = DemoKek(given);
  std::atomic<int64_t> clock{events::NowMicros()};
  engine::EngineOptions eo;
  eo.data_dir = ctx.data_dir;
  eo.kek = ctx.Kek();
  eo.clock = [&clock] { return clock.load(); };
  eo.sla_interval = std::chrono::milliseconds(0);
  auto engine = engine::Engine::Open(std::move(eo));
  KafkaRelay kafka(ctx, o.kafka, engine->ledger());

  events::Actor admin{"admin-dpmptsp", "admin", "DPMPTSP Kota Bandung"};
  int utc_offset = 7 * 60;
  for (const auto& ex : demo::ExampleWorkflows()) {
    auto wf = workflow::ParseWorkflow(ex.yaml, ex.file);
    engine->Deploy(wf, admin);
    utc_offset = wf->calendar.utc_offset_minutes;
  }
  demo::SimulationOptions so;
  so.days = o.days;
  so.requests_per_day = o.requests;
  so.seed = o.seed;
  so.start_us = FirstDay(engine->ledger(), utc_offset);
  uint64_t entries_before = engine->ledger().size();

  if (!ctx.json) {
    fmt::print("Simulating {} working day(s) with about {} requests a day...\n", o.days,
               o.requests);
  }
  auto started = std::chrono::steady_clock::now();
  demo::SimulationReport r;
  {
    ProgressBar bar("simulating");
    r = demo::RunSimulation(
        *engine, clock, so, [&](uint64_t d, uint64_t t) { bar.Update(d, t); }, StopRequested());
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  uint64_t written = engine->ledger().size() - entries_before;
  kafka.Finish();
  engine.reset();  // closes the ledger cleanly before verifying it

  ledger::VerifyReport v;
  {
    ProgressBar bar("verifying");
    v = ledger::VerifyLedger(ctx.LedgerDir(), [&](uint64_t d, uint64_t t) { bar.Update(d, t); });
  }
  // What auditors would see of the simulated days: the anomalies by type.
  std::map<std::string, uint64_t> anomalies;
  {
    projections::ReportOptions ro;
    ro.from_day = (r.first_day_us + kWib) / kDayUs;
    ro.to_day = (r.last_day_us + kWib) / kDayUs;
    for (const auto& a : projections::AnomalyReport(*UpToDate(ctx), ro)) {
      ++anomalies[a["type"].get<std::string>()];
    }
  }
  uint64_t refused = 0;
  for (const auto& [reason, n] : r.refusals) refused += n;
  if (ctx.json) {
    nlohmann::json j = {
        {"days", o.days},
        {"first_day", Day(r.first_day_us)},
        {"submitted", r.submitted},
        {"actions", r.actions},
        {"refusals", r.refusals},
        {"sla_breaches", r.sla_breaches},
        {"sla_reminders", r.reminders},
        {"escalations", r.escalations},
        {"automatic_actions", r.automatic_actions},
        {"automatic_refused", r.automatic_refused},
        {"absences", r.absences},
        {"anomalies", anomalies},
        {"completed", r.closed},
        {"rejected", r.rejected},
        {"withdrawn", r.withdrawn},
        {"open", r.open_states},
        {"entries_written", written},
        {"seconds", seconds},
        {"interrupted", r.interrupted},
        {"example", {{"request_id", r.example_request}, {"tracking_code", r.example_code}}},
        {"verify", {{"ok", v.ok}, {"entries", v.entries}, {"head", ledger::HashToHex(v.head)}}}};
    std::cout << j.dump() << std::endl;
  } else {
    fmt::print("{}\n", r.interrupted ? "Interrupted: stopped cleanly after the last whole minute."
                                     : "Done.");
    fmt::print("  days        {} to {} (WIB)\n", Day(r.first_day_us), Day(r.last_day_us));
    fmt::print("  officers    {}; {} times all of a role were away for days (field work, travel)\n",
               r.officers, r.absences);
    fmt::print("  requests    {} submitted\n", r.submitted);
    fmt::print("  actions     {} accepted, {} refused\n", r.actions, refused);
    for (const auto& [reason, n] : r.refusals) {
      fmt::print("                {:>6}  {}, e.g. {}\n", n, reason, r.examples[reason]);
    }
    fmt::print("  outcomes    {} completed, {} rejected, {} withdrawn\n", r.closed, r.rejected,
               r.withdrawn);
    fmt::print("  SLA         {} deadlines breached, {} reminders before them, {} escalations\n",
               r.sla_breaches, r.reminders, r.escalations);
    uint64_t automatic = 0;
    for (const auto& [what, n] : r.automatic_actions) automatic += n;
    fmt::print("  automatic   {} actions taken on deadlines, {} refused by their guards\n",
               automatic, r.automatic_refused);
    for (const auto& [what, n] : r.automatic_actions)
      fmt::print("                {:>6}  {}\n", n, what);
    fmt::print("  anomalies   for auditors (jejak report anomalies):\n");
    for (const auto& [type, n] : anomalies) fmt::print("                {:>6}  {}\n", n, type);
    fmt::print("  waiting     {} requests still open:\n", [&] {
      uint64_t n = 0;
      for (const auto& [s, c] : r.open_states) n += c;
      return n;
    }());
    for (const auto& [state, n] : r.open_states)
      fmt::print("                {:>6}  {}\n", n, state);
    if (!r.example_request.empty()) {
      fmt::print("  try         request {} with tracking code {}:\n", r.example_request,
                 r.example_code);
      fmt::print("                jejak status {} --data {} --code {}\n", r.example_request,
                 ctx.data_dir, r.example_code);
      fmt::print("                /track?id={}&code={} on 'jejak serve'\n", r.example_request,
                 r.example_code);
    }
    fmt::print("  ledger      {} entries written in {:.1f} s ({:.0f} entries/s)\n", written,
               seconds, seconds > 0 ? written / seconds : 0);
    if (v.ok) {
      fmt::print("Ledger verification: OK {} entries, head {}\n", v.entries,
                 ledger::HashToHex(v.head));
    } else {
      fmt::print("Ledger verification FAILED at entry {}: {}\n",
                 v.bad_seq ? std::to_string(*v.bad_seq) : "?", v.problem);
    }
  }
  return v.ok ? kExitOk : kExitCheckFailed;
}

}  // namespace

void AddDemoCommand(CLI::App& app, Context& ctx) {
  static DemoOptions o;
  auto* demo = app.add_subcommand(
      "demo",
      "Simulate working days of a one-stop service office (OSS licences, LAPOR! complaints,\n"
      "PBG building approvals) through the real engine, then verify the ledger.\n"
      "Run it again on the same --data to simulate the following days.");
  demo->add_option("--days", o.days, "Working days to simulate")->check(CLI::Range(1, 60));
  demo->add_option("--requests", o.requests, "Requests submitted per day")
      ->check(CLI::Range(1, 1'000'000));
  demo->add_option("--seed", o.seed, "Random seed: the same seed makes the same decisions");
  AddKafkaFlags(demo, o.kafka);
  AddCommonFlags(demo, ctx);
  AddKekOption(demo, ctx);
  demo->callback([&ctx] { ctx.run = [&ctx] { return RunDemo(ctx, o); }; });
}

}  // namespace jejak::cli
