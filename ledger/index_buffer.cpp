#include "ledger/index_buffer.h"

#include <fmt/format.h>
#include <rocksdb/sst_file_writer.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "base/error.h"
#include "base/rocks_status.h"
#include "ledger/layout.h"
#include "ledger/rocks.h"

namespace jejak::ledger {

namespace fs = std::filesystem;

namespace {

// Buffers of fewer entries are written through the memtables. Above it,
// ingesting is cheaper, and each file is still a sizeable one (~2 MB).
constexpr uint64_t kMinIngest = 1 << 16;

}  // namespace

void IndexIds::Add(std::string_view request_id, std::string_view actor) {
  text.append(request_id);
  ends.push_back(static_cast<uint32_t>(text.size()));
  text.append(actor);
  ends.push_back(static_cast<uint32_t>(text.size()));
}

// One index's keys: an id's entries share one key (layout.h), so an actor
// acting on thousands of entries costs one key.
class IndexBuffer::KeyGroups {
 public:
  void Add(std::string_view id, uint64_t seq) {
    if (2 * (groups_.size() + 1) > slots_.size()) Grow();
    uint64_t h = std::hash<std::string_view>()(id);
    Slot* slot = &slots_[Find(id, h)];
    if (slot->group == 0) {
      *slot = Slot{static_cast<uint32_t>(h >> 32), static_cast<uint32_t>(groups_.size() + 1)};
      groups_.push_back(Group{id, seq, seq, {}});
      return;
    }
    Group& g = groups_[slot->group - 1];
    layout::AppendIndexDelta(&g.value, seq - g.last);
    g.last = seq;
  }

  void Lookup(std::string_view id, std::vector<uint64_t>* seqs) const {
    if (groups_.empty()) return;
    const Slot& slot = slots_[Find(id, std::hash<std::string_view>()(id))];
    if (slot.group == 0) return;
    const Group& g = groups_[slot.group - 1];
    layout::ParseIndexValue(g.first, g.value, seqs);  // well-formed: made by Add()
  }

  bool empty() const { return groups_.empty(); }

  // Writes the keys to a new SST file at path for cf.
  void WriteFile(const rocksdb::Options& options, rocksdb::ColumnFamilyHandle* cf,
                 const std::string& path) const {
    // Not dropping the pages from the cache: recent requests are read most.
    rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), options, cf,
                                  /*invalidate_page_cache=*/false);
    base::ThrowIfError(writer.Open(path), fmt::format("creating {}", path));
    ForEachInKeyOrder([&](const std::string& key, const std::string& value) {
      base::ThrowIfError(writer.Put(key, value), fmt::format("writing {}", path));
    });
    base::ThrowIfError(writer.Finish(), fmt::format("writing {}", path));  // synced
  }

  // Puts the keys into batch, under cf.
  void PutAll(rocksdb::WriteBatch* batch, rocksdb::ColumnFamilyHandle* cf) const {
    // Sorted too: a memtable takes sorted keys faster than random ones.
    ForEachInKeyOrder([&](const std::string& key, const std::string& value) {
      base::ThrowIfError(batch->Put(cf, key, value), "building an index batch");
    });
  }

  void Clear() {
    std::fill(slots_.begin(), slots_.end(), Slot{});
    groups_.clear();
  }

 private:
  struct Group {
    std::string_view id;
    uint64_t first, last;
    std::string value;
  };
  // An open-addressing table from id to group, kept at most half full and
  // reused from one buffer to the next: the buffer sees ~100k new ids per
  // write, and a node-based map's allocations, rehashes and frees cost more
  // than the rest of the indexer's work.
  struct Slot {
    uint32_t tag = 0;    // the hash's high bits, compared before the id
    uint32_t group = 0;  // 1 + the group's index; 0: empty
  };

  // Calls put(key, value) for each key, in key order: be32(len) || id || seq,
  // where each id has one key here.
  template <typename Put>
  void ForEachInKeyOrder(Put put) const {
    std::vector<uint32_t> order(groups_.size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      std::string_view x = groups_[a].id, y = groups_[b].id;
      return x.size() != y.size() ? x.size() < y.size() : x < y;
    });
    std::string key;  // reused: the puts copy it
    for (uint32_t i : order) {
      const Group& g = groups_[i];
      key.clear();
      layout::AppendIndexKey(&key, g.id, g.first);
      put(key, g.value);
    }
  }

  // The slot holding id (whose hash is h), or the empty one where it belongs.
  size_t Find(std::string_view id, uint64_t h) const {
    size_t mask = slots_.size() - 1;
    uint32_t tag = static_cast<uint32_t>(h >> 32);
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.group == 0 || (s.tag == tag && groups_[s.group - 1].id == id)) return i;
    }
  }

  void Grow() {
    slots_.assign(std::max<size_t>(1024, 2 * slots_.size()), Slot{});
    for (uint32_t i = 0; i < groups_.size(); ++i) {
      uint64_t h = std::hash<std::string_view>()(groups_[i].id);
      slots_[Find(groups_[i].id, h)] = Slot{static_cast<uint32_t>(h >> 32), i + 1};
    }
  }

  std::vector<Slot> slots_;  // a power of two in size
  std::vector<Group> groups_;
};

