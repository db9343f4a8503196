// HTTP rows: the API of `jejak serve` (api::Server, in this process, 4 HTTP
// threads like the default on two cores, with a signing key so that every
// command answers with a receipt) under wrk (Debian package `wrk`) on
// loopback, over reports of the lapor-pengaduan example workflow.
//
// - http.get_status: citizens reading GET /v1/requests/{id} with their
//   tracking codes, against GET /healthz on the same server: the same Beast
//   stack answering a constant. The ratio is the share of the bare HTTP rate
//   left once each request reads and authorizes a status. No command runs
//   meanwhile, so after its first read a status comes from the server's
//   status cache (api/status_cache.h): a read then costs the request's
//   record, its queue count and the code check. --http_status_cache=0
//   measures reads that each build their document.
// - http.post_action: officers acting, POST /v1/requests/{id}/actions with
//   bearer tokens: each report bounces between the LAPOR! coordinator
//   (teruskan) and the agency (kembalikan_ke_koordinator), so every action
//   stays valid. Against the engine taking the same actions in-process with
//   as many in flight as wrk has connections: the ratio is the share of the
//   engine's rate left after HTTP, tokens, receipts and the wait until the
//   projections show each event.
//
// wrk's own latency distribution (--latency) gives the p99.
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <regex>
#include <stdexcept>

#include "privacy/kek.h"
#include "api/server.h"
#include "api/token.h"
#include "bench/bench.h"
#include "engine/engine.h"
#include "events/time.h"
#include "ledger/note.h"
#include "workflow/workflow.h"

#ifndef JEJAK_SOURCE_DIR
#define JEJAK_SOURCE_DIR "."
#endif

