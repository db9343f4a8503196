// The indexer's buffer: keys wait in memory, where index reads on the writer
// find them, until the buffer is full or a second old; many are written as
// ingested SST files, few as an ordinary write (ledger/index_buffer.h).
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "events/encoding.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/verify.h"
#include "tests/testutil.h"

namespace jejak::ledger {
namespace {

using testing::IndexDir;
using testing::IndexFamilies;
using testing::RawDb;
using testing::SampleEvent;
using testing::TempDir;

// More than the smallest buffer that is ingested (index_buffer.cpp).
constexpr uint64_t kMany = 70'000;

// Entry n is SampleEvent(n): request "REQ-<n % 97>", actor "officer-<n % 5>".
void AppendMany(Ledger& ledger, uint64_t from, uint64_t to) {
  for (uint64_t n = from; n < to; n += 1000) {
    std::vector<std::string> batch;
    for (uint64_t k = n; k < std::min(to, n + 1000); ++k) {
      batch.push_back(events::Encode(SampleEvent(k)));
    }
    ledger.AppendBatch(std::move(batch));
  }
}

std::vector<uint64_t> Every(uint64_t first, uint64_t step, uint64_t end) {
  std::vector<uint64_t> seqs;
  for (uint64_t n = first; n < end; n += step) seqs.push_back(n);
  return seqs;
}

void CheckIndexed(const Ledger& ledger, uint64_t end) {
  CHECK(ledger.SeqsByActor("officer-3") == Every(3, 5, end));
  auto entries = ledger.ReadRequest("REQ-42");
  REQUIRE(entries.size() == Every(42, 97, end).size());
  CHECK(entries.front().seq == 42);
  CHECK(entries.back().seq == Every(42, 97, end).back());
  CHECK(ledger.SeqsByActor("officer-9").empty());
}

TEST_CASE("index buffer: many keys are ingested as files, and read before and after") {
  TempDir dir;
  {
    auto ledger = Ledger::Open(dir.path());
    // One batch: its keys reach the indexer at once, so they fill one buffer
    // of more than the smallest ingested one whatever the machine's speed.
    // Many small batches would race the buffer's age limit (a second), and a
    // slow machine (a sanitizer build) would write them through memtables.
    std::vector<std::string> batch;
    for (uint64_t k = 0; k < kMany; ++k) batch.push_back(events::Encode(SampleEvent(k)));
    ledger->AppendBatch(std::move(batch));
    CheckIndexed(*ledger, kMany);  // from the buffer, the files, or both
    // A reader beside the writer sees the ingested files once they are in.
    auto reader = Ledger::OpenReadOnly(dir.path());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (reader->SeqsByActor("officer-3").size() < kMany / 5 &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      reader->Refresh();
    }
    CheckIndexed(*reader, kMany);
  }
  RawDb index(IndexDir(dir.path()), IndexFamilies());
  CHECK(index.IngestedFiles(layout::kByRequest) >= 1);
  CHECK(index.IngestedFiles(layout::kByActor) >= 1);
  CHECK(index.Get("default", layout::kIndexedKey) == layout::SeqKey(kMany));
  // Every key file was taken over by the database.
  auto ingest = std::filesystem::path(IndexDir(dir.path())) / "ingest";
  CHECK((!std::filesystem::exists(ingest) || std::filesystem::is_empty(ingest)));
}

TEST_CASE("index buffer: the writer finds each of many ids among the buffered keys") {
  TempDir dir;
  auto ledger = Ledger::Open(dir.path());
  // Distinct request ids, more than the buffer's table first holds.
  constexpr uint64_t kIds = 5000;
  std::vector<std::string> batch;
  for (uint64_t n = 0; n < 2 * kIds; ++n) {
    batch.push_back(events::Encode(SampleEvent(n, "REQ-U" + std::to_string(n % kIds))));
  }
  ledger->AppendBatch(std::move(batch));
  for (uint64_t id : {uint64_t{0}, uint64_t{1}, uint64_t{2500}, kIds - 1}) {
    auto entries = ledger->ReadRequest("REQ-U" + std::to_string(id));
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].seq == id);
    CHECK(entries[1].seq == id + kIds);
  }
  CHECK(ledger->ReadRequest("REQ-U" + std::to_string(kIds)).empty());
  CHECK(ledger->SeqsByActor("officer-4").size() == 2 * kIds / 5);
}

TEST_CASE("index buffer: a reader beside the writer sees keys within seconds") {
  TempDir dir;
  auto writer = Ledger::Open(dir.path());
  AppendMany(*writer, 0, 100);
  auto reader = Ledger::OpenReadOnly(dir.path());
  // Few keys: an ordinary write once the buffer is a second old.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (reader->SeqsByActor("officer-3").size() < 20 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    reader->Refresh();
  }
  CHECK(reader->SeqsByActor("officer-3") == Every(3, 5, 100));
  CHECK(reader->ReadRequest("REQ-1").size() == 2);  // entries 1 and 98
}

TEST_CASE("index buffer: a lost index database is rebuilt through ingested files") {
  TempDir dir;
  {
    auto ledger = Ledger::Open(dir.path());
    AppendMany(*ledger, 0, kMany);
  }
  std::filesystem::remove_all(IndexDir(dir.path()));
  {
    auto ledger = Ledger::Open(dir.path());
    CheckIndexed(*ledger, kMany);
    AppendMany(*ledger, kMany, kMany + 500);  // and goes on from there
    CheckIndexed(*ledger, kMany + 500);
  }
  {
    RawDb index(IndexDir(dir.path()), IndexFamilies());
    CHECK(index.IngestedFiles(layout::kByRequest) >= 1);
  }
  VerifyReport r = VerifyLedger(dir.path());
  CAPTURE(r.problem);
  CHECK(r.ok);
  CHECK(r.entries == kMany + 500);
}

TEST_CASE("index buffer: key files a crash left before their ingestion are removed on open") {
  TempDir dir;
  { Ledger::Open(dir.path())->Append(events::Encode(SampleEvent(0))); }
  auto ingest = std::filesystem::path(IndexDir(dir.path())) / "ingest";
  std::filesystem::create_directories(ingest);
  std::ofstream(ingest / "by_request-0.sst") << "half a file";
  auto ledger = Ledger::Open(dir.path());
  CHECK(!std::filesystem::exists(ingest / "by_request-0.sst"));
  CHECK(ledger->SeqsByActor("officer-0") == std::vector<uint64_t>{0});
}

}  // namespace
}  // namespace jejak::ledger
