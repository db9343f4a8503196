// Tiles: how the Merkle tree's complete-subtree hashes are grouped for
// storage (docs/FORMAT.md, "Ledger storage"), after Russ Cox's "Transparent
// Logs for Skeptical Clients" and C2SP tlog-tiles, but holding every level.
//
// Tile (tile level L, tile index t) holds the nodes of levels 8L .. 8L+7
// under its 256 level-8L nodes [256t, 256t + 256): row r (0..7) is level
// 8L + r, holding the (w >> r) complete nodes above its first w bottom nodes.
// Every node lives in exactly one tile; a tile's root (level 8L + 8) is a
// bottom node of tile level L + 1. A tile is stored as its rows, bottom row
// first, each in index order: w = 256 gives a full tile of 510 hashes, which
// never changes again. An inclusion proof in a tree of 2^24 entries reads
// three tiles plus the few at the right edge, and rehashes nothing.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/hash.h"

namespace jejak::ledger::tiles {

inline constexpr int kHeight = 8;
inline constexpr uint64_t kWidth = uint64_t{1} << kHeight;
inline constexpr int kLevels = 64 / kHeight;  // tile levels covering node levels 0..63

struct Position {
  int tile_level;
  uint64_t tile_index;
  int row;       // level - 8 * tile_level
  uint64_t col;  // index within the row
};
Position Locate(int level, uint64_t index);

// Hashes in a tile whose bottom row holds width nodes.
uint64_t HashCount(uint64_t width);
// The width of a stored tile of size bytes, or -1 if no width gives that size.
int WidthOf(size_t bytes);
// Where node (row, col) starts in a stored tile of width, in bytes; the
// caller checks col < width >> row.
size_t Offset(uint64_t width, int row, uint64_t col);

// A tile being filled, in memory: rows[r] holds its complete level-r nodes.
struct Tile {
  uint64_t index = 0;
  std::array<std::vector<Hash>, kHeight> rows;

  uint64_t width() const { return rows[0].size(); }
  bool full() const { return rows[kHeight - 1].size() == 2; }
  void Serialize(std::string* out) const;
  // The first width nodes of a stored tile (whose width must be >= width).
  static Tile Parse(uint64_t index, std::string_view stored, uint64_t width);
};

// The rightmost tile of each tile level of a growing tree: fed every node
// the tree completes (MerkleFrontier's sink), it reports each tile that
// becomes full once, and the partial tiles changed since the last Flush().
class TileBuilder {
 public:
  using Sink = std::function<void(int tile_level, const Tile& tile)>;

  // Nodes must come in the order MerkleFrontier::Append reports them.
  void Add(int level, uint64_t index, const Hash& hash, const Sink& full);
  void Flush(const Sink& partial);
  // Starts from a stored partial tile (tile levels in increasing order).
  void Set(int tile_level, Tile tile);

 private:
  std::vector<Tile> tiles_;  // by tile level
  std::vector<bool> dirty_;
};

}  // namespace jejak::ledger::tiles
