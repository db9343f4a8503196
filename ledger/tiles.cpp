#include "ledger/tiles.h"

#include <fmt/format.h>

#include <cstring>

#include "base/error.h"

namespace jejak::ledger::tiles {
namespace {

// By hash count: the width of a tile holding that many hashes, or -1.
const std::vector<int>& WidthTable() {
  static const std::vector<int> table = [] {
    std::vector<int> t(HashCount(kWidth) + 1, -1);
    for (uint64_t w = 0; w <= kWidth; ++w) t[HashCount(w)] = static_cast<int>(w);
    return t;
  }();
  return table;
}

}  // namespace

Position Locate(int level, uint64_t index) {
  int tile_level = level / kHeight;
  int row = level % kHeight;
  int shift = kHeight - row;
  return {tile_level, index >> shift, row, index & ((uint64_t{1} << shift) - 1)};
}

uint64_t HashCount(uint64_t width) {
  uint64_t n = 0;
  for (int r = 0; r < kHeight; ++r) n += width >> r;
  return n;
}

int WidthOf(size_t bytes) {
  const std::vector<int>& table = WidthTable();
  if (bytes % 32 != 0 || bytes / 32 >= table.size()) return -1;
  return table[bytes / 32];
}

size_t Offset(uint64_t width, int row, uint64_t col) {
  uint64_t n = col;
  for (int r = 0; r < row; ++r) n += width >> r;
  return n * 32;
}

void Tile::Serialize(std::string* out) const {
  out->clear();
  out->reserve(HashCount(width()) * 32);
  for (const auto& row : rows) {
    out->append(reinterpret_cast<const char*>(row.data()), row.size() * 32);
  }
}

Tile Tile::Parse(uint64_t index, std::string_view stored, uint64_t width) {
  int stored_width = WidthOf(stored.size());
  if (stored_width < 0 || static_cast<uint64_t>(stored_width) < width) {
    throw base::Error(base::ErrorCode::kCorruption,
                      fmt::format("Merkle tile {} is malformed or shorter than the tree", index));
  }
  Tile t;
  t.index = index;
  // Rows above the width's top level are empty: an empty vector's data()
  // may be null, which memcpy must not get even for 0 bytes.
  for (int r = 0; r < kHeight && (width >> r) > 0; ++r) {
    t.rows[r].resize(width >> r);
    std::memcpy(t.rows[r].data(), stored.data() + Offset(stored_width, r, 0),
                t.rows[r].size() * 32);
  }
  return t;
}

void TileBuilder::Add(int level, uint64_t index, const Hash& hash, const Sink& full) {
  Position p = Locate(level, index);
  if (tiles_.size() <= static_cast<size_t>(p.tile_level)) {
    tiles_.resize(p.tile_level + 1);
    dirty_.resize(p.tile_level + 1);
  }
  Tile& tile = tiles_[p.tile_level];
  if (tile.width() == 0) {
    tile.index = p.tile_index;
    for (int r = 0; r < kHeight; ++r) tile.rows[r].reserve(kWidth >> r);
  }
  if (tile.index != p.tile_index || tile.rows[p.row].size() != p.col) {
    throw base::Error(
        base::ErrorCode::kCorruption,
        fmt::format("Merkle node (level {}, index {}) added out of order", level, index));
  }
  tile.rows[p.row].push_back(hash);
  dirty_[p.tile_level] = true;
  if (tile.full()) {
    full(p.tile_level, tile);
    for (auto& row : tile.rows) row.clear();
    dirty_[p.tile_level] = false;
  }
}

void TileBuilder::Flush(const Sink& partial) {
  for (size_t l = 0; l < tiles_.size(); ++l) {
    if (dirty_[l] && tiles_[l].width() > 0) partial(static_cast<int>(l), tiles_[l]);
    dirty_[l] = false;
  }
}

void TileBuilder::Set(int tile_level, Tile tile) {
  if (tiles_.size() <= static_cast<size_t>(tile_level)) {
    tiles_.resize(tile_level + 1);
    dirty_.resize(tile_level + 1);
  }
  for (int r = 0; r < kHeight; ++r) tile.rows[r].reserve(kWidth >> r);
  tiles_[tile_level] = std::move(tile);
}

}  // namespace jejak::ledger::tiles