namespace jejak::bench {
namespace {

constexpr int kWrkThreads = 2;
constexpr int kServerThreads = 4;
const char kAgency[] = "Pengelola SP4N-LAPOR! Pemerintah Provinsi Jawa Timur";

std::shared_ptr<const workflow::Workflow> Lapor() {
  const char* dir = std::getenv("JEJAK_SOURCE_DIR");
  static const auto wf = workflow::LoadWorkflowFile(std::string(dir ? dir : JEJAK_SOURCE_DIR) +
                                                    "/examples/workflows/lapor-pengaduan.yaml");
  return wf;
}

// Reports are spread over this many officers of each role, as in a
// province; one officer acting on every report is not a real workload.
constexpr uint64_t kOfficers = 50;

events::Actor Staff(const char* role, uint64_t report) {
  return {fmt::format("NIP-{}-{}", role, report % kOfficers), role, kAgency};
}

// Runs make(i) for i in [0, n) with up to window futures in flight, oldest
// awaited first; done(i, result) sees each answer.
void Pipeline(uint64_t n, size_t window,
              const std::function<std::future<engine::Accepted>(uint64_t)>& make,
              const std::function<void(uint64_t, engine::Accepted)>& done) {
  std::deque<std::pair<uint64_t, std::future<engine::Accepted>>> in_flight;
  for (uint64_t i = 0; i < n || !in_flight.empty();) {
    if (i < n && in_flight.size() < window) {
      in_flight.emplace_back(i, make(i));
      ++i;
      continue;
    }
    auto [k, f] = std::move(in_flight.front());
    in_flight.pop_front();
    done(k, f.get());  // throws if refused: the bench is wrong
  }
}

// The visit-th action on report number i.
engine::ActCommand Bounce(const std::string& id, uint64_t i, uint64_t visit) {
  engine::ActCommand c;
  c.request_id = id;
  if (visit % 2 == 0) {
    c.action = "teruskan";
    c.actor = Staff("admin_koordinator", i);
    c.fields = {{"instansi_tujuan", "Dinas Pekerjaan Umum Bina Marga Kota Surabaya"}};
  } else {
    c.action = "kembalikan_ke_koordinator";
    c.actor = Staff("admin_penghubung", i);
    c.reason = "Jalan provinsi, bukan kewenangan kota";
  }
  return c;
}

// A data directory with n reports, each verified (state terverifikasi), and
// a signing key in DATA/keys.
struct Prepared {
  std::vector<std::string> ids, codes;
};

// The reports arrive 30 s apart and are verified as they come, ending now,
// so that the queue of verified reports spans days as it would in a province.
Prepared Prepare(const Context& ctx, const std::string& data, uint64_t n) {
  engine::EngineOptions o;
  o.data_dir = data;
  o.kek = privacy::KeyEncryptionKey::FromBytes(std::string(32, 'B'));
  o.sla_interval = std::chrono::milliseconds(0);
  auto tick = std::make_shared<std::atomic<int64_t>>(0);
  int64_t start = events::NowMicros() - static_cast<int64_t>(2 * n + 1) * 30'000'000;
  o.clock = [tick, start] { return start + tick->fetch_add(1) * 30'000'000; };
  auto engine = engine::Engine::Open(o);
  engine->Deploy(Lapor(), {"admin-01", "admin", kAgency});
  Prepared p;
  p.ids.resize(n);
  p.codes.resize(n);
  Pipeline(
      n, 256,
      [&](uint64_t i) {
        engine::SubmitCommand c;
        c.workflow = "lapor-pengaduan";
        c.applicant = fmt::format("3578{:012}", i);
        c.fields = {{"judul", fmt::format("Jalan berlubang di Jl. Raya Darmo no. {}", i % 300)},
                    {"isi_laporan",
                     "Lubang besar di lajur kiri sejak dua minggu, sudah dua pengendara jatuh."},
                    {"jenis_laporan", "pengaduan"},
                    {"nama_pelapor", "Siti Rahayu"},
                    {"nomor_hp", fmt::format("0812{:08}", i % 100'000'000)},
                    {"anonim", "false"},
                    {"rahasia", "false"}};
        return engine->SubmitAsync(std::move(c));
      },
      [&](uint64_t i, engine::Accepted a) {
        p.ids[i] = a.event.request_id;
        p.codes[i] = a.tracking_code;
      });
  Pipeline(
      n, 256,
      [&](uint64_t i) {
        engine::ActCommand c;
        c.request_id = p.ids[i];
        c.action = "verifikasi";
        c.actor = Staff("admin_koordinator", i);
        c.fields = {{"kategori", "infrastruktur"}};
        return engine->ActAsync(std::move(c));
      },
      [](uint64_t, engine::Accepted) {});
  if (ctx.params.Get("http_receipts") != 0) {
    std::filesystem::create_directories(data + "/keys");
    std::ofstream(data + "/keys/jejak.key")
        << ledger::FormatSigningKey(ledger::GenerateSigningKey("jejak.bench/lapor"));
  }
  return p;
}

std::unique_ptr<api::Server> Serve(const Context& ctx, const std::string& data) {
  api::ServerOptions o;
  o.data_dir = data;
  o.kek = privacy::KeyEncryptionKey::FromBytes(std::string(32, 'B'));
  o.http.threads = kServerThreads;
  if (ctx.params.Get("http_status_cache") == 0) o.status_cache_entries = 0;
  return api::Server::Start(o);
}

// A Lua table of the "Authorization" header of each officer of role.
std::string Bearers(const std::string& data, const char* role) {
  api::TokenKey key = api::TokenKey::Load(data + "/token.key", false);
  std::string lua = "{";
  for (uint64_t o = 0; o < kOfficers; ++o) {
    api::Claims c;
    c.subject = Staff(role, o).subject;
    c.role = role;
    c.agency = kAgency;
    c.issued_at = events::NowMicros() / 1'000'000;
    c.expires_at = c.issued_at + 3600;
    lua += fmt::format("\"Bearer {}\",", key.Issue(c));
  }
  return lua + "}";
}

struct WrkResult {
  double rate = 0;
  double p50_ms = 0, p99_ms = 0;
};

double Millis(const std::string& number, const std::string& unit) {
  double v = std::stod(number);
  return unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : v;
}

// Runs wrk on url for the given seconds; every answer must be 2xx.
WrkResult Wrk(const std::string& url, const std::string& script, uint64_t connections,
              uint64_t seconds) {
  std::string cmd = fmt::format("wrk -t{} -c{} -d{}s --latency -s '{}' '{}' 2>&1", kWrkThreads,
                                connections, seconds, script, url);
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run wrk");
  std::string out;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) out.append(buf, n);
  int status = pclose(pipe);
  if (status != 0) {
    throw std::runtime_error(fmt::format(
        "wrk failed (is it installed? apt-get install wrk, or scripts/setup.sh):\n{}", out));
  }
  std::smatch m;
  if (std::regex_search(out, m, std::regex(R"(Non-2xx or 3xx responses: (\d+))")) ||
      std::regex_search(out, m, std::regex(R"(Socket errors: .*)"))) {
    throw std::runtime_error(fmt::format("wrk saw failed requests:\n{}", out));
  }
  WrkResult r;
  if (!std::regex_search(out, m, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
    throw std::runtime_error("no Requests/sec in wrk's output:\n" + out);
  }
  r.rate = std::stod(m[1]);
  if (std::regex_search(out, m, std::regex(R"(\s50%\s+([0-9.]+)(us|ms|s)\b)"))) {
    r.p50_ms = Millis(m[1], m[2]);
  }
  if (!std::regex_search(out, m, std::regex(R"(\s99%\s+([0-9.]+)(us|ms|s)\b)"))) {
    throw std::runtime_error("no latency distribution in wrk's output:\n" + out);
  }
  r.p99_ms = Millis(m[1], m[2]);
  return r;
}

// Lua for wrk: thread t of T takes entries t, t + T, ... of a table, round
// robin; its k-th pass over them is pass number k.
std::string LuaPrelude(const std::vector<std::string>& rows) {
  std::string lua = "local rows = {\n";
  for (const auto& r : rows) lua += "  " + r + ",\n";
  lua += fmt::format(R"(}}
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
local k = 0
local function next_row()
  local per = #rows / {0}
  local i = tid + (k % per) * {0} + 1
  local pass = math.floor(k / per)
  k = k + 1
  return rows[i], pass
end
)",
                     kWrkThreads);
  return lua;
}

std::string LuaString(const std::string& s) { return "\"" + s + "\""; }

struct Notes {
  std::mutex mu;
  std::map<std::string, WrkResult> last;  // by row, the last jejak run
};
Notes& LastRuns() {
  static Notes n;
  return n;
}
void Keep(const std::string& row, const WrkResult& r) {
  std::lock_guard lock(LastRuns().mu);
  LastRuns().last[row] = r;
}
std::string Note(const std::string& row) {
  std::lock_guard lock(LastRuns().mu);
  auto it = LastRuns().last.find(row);
  if (it == LastRuns().last.end()) return "";
  return fmt::format("wrk latency, last run: p50 {:.2f} ms, p99 {:.2f} ms", it->second.p50_ms,
                     it->second.p99_ms);
}

uint64_t Requests(const Context& ctx) {
  uint64_t n = ctx.params.Get("http_requests");
  return std::max<uint64_t>(n / kWrkThreads * kWrkThreads, 64 * kWrkThreads);
}

// Runs wrk with the Lua script against server; keeps the latencies for the
// row's notes and returns the rate.
double RunRow(const Context& ctx, const std::string& row, const api::Server& server,
              const std::string& dir, const std::string& lua) {
  std::string script = dir + "/wrk.lua";
  std::ofstream(script) << lua;
  WrkResult r =
      Wrk(server.url(), script, ctx.params.Get("http_connections"), ctx.params.Get("http_seconds"));
  Keep(row, r);
  return r.rate;
}

double GetStatus(const Context& ctx) {
  ScratchDir dir(ctx, "http-get");
  Prepared p = Prepare(ctx, dir.path(), Requests(ctx));
  std::vector<std::string> rows;
  for (size_t i = 0; i < p.ids.size(); ++i) {
    rows.push_back(
        fmt::format("{{{}, {}}}", LuaString("/v1/requests/" + p.ids[i]), LuaString(p.codes[i])));
  }
  auto server = Serve(ctx, dir.path());
  return RunRow(ctx, "http.get_status", *server, dir.path(), LuaPrelude(rows) + R"(
function request()
  local row = next_row()
  return wrk.format("GET", row[1], {["X-Tracking-Code"] = row[2]})
end
)");
}

double GetHealth(const Context& ctx) {
  ScratchDir dir(ctx, "http-health");
  auto server = Serve(ctx, dir.path());
  return Wrk(server->url() + "/healthz", "/dev/null", ctx.params.Get("http_connections"),
             ctx.params.Get("http_seconds"))
      .rate;
}

double PostAction(const Context& ctx) {
  ScratchDir dir(ctx, "http-post");
  Prepared p = Prepare(ctx, dir.path(), Requests(ctx));
  auto server = Serve(ctx, dir.path());  // creates DATA/token.key
  std::vector<std::string> rows;
  for (size_t i = 0; i < p.ids.size(); ++i) {
    rows.push_back(fmt::format("{{{}, {}}}", LuaString("/v1/requests/" + p.ids[i] + "/actions"),
                               i % kOfficers + 1));
  }
  std::string lua = LuaPrelude(rows) + fmt::format(
                                           R"(
local coordinators = {}
local agencies = {}
local forward = '{{"action": "teruskan", "fields": {{"instansi_tujuan": "Dinas Pekerjaan Umum Bina Marga Kota Surabaya"}}}}'
local back = '{{"action": "kembalikan_ke_koordinator", "reason": "Jalan provinsi, bukan kewenangan kota"}}'
local warmed = false
function request()
  -- wrk calls request() once on thread 0 to check the script and sends
  -- nothing: that first call must not take a row.
  if not warmed then
    warmed = true
    return wrk.format("GET", "/healthz")
  end
  local row, pass = next_row()
  if pass % 2 == 0 then
    return wrk.format("POST", row[1], {{["Authorization"] = coordinators[row[2]],
                                       ["Content-Type"] = "application/json"}}, forward)
  end
  return wrk.format("POST", row[1], {{["Authorization"] = agencies[row[2]],
                                     ["Content-Type"] = "application/json"}}, back)
end
)",
                                           Bearers(dir.path(), "admin_koordinator"),
                                           Bearers(dir.path(), "admin_penghubung"));
  return RunRow(ctx, "http.post_action", *server, dir.path(), lua);
}

