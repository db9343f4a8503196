#include "ledger/rocks_options.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/memtablerep.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <memory>

#include "ledger/layout.h"

namespace jejak::ledger {
namespace {

// An index key's prefix, be32(len) || id: all keys of one id, in seq order.
// Damaged keys (too short to hold a prefix) are their own prefix.
class IndexPrefixTransform final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "jejak.IndexPrefix.v1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    size_t n = layout::IndexPrefixSize(key.ToStringView());
    return n == 0 ? key : rocksdb::Slice(key.data(), n);
  }
  bool InDomain(const rocksdb::Slice& key) const override {
    return layout::IndexPrefixSize(key.ToStringView()) != 0;
  }
};

}  // namespace

rocksdb::Options DbOptions(rocksdb::Env* env) {
  rocksdb::Options o;
  if (env != nullptr) o.env = env;
  // A damaged record in a write-ahead log refuses the open and changes
  // nothing: the default (point-in-time recovery) drops every record after
  // it, acknowledged ones included, and deletes the log. Only a record cut
  // short at the end of a log is dropped: a write in progress when the writer
  // stopped, never acknowledged (docs/FORMAT.md, "Durability and recovery").
  o.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  o.paranoid_checks = true;  // the default: a failed write stops all writes
  o.IncreaseParallelism(2);
  // Not enable_pipelined_write: with many appenders it stalls synced writes
  // behind memtable inserts. The index database (format v3) keeps the
  // indexer's writes off this queue instead.
  o.max_background_jobs = 2;
  o.write_buffer_size = 64 << 20;
  o.keep_log_file_num = 3;
  // Families written rarely (checkpoints, meta) would otherwise pin every
  // write-ahead log file since their last flush: gigabytes for a busy ledger,
  // all replayed by each open.
  o.max_total_wal_size = 256 << 20;
  o.max_open_files = 512;
  // Table files are synced a megabyte at a time as they are written, not all
  // at the end of a flush: one large sync would hold up the appenders' synced
  // writes behind it on the same disk.
  o.bytes_per_sync = 1 << 20;
  return o;
}

namespace {

rocksdb::ColumnFamilyOptions FamilyOptions(const std::string& name) {
  rocksdb::ColumnFamilyOptions o;
  o.write_buffer_size = 64 << 20;
  rocksdb::BlockBasedTableOptions t;
  if (name == layout::kMerkle) {
    // Tiles are hashes: nothing to compress, and a Get is always for a tile
    // that exists, so a filter saves nothing. Proofs read a few tiles each.
    o.compression = rocksdb::kNoCompression;
    t.block_size = 16 << 10;
  } else if (name != layout::kEntries) {
    // Index lookups by request or actor are point-prefix seeks: a bloom
    // filter saves reads for absent ids.
    t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // LZ4 compresses events about as well as RocksDB's default (Snappy) at
  // less CPU, which a flush otherwise takes from the appenders.
  if (name == layout::kEntries) o.compression = rocksdb::kLZ4Compression;
  if (name == layout::kByRequest) {
    // Reads are prefix seeks (ReadRequest) that the bloom filter answers for
    // absent ids; a full scan (verify) must set total_order_seek. Many keys
    // at once come as ingested files (index_buffer.h), so the memtables see
    // only light loads.
    o.prefix_extractor = std::make_shared<IndexPrefixTransform>();
  }
  return o;
}

}  // namespace

std::vector<rocksdb::ColumnFamilyDescriptor> Descriptors(const std::vector<std::string>& names,
                                                         bool scan_only) {
  std::vector<rocksdb::ColumnFamilyDescriptor> d;
  for (const auto& n : names) {
    rocksdb::ColumnFamilyOptions o = FamilyOptions(n);
    // Not for entries either: their keys come in order, which a skip list
    // inserts at its end for free, while every iterator over a vector
    // memtable sorts its own copy (verify reads entries with one per worker).
    if (scan_only && n != rocksdb::kDefaultColumnFamilyName && n != layout::kEntries) {
      // The writer's unflushed tiles and keys a verifier replays sort once.
      o.memtable_factory = std::make_shared<rocksdb::VectorRepFactory>();
    }
    d.emplace_back(n, std::move(o));
  }
  return d;
}

}  // namespace jejak::ledger
