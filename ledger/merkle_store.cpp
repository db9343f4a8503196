#include "ledger/merkle_store.h"

#include <fmt/format.h>

#include <cstring>
#include <memory>

#include "events/error.h"
#include "ledger/layout.h"
#include "ledger/rocks.h"

namespace jejak::ledger {

using events::Error;
using events::ErrorCode;

void MerkleStore::RequirePresent() const {
  if (!present()) {
    throw Error(ErrorCode::kNotFound,
                "this ledger has no Merkle tree yet: open it once for writing (any jejak command "
                "that writes, e.g. 'jejak checkpoint') to build it");
  }
}

Hash MerkleStore::Node(int level, uint64_t index) const {
  RequirePresent();
  char key[layout::kMerkleKeySize];
  layout::EncodeMerkleKey(level, index, key);
  rocksdb::PinnableSlice value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf_, rocksdb::Slice(key, sizeof(key)), &value);
  if (s.IsNotFound()) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("Merkle node (level {}, index {}) is missing", level, index));
  }
  ThrowIfError(s, "reading a Merkle node");
  if (value.size() != 32) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("Merkle node (level {}, index {}) is malformed", level, index));
  }
  Hash h;
  std::memcpy(h.data(), value.data(), 32);
  return h;
}

NodeSource MerkleStore::Source() const {
  RequirePresent();
  return [store = *this](int level, uint64_t index) { return store.Node(level, index); };
}

uint64_t MerkleStore::StoredLeaves() const {
  RequirePresent();
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_));
  // Level 0 keys sort first; the last of them is the last leaf.
  it->SeekForPrev(layout::MerkleKey(0, UINT64_MAX));
  ThrowIfError(it->status(), "reading the Merkle tree");
  int level;
  uint64_t index;
  if (!it->Valid() || !layout::ParseMerkleKey(it->key().ToStringView(), &level, &index) ||
      level != 0) {
    return 0;
  }
  return index + 1;
}

void MerkleStore::Append(MerkleFrontier* frontier, const Hash& leaf,
                         rocksdb::WriteBatch* batch) const {
  frontier->Append(leaf, [&](int level, uint64_t index, const Hash& hash) {
    char key[layout::kMerkleKeySize];
    layout::EncodeMerkleKey(level, index, key);
    ThrowIfError(batch->Put(cf_, rocksdb::Slice(key, sizeof(key)), rocksdb::Slice(AsBytes(hash))),
                 "building a ledger batch");
  });
}

MerkleFrontier BuildMerkleTree(RocksLedger& r, uint64_t size) {
  MerkleStore store(r.db.get(), r.merkle);
  uint64_t have = std::min(store.StoredLeaves(), size);
  MerkleFrontier frontier = MerkleFrontier::Load(store.Source(), have);
  if (have == size) return frontier;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::WriteBatch batch;
  rocksdb::ReadOptions ro;
  std::string upper = layout::SeqKey(size);
  rocksdb::Slice upper_slice(upper);
  ro.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(ro, r.entries));
  uint64_t expected = have;
  for (it->Seek(layout::SeqKey(have)); it->Valid(); it->Next(), ++expected) {
    uint64_t seq;
    std::string_view value = it->value().ToStringView();
    if (!layout::ParseSeqKey(it->key().ToStringView(), &seq) || seq != expected ||
        value.size() < layout::kChainSize) {
      throw Error(
          ErrorCode::kCorruption,
          fmt::format("building the Merkle tree: entry {} is missing or malformed", expected));
    }
    store.Append(&frontier, MerkleLeafHash(value.substr(layout::kChainSize)), &batch);
    if (batch.Count() >= (1 << 16)) {
      ThrowIfError(r.db->Write(wo, &batch), "writing the Merkle tree");
      batch.Clear();
    }
  }
  ThrowIfError(it->status(), "reading the ledger");
  if (expected != size) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("building the Merkle tree: entry {} is missing", expected));
  }
  ThrowIfError(r.db->Write(wo, &batch), "writing the Merkle tree");
  return frontier;
}

void PutCheckpointNote(RocksLedger& r, uint64_t size, const std::string& note) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  ThrowIfError(r.db->Put(wo, r.checkpoints, layout::SeqKey(size), note), "storing a checkpoint");
}

std::optional<std::string> GetCheckpointNote(const RocksLedger& r, uint64_t size) {
  if (r.checkpoints == nullptr) return std::nullopt;
  std::string note;
  rocksdb::Status s = r.db->Get(rocksdb::ReadOptions(), r.checkpoints, layout::SeqKey(size), &note);
  if (s.IsNotFound()) return std::nullopt;
  ThrowIfError(s, "reading a checkpoint");
  return note;
}

std::optional<std::string> LatestCheckpointNote(const RocksLedger& r) {
  if (r.checkpoints == nullptr) return std::nullopt;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(rocksdb::ReadOptions(), r.checkpoints));
  it->SeekToLast();
  ThrowIfError(it->status(), "reading the checkpoints");
  if (!it->Valid()) return std::nullopt;
  return it->value().ToString();
}

}  // namespace jejak::ledger
