#include "ledger/entry_chunks.h"

#include <fmt/format.h>

#include <functional>

#include "events/encoding.h"
#include "events/error.h"
#include "ledger/layout.h"
#include "ledger/merkle.h"
#include "ledger/rocks.h"

namespace jejak::ledger {

uint64_t Fingerprint(std::string_view id) { return std::hash<std::string_view>{}(id) | 1; }

std::string_view Chunk::Value(size_t i) const {
  size_t begin = i == 0 ? 0 : ends_[i - 1];
  return std::string_view(data_).substr(begin, ends_[i] - begin);
}

void Chunk::Stop(uint64_t seq, std::string problem) {
  stop_.emplace(seq, std::move(problem));
  last_ = true;
}

void Chunk::Read(rocksdb::Iterator* it, uint64_t seq) {
  first_ = seq;
  data_.clear();
  ends_.clear();
  last_ = false;
  stop_.reset();
  for (; it->Valid() && size() < kEntries; it->Next(), ++seq) {
    uint64_t key;
    std::string_view value = it->value().ToStringView();
    if (!layout::ParseSeqKey(it->key().ToStringView(), &key)) {
      return Stop(seq, "an entry key is not an 8-byte sequence number");
    }
    if (key != seq) {
      return Stop(seq, fmt::format("entry {} is missing (the next entry present is {})", seq, key));
    }
    if (value.size() < layout::kChainSize) {
      return Stop(seq, "the entry is shorter than its chain hash");
    }
    data_.append(value);
    ends_.push_back(data_.size());
  }
  ThrowIfError(it->status(), "reading the ledger");
  last_ = !it->Valid();
}

void Chunk::HashAndParse() {
  size_t n = size();
  entry_hash.resize(n);
  leaf.resize(n);
  request.resize(n);
  actor.resize(n);
  not_event.clear();
  for (size_t i = 0; i < n; ++i) {
    std::string_view bytes = Value(i).substr(layout::kChainSize);
    entry_hash[i] = Sha256Of(bytes);
    leaf[i] = MerkleLeafHash(bytes);
    try {
      events::EventKeys keys = events::CheckCanonical(bytes);
      request[i] = keys.request_id.empty() ? 0 : Fingerprint(keys.request_id);
      actor[i] = Fingerprint(keys.actor_subject);
    } catch (const events::Error& e) {
      not_event.emplace_back(i, e.what());
    }
  }
}

}  // namespace jejak::ledger