IndexBuffer::IndexBuffer()
    : requests_(std::make_unique<KeyGroups>()), actors_(std::make_unique<KeyGroups>()) {}

IndexBuffer::~IndexBuffer() = default;

void IndexBuffer::Add(IndexIds ids) {
  if (ids.size() == 0) return;
  if (entries_ == 0) first_seq_ = ids.first_seq;
  const IndexIds& held = ids_.emplace_back(std::move(ids));
  std::string_view text(held.text);
  uint32_t start = 0;
  for (size_t i = 0; i < held.size(); ++i) {
    uint64_t seq = held.first_seq + i;
    uint32_t request_end = held.ends[2 * i], actor_end = held.ends[2 * i + 1];
    if (request_end > start) requests_->Add(text.substr(start, request_end - start), seq);
    actors_->Add(text.substr(request_end, actor_end - request_end), seq);
    start = actor_end;
  }
  entries_ += held.size();
}

void IndexBuffer::Lookup(Index index, std::string_view id, std::vector<uint64_t>* seqs) const {
  (index == Index::kByRequest ? requests_ : actors_)->Lookup(id, seqs);
}

void IndexBuffer::WriteTo(RocksLedger& r, const std::string& tmp_dir) const {
  rocksdb::WriteBatch batch;
  if (entries_ >= kMinIngest) {
    Ingest(r, tmp_dir);
  } else {
    requests_->PutAll(&batch, r.by_request);
    actors_->PutAll(&batch, r.by_actor);
  }
  // Not synced: the entries are durable already, and keys (or a mark) lost in
  // a crash are written again by the next Open().
  base::ThrowIfError(batch.Put(r.index_meta, layout::kIndexedKey, layout::SeqKey(end_seq())),
                     "building an index batch");
  base::ThrowIfError(r.index_db->Write(rocksdb::WriteOptions(), &batch),
                     "writing the ledger's indexes");
}

void IndexBuffer::Ingest(RocksLedger& r, const std::string& tmp_dir) const {
  std::error_code ec;
  fs::create_directories(tmp_dir, ec);
  if (ec) {
    throw base::Error(base::ErrorCode::kIoError,
                      fmt::format("creating {}: {}", tmp_dir, ec.message()));
  }
  std::vector<rocksdb::IngestExternalFileArg> args;
  try {
    for (auto [groups, cf] :
         {std::pair{requests_.get(), r.by_request}, {actors_.get(), r.by_actor}}) {
      if (groups->empty()) continue;  // an SST file cannot be empty
      std::string path = fmt::format("{}/{}-{}.sst", tmp_dir, cf->GetName(), first_seq_);
      args.emplace_back();
      args.back().column_family = cf;
      args.back().external_files.push_back(path);
      groups->WriteFile(r.index_db->GetOptions(cf), cf, path);
      rocksdb::IngestExternalFileOptions& o = args.back().options;
      o.move_files = true;  // a hard link; RocksDB removes our name once ingested
      o.failed_move_fall_back_to_copy = true;
      o.verify_checksums_before_ingest = false;  // written just now, by us
    }
    if (!args.empty()) {
      base::ThrowIfError(r.index_db->IngestExternalFiles(args), "ingesting index keys");
    }
  } catch (...) {
    for (const auto& a : args) fs::remove(a.external_files[0], ec);
    throw;
  }
}

void IndexBuffer::Clear() {
  requests_->Clear();
  actors_->Clear();
  ids_.clear();
  entries_ = 0;
}

}  // namespace jejak::ledger
