// Projection rows: rebuilding every view from the ledger, beside merely
// reading (and decoding) the same ledger; and query latency on the views.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <random>

#include "bench/bench.h"
#include "bench/table.h"
#include "engine/engine.h"
#include "events/encoding.h"
#include "events/error.h"
#include "events/time.h"
#include "projections/projector.h"
#include "projections/reports.h"
#include "projections/status.h"

namespace jejak::bench {
namespace {

constexpr char kWorkflow[] = R"(workflow: izin-bench
version: 1
agency: DPMPTSP Kota Bench
title: Izin Bench
fields:
  nama: {title: Nama, type: string, required: true}
states:
  diajukan: {title: Diajukan, initial: true, sla: 2wd}
  diverifikasi: {title: Diverifikasi, sla: 3wd}
  disetujui: {title: Disetujui, sla: 1wd}
  terbit: {title: Terbit, terminal: true}
  ditolak: {title: Ditolak, terminal: true}
actions:
  verifikasi: {title: Verifikasi, from: diajukan, to: diverifikasi, roles: [verifikator]}
  kembalikan: {title: Kembalikan, from: diverifikasi, to: diajukan, roles: [kadis], reason: required}
  setujui: {title: Setujui, from: diverifikasi, to: disetujui, roles: [kadis], four_eyes: [verifikasi]}
  terbitkan: {title: Terbitkan, from: disetujui, to: terbit, roles: [admin]}
  tolak: {title: Tolak, from: [diajukan, diverifikasi], to: ditolak, roles: [verifikator, kadis], reason: required}
)";

// A ledger of about `events` events, made once per size and reused: requests
// submitted and moved through the workflow by 40 officers, in simulated
// time (a minute a step), with many commands in flight.
struct Fixture {
  std::unique_ptr<ScratchDir> dir;
  uint64_t entries = 0;
  std::vector<std::string> requests;
};

const Fixture& MadeLedger(const Context& ctx) {
  static std::map<uint64_t, Fixture> made;
  uint64_t target = ctx.params.Get("events");
  Fixture& f = made[target];
  if (f.dir) return f;
  f.dir = std::make_unique<ScratchDir>(ctx, "projections");
  std::atomic<int64_t> now{events::ParseRfc3339("2026-11-30T08:00:00+07:00")};
  engine::EngineOptions o;
  o.data_dir = f.dir->path();
  o.clock = [&] { return now.load(); };
  o.sla_interval = std::chrono::milliseconds(0);
  auto eng = engine::Engine::Open(o);
  eng->Deploy(engine::ParseWorkflow(kWorkflow, "bench.yaml"), {"admin", "admin", ""});
  std::mt19937_64 rng(1);
  auto officer = [&](const char* role, int n) {
    return events::Actor{fmt::format("NIP-{}-{:02}", role, rng() % n), role, "DPMPTSP"};
  };
  const char* steps[][2] = {{"verifikasi", "verifikator"}, {"setujui", "kadis"}, {"terbitkan", "admin"}};
  constexpr int kWave = 2000;  // requests moved together, one step a wave
  while (eng->ledger().size() < target) {
    std::vector<std::future<engine::Accepted>> subs;
    for (int i = 0; i < kWave; ++i) {
      subs.push_back(eng->SubmitAsync({"izin-bench", fmt::format("C{}", rng() % 1'000'000),
                                       {{"nama", "Pemohon"}}, ""}));
    }
    std::vector<std::string> wave;
    for (auto& s : subs) wave.push_back(s.get().event.request_id);
    for (const auto& step : steps) {
      now += 60'000'000;
      std::vector<std::future<engine::Accepted>> acts;
      for (const auto& id : wave) {
        engine::ActCommand c;
        c.request_id = id;
        c.action = step[0];
        c.actor = officer(step[1], step[1] == std::string("verifikator") ? 20 : 10);
        acts.push_back(eng->ActAsync(c));
      }
      for (auto& a : acts) {
        try {
          a.get();
        } catch (const events::Error&) {
        }
      }
    }
    f.requests.insert(f.requests.end(), wave.begin(), wave.end());
    now += 3'600'000'000;
  }
  f.entries = eng->ledger().size();
  return f;
}

std::vector<events::Event> Read(ledger::Ledger& l, uint64_t from, size_t max) {
  std::vector<events::Event> out;
  l.Scan(from, from + max, [&](const ledger::Entry& e) {
    out.push_back(events::Decode(e.bytes));
    out.back().seq = e.seq;
    return true;
  });
  return out;
}

double Rebuild(const Context& ctx) {
  const Fixture& f = MadeLedger(ctx);
  auto ledger = ledger::Ledger::OpenReadOnly(f.dir->path() + "/ledger");
  ScratchDir out(ctx, "rebuild");
  double start = Now();
  projections::Projector p(projections::Store::Open(out.path()));
  p.CatchUp([&](uint64_t from, size_t max) { return Read(*ledger, from, max); });
  return f.entries / (Now() - start);
}

double ReadOnly(const Context& ctx) {
  const Fixture& f = MadeLedger(ctx);
  auto ledger = ledger::Ledger::OpenReadOnly(f.dir->path() + "/ledger");
  double start = Now();
  uint64_t n = 0;
  for (uint64_t from = 0; from < f.entries; from += 4096) n += Read(*ledger, from, 4096).size();
  return n / (Now() - start);
}

std::mutex latency_mu;
std::vector<double> status_ms, report_ms;

// Queries per second on built views; keeps latencies for the notes.
double Queries(const Context& ctx) {
  const Fixture& f = MadeLedger(ctx);
  auto ledger = ledger::Ledger::OpenReadOnly(f.dir->path() + "/ledger");
  ScratchDir out(ctx, "queries");
  {
    projections::Projector p(projections::Store::Open(out.path()));
    p.CatchUp([&](uint64_t from, size_t max) { return Read(*ledger, from, max); });
  }
  auto store = projections::Store::OpenReadOnly(out.path());
  std::mt19937_64 rng(2);
  uint64_t n = ctx.params.Get("queries");
  double start = Now();
  std::vector<double> s_ms, r_ms;
  for (uint64_t i = 0; i < n; ++i) {
    double t0 = Now();
    projections::RequestStatus(*store, f.requests[rng() % f.requests.size()], 0);
    s_ms.push_back((Now() - t0) * 1e3);
  }
  double rate = n / (Now() - start);
  projections::ReportOptions ro;
  for (int i = 0; i < 20; ++i) {
    double t0 = Now();
    if (i % 3 == 0) projections::OfficerReport(*store, ro);
    if (i % 3 == 1) projections::AgencyReport(*store, ro);
    if (i % 3 == 2) projections::AnomalyReport(*store, ro);
    r_ms.push_back((Now() - t0) * 1e3);
  }
  std::lock_guard lock(latency_mu);
  status_ms.insert(status_ms.end(), s_ms.begin(), s_ms.end());
  report_ms.insert(report_ms.end(), r_ms.begin(), r_ms.end());
  return rate;
}

std::string Percentiles(std::vector<double> v) {
  if (v.empty()) return "-";
  std::sort(v.begin(), v.end());
  auto at = [&](double p) { return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))]; };
  return fmt::format("p50 {:.2f} ms, p99 {:.2f} ms", at(0.5), at(0.99));
}

