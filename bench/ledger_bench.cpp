// Ledger rows: appends per second through Ledger::AppendBatch, beside raw
// RocksDB doing synced batched writes of the same number and size of values.
#include <fmt/format.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <memory>
#include <random>
#include <stdexcept>

#include "bench/bench.h"
#include "bench/table.h"
#include "events/encoding.h"
#include "ledger/ledger.h"

namespace jejak::bench {
namespace {

struct Sizes {
  uint64_t appends, batch, payload, requests, actors;

  static Sizes From(const Context& ctx) {
    const Params& p = ctx.params;
    Sizes s{p.Get("appends"), p.Get("batch"), p.Get("payload"), p.Get("requests"), p.Get("actors")};
    if (s.batch == 0 || s.appends == 0 || s.requests == 0 || s.actors == 0) {
      throw std::invalid_argument("--appends, --batch, --requests and --actors must be positive");
    }
    return s;
  }
  bool operator==(const Sizes&) const = default;
};

// A realistic action event of exactly payload bytes: a random one of many
// requests, acted on by one of a few officers, its note padded to the size.
events::Event MakeEvent(uint64_t n, const Sizes& s, std::mt19937_64& rng) {
  static const char* const kRoles[] = {"verifikator", "surveyor", "kepala-bidang"};
  static const char* const kActions[] = {"verify_documents", "request_revision", "approve",
                                         "schedule_survey"};
  uint64_t officer = rng() % s.actors;
  events::Event e;
  int64_t time_us = 1'795'000'000'000'000 + static_cast<int64_t>(n) * 1'500;
  uint64_t ms = static_cast<uint64_t>(time_us / 1000);
  for (int i = 0; i < 6; ++i) e.id.bytes[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  for (int i = 6; i < 16; ++i) e.id.bytes[i] = static_cast<uint8_t>(n >> (8 * (15 - i)));
  e.id.bytes[6] = (e.id.bytes[6] & 0x0F) | 0x70;
  e.id.bytes[8] = (e.id.bytes[8] & 0x3F) | 0x80;
  e.request_id = fmt::format("REQ-2025-{:06}", rng() % s.requests);
  e.workflow = "oss-izin-usaha";
  e.workflow_version = 3;
  e.type = "action";
  e.actor = {fmt::format("officer-{:02}", officer), kRoles[officer % 3], "DPMPTSP Kota Bandung"};
  e.time_us = time_us;
  e.fields.emplace("action", events::FieldValue::String(kActions[rng() % 4]));
  e.fields.emplace("note", events::FieldValue::String(""));
  size_t base = events::Encode(e).size();
  if (base > s.payload) {
    throw std::invalid_argument(
        fmt::format("--payload={} is below the smallest sample event ({} bytes)", s.payload, base));
  }
  static const std::string kText =
      "berkas lengkap, NIB dan NPWP sesuai, lokasi usaha telah diverifikasi. ";
  std::string note;
  while (note.size() < s.payload - base) note += kText;
  note.resize(s.payload - base);
  e.fields.insert_or_assign("note", events::FieldValue::String(note));
  return e;
}

// The encoded events, made once per process for the sizes in use.
const std::vector<std::string>& Payloads(const Sizes& s) {
  static Sizes made{};
  static std::vector<std::string> payloads;
  if (payloads.empty() || !(made == s)) {
    payloads.clear();
    payloads.reserve(s.appends);
    std::mt19937_64 rng(20250101);
    for (uint64_t n = 0; n < s.appends; ++n) {
      payloads.push_back(events::Encode(MakeEvent(n, s, rng)));
      if (payloads.back().size() != s.payload) throw std::logic_error("payload size drifted");
    }
    made = s;
  }
  return payloads;
}

// Appends per second until the last entry's index keys were written too.
std::vector<double>& IndexedRates() {
  static std::vector<double> rates;
  return rates;
}

// p50 and p99 seconds per AppendBatch in the last run.
std::pair<double, double>& BatchLatencies() {
  static std::pair<double, double> p50_p99;
  return p50_p99;
}

double LedgerAppends(const Context& ctx) {
  Sizes s = Sizes::From(ctx);
  const auto& payloads = Payloads(s);
  // Batches are built before the clock starts: callers hand over their bytes.
  std::vector<std::vector<std::string>> batches;
  for (uint64_t i = 0; i < s.appends; i += s.batch) {
    uint64_t end = std::min(s.appends, i + s.batch);
    batches.emplace_back(payloads.begin() + i, payloads.begin() + end);
  }
  ScratchDir dir(ctx, "ledger");
  ledger::OpenOptions options;
  options.merkle = ctx.params.Get("merkle") != 0;
  auto ledger = ledger::Ledger::Open(dir.path() + "/ledger", options);
  std::vector<double> latencies;
  latencies.reserve(batches.size());
  double start = Now();
  for (auto& b : batches) {
    double t = Now();
    ledger->AppendBatch(std::move(b));
    latencies.push_back(Now() - t);
  }
  double elapsed = Now() - start;
  if (ledger->size() != s.appends) throw std::logic_error("the ledger lost appends");
  std::sort(latencies.begin(), latencies.end());
  BatchLatencies() = {latencies[latencies.size() / 2], latencies[latencies.size() * 99 / 100]};
  // Index keys are written behind the appends; an index read waits for them.
  ledger->SeqsByActor("officer-00");
  IndexedRates().push_back(s.appends / (Now() - start));
  return s.appends / elapsed;
}

double RocksSyncedBatches(const Context& ctx) {
  Sizes s = Sizes::From(ctx);
  const auto& payloads = Payloads(s);
  ScratchDir dir(ctx, "rocks");
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status st = rocksdb::DB::Open(options, dir.path() + "/db", &raw);
  if (!st.ok()) throw std::runtime_error("opening the baseline RocksDB: " + st.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  double start = Now();
  for (uint64_t i = 0; i < s.appends; i += s.batch) {
    rocksdb::WriteBatch batch;
    uint64_t end = std::min(s.appends, i + s.batch);
    for (uint64_t seq = i; seq < end; ++seq) {
      char key[8];
      for (int k = 0; k < 8; ++k) key[k] = static_cast<char>(seq >> (56 - 8 * k));
      batch.Put(rocksdb::Slice(key, 8), payloads[seq]);
    }
    st = db->Write(wo, &batch);
    if (!st.ok()) throw std::runtime_error("baseline write: " + st.ToString());
  }
  double elapsed = Now() - start;
  st = db->Close();
  return s.appends / elapsed;
}

JEJAK_BENCH_ROW(RowSpec{
    .name = "ledger.append",
    .description = "Ledger::AppendBatch of canonical events: check, chain, index, synced write",
    .unit = "appends/s",
    .baseline_name = "RocksDB synced WriteBatch, 8 B sequential keys",
    .min_ratio = 0.5,
    .params = {{"appends", 500'000, "entries appended per run"},
               {"batch", 1'000, "entries per AppendBatch / WriteBatch"},
               {"payload", 256, "bytes per event encoding / value"},
               {"requests", 100'000, "distinct request ids the events are spread over"},
               {"actors", 20, "distinct officers acting"},
               {"merkle", 1, "0: append without maintaining the Merkle tree"}},
    .sizes =
        [](const Context& ctx) {
          Sizes s = Sizes::From(ctx);
          return fmt::format("{} appends of {} B in batches of {}, {} requests, {} actors{}",
                             s.appends, s.payload, s.batch, s.requests, s.actors,
                             ctx.params.Get("merkle") ? "" : ", no Merkle tree");
        },
    .jejak = LedgerAppends,
    .baseline = RocksSyncedBatches,
    .notes =
        [](const Context&) {
          std::vector<double> r = IndexedRates();
          if (r.empty()) return std::string();
          std::sort(r.begin(), r.end());
          return fmt::format(
              "jejak until indexed: median {} appends/s; per AppendBatch, last run: p50 {:.2f} "
              "ms, p99 {:.2f} ms",
              HumanRate(r[r.size() / 2]), BatchLatencies().first * 1e3,
              BatchLatencies().second * 1e3);
        },
});

}  // namespace
}  // namespace jejak::bench
