#include "ledger/merkle_store.h"

#include <fmt/format.h>

#include <cstring>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/rocks_status.h"
#include "ledger/layout.h"
#include "ledger/rocks.h"

namespace jejak::ledger {

using base::Error;
using base::ErrorCode;

void MerkleStore::RequirePresent() const {
  if (!present()) {
    throw Error(ErrorCode::kNotFound,
                "this ledger has no Merkle tree yet: open it once for writing (any jejak command "
                "that writes, e.g. 'jejak checkpoint') to build it");
  }
}

namespace {

using TileCache = std::vector<std::pair<std::string, std::string>>;  // key -> tile
constexpr size_t kCachedTiles = 8;

Error MissingNode(int level, uint64_t index) {
  return Error(ErrorCode::kCorruption,
               fmt::format("Merkle node (level {}, index {}) is missing", level, index));
}

Hash NodeInTile(int level, uint64_t index, std::string_view tile) {
  tiles::Position p = tiles::Locate(level, index);
  int width = tiles::WidthOf(tile.size());
  if (width < 0) {
    throw Error(ErrorCode::kCorruption, fmt::format("Merkle tile (level {}, index {}) is malformed",
                                                    p.tile_level, p.tile_index));
  }
  if (p.col >= (static_cast<uint64_t>(width) >> p.row)) throw MissingNode(level, index);
  Hash h;
  std::memcpy(h.data(), tile.data() + tiles::Offset(width, p.row, p.col), 32);
  return h;
}

uint64_t LastLeaf(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* cf,
                  const std::function<uint64_t(uint64_t index, size_t value_size)>& leaves) {
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
  // Level 0 keys sort first; the last of them holds the last leaf.
  it->SeekForPrev(layout::MerkleKey(0, UINT64_MAX));
  base::ThrowIfError(it->status(), "reading the Merkle tree");
  int level;
  uint64_t index;
  if (!it->Valid() || !layout::ParseMerkleKey(it->key().ToStringView(), &level, &index) ||
      level != 0) {
    return 0;
  }
  return leaves(index, it->value().size());
}

// Format v1: one 32-byte value per node, under MerkleKey(level, index).
Hash V1Node(const RocksLedger& r, int level, uint64_t index) {
  std::string value;
  rocksdb::Status s =
      r.db->Get(rocksdb::ReadOptions(), r.merkle_v1, layout::MerkleKey(level, index), &value);
  if (!s.ok() || value.size() != 32) {
    throw Error(ErrorCode::kCorruption,
                fmt::format("migrating the Merkle tree: v1 node (level {}, index {}) is missing "
                            "or malformed",
                            level, index));
  }
  Hash h;
  std::memcpy(h.data(), value.data(), 32);
  return h;
}

}  // namespace

std::optional<std::string> MerkleStore::ReadTile(int tile_level, uint64_t index) const {
  RequirePresent();
  char key[layout::kMerkleKeySize];
  layout::EncodeMerkleKey(tile_level, index, key);
  std::string value;
  rocksdb::Status s =
      db_->Get(rocksdb::ReadOptions(), cf_, rocksdb::Slice(key, sizeof(key)), &value);
  if (s.IsNotFound()) return std::nullopt;
  base::ThrowIfError(s, "reading a Merkle tile");
  return value;
}

Hash MerkleStore::Node(int level, uint64_t index) const {
  tiles::Position p = tiles::Locate(level, index);
  std::optional<std::string> tile = ReadTile(p.tile_level, p.tile_index);
  if (!tile) throw MissingNode(level, index);
  return NodeInTile(level, index, *tile);
}

NodeSource MerkleStore::Source() const {
  RequirePresent();
  auto cache = std::make_shared<TileCache>();
  return [store = *this, cache](int level, uint64_t index) {
    tiles::Position p = tiles::Locate(level, index);
    std::string key = layout::MerkleKey(p.tile_level, p.tile_index);
    for (const auto& [k, tile] : *cache) {
      if (k == key) return NodeInTile(level, index, tile);
    }
    std::optional<std::string> tile = store.ReadTile(p.tile_level, p.tile_index);
    if (!tile) throw MissingNode(level, index);
    if (cache->size() == kCachedTiles) cache->erase(cache->begin());
    cache->emplace_back(std::move(key), std::move(*tile));
    return NodeInTile(level, index, cache->back().second);
  };
}

uint64_t MerkleStore::StoredLeaves() const {
  RequirePresent();
  return LastLeaf(db_, cf_, [](uint64_t index, size_t value_size) -> uint64_t {
    int width = tiles::WidthOf(value_size);
    if (width < 0) throw Error(ErrorCode::kCorruption, "the last Merkle tile is malformed");
    return index * tiles::kWidth + width;
  });
}

MerkleWriter::MerkleWriter(rocksdb::ColumnFamilyHandle* cf, const MerkleStore& store, uint64_t size)
    : cf_(cf) {
  NodeSource nodes = store.Source();
  frontier_ = MerkleFrontier::Load(nodes, size);
  for (int l = 0; l < tiles::kLevels; ++l) {
    uint64_t bottom = size >> (tiles::kHeight * l);  // complete nodes at level 8l
    if (bottom == 0) break;
    uint64_t width = bottom % tiles::kWidth, index = bottom / tiles::kWidth;
    if (width == 0) continue;
    std::optional<std::string> stored = store.ReadTile(l, index);
    if (!stored) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("Merkle tile (level {}, index {}) is missing", l, index));
    }
    tiles_.Set(l, tiles::Tile::Parse(index, *stored, width));
  }
}