JEJAK_BENCH_ROW(RowSpec{
    .name = "projections.rebuild",
    .description = "Projector rebuilding every view from the ledger (read, decode, apply, commit)",
    .unit = "events/s",
    .baseline_name = "reading and decoding the same ledger",
    .min_ratio = 0.5,
    .params = {{"events", 200'000, "ledger entries to project (made once, through the engine)"}},
    .sizes = [](const Context& ctx) {
      return fmt::format("about {} events: submit, verify, approve, issue", ctx.params.Get("events"));
    },
    .jejak = Rebuild,
    .baseline = ReadOnly,
    .notes = {},
});

JEJAK_BENCH_ROW(RowSpec{
    .name = "projections.query",
    .description = "RequestStatus on random requests; notes give status and report latency",
    .unit = "queries/s",
    .baseline_name = "",
    .params = {{"events", 200'000, "ledger entries to project (made once, through the engine)"},
               {"queries", 20'000, "status queries per run"}},
    .sizes = [](const Context& ctx) {
      return fmt::format("{} status queries on about {} events", ctx.params.Get("queries"),
                         ctx.params.Get("events"));
    },
    .jejak = Queries,
    .baseline = {},
    .notes = [](const Context&) {
      std::lock_guard lock(latency_mu);
      return fmt::format("status {}; reports {} (goal: p99 < 50 ms at 1M events)",
                         Percentiles(status_ms), Percentiles(report_ms));
    },
});

}  // namespace
}  // namespace jejak::bench
