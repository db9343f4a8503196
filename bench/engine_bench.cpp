// Engine rows: commands per second end to end through engine::Engine (decide,
// append durably, answer) from 8 client threads taking requests of the
// oss-izin-usaha example workflow from submission to issued licence, beside
// the raw ledger appending the same events from the same number of clients.
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "privacy/kek.h"
#include "bench/bench.h"
#include "engine/engine.h"
#include "ledger/ledger.h"
#include "workflow/workflow.h"

#ifndef JEJAK_SOURCE_DIR
#define JEJAK_SOURCE_DIR "."
#endif

namespace jejak::bench {
namespace {

constexpr size_t kClients = 8;
constexpr size_t kStepsPerRequest = 5;  // submit and four actions

std::string WorkflowPath() {
  const char* dir = std::getenv("JEJAK_SOURCE_DIR");
  return std::string(dir ? dir : JEJAK_SOURCE_DIR) + "/examples/workflows/oss-izin-usaha.yaml";
}

const events::Actor kAdmin{"admin-01", "admin", "DPMPTSP Kota Bandung"};

// Four officers per client, so that four-eyes holds at approval.
events::Actor Officer(size_t client, const char* role) {
  return {fmt::format("NIP-{}-{}", role, client), role, "DPMPTSP Kota Bandung"};
}

// The command for step of a request on the happy path: submitted, documents
// checked, technical review passed, approved by the head, licence issued.
struct Step {
  std::optional<engine::SubmitCommand> submit;
  std::optional<engine::ActCommand> act;
};

Step MakeStep(size_t client, uint64_t n, size_t step, const std::string& request_id) {
  Step s;
  if (step == 0) {
    engine::SubmitCommand c;
    c.workflow = "oss-izin-usaha";
    c.applicant = fmt::format("3273{:012}", client * 1'000'000'000 + n);
    c.fields = {{"nik", c.applicant},
                {"nama_pemohon", "Siti Rahmawati"},
                {"nama_usaha", fmt::format("Warung Kopi Sejahtera {}", n)},
                {"kbli", "56303"},
                {"skala_usaha", "mikro"},
                {"tingkat_risiko", "rendah"},
                {"nilai_investasi", "150000000"},
                {"jumlah_tenaga_kerja", "4"},
                {"tempat_milik_sendiri", "false"},
                {"lokasi_usaha", "Jl. Braga No. 12, Sumur Bandung, Kota Bandung"}};
    c.idempotency_key = fmt::format("submit-{}-{}", client, n);
    s.submit = std::move(c);
    return s;
  }
  engine::ActCommand c;
  c.request_id = request_id;
  switch (step) {
    case 1:
      c.action = "periksa_dokumen";
      c.actor = Officer(client, "verifikator");
      break;
    case 2:
      c.action = "kajian_teknis";
      c.actor = Officer(client, "tim_teknis");
      c.fields = {{"catatan_teknis", "Lokasi sesuai RDTR, sarana sanitasi memenuhi syarat."}};
      break;
    case 3:
      c.action = "setujui";
      c.actor = Officer(client, "kepala_dinas");
      break;
    default:
      c.action = "terbitkan";
      c.actor = Officer(client, "admin_perizinan");
      c.fields = {{"nomor_izin", fmt::format("{:013}-OSS-{}", 1'260'000'000'000 + n, client)},
                  {"tanggal_terbit", "2026-12-01"}};
  }
  s.act = std::move(c);
  return s;
}

struct Latencies {
  std::mutex mu;
  std::vector<double> jejak, baseline;  // microseconds, the last run of each side
};

Latencies& LatencyStore(size_t window) {
  static std::map<size_t, Latencies> store;
  return store[window];
}

void Keep(size_t window, bool jejak, std::vector<std::vector<double>>& per_client) {
  std::vector<double> all;
  for (auto& v : per_client) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  Latencies& l = LatencyStore(window);
  std::lock_guard lock(l.mu);
  (jejak ? l.jejak : l.baseline) = std::move(all);
}

std::string Percentiles(const std::vector<double>& sorted) {
  if (sorted.empty()) return "-";
  auto at = [&](double q) {
    return sorted[std::min(sorted.size() - 1, size_t(q * sorted.size()))];
  };
  return fmt::format("p50 {:.0f} µs, p99 {:.0f} µs", at(0.50), at(0.99));
}

uint64_t Commands(const Context& ctx, size_t window) {
  uint64_t n = ctx.params.Get(window == 1 ? "engine_commands_w1" : "engine_commands");
  uint64_t per = kClients * kStepsPerRequest * window;
  if (n < per) throw std::invalid_argument(fmt::format("the engine rows need >= {} commands", per));
  return n / per * per;  // whole requests, the same number per client and slot
}

// The encoded events of the last engine run (the deployment left out), for
// the baseline to append.
std::vector<std::string>& EngineEvents() {
  static std::vector<std::string> events;
  return events;
}

// One client: window requests in flight, each moving through its steps; the
// oldest command in flight is awaited first, as the writer answers in order.
void Client(engine::Engine& engine, size_t client, uint64_t requests, size_t window,
            std::vector<double>* latencies) {
  struct InFlight {
    size_t slot;
    std::future<engine::Accepted> result;
    double sent;
  };
  std::vector<std::string> request_id(window);
  std::vector<size_t> step(window, 0);
  std::vector<uint64_t> number(window);
  uint64_t started = 0;
  std::deque<InFlight> in_flight;
  auto send = [&](size_t slot) {
    Step s = MakeStep(client, number[slot], step[slot], request_id[slot]);
    double t = Now();
    in_flight.push_back(
        {slot,
         s.submit ? engine.SubmitAsync(std::move(*s.submit)) : engine.ActAsync(std::move(*s.act)),
         t});
  };
  for (size_t slot = 0; slot < window; ++slot) {
    number[slot] = started++;
    send(slot);
  }
  latencies->reserve(requests * kStepsPerRequest);
  while (!in_flight.empty()) {
    InFlight f = std::move(in_flight.front());
    in_flight.pop_front();
    engine::Accepted a = f.result.get();  // throws if refused: the bench is wrong
    latencies->push_back((Now() - f.sent) * 1e6);
    size_t slot = f.slot;
    if (step[slot] == 0) request_id[slot] = a.event.request_id;
    if (++step[slot] == kStepsPerRequest) {
      if (started == requests) continue;
      step[slot] = 0;
      number[slot] = started++;
    }
    send(slot);
  }
}

double EngineCommands(const Context& ctx, size_t window) {
  uint64_t commands = Commands(ctx, window);
  uint64_t requests = commands / kStepsPerRequest / kClients;
  static const auto workflow = workflow::LoadWorkflowFile(WorkflowPath());
  ScratchDir dir(ctx, "engine");
  engine::EngineOptions o;
  o.data_dir = dir.path();
  o.kek = privacy::KeyEncryptionKey::FromBytes(std::string(32, 'B'));
  o.sla_interval = std::chrono::milliseconds(0);
  auto engine = engine::Engine::Open(o);
  engine->Deploy(workflow, kAdmin);
  uint64_t before = engine->ledger().size();

  std::vector<std::vector<double>> latencies(kClients);
  std::vector<std::thread> clients;
  std::vector<std::exception_ptr> errors(kClients);
  double start = Now();
  for (size_t c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      try {
        Client(*engine, c, requests, window, &latencies[c]);
      } catch (...) {
        errors[c] = std::current_exception();
      }
    });
  }
  for (auto& t : clients) t.join();
  double elapsed = Now() - start;
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  if (engine->ledger().size() - before != commands) {
    throw std::logic_error("the engine appended another number of events than commands");
  }
  Keep(window, true, latencies);
  auto& events = EngineEvents();
  events.clear();
  engine->ledger().Scan(before, engine->ledger().size(), [&](const ledger::Entry& e) {
    events.push_back(e.bytes);
    return true;
  });
  return commands / elapsed;
}

// The same events through Ledger::AppendBatch from the same number of
// clients, each with window entries per call (Append when window is 1).
double LedgerAppends(const Context& ctx, size_t window) {
  uint64_t commands = Commands(ctx, window);
  if (EngineEvents().size() != commands) EngineCommands(ctx, window);
  const auto& events = EngineEvents();
  ScratchDir dir(ctx, "engine-baseline");
  auto ledger = ledger::Ledger::Open(dir.path() + "/ledger");
  // Client c appends events c, c + 8, c + 16, ...: ledger order is not the
  // engine's, which the ledger does not care about.
  std::vector<std::vector<std::vector<std::string>>> calls(kClients);
  for (size_t c = 0; c < kClients; ++c) {
    for (uint64_t i = c; i < commands; i += kClients * window) {
      std::vector<std::string> batch;
      for (uint64_t k = i; k < std::min(commands, i + kClients * window); k += kClients) {
        batch.push_back(events[k]);
      }
      calls[c].push_back(std::move(batch));
    }
  }
  std::vector<std::vector<double>> latencies(kClients);
  std::vector<std::thread> clients;
  double start = Now();
  for (size_t c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (auto& batch : calls[c]) {
        size_t n = batch.size();
        double t = Now();
        if (n == 1) {
          ledger->Append(std::move(batch.front()));
        } else {
          ledger->AppendBatch(std::move(batch));
        }
        latencies[c].insert(latencies[c].end(), n, (Now() - t) * 1e6);
      }
    });
  }
  for (auto& t : clients) t.join();
  double elapsed = Now() - start;
  if (ledger->size() != commands) throw std::logic_error("the ledger lost appends");
  Keep(window, false, latencies);
  return commands / elapsed;
}

