// Merkle rows: appends with and without maintaining the tree, inclusion
// proofs from a large ledger, and full verification (which re-derives the
// tree and checks every stored node).
#include <fmt/format.h>

#include <rocksdb/db.h>
#include <rocksdb/memtablerep.h>

#include <algorithm>
#include <future>
#include <memory>
#include <random>
#include <stdexcept>

#include "bench/bench.h"
#include "events/encoding.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "ledger/verify.h"

namespace jejak::bench {
namespace {

// An action event of about 256 bytes, different for each n.
std::string EventBytes(uint64_t n) {
  events::Event e;
  for (int i = 0; i < 16; ++i)
    e.id.bytes[i] = static_cast<uint8_t>((n * 0x9E3779B97F4A7C15) >> (i * 4));
  e.request_id = fmt::format("REQ-2025-{:06}", n % 100'000);
  e.workflow = "oss-izin-usaha";
  e.workflow_version = 3;
  e.type = "action";
  e.actor = {fmt::format("officer-{:02}", n % 20), "verifikator", "DPMPTSP Kota Bandung"};
  e.time_us = 1'795'000'000'000'000 + static_cast<int64_t>(n) * 1'500;
  e.fields.emplace("action", events::FieldValue::String("verify_documents"));
  e.fields.emplace("note", events::FieldValue::String(std::string(90, 'x')));
  return events::Encode(e);
}

double Append(const Context& ctx, bool merkle) {
  uint64_t total = ctx.params.Get("m_appends"), batch = ctx.params.Get("m_batch");
  std::vector<std::vector<std::string>> batches;
  for (uint64_t i = 0; i < total; i += batch) {
    batches.emplace_back();
    for (uint64_t n = i; n < std::min(total, i + batch); ++n)
      batches.back().push_back(EventBytes(n));
  }
  ScratchDir dir(ctx, merkle ? "merkle" : "nomerkle");
  ledger::OpenOptions o;
  o.merkle = merkle;
  auto ledger = ledger::Ledger::Open(dir.path(), o);
  double start = Now();
  for (auto& b : batches) ledger->AppendBatch(std::move(b));
  return total / (Now() - start);
}

// One large ledger per process, shared by the proof and verify rows.
struct BigLedger {
  std::unique_ptr<ScratchDir> dir;
  uint64_t size = 0;
};

// Built through the real writer (the tree and indexes as an append makes
// them) in large batches; each batch's events are made while the previous
// batch is written.
const BigLedger& Big(const Context& ctx) {
  static BigLedger big;
  uint64_t want = ctx.params.Get("m_entries");
  if (big.size == want) return big;
  big.dir = std::make_unique<ScratchDir>(ctx, "big");
  auto ledger = ledger::Ledger::Open(big.dir->path());
  constexpr uint64_t kBatch = 50'000;
  auto make = [&](uint64_t from) {
    std::vector<std::string> b;
    for (uint64_t n = from; n < std::min(want, from + kBatch); ++n) b.push_back(EventBytes(n));
    return b;
  };
  double start = Now();
  std::future<std::vector<std::string>> next = std::async(std::launch::async, make, 0);
  for (uint64_t i = 0; i < want; i += kBatch) {
    std::vector<std::string> b = next.get();
    if (i + kBatch < want) next = std::async(std::launch::async, make, i + kBatch);
    ledger->AppendBatch(std::move(b));
    if ((i / kBatch) % 20 == 19) {
      fmt::print(stderr, "  building the ledger: {}M of {}M entries, {:.0f} s\n",
                 (i + kBatch) / 1e6, want / 1e6, Now() - start);
    }
  }
  big.size = want;
  return big;
}

std::vector<double>& ProofMicros() {
  static std::vector<double> us;
  return us;
}

double InclusionProofs(const Context& ctx) {
  const BigLedger& big = Big(ctx);
  auto ledger = ledger::Ledger::OpenReadOnly(big.dir->path());
  uint64_t count = ctx.params.Get("m_proofs");
  std::mt19937_64 rng(7);
  ledger::Hash root = ledger->MerkleRoot(big.size);
  double start = Now();
  for (uint64_t k = 0; k < count; ++k) {
    uint64_t i = rng() % big.size;
    double t = Now();
    auto proof = ledger->InclusionProof(i, big.size);
    ProofMicros().push_back((Now() - t) * 1e6);
    if (k % 1000 == 0 &&
        !ledger::VerifyInclusion(i, big.size, ledger::MerkleLeafHash(ledger->Get(i)->bytes), proof,
                                 root)) {
      throw std::logic_error("an inclusion proof does not verify");
    }
  }
  return count / (Now() - start);
}

// The verify row's baseline: every entry read once through RocksDB
// (read-only), the floor under any full verification.
double ReadEntries(const Context& ctx) {
  const BigLedger& big = Big(ctx);
  double start = Now();
  std::vector<std::string> names;
  rocksdb::Options options;
  rocksdb::Status st = rocksdb::DB::ListColumnFamilies(options, big.dir->path(), &names);
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  rocksdb::ColumnFamilyOptions family;
  family.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();  // as verify's
  for (const auto& n : names) families.emplace_back(n, family);
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  if (st.ok())
    st = rocksdb::DB::OpenForReadOnly(options, big.dir->path(), families, &handles, &raw);
  if (!st.ok()) throw std::runtime_error("opening the ledger's RocksDB: " + st.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* entries =
      handles[std::find(names.begin(), names.end(), "entries") - names.begin()];
  uint64_t count = 0, bytes = 0;
  {
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), entries));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++count;
      bytes += it->value().size();
    }
    if (!it->status().ok()) throw std::runtime_error("reading: " + it->status().ToString());
  }
  double elapsed = Now() - start;
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  if (count != big.size || bytes == 0) throw std::logic_error("the baseline read too few entries");
  return count / elapsed;
}

