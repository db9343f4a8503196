// Projection rows: rebuilding every view from the ledger, beside merely
// reading (and decoding) the same ledger; and query latency on the views.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <map>
#include <mutex>
#include <random>

#include "privacy/kek.h"
#include "base/error.h"
#include "bench/bench.h"
#include "bench/table.h"
#include "engine/engine.h"
#include "events/encoding.h"
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

// A ledger of about `events` events, made once per size and reused: office
// days at an agency, a year of them at a million events. Each working day
// 1000 citizens submit between 08:00 and 11:00; 20 verifiers check the
// requests between 11:00 and 13:30, nearly first come first served, and
// reject one in twenty; 10 heads approve until 14:45 and send one in fifty
// back (verified again the next day); 10 clerks issue the licences until
// about 16:00. The clock advances with every command, so events have their
// own times and officers work at a human pace (no bursts, no after-hours).
struct Fixture {
  std::unique_ptr<ScratchDir> dir;
  uint64_t entries = 0;
  std::vector<std::string> requests;
  int64_t first_day = 0, last_day = 0;  // local days the ledger spans
};

constexpr int64_t kMinuteUs = 60'000'000, kDayUs = 86'400'000'000;

const Fixture& MadeLedger(const Context& ctx) {
  static std::map<uint64_t, Fixture> made;
  uint64_t target = ctx.params.Get("events");
  Fixture& f = made[target];
  if (f.dir) return f;
  f.dir = std::make_unique<ScratchDir>(ctx, "projections");
  int64_t day = events::ParseRfc3339("2026-01-05T08:00:00+07:00");  // a Monday
  std::atomic<int64_t> now{day}, step{0};
  engine::EngineOptions o;
  o.data_dir = f.dir->path();
  o.kek = privacy::KeyEncryptionKey::FromBytes(std::string(32, 'B'));
  o.clock = [&] { return now.fetch_add(step.load()); };
  o.sla_interval = std::chrono::milliseconds(0);
  auto eng = engine::Engine::Open(o);
  eng->Deploy(workflow::ParseWorkflow(kWorkflow, "bench.yaml"), {"admin", "admin", ""});
  f.first_day = (day + 7 * 60 * kMinuteUs) / kDayUs;
  std::mt19937_64 rng(1);
  // Spreads the next n commands over minutes from minute start of the day.
  auto phase = [&](int start, int minutes, size_t n) {
    now = day + start * kMinuteUs;
    step = minutes * kMinuteUs / static_cast<int64_t>(std::max<size_t>(n, 1));
  };
  // Acts on each request in order; returns those acted on with the action
  // taken (the first of the pair, or the second one in `every`).
  auto act = [&](const std::vector<std::string>& ids, const char* action, const char* other,
                 uint64_t every, const char* role, int officers) {
    std::vector<std::future<engine::Accepted>> acts;
    std::vector<bool> is_other;
    for (const auto& id : ids) {
      engine::ActCommand c;
      c.request_id = id;
      is_other.push_back(other != nullptr && rng() % every == 0);
      c.action = is_other.back() ? other : action;
      if (is_other.back()) c.reason = "Berkas belum lengkap";
      c.actor = events::Actor{fmt::format("NIP-{}-{:02}", role, rng() % officers), role, "DPMPTSP"};
      acts.push_back(eng->ActAsync(c));
    }
    std::pair<std::vector<std::string>, std::vector<std::string>> done;
    for (size_t i = 0; i < acts.size(); ++i) {
      try {
        acts[i].get();
        (is_other[i] ? done.second : done.first).push_back(ids[i]);
      } catch (const base::Error&) {
      }
    }
    return done;
  };
  constexpr size_t kPerDay = 1000;
  std::vector<std::string> sent_back;
  for (int weekday = 0; eng->ledger().size() < target; ++weekday) {
    phase(0, 180, kPerDay);
    std::vector<std::future<engine::Accepted>> subs;
    for (size_t i = 0; i < kPerDay; ++i) {
      subs.push_back(eng->SubmitAsync(
          {"izin-bench", fmt::format("C{}", rng() % 1'000'000), {{"nama", "Pemohon"}}, ""}));
    }
    std::vector<std::string> queue = std::move(sent_back);
    for (auto& s : subs) queue.push_back(s.get().event.request_id);
    f.requests.insert(f.requests.end(), queue.end() - kPerDay, queue.end());
    for (size_t i = 0; i + 1 < queue.size(); ++i) {
      if (rng() % 4 == 0) std::swap(queue[i], queue[i + 1]);  // nearly in order
    }
    phase(180, 150, queue.size());
    auto verified = act(queue, "verifikasi", "tolak", 20, "verifikator", 20).first;
    phase(330, 75, verified.size());
    auto [approved, returned] = act(verified, "setujui", "kembalikan", 50, "kadis", 10);
    sent_back = std::move(returned);
    phase(405, 70, approved.size());
    act(approved, "terbitkan", nullptr, 1, "admin", 10);
    f.last_day = (day + 7 * 60 * kMinuteUs) / kDayUs;
    day += (weekday % 5 == 4 ? 3 : 1) * kDayUs;  // Friday to Monday
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

// CPU microseconds per event of each side's runs (all threads, RocksDB's
// background work included): on a busy machine a steadier figure than rates.
std::mutex cpu_mu;
std::vector<double> rebuild_cpu_us, read_cpu_us;

double Rebuild(const Context& ctx) {
  const Fixture& f = MadeLedger(ctx);
  auto ledger = ledger::Ledger::OpenReadOnly(f.dir->path() + "/ledger");
  ScratchDir out(ctx, "rebuild");
  double start = Now(), cpu = CpuSeconds();
  {
    projections::Projector p(projections::Store::Open(out.path()));
    p.CatchUp([&](uint64_t from, size_t max) { return Read(*ledger, from, max); });
  }
  double rate = f.entries / (Now() - start);
  std::lock_guard lock(cpu_mu);
  rebuild_cpu_us.push_back((CpuSeconds() - cpu) * 1e6 / f.entries);
  return rate;
}

double ReadOnly(const Context& ctx) {
  const Fixture& f = MadeLedger(ctx);
  auto ledger = ledger::Ledger::OpenReadOnly(f.dir->path() + "/ledger");
  double start = Now();
  uint64_t n = 0;
  double cpu = CpuSeconds();
  for (uint64_t from = 0; from < f.entries; from += 4096) n += Read(*ledger, from, 4096).size();
  double rate = n / (Now() - start);
  std::lock_guard lock(cpu_mu);
  read_cpu_us.push_back((CpuSeconds() - cpu) * 1e6 / n);
  return rate;
}

std::mutex latency_mu;
std::map<std::string, std::vector<double>> latency_ms;  // by query kind

// The views of a fixture, built once.
std::string BuiltViews(const Context& ctx) {
  static std::map<uint64_t, std::unique_ptr<ScratchDir>> built;
  auto& dir = built[ctx.params.Get("events")];
  if (dir) return dir->path();
  const Fixture& f = MadeLedger(ctx);
  auto ledger = ledger::Ledger::OpenReadOnly(f.dir->path() + "/ledger");
  dir = std::make_unique<ScratchDir>(ctx, "views");
  projections::Projector p(projections::Store::Open(dir->path()));
  p.CatchUp([&](uint64_t from, size_t max) { return Read(*ledger, from, max); });
  return dir->path();
}

// Reports per second: each kind in turn, alternately over the whole ledger
// and over a random 30-day period (an auditor's month); then status queries
// on random requests. Keeps every latency for the notes.
double Queries(const Context& ctx) {
  const Fixture& f = MadeLedger(ctx);
  auto store = projections::Store::OpenReadOnly(BuiltViews(ctx));
  std::mt19937_64 rng(2);
  std::map<std::string, std::vector<double>> ms;
  uint64_t n = ctx.params.Get("reports");
  double start = Now();
  for (uint64_t i = 0; i < n; ++i) {
    projections::ReportOptions ro;
    if (i % 2 == 1) {
      int64_t span = std::max<int64_t>(f.last_day - f.first_day - 29, 1);
      ro.from_day = f.first_day + static_cast<int64_t>(rng() % span);
      ro.to_day = *ro.from_day + 29;
    }
    double t0 = Now();
    if (i % 3 == 0) projections::OfficerReport(*store, ro);
    if (i % 3 == 1) projections::AnomalyReport(*store, ro);
    if (i % 3 == 2) projections::AgencyReport(*store, ro);
    double took = (Now() - t0) * 1e3;
    ms["reports"].push_back(took);
    ms[fmt::format("{} {}",
                   i % 3 == 0   ? "officers"
                   : i % 3 == 1 ? "anomalies"
                                : "agency",
                   ro.from_day ? "30 d" : "all")]
        .push_back(took);
  }
  double rate = n / (Now() - start);
  for (int i = 0; i < 2000; ++i) {
    double t0 = Now();
    projections::RequestStatus(*store, f.requests[rng() % f.requests.size()], 0);
    ms["status"].push_back((Now() - t0) * 1e3);
  }
  std::lock_guard lock(latency_mu);
  for (auto& [kind, v] : ms) latency_ms[kind].insert(latency_ms[kind].end(), v.begin(), v.end());
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
    .params = {{"events", 1'000'000, "ledger entries to project (made once, through the engine)"}},
    .sizes =
        [](const Context& ctx) {
          return fmt::format("about {} events of office days: submit, verify, approve, issue",
                             ctx.params.Get("events"));
        },
    .jejak = Rebuild,
    .baseline = ReadOnly,
    .notes =
        [](const Context&) {
          std::lock_guard lock(cpu_mu);
          auto range = [](const std::vector<double>& v) {
            if (v.empty()) return std::string("-");
            auto [lo, hi] = std::minmax_element(v.begin(), v.end());
            return fmt::format("{:.2f}..{:.2f}", *lo, *hi);
          };
          return fmt::format("CPU us per event, all threads: rebuild {}, reading {}",
                             range(rebuild_cpu_us), range(read_cpu_us));
        },
});

JEJAK_BENCH_ROW(RowSpec{
    .name = "projections.query",
    .description = "Officer, anomaly and agency reports on built views (whole ledger and 30-day "
                   "periods); notes give latency per report and of status queries",
    .unit = "reports/s",
    .baseline_name = "",
    .params = {{"events", 1'000'000, "ledger entries to project (made once, through the engine)"},
               {"reports", 60, "report queries per run, the three kinds in turn"}},
    .sizes =
        [](const Context& ctx) {
          return fmt::format("{} reports and 2000 status queries on about {} events",
                             ctx.params.Get("reports"), ctx.params.Get("events"));
        },
    .jejak = Queries,
    .baseline = {},
    .notes =
        [](const Context&) {
          std::lock_guard lock(latency_mu);
          std::string out;
          for (const auto& [kind, v] : latency_ms) {
            out += fmt::format("{}{} {}", out.empty() ? "" : "; ", kind, Percentiles(v));
          }
          return out + " (goal: report p99 < 50 ms at 1M events)";
        },
});

}  // namespace
}  // namespace jejak::bench
