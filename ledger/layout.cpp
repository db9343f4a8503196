#include "ledger/layout.h"

#include <cstdint>

namespace jejak::ledger::layout {
namespace {

void PutBe(std::string* out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>(v >> (8 * i)));
}

uint64_t GetBe(std::string_view in, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<uint8_t>(in[i]);
  return v;
}

}  // namespace

std::string SeqKey(uint64_t seq) {
  std::string key;
  PutBe(&key, seq, 8);
  return key;
}

void EncodeSeqKey(uint64_t seq, char* out) {
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(seq >> (56 - 8 * i));
}

bool ParseSeqKey(std::string_view key, uint64_t* seq) {
  if (key.size() != 8) return false;
  *seq = GetBe(key, 8);
  return true;
}

std::string IndexPrefix(std::string_view id) {
  std::string key;
  key.reserve(4 + id.size() + 8);
  PutBe(&key, id.size(), 4);
  key.append(id);
  return key;
}

void AppendIndexKey(std::string* out, std::string_view id, uint64_t seq) {
  PutBe(out, id.size(), 4);
  out->append(id);
  PutBe(out, seq, 8);
}

std::string IndexKey(std::string_view id, uint64_t seq) {
  std::string key;
  key.reserve(4 + id.size() + 8);
  AppendIndexKey(&key, id, seq);
  return key;
}

size_t IndexPrefixSize(std::string_view key) {
  if (key.size() < 4) return 0;
  uint64_t len = GetBe(key, 4);
  return len <= key.size() - 4 ? 4 + len : 0;
}

bool ParseIndexKey(std::string_view key, std::string_view* id, uint64_t* seq) {
  if (key.size() < 12) return false;
  uint64_t len = GetBe(key, 4);
  if (key.size() != 4 + len + 8) return false;
  *id = key.substr(4, len);
  *seq = GetBe(key.substr(4 + len), 8);
  return true;
}

void AppendIndexDelta(std::string* value, uint64_t delta) {
  while (delta >= 0x80) {
    value->push_back(static_cast<char>(delta | 0x80));
    delta >>= 7;
  }
  value->push_back(static_cast<char>(delta));
}

bool ParseIndexValue(uint64_t first, std::string_view value, std::vector<uint64_t>* seqs) {
  uint64_t seq = first;
  seqs->push_back(seq);
  size_t i = 0;
  while (i < value.size()) {
    uint64_t delta = 0;
    for (int shift = 0;; shift += 7) {
      if (i == value.size() || shift > 63) return false;
      uint8_t b = static_cast<uint8_t>(value[i++]);
      if (shift == 63 && b > 1) return false;
      delta |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) {
        if (b == 0 && shift > 0) return false;  // overlong
        break;
      }
    }
    if (delta == 0 || delta > UINT64_MAX - seq) return false;
    seq += delta;
    seqs->push_back(seq);
  }
  return true;
}

void EncodeMerkleKey(int level, uint64_t index, char* out) {
  out[0] = static_cast<char>(level);
  EncodeSeqKey(index, out + 1);
}

std::string MerkleKey(int level, uint64_t index) {
  char key[kMerkleKeySize];
  EncodeMerkleKey(level, index, key);
  return std::string(key, sizeof(key));
}

bool ParseMerkleKey(std::string_view key, int* level, uint64_t* index) {
  if (key.size() != kMerkleKeySize || static_cast<uint8_t>(key[0]) > 63) return false;
  *level = static_cast<uint8_t>(key[0]);
  *index = GetBe(key.substr(1), 8);
  return true;
}

}  // namespace jejak::ledger::layout
