// The ledger's on-disk layout in RocksDB (docs/FORMAT.md, "Ledger storage").
// Shared by the writer, the verifier and the tamper tests, which must change
// the database behind jejak's back.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jejak::ledger::layout {

// Column families. "default" holds only metadata.
inline constexpr char kEntries[] = "entries";       // be64(seq) -> chain(32) || bytes
inline constexpr char kByRequest[] = "by_request";  // IndexKey(request_id, seq) -> ""
inline constexpr char kByActor[] = "by_actor";      // IndexKey(actor.subject, seq) -> ""
// Added by the Merkle tree; a ledger without them gains them on open.
inline constexpr char kMerkle[] = "merkle_tiles";      // MerkleKey(tile level, index) -> tile
inline constexpr char kCheckpoints[] = "checkpoints";  // be64(tree size) -> signed note
// Format v1's Merkle family, one key per node: MerkleKey(level, index) -> hash(32).
// The writer migrates it to kMerkle on open, then drops it.
inline constexpr char kMerkleV1[] = "merkle";

// Metadata keys in "default".
inline constexpr char kFormatKey[] = "jejak.ledger.format";
inline constexpr char kFormatValue[] = "jejak-ledger-v2";  // Merkle tiles
inline constexpr char kFormatV1[] = "jejak-ledger-v1";     // one key per Merkle node
inline constexpr char kHeadKey[] = "jejak.ledger.head";    // be64(size) || chain[size-1]
// be64(n): the index keys of every entry below n are written (indexer.h).
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

// u8(level) || be64(index): a level's tiles (v1: nodes) sort together, in
// order. The same bytes name a tile in kMerkle and a node in kMerkleV1.
inline constexpr size_t kMerkleKeySize = 9;
std::string MerkleKey(int level, uint64_t index);
void EncodeMerkleKey(int level, uint64_t index, char* out);
bool ParseMerkleKey(std::string_view key, int* level, uint64_t* index);

}  // namespace jejak::ledger::layout