// GET /v1/requests/{id}/history with the staff tokens of role.
double History(const Context& ctx, const char* role, const std::string& row) {
  ScratchDir dir(ctx, "http-history");
  Prepared p = Prepare(ctx, dir.path(), Requests(ctx));
  auto server = Serve(ctx, dir.path());  // creates DATA/token.key
  std::vector<std::string> rows;
  for (size_t i = 0; i < p.ids.size(); ++i) {
    rows.push_back(fmt::format("{{{}, {}}}", LuaString("/v1/requests/" + p.ids[i] + "/history"),
                               i % kOfficers + 1));
  }
  std::string lua = LuaPrelude(rows) + fmt::format(R"(
local bearers = {}
function request()
  local row = next_row()
  return wrk.format("GET", row[1], {{["Authorization"] = bearers[row[2]]}})
end
)",
                                                   Bearers(dir.path(), role));
  return RunRow(ctx, row, *server, dir.path(), lua);
}

// The coordinator may read the reporter's name and phone: each read opens
// them and is answered once its access record is durable.
double HistoryPersonal(const Context& ctx) {
  return History(ctx, "admin_koordinator", "http.history_pii");
}
// The liaison officer may not: the fields are redacted, nothing is recorded.
double HistoryRedacted(const Context& ctx) {
  return History(ctx, "admin_penghubung", "http.history_pii.baseline");
}