RowSpec EngineRow(size_t window) {
  std::string param = window == 1 ? "engine_commands_w1" : "engine_commands";
  return RowSpec{
      .name = fmt::format("engine.commands.w{}", window),
      .description = fmt::format(
          "Engine Submit/Act from {} clients with {} command(s) each in flight: decide, append "
          "durably, answer",
          kClients, window),
      .unit = "commands/s",
      .baseline_name = window == 1 ? "Ledger::Append of the same events, 8 clients"
                                   : fmt::format("Ledger::AppendBatch of the same events, 8 "
                                                 "clients x {} per call",
                                                 window),
      .min_ratio = 0,
      .min_rate = window == 1 ? 0.0 : 50e3,
      .params = {{param, window == 1 ? 40'000u : 200'000u,
                  fmt::format("commands per run of the w{} row (whole requests of 5)", window)}},
      .sizes =
          [window](const Context& ctx) {
            return fmt::format(
                "{} commands (oss-izin-usaha, submit to licence), {} clients x {} "
                "in flight",
                Commands(ctx, window), kClients, window);
          },
      .jejak = [window](const Context& ctx) { return EngineCommands(ctx, window); },
      .baseline = [window](const Context& ctx) { return LedgerAppends(ctx, window); },
      .notes =
          [window](const Context&) {
            Latencies& l = LatencyStore(window);
            std::lock_guard lock(l.mu);
            return fmt::format("latency, last run: jejak {}; baseline {}", Percentiles(l.jejak),
                               Percentiles(l.baseline));
          },
  };
}

JEJAK_BENCH_ROW(EngineRow(64));
JEJAK_BENCH_ROW(EngineRow(1));

}  // namespace
}  // namespace jejak::bench
