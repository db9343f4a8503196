// Builds a ledger in storage format v1 (one RocksDB key per Merkle node in
// column family "merkle"), written through RocksDB directly as jejak did
// before the tiles, so that tests can check the migration to the current
// format (docs/FORMAT.md, "Format versions and migration").
#pragma once

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

// A v1 ledger in dir holding SampleEvent(0..n-1).
inline void MakeV1Ledger(const std::string& dir, uint64_t n) {
  namespace layout = ledger::layout;
  auto bytes = [](uint64_t i) { return events::Encode(SampleEvent(i)); };
  {
    auto l = ledger::Ledger::Open(dir);
    std::vector<std::string> batch;
    for (uint64_t i = 0; i < n; ++i) batch.push_back(bytes(i));
    l->AppendBatch(std::move(batch));
  }
  std::vector<std::string> families = LedgerFamilies();
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