// The same bouncing actions through the engine's callback API, as many in
// flight as wrk keeps connections, for as long.
double EngineActions(const Context& ctx) {
  ScratchDir dir(ctx, "http-engine");
  Prepared p = Prepare(ctx, dir.path(), Requests(ctx));
  engine::EngineOptions o;
  o.data_dir = dir.path();
  o.kek = privacy::KeyEncryptionKey::FromBytes(std::string(32, 'B'));
  auto engine = engine::Engine::Open(o);
  size_t window = ctx.params.Get("http_connections");
  double seconds = static_cast<double>(ctx.params.Get("http_seconds"));
  std::mutex mu;
  std::condition_variable cv;
  size_t in_flight = 0;
  uint64_t answered = 0;
  std::exception_ptr failed;
  double start = Now();
  for (uint64_t k = 0; Now() - start < seconds; ++k) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < window; });
      if (failed) std::rethrow_exception(failed);
      ++in_flight;
    }
    uint64_t n = p.ids.size();
    engine->Act(Bounce(p.ids[k % n], k % n, k / n),
                [&](engine::Accepted, std::exception_ptr error) {
                  std::lock_guard lock(mu);
                  --in_flight;
                  ++answered;
                  if (error) failed = error;
                  cv.notify_all();
                });
  }
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return in_flight == 0; });
  if (failed) std::rethrow_exception(failed);
  return answered / (Now() - start);
}

