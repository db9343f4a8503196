// The ledger's on-disk layout in RocksDB (docs/FORMAT.md, "Ledger storage").
// Shared by the writer, the verifier and the tamper tests, which must change
// the database behind jejak's back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jejak::ledger::layout {

// Column families. "default" holds only metadata.
inline constexpr char kEntries[] = "entries";  // be64(seq) -> chain(32) || bytes
// The index database, a RocksDB of its own in DIR/index (format v3), so that
// writing index keys never holds up the synced appends. Its "default" family
// holds the mark kIndexedKey. Formats v1 and v2 kept these two families in the
// main database; the writer drops them there on open and re-indexes.
inline constexpr char kIndexDir[] = "index";
// IndexKey(id, seq) -> IndexValue: seq and the later seqs listed in the value,
// the entries with that id (request id, or actor subject) among those one
// index write covered. v1 and v2 wrote an empty value, just the key's seq.
inline constexpr char kByRequest[] = "by_request";
inline constexpr char kByActor[] = "by_actor";
// Added by the Merkle tree; a ledger without them gains them on open.
inline constexpr char kMerkle[] = "merkle_tiles";      // MerkleKey(tile level, index) -> tile
inline constexpr char kCheckpoints[] = "checkpoints";  // be64(tree size) -> signed note
// Format v1's Merkle family, one key per node: MerkleKey(level, index) -> hash(32).
// The writer migrates it to kMerkle on open, then drops it.
inline constexpr char kMerkleV1[] = "merkle";

// Metadata keys in "default".
inline constexpr char kFormatKey[] = "jejak.ledger.format";
// v5: entries may be events of encoding version 2 (sealed fields).
inline constexpr char kFormatValue[] = "jejak-ledger-v5";
inline constexpr int kFormatVersion = 5;
inline constexpr char kFormatV4[] = "jejak-ledger-v4";  // checkpoints recorded by events
inline constexpr char kFormatV3[] = "jejak-ledger-v3";  // indexes in DIR/index
inline constexpr char kFormatV2[] = "jejak-ledger-v2";  // Merkle tiles, indexes beside entries
inline constexpr char kFormatV1[] = "jejak-ledger-v1";  // one key per Merkle node
// The marker of format version 1 .. kFormatVersion.
inline const char* FormatMarker(int version) {
  switch (version) {
    case 1:
      return kFormatV1;
    case 2:
      return kFormatV2;
    case 3:
      return kFormatV3;
    case 4:
      return kFormatV4;
    default:
      return kFormatValue;
  }
}
inline constexpr char kHeadKey[] = "jejak.ledger.head";  // be64(size) || chain[size-1]
// kCosignaturesPrefix || be64(size): witnesses' cosignature lines of the
// checkpoint of that size (c2sp.org/tlog-cosignature).
inline constexpr char kCosignaturesPrefix[] = "jejak.ledger.cosignatures/";
// In the index database's "default" (v1, v2: the main one's): be64(n), the
// index keys of every entry below n are written (indexer.h).
inline constexpr char kIndexedKey[] = "jejak.ledger.indexed";

inline constexpr size_t kChainSize = 32;

std::string SeqKey(uint64_t seq);
// SeqKey() into out[0..8), for the append path, which must not allocate.
void EncodeSeqKey(uint64_t seq, char* out);
// Returns false unless key is exactly 8 bytes.
bool ParseSeqKey(std::string_view key, uint64_t* seq);

// be32(len(id)) || id || be64(seq): an id's entries sort together, in order.
std::string IndexKey(std::string_view id, uint64_t seq);
std::string IndexPrefix(std::string_view id);
// Appends IndexKey(id, seq) to *out, so that one buffer serves many keys.
void AppendIndexKey(std::string* out, std::string_view id, uint64_t seq);
// The length of the IndexPrefix() that key starts with, or 0 if key is too
// short to hold one (a damaged key).
size_t IndexPrefixSize(std::string_view key);
bool ParseIndexKey(std::string_view key, std::string_view* id, uint64_t* seq);

// An index value: for each seq after the key's, in increasing order, its
// difference to the one before as an unsigned LEB128 varint (never 0).
void AppendIndexDelta(std::string* value, uint64_t delta);
// Appends the seqs of an index key (first, its own) and value to *seqs.
// Returns false if the value is malformed: a truncated or overlong varint, a
// zero difference, or a seq past 2^64 - 1.
bool ParseIndexValue(uint64_t first, std::string_view value, std::vector<uint64_t>* seqs);

// u8(level) || be64(index): a level's tiles (v1: nodes) sort together, in
// order. The same bytes name a tile in kMerkle and a node in kMerkleV1.
inline constexpr size_t kMerkleKeySize = 9;
std::string MerkleKey(int level, uint64_t index);
void EncodeMerkleKey(int level, uint64_t index, char* out);
bool ParseMerkleKey(std::string_view key, int* level, uint64_t* index);

}  // namespace jejak::ledger::layout