void MerkleWriter::Put(int tile_level, const tiles::Tile& tile, rocksdb::WriteBatch* batch) {
  char key[layout::kMerkleKeySize];
  layout::EncodeMerkleKey(tile_level, tile.index, key);
  rocksdb::Slice key_part(key, sizeof(key));
  rocksdb::Slice rows[tiles::kHeight];
  for (int r = 0; r < tiles::kHeight; ++r) {
    rows[r] = rocksdb::Slice(reinterpret_cast<const char*>(tile.rows[r].data()),
                             tile.rows[r].size() * 32);
  }
  base::ThrowIfError(
      batch->Put(cf_, rocksdb::SliceParts(&key_part, 1), rocksdb::SliceParts(rows, tiles::kHeight)),
      "building a ledger batch");
}

void MerkleWriter::Append(const Hash& leaf, rocksdb::WriteBatch* batch) {
  auto full = [&](int tile_level, const tiles::Tile& tile) { Put(tile_level, tile, batch); };
  frontier_.Append(leaf, [&](int level, uint64_t index, const Hash& hash) {
    tiles_.Add(level, index, hash, full);
  });
}

void MerkleWriter::Finish(rocksdb::WriteBatch* batch) {
  tiles_.Flush([&](int tile_level, const tiles::Tile& tile) { Put(tile_level, tile, batch); });
}

MerkleWriter BuildMerkleTree(RocksLedger& r, uint64_t size) {
  MerkleStore store(r.db.get(), r.merkle);
  // Format v1's root, to check the migrated tree against.
  uint64_t v1_size = 0;
  std::optional<Hash> v1_root;
  if (r.format == 1 && r.merkle_v1 != nullptr) {
    v1_size = std::min(
        size, LastLeaf(r.db.get(), r.merkle_v1, [](uint64_t index, size_t) { return index + 1; }));
    v1_root =
        MerkleRoot([&](int level, uint64_t index) { return V1Node(r, level, index); }, v1_size);
  }
  uint64_t have = std::min(store.StoredLeaves(), size);
  MerkleWriter writer(r.merkle, store, have);
  rocksdb::WriteOptions wo;
  wo.sync = true;
  if (have < size) {
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
      writer.Append(MerkleLeafHash(value.substr(layout::kChainSize)), &batch);
      if ((expected + 1) % (1 << 18) == 0) {
        writer.Finish(&batch);
        base::ThrowIfError(r.db->Write(wo, &batch), "writing the Merkle tree");
        batch.Clear();
      }
    }
    base::ThrowIfError(it->status(), "reading the ledger");
    if (expected != size) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("building the Merkle tree: entry {} is missing", expected));
    }
    writer.Finish(&batch);
    base::ThrowIfError(r.db->Write(wo, &batch), "writing the Merkle tree");
  }
  if (r.format == 1) {
    if (v1_root && MerkleRoot(store.Source(), v1_size) != *v1_root) {
      throw Error(ErrorCode::kCorruption,
                  fmt::format("migrating the Merkle tree: the stored v1 tree of size {} does not "
                              "match the entries; run 'jejak ledger verify' with the jejak that "
                              "wrote it",
                              v1_size));
    }
    // Indexes and checkpoint records migrate next (rocks.h, ledger.cpp).
    base::ThrowIfError(r.db->Put(wo, r.meta, layout::kFormatKey, layout::kFormatV3),
                       "writing the format marker");
    r.format = 3;
  }
  if (r.merkle_v1 != nullptr) {
    base::ThrowIfError(r.db->DropColumnFamily(r.merkle_v1), "dropping the v1 Merkle nodes");
    r.merkle_v1 = nullptr;
  }
  return writer;
}

std::optional<std::string> GetCheckpointNote(const RocksLedger& r, uint64_t size) {
  if (r.checkpoints == nullptr) return std::nullopt;
  std::string note;
  rocksdb::Status s = r.db->Get(rocksdb::ReadOptions(), r.checkpoints, layout::SeqKey(size), &note);
  if (s.IsNotFound()) return std::nullopt;
  base::ThrowIfError(s, "reading a checkpoint");
  return note;
}

std::optional<std::string> LatestCheckpointNote(const RocksLedger& r) {
  if (r.checkpoints == nullptr) return std::nullopt;
  std::unique_ptr<rocksdb::Iterator> it(r.db->NewIterator(rocksdb::ReadOptions(), r.checkpoints));
  it->SeekToLast();
  base::ThrowIfError(it->status(), "reading the checkpoints");
  if (!it->Valid()) return std::nullopt;
  return it->value().ToString();
}

}  // namespace jejak::ledger