const std::vector<ParamSpec> kParams = {
    {"http_requests", 10'000, "reports prepared for the HTTP rows"},
    {"http_connections", 128, "wrk connections (and engine commands in flight)"},
    {"http_seconds", 5, "seconds of each wrk run"},
    {"http_receipts", 1, "1: the server has a signing key and answers commands with receipts"},
    {"http_status_cache", 1, "0: the server keeps no status documents, every read builds one"},
};

std::string Sizes(const Context& ctx) {
  return fmt::format("{} reports, wrk -t{} -c{} for {} s, {} server threads{}{}", Requests(ctx),
                     kWrkThreads, ctx.params.Get("http_connections"),
                     ctx.params.Get("http_seconds"), kServerThreads,
                     ctx.params.Get("http_receipts") != 0 ? ", receipts" : ", no signing key",
                     ctx.params.Get("http_status_cache") != 0 ? "" : ", no status cache");
}

RowSpec HttpRow(std::string name, std::string description, std::string unit,
                std::string baseline_name, double min_rate,
                std::function<double(const Context&)> jejak,
                std::function<double(const Context&)> baseline) {
  std::string key = name;
  return RowSpec{
      .name = std::move(name),
      .description = std::move(description),
      .unit = std::move(unit),
      .baseline_name = std::move(baseline_name),
      .min_ratio = 0,
      .min_rate = min_rate,
      .params = kParams,
      .sizes = Sizes,
      .jejak = std::move(jejak),
      .baseline = std::move(baseline),
      .notes = [key](const Context&) { return Note(key); },
  };
}

JEJAK_BENCH_ROW(HttpRow(
    "http.get_status",
    "GET /v1/requests/{id} with tracking codes under wrk (goal also: p99 < 10 ms)", "requests/s",
    "GET /healthz, the same server (constant answer)", 30e3, GetStatus, GetHealth));

JEJAK_BENCH_ROW(HttpRow(
    "http.post_action",
    "POST /v1/requests/{id}/actions with staff tokens under wrk, each answered with a receipt",
    "actions/s", "the engine taking the same actions in-process, as many in flight", 10e3,
    PostAction, EngineActions));

JEJAK_BENCH_ROW(HttpRow(
    "http.history_pii",
    "GET /v1/requests/{id}/history by staff who may read the personal fields: opened with the "
    "reporter's key, each answer after its access record is durable",
    "requests/s", "the same history for a role that sees them redacted (no key, no record)", 0,
    HistoryPersonal, HistoryRedacted));

}  // namespace
}  // namespace jejak::bench
