#include "ledger/entry_chunks.h"

#include <fmt/format.h>

#include <cstring>
#include <functional>

#include "base/error.h"
#include "base/rocks_status.h"
#include "events/encoding.h"
#include "events/vocabulary.h"
#include "ledger/layout.h"
#include "ledger/tree_check.h"

namespace jejak::ledger {

uint64_t Fingerprint(std::string_view id) { return std::hash<std::string_view>{}(id) | 1; }

void Chunk::Stop(uint64_t seq, std::string problem) {
  stop_.emplace(seq, std::move(problem));
  last_ = true;
}

void Chunk::Rethrow() const {
  if (error_) std::rethrow_exception(error_);
}

void Chunk::Subtrees(size_t m, std::vector<Hash>* out) const {
  size_t begin = 0;
  for (int l = kLevel; l >= 0; --l) {
    if (((m >> l) & 1) == 0) continue;
    out->push_back(nodes_[l][begin >> l]);
    begin += size_t{1} << l;
  }
}

void Chunk::Fill(rocksdb::Iterator* it, uint64_t index, TileReader* tiles) {
  first_ = index << kLevel;
  last_ = false;
  stop_.reset();
  tree_problem_.reset();
  error_ = nullptr;
  stored_chain.clear();
  entry_hash.clear();
  request.clear();
  actor.clear();
  not_event.clear();
  ledger_events.clear();
  frontier_ = MerkleFrontier();
  for (auto& level : nodes_) level.clear();
  try {
    if (index == 0) {
      it->SeekToFirst();
    } else {
      it->Seek(layout::SeqKey(first_));
    }
    Read(it, tiles);
  } catch (...) {
    error_ = std::current_exception();
    last_ = true;
  }
}

void Chunk::Read(rocksdb::Iterator* it, TileReader* tiles) {
  auto is_entry = [&](uint64_t seq) {
    uint64_t key;
    if (!layout::ParseSeqKey(it->key().ToStringView(), &key)) {
      Stop(seq, "an entry key is not an 8-byte sequence number");
      return false;
    }
    if (key != seq) {
      Stop(seq, fmt::format("entry {} is missing (the next entry present is {})", seq, key));
      return false;
    }
    return true;
  };
  for (uint64_t seq = first_; it->Valid() && size() < kEntries; it->Next(), ++seq) {
    if (!is_entry(seq)) return;
    std::string_view value = it->value().ToStringView();
    if (value.size() < layout::kChainSize)
      return Stop(seq, "the entry is shorter than its chain hash");
    AddEntry(seq, value, tiles);
  }
  base::ThrowIfError(it->status(), "reading the ledger");
  // After a full chunk, the next worker seeks to the next chunk's first key,
  // so damage between the two (a gap, a malformed key) is found here.
  if (it->Valid()) {
    is_entry(end());
  } else {
    last_ = true;
  }
}

void Chunk::AddEntry(uint64_t seq, std::string_view value, TileReader* tiles) {
  Hash& chain = stored_chain.emplace_back();
  std::memcpy(chain.data(), value.data(), layout::kChainSize);
  std::string_view bytes = value.substr(layout::kChainSize);
  entry_hash.push_back(Sha256Of(bytes));
  try {
    events::EventKeys keys = events::CheckCanonical(bytes);
    request.push_back(keys.request_id.empty() ? 0 : Fingerprint(keys.request_id));
    actor.push_back(Fingerprint(keys.actor_subject));
    if (keys.type == events::types::kSigningKeyAdded ||
        keys.type == events::types::kCheckpointSigned) {
      ledger_events.emplace_back(size() - 1, events::Decode(bytes));
    }
  } catch (const base::Error& e) {
    not_event.emplace_back(size() - 1, e.what());
    request.push_back(0);
    actor.push_back(0);
  }
  seq_ = seq;
  tiles_ = tiles;
  // Captures only this, so that making the sink allocates nothing.
  frontier_.Append(MerkleLeafHash(bytes), [this](int level, uint64_t index, const Hash& h) {
    nodes_[level].push_back(h);
    if (tiles_ == nullptr || tree_problem_) return;
    std::string problem;
    if (!tiles_->Check(level, (first_ >> level) + index, h, &problem)) {
      tree_problem_.emplace(seq_, std::move(problem));
    }
  });
}

ChunkPipeline::ChunkPipeline(RocksLedger& r, int workers) : r_(r) {
  ready_.fill(kNone);
  for (int w = 0; w < workers; ++w) workers_.emplace_back([this] { Work(); });
}

ChunkPipeline::~ChunkPipeline() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& w : workers_) w.join();
}

const Chunk& ChunkPipeline::Next() {
  std::unique_lock<std::mutex> lock(mu_);
  if (current_ != kNone) {
    released_ = current_ + 1;
    cv_.notify_all();
  }
  current_ = current_ == kNone ? 0 : current_ + 1;
  uint64_t k = current_;
  cv_.wait(lock, [&] { return ready_[k % kSlots] == k; });
  const Chunk& c = chunks_[k % kSlots];
  c.Rethrow();
  return c;
}

void ChunkPipeline::Work() {
  rocksdb::ReadOptions ro;
  ro.fill_cache = false;  // one pass: blocks are not read again
  ro.readahead_size = 4 << 20;
  std::unique_ptr<rocksdb::Iterator> it(r_.db->NewIterator(ro, r_.entries));
  std::optional<TileReader> tiles;
  if (r_.merkle != nullptr) tiles.emplace(r_);
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    if (stop_ || claimed_ > end_) return;
    uint64_t k = claimed_++;
    cv_.wait(lock, [&] { return stop_ || k < released_ + kSlots; });
    if (stop_) return;
    Chunk& c = chunks_[k % kSlots];
    lock.unlock();
    c.Fill(it.get(), k, tiles ? &*tiles : nullptr);
    lock.lock();
    ready_[k % kSlots] = k;
    if (c.last() && k < end_) end_ = k;
    cv_.notify_all();
  }
}

}  // namespace jejak::ledger
