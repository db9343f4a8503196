#include "ledger/tree_check.h"

#include <fmt/format.h>

#include "events/error.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"
#include "ledger/tiles.h"

namespace jejak::ledger {

TreeChecker::TreeChecker(RocksLedger& r) : r_(r), cursors_(tiles::kLevels) {
  if (r_.checkpoints == nullptr) return;
  std::unique_ptr<rocksdb::Iterator> it(r_.db->NewIterator(rocksdb::ReadOptions(), r_.checkpoints));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t size = 0;
    layout::ParseSeqKey(it->key().ToStringView(), &size);
    checkpoints_[size] = it->value().ToString();
  }
  ThrowIfError(it->status(), "reading the checkpoints");
}

TreeChecker::~TreeChecker() = default;

bool TreeChecker::CheckNode(int level, uint64_t index, const Hash& hash, std::string* problem) {
  tiles::Position p = tiles::Locate(level, index);
  Cursor& c = cursors_[p.tile_level];
  if (!c.it || c.index != p.tile_index) {
    // Nodes come in order, so the tile is the first or the next one.
    if (!c.it) {
      c.it.reset(r_.db->NewIterator(rocksdb::ReadOptions(), r_.merkle));
      c.it->Seek(layout::MerkleKey(p.tile_level, p.tile_index));
    } else {
      c.it->Next();
    }
    c.index = p.tile_index;
    c.width = -1;
    if (c.it->Valid() &&
        c.it->key().ToStringView() == layout::MerkleKey(p.tile_level, p.tile_index)) {
      c.width = tiles::WidthOf(c.it->value().size());
      if (c.width < 0) {
        *problem = fmt::format("Merkle tile (level {}, index {}) is malformed", p.tile_level,
                               p.tile_index);
        return false;
      }
    }
    ThrowIfError(c.it->status(), "reading the Merkle tree");
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

bool TreeChecker::Add(const Hash& leaf, std::string* problem) {
  bool ok = true;
  frontier_.Append(leaf, [&](int level, uint64_t index, const Hash& h) {
    if (ok && present()) ok = CheckNode(level, index, h, problem);
  });
  if (!ok) return false;
  auto cp = checkpoints_.find(frontier_.size());
  if (cp == checkpoints_.end()) return true;
  Checkpoint c;
  try {
    c = ParseCheckpoint(cp->second);
  } catch (const events::Error& e) {
    *problem = fmt::format("the checkpoint of size {} is malformed: {}", cp->first, e.what());
    return false;
  }
  if (c.size != cp->first || c.root != frontier_.Root()) {
    *problem = fmt::format(
        "the checkpoint of size {} does not match the entries (its root {}, "
        "derived {})",
        cp->first, HashToHex(c.root), HashToHex(frontier_.Root()));
    return false;
  }
  checkpoints_.erase(cp);
  ++checked_checkpoints_;
  return true;
}

bool TreeChecker::Finish(std::string* problem) {
  if (!checkpoints_.empty()) {
    *problem = fmt::format("there is a checkpoint of size {}, beyond the ledger's {} entries",
                           checkpoints_.begin()->first, frontier_.size());
    return false;
  }
  if (!present()) return true;
  // The rightmost tile of each level holds exactly the complete nodes, and
  // no tile lies beyond it.
  uint64_t n = frontier_.size();
  std::unique_ptr<rocksdb::Iterator> it(r_.db->NewIterator(rocksdb::ReadOptions(), r_.merkle));
  for (int l = 0; l < tiles::kLevels; ++l) {
    uint64_t bottom = n >> (tiles::kHeight * l);
    uint64_t width = bottom % tiles::kWidth, end = (bottom + tiles::kWidth - 1) / tiles::kWidth;
    if (width > 0) {
      const Cursor& c = cursors_[l];
      if (c.it && c.index == end - 1 && static_cast<uint64_t>(c.width) > width) {
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
  ThrowIfError(it->status(), "reading the Merkle tree");
  return true;
}

}  // namespace jejak::ledger
