#include "ledger/tree_check.h"

#include <fmt/format.h>

#include "base/error.h"
#include "base/rocks_status.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"
#include "ledger/tiles.h"

namespace jejak::ledger {
namespace {

// MTH of the subtrees that a tree's leaves decompose into, largest first.
Hash Fold(const std::vector<Hash>& subtrees) {
  if (subtrees.empty()) return MerkleEmptyRoot();
  Hash h = subtrees.back();
  for (size_t j = subtrees.size() - 1; j-- > 0;) h = MerkleNodeHash(subtrees[j], h);
  return h;
}

// A Cursor's width when its tile is stored but has no valid size.
constexpr int kMalformed = -2;

}  // namespace

TileReader::~TileReader() = default;

bool TileReader::Check(int level, uint64_t index, const Hash& hash, std::string* problem) {
  tiles::Position p = tiles::Locate(level, index);
  if (cursors_.empty()) cursors_.resize(tiles::kLevels);
  Cursor& c = cursors_[p.tile_level];
  if (!c.it || c.index != p.tile_index) {
    std::string key = layout::MerkleKey(p.tile_level, p.tile_index);
    // Nodes mostly come in order: then the tile is the next one stored.
    bool at_previous = c.it && c.it->Valid() && c.width != -1;
    if (!c.it) c.it.reset(r_.db->NewIterator(rocksdb::ReadOptions(), r_.merkle));
    if (at_previous && c.index + 1 == p.tile_index) {
      c.it->Next();
    } else {
      c.it->Seek(key);
    }
    c.index = p.tile_index;
    c.width = -1;
    if (c.it->Valid() && c.it->key().ToStringView() == key) {
      c.width = tiles::WidthOf(c.it->value().size());
      if (c.width < 0) c.width = kMalformed;
    }
    base::ThrowIfError(c.it->status(), "reading the Merkle tree");
  }
  if (c.width == kMalformed) {
    *problem =
        fmt::format("Merkle tile (level {}, index {}) is malformed", p.tile_level, p.tile_index);
    return false;
  }
  if (c.width < 0 || p.col >= (static_cast<uint64_t>(c.width) >> p.row)) {
    *problem = fmt::format("Merkle node (level {}, index {}) is missing", level, index);
    return false;
  }
  std::string_view stored =
      c.it->value().ToStringView().substr(tiles::Offset(c.width, p.row, p.col), 32);
  if (stored != AsBytes(hash)) {
    *problem =
        fmt::format("Merkle node (level {}, index {}) does not match the entries", level, index);
    return false;
  }
  return true;
}

TreeChecker::TreeChecker(RocksLedger& r) : r_(r), tiles_(r) {
  if (r_.checkpoints == nullptr) return;
  std::unique_ptr<rocksdb::Iterator> it(r_.db->NewIterator(rocksdb::ReadOptions(), r_.checkpoints));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t size = 0;
    layout::ParseSeqKey(it->key().ToStringView(), &size);
    checkpoints_[size] = it->value().ToString();
  }
  base::ThrowIfError(it->status(), "reading the checkpoints");
}

TreeChecker::~TreeChecker() = default;

Hash TreeChecker::RootAt(const Chunk& c, size_t i) const {
  std::vector<Hash> subtrees;
  for (const auto& s : upper_.subtrees()) subtrees.push_back(s.hash);
  if (i + 1 < Chunk::kEntries) c.Subtrees(i + 1, &subtrees);
  return Fold(subtrees);
}

Hash TreeChecker::root() const {
  std::vector<Hash> subtrees;
  for (const auto& s : upper_.subtrees()) subtrees.push_back(s.hash);
  subtrees.insert(subtrees.end(), tail_.begin(), tail_.end());
  return Fold(subtrees);
}

bool TreeChecker::Add(const Chunk& c, size_t i, std::string* problem) {
  uint64_t seq = c.first() + i;
  if (c.tree_problem() && c.tree_problem()->first == seq) {
    *problem = c.tree_problem()->second;
    return false;
  }
  size_ = seq + 1;
  if (i + 1 == Chunk::kEntries) {
    // The chunk's root is a leaf of upper_; its worker checked it.
    bool ok = true;
    upper_.Append(c.ChunkRoot(), [&](int level, uint64_t index, const Hash& h) {
      if (ok && level > 0 && present()) ok = tiles_.Check(level + Chunk::kLevel, index, h, problem);
    });
    if (!ok) return false;
  } else if (i + 1 == c.size()) {
    tail_.clear();
    c.Subtrees(i + 1, &tail_);
  }
  auto cp = checkpoints_.find(size_);
  if (cp == checkpoints_.end()) return true;
  Checkpoint parsed;
  try {
    parsed = ParseCheckpoint(cp->second);
  } catch (const base::Error& e) {
    *problem = fmt::format("the checkpoint of size {} is malformed: {}", cp->first, e.what());
    return false;
  }
  Hash derived = RootAt(c, i);
  if (parsed.size != cp->first || parsed.root != derived) {
    *problem = fmt::format(
        "the checkpoint of size {} does not match the entries (its root {}, "
        "derived {})",
        cp->first, HashToHex(parsed.root), HashToHex(derived));
    return false;
  }
  ++checked_checkpoints_;
  return true;
}

bool TreeChecker::Finish(std::string* problem) {
  // Add() checked those up to size_.
  if (auto beyond = checkpoints_.upper_bound(size_); beyond != checkpoints_.end()) {
    *problem = fmt::format("there is a checkpoint of size {}, beyond the ledger's {} entries",
                           beyond->first, size_);
    return false;
  }
  if (!present()) return true;
  // The rightmost tile of each level holds exactly the complete nodes, and
  // no tile lies beyond it. (The check of the nodes read every tile that
  // holds one, so each tile found here is well-formed.)
  uint64_t n = size_;
  std::unique_ptr<rocksdb::Iterator> it(r_.db->NewIterator(rocksdb::ReadOptions(), r_.merkle));
  for (int l = 0; l < tiles::kLevels; ++l) {
    uint64_t bottom = n >> (tiles::kHeight * l);
    uint64_t width = bottom % tiles::kWidth, end = (bottom + tiles::kWidth - 1) / tiles::kWidth;
    if (width > 0) {
      std::string key = layout::MerkleKey(l, end - 1);
      it->Seek(key);
      if (it->Valid() && it->key().ToStringView() == key &&
          tiles::WidthOf(it->value().size()) > static_cast<int>(width)) {
        *problem = fmt::format("Merkle node (level {}, index {}) is beyond the ledger's {} entries",
                               tiles::kHeight * l, bottom, n);
        return false;
      }
    }
    it->Seek(layout::MerkleKey(l, end));
    int found_level;
    uint64_t index;
    if (it->Valid() && layout::ParseMerkleKey(it->key().ToStringView(), &found_level, &index) &&
        found_level == l) {
      *problem = fmt::format("Merkle tile (level {}, index {}) is beyond the ledger's {} entries",
                             l, index, n);
      return false;
    }
  }
  base::ThrowIfError(it->status(), "reading the Merkle tree");
  return true;
}

}  // namespace jejak::ledger