double Verify(const Context& ctx) {
  const BigLedger& big = Big(ctx);
  double start = Now();
  ledger::VerifyReport r = ledger::VerifyLedger(big.dir->path());
  double elapsed = Now() - start;
  if (!r.ok) throw std::logic_error("verification failed: " + r.problem);
  return r.entries / elapsed;
}

}  // namespace

JEJAK_BENCH_ROW(RowSpec{
    .name = "merkle.append",
    .description = "Ledger::AppendBatch maintaining the Merkle tree (tiles in the same write)",
    .unit = "appends/s",
    .baseline_name = "the same appends without the Merkle tree",
    .min_ratio = 0.8,
    .min_rate = 0,
    .params = {{"m_appends", 300'000, "entries appended per run"},
               {"m_batch", 1'000, "entries per AppendBatch"}},
    .sizes =
        [](const Context& ctx) {
          return fmt::format("{} appends of ~256 B in batches of {}", ctx.params.Get("m_appends"),
                             ctx.params.Get("m_batch"));
        },
    .jejak = [](const Context& ctx) { return Append(ctx, true); },
    .baseline = [](const Context& ctx) { return Append(ctx, false); },
    .notes = {},
});

JEJAK_BENCH_ROW(RowSpec{
    .name = "merkle.proof",
    .description = "Ledger::InclusionProof from stored tiles (read-only instance)",
    .unit = "proofs/s",
    .baseline_name = "",
    .min_ratio = 0,
    .min_rate = 0,
    .params = {{"m_entries", 10'000'000, "ledger size for the proof and verify rows"},
               {"m_proofs", 20'000, "random inclusion proofs per run"}},
    .sizes =
        [](const Context& ctx) {
          return fmt::format("{} proofs in a ledger of {} entries", ctx.params.Get("m_proofs"),
                             ctx.params.Get("m_entries"));
        },
    .jejak = InclusionProofs,
    .baseline = {},
    .notes =
        [](const Context&) {
          std::vector<double> us = ProofMicros();
          if (us.empty()) return std::string();
          std::sort(us.begin(), us.end());
          auto at = [&](double q) { return us[static_cast<size_t>(q * (us.size() - 1))]; };
          return fmt::format(
              "latency p50 {:.1f} us, p99 {:.1f} us, max {:.1f} us (goal: p99 < "
              "100 us at 10M entries)",
              at(0.5), at(0.99), us.back());
        },
});

JEJAK_BENCH_ROW(RowSpec{
    .name = "merkle.verify",
    .description = "VerifyLedger: chain, events, Merkle tiles, checkpoints, indexes",
    .unit = "entries/s",
    .baseline_name = "reading every entry once through RocksDB (read-only)",
    .min_ratio = 0,
    .min_rate = 1'000'000,
    .params = {{"m_entries", 10'000'000, "ledger size for the proof and verify rows"}},
    .sizes =
        [](const Context& ctx) {
          return fmt::format("a ledger of {} entries of ~256 B", ctx.params.Get("m_entries"));
        },
    .jejak = Verify,
    .baseline = ReadEntries,
    .notes = {},
});

}  // namespace jejak::bench
