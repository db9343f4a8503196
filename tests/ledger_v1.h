// Builds ledgers in the older storage formats, written through RocksDB
// directly as jejak did then, so that tests can check the migration to the
// current format (docs/FORMAT.md, "Format versions and migration"): v2 kept
// the indexes in the main database, and v1 also one key per Merkle node in
// column family "merkle".
#pragma once

#include <filesystem>

#include <doctest/doctest.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <memory>
#include <string>
#include <vector>

#include "events/encoding.h"
#include "ledger/layout.h"
#include "ledger/ledger.h"
#include "ledger/merkle.h"
#include "tests/testutil.h"

namespace jejak::testing {

// Moves the index keys and mark of the ledger in dir from its index database
// into families of the main database, where formats v1 and v2 kept them.
// The column families of the main database of a v2 ledger, for RawDb.
inline std::vector<std::string> V2Families() {
  std::vector<std::string> families = LedgerFamilies();
  families.push_back(ledger::layout::kByRequest);
  families.push_back(ledger::layout::kByActor);
  return families;
}

inline void MoveIndexesIntoMainDb(const std::string& dir) {
  namespace layout = ledger::layout;
  std::vector<std::string> families = V2Families();
  {
    RawDb index(IndexDir(dir), IndexFamilies());
    RawDb main(dir, families, /*create=*/true);  // creates the two families
    for (const char* f : {layout::kByRequest, layout::kByActor}) {
      for (const auto& [k, v] : index.Scan(f)) main.Put(f, k, v);
    }
    main.Put(rocksdb::kDefaultColumnFamilyName, layout::kIndexedKey,
             index.Get(rocksdb::kDefaultColumnFamilyName, layout::kIndexedKey).value());
  }
  std::filesystem::remove_all(IndexDir(dir));
}

// Appends SampleEvent(0..n-1) to a new ledger in dir, in the current format.
inline void AppendSamples(const std::string& dir, uint64_t n) {
  auto l = ledger::Ledger::Open(dir);
  std::vector<std::string> batch;
  for (uint64_t i = 0; i < n; ++i) batch.push_back(events::Encode(SampleEvent(i)));
  l->AppendBatch(std::move(batch));
}

// A v2 ledger in dir holding SampleEvent(0..n-1).
inline void MakeV2Ledger(const std::string& dir, uint64_t n) {
  AppendSamples(dir, n);
  MoveIndexesIntoMainDb(dir);
  RawDb(dir, V2Families())
      .Put(rocksdb::kDefaultColumnFamilyName, ledger::layout::kFormatKey,
           ledger::layout::kFormatV2);
}

// A v1 ledger in dir holding SampleEvent(0..n-1).
inline void MakeV1Ledger(const std::string& dir, uint64_t n) {
  namespace layout = ledger::layout;
  auto bytes = [](uint64_t i) { return events::Encode(SampleEvent(i)); };
  AppendSamples(dir, n);
  MoveIndexesIntoMainDb(dir);
  std::vector<std::string> families = V2Families();
  {
    RawDb db(dir, families);
    db.Put(rocksdb::kDefaultColumnFamilyName, layout::kFormatKey, layout::kFormatV1);
  }
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  std::vector<rocksdb::ColumnFamilyDescriptor> d;
  for (const auto& f : families) d.emplace_back(f, rocksdb::ColumnFamilyOptions());
  REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir, d, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* v1 = nullptr;
  REQUIRE(db->CreateColumnFamily(rocksdb::ColumnFamilyOptions(), layout::kMerkleV1, &v1).ok());
  ledger::MerkleFrontier f;
  rocksdb::WriteBatch batch;
  for (uint64_t i = 0; i < n; ++i) {
    f.Append(ledger::MerkleLeafHash(bytes(i)), [&](int level, uint64_t index,
                                                   const ledger::Hash& h) {
      REQUIRE(batch.Put(v1, layout::MerkleKey(level, index), std::string(ledger::AsBytes(h))).ok());
    });
  }
  REQUIRE(db->Write(rocksdb::WriteOptions(), &batch).ok());
  for (auto* h : handles) {
    if (h->GetName() == layout::kMerkle) REQUIRE(db->DropColumnFamily(h).ok());
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->DestroyColumnFamilyHandle(v1);
  db->Close();
}

}  // namespace jejak::testing
