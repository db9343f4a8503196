#include "ledger/tree_check.h"

#include <fmt/format.h>

#include "events/error.h"
#include "ledger/checkpoint.h"
#include "ledger/layout.h"

namespace jejak::ledger {

TreeChecker::TreeChecker(RocksLedger& r) : r_(r), levels_(64) {
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
  auto& it = levels_[level];
  if (!it) {
    it.reset(r_.db->NewIterator(rocksdb::ReadOptions(), r_.merkle));
    it->Seek(layout::MerkleKey(level, 0));
  }
  std::string want = layout::MerkleKey(level, index);
  if (!it->Valid() || it->key().ToStringView() != want) {
    ThrowIfError(it->status(), "reading the Merkle tree");
    *problem = fmt::format("Merkle node (level {}, index {}) is missing", level, index);
    return false;
  }
  if (it->value().ToStringView() != AsBytes(hash)) {
    *problem =
        fmt::format("Merkle node (level {}, index {}) does not match the entries", level, index);
    return false;
  }
  it->Next();
  return true;
}

bool TreeChecker::Add(std::string_view entry_bytes, std::string* problem) {
  bool ok = true;
  frontier_.Append(MerkleLeafHash(entry_bytes), [&](int level, uint64_t index, const Hash& h) {
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
  // Every level's iterator must have left its level: no node beyond the tree.
  std::unique_ptr<rocksdb::Iterator> it(r_.db->NewIterator(rocksdb::ReadOptions(), r_.merkle));
  for (int level = 0; level < 64; ++level) {
    uint64_t expected = frontier_.size() >> level;
    it->Seek(layout::MerkleKey(level, expected));
    int found_level;
    uint64_t index;
    if (it->Valid() && layout::ParseMerkleKey(it->key().ToStringView(), &found_level, &index) &&
        found_level == level) {
      *problem = fmt::format("Merkle node (level {}, index {}) is beyond the ledger's {} entries",
                             level, index, frontier_.size());
      return false;
    }
  }
  ThrowIfError(it->status(), "reading the Merkle tree");
  return true;
}

}  // namespace jejak::ledger
