#include "ledger/ledger.h"

#include <fmt/format.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <shared_mutex>

#include "base/error.h"
#include "base/rocks_status.h"
#include "events/encoding.h"
#include "events/time.h"
#include "ledger/chain.h"
#include "ledger/checkpoint.h"
#include "ledger/indexer.h"
#include "ledger/layout.h"
#include "ledger/merkle_store.h"
#include "ledger/prepare.h"
#include "ledger/rocks.h"

namespace jejak::ledger {
namespace {

using base::Error;
using base::ErrorCode;
using base::WriteGuard;

// Batches the group leader keeps for the next group at most, in bytes.
constexpr size_t kMaxKeptBatchBytes = 16 << 20;

// One caller waiting in the group-commit queue; with no entries, Recover().
struct Writer {
  std::vector<Prepared>* entries;
  IndexIds* ids;  // the entries' ids, for the indexer once they are durable
  std::vector<Appended> results;
  std::exception_ptr error;
  bool done = false;
  std::condition_variable cv;
};

constexpr size_t kMaxGroupEntries = 100'000;
// Groups of fewer entries grow the Merkle tree on the leader's thread.
constexpr size_t kMinHelped = 64;

// Copies the puts of one batch into another, under one column family: the
// Merkle tiles grown on the helper thread into the synced batch.
class CopyPuts final : public rocksdb::WriteBatch::Handler {
 public:
  CopyPuts(rocksdb::WriteBatch* to, rocksdb::ColumnFamilyHandle* cf) : to_(to), cf_(cf) {}
  rocksdb::Status PutCF(uint32_t, const rocksdb::Slice& key, const rocksdb::Slice& value) override {
    return to_->Put(cf_, key, value);
  }

 private:
  rocksdb::WriteBatch* to_;
  rocksdb::ColumnFamilyHandle* cf_;
};

class LedgerImpl final : public Ledger {
 public:
  LedgerImpl(std::unique_ptr<RocksLedger> rocks, bool writable, bool merkle)
      : rocks_(std::move(rocks)), writable_(writable), merkle_(writable && merkle) {
    LoadHead();
    // A writer always migrates a format v1 ledger, even one not maintaining the tree.
    if (merkle_ || (writable_ && (rocks_->format == 1 || rocks_->merkle_v1 != nullptr))) {
      tree_ = BuildMerkleTree(*rocks_, size_);
    }
    if (writable_) {
      // After the tree: a v1 ledger whose tree fails to migrate keeps its indexes.
      OpenIndexForWriting(*rocks_);
      indexer_ = std::make_unique<Indexer>(*rocks_, size_);
      helper_ = std::make_unique<HelperThread>();
      rocks_->flush_on_close = true;  // only once open: a failed open writes nothing
      Prime();
      if (rocks_->format == 3) RecordStoredCheckpoints();
      if (rocks_->format == 4) WriteFormatMarker();
    }
  }

  Appended Append(std::string bytes) override {
    std::vector<std::string> one;
    one.push_back(std::move(bytes));
    return AppendBatch(std::move(one)).front();
  }

  std::vector<Appended> AppendBatch(std::vector<std::string> entries) override {
    if (!writable_) throw Error(ErrorCode::kInvalidArgument, "the ledger is open read-only");
    // entries outlives the write: prepared points into it. Checked and hashed
    // here, so that the leader's serial work per entry is a chain link and its puts.
    std::vector<Prepared> prepared = PrepareBatch(entries, helper_.get());
    if (prepared.empty()) return {};
    // Entry i goes at size() + i or later: a checkpoint no larger covers no
    // entry after its record.
    for (size_t i = 0, before = size(); i < prepared.size(); ++i) {
      if (prepared[i].checkpoint && prepared[i].checkpoint->first > before + i) {
        throw Error(ErrorCode::kInvalidArgument,
                    fmt::format("batch entry {} records a checkpoint of size {}, but the ledger "
                                "holds {} entries before it",
                                i, prepared[i].checkpoint->first, before + i));
      }
    }
    IndexIds ids;  // filled by the leader (LeadGroup)

    Writer w;
    w.entries = &prepared;
    w.ids = &ids;
    std::unique_lock lock(mu_);
    queue_.push_back(&w);
    while (!w.done && &w != queue_.front()) w.cv.wait(lock);
    if (!w.done) LeadGroup(lock);
    if (w.error) std::rethrow_exception(w.error);
    return std::move(w.results);
  }

  uint64_t size() const override {
    std::lock_guard lock(head_mu_);
    return size_;
  }

  Hash head() const override {
    std::lock_guard lock(head_mu_);
    return head_;
  }

  std::optional<Entry> Get(uint64_t seq) const override {
    std::string value;
    rocksdb::Status s =
        rocks_->db->Get(rocksdb::ReadOptions(), rocks_->entries, layout::SeqKey(seq), &value);
    if (s.IsNotFound()) return std::nullopt;
    base::ThrowIfError(s, fmt::format("reading entry {}", seq));
    return ToEntry(seq, value);
  }

  void Scan(uint64_t from, uint64_t to,
            const std::function<bool(const Entry&)>& fn) const override {
    rocksdb::ReadOptions ro;
    std::string upper = layout::SeqKey(to);
    rocksdb::Slice upper_slice(upper);
    ro.iterate_upper_bound = &upper_slice;
    std::unique_ptr<rocksdb::Iterator> it(rocks_->db->NewIterator(ro, rocks_->entries));
    for (it->Seek(layout::SeqKey(from)); it->Valid(); it->Next()) {
      uint64_t seq;
      if (!layout::ParseSeqKey(it->key().ToStringView(), &seq)) {
        throw Error(ErrorCode::kCorruption, "ledger entry with a malformed key");
      }
      if (!fn(ToEntry(seq, it->value().ToStringView()))) return;
    }
    base::ThrowIfError(it->status(), "scanning the ledger");
  }

  std::vector<Entry> ReadRequest(std::string_view request_id) const override {
    std::shared_lock lock(indexer_mu_);
    if (indexer_) indexer_->WaitFor(size());  // read your writes
    std::vector<Entry> out;
    for (uint64_t seq : IndexLookup(IndexBuffer::Index::kByRequest, request_id)) {
      auto e = Get(seq);
      if (!e) {
        throw Error(ErrorCode::kCorruption,
                    fmt::format("request index points to missing entry {}", seq));
      }
      out.push_back(std::move(*e));
    }
    return out;
  }

  std::vector<uint64_t> SeqsByActor(std::string_view subject) const override {
    std::shared_lock lock(indexer_mu_);
    if (indexer_) indexer_->WaitFor(size());
    return IndexLookup(IndexBuffer::Index::kByActor, subject);
  }

  uint64_t indexed() const override {
    std::shared_lock lock(indexer_mu_);
    return indexer_ ? indexer_->written() : 0;
  }

  void Refresh() override {
    if (writable_) return;
    // The indexes lag the entries anyway (ledger.h), so catching up with them
    // second loses nothing.
    base::ThrowIfError(rocks_->db->TryCatchUpWithPrimary(), "catching up with the writer");
    base::ThrowIfError(rocks_->index_db->TryCatchUpWithPrimary(),
                       "catching up with the writer's indexes");
    LoadHead();
  }

  Hash MerkleRoot(uint64_t n) const override {
    CheckTreeSize(n);
    return ledger::MerkleRoot(Nodes().Source(), n);
  }

  std::vector<Hash> InclusionProof(uint64_t i, uint64_t n) const override {
    CheckTreeSize(n);
    return ledger::InclusionProof(Nodes().Source(), i, n);
  }

  std::vector<Hash> ConsistencyProof(uint64_t m, uint64_t n) const override {
    CheckTreeSize(n);
    return ledger::ConsistencyProof(Nodes().Source(), m, n);
  }

  Hash MerkleNode(int level, uint64_t index) const override {
    if (level > 63 || (index + 1) > (size() >> level)) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("no complete Merkle subtree (level {}, index {})", level, index));
    }
    return Nodes().Node(level, index);
  }

  WriteHealth Health() const override {
    WriteHealth h;
    if (!writable_) return h;
    WriteGuard::State state = rocks_->guard->state();
    h.appends = state == WriteGuard::State::kOk;
    h.errors = rocks_->guard->errors() + rocks_->index_guard->errors();
    if (!h.appends) {
      h.state = state == WriteGuard::State::kFatal ? WriteHealth::kFailed : WriteHealth::kDegraded;
      h.problem = rocks_->guard->problem();
      return h;
    }
    std::shared_lock lock(indexer_mu_);
    std::string index = indexer_ ? indexer_->problem() : "";
    if (!index.empty()) {
      h.state = rocks_->index_guard->state() == WriteGuard::State::kFatal ? WriteHealth::kFailed
                                                                          : WriteHealth::kDegraded;
      std::string guard = rocks_->index_guard->problem();
      h.problem = guard.empty() ? index : guard;
    }
    return h;
  }

  bool Recover() override {
    if (!writable_) return true;
    Writer w;
    w.entries = nullptr;  // a recovery: LeadGroup() stops before it
    std::unique_lock lock(mu_);
    queue_.push_back(&w);
    while (&w != queue_.front()) w.cv.wait(lock);
    lock.unlock();
    bool ok = false;
    try {
      ok = RecoverLeading();
    } catch (const Error&) {
      ok = false;  // Health() says what failed, and a later call tries again
    }
    lock.lock();
    queue_.pop_front();
    if (!queue_.empty()) queue_.front()->cv.notify_one();
    return ok;
  }

  void AddCosignatures(uint64_t size, const std::string& lines) override {
    if (!writable_) throw Error(ErrorCode::kInvalidArgument, "the ledger is open read-only");
    if (rocks_->guard->state() != WriteGuard::State::kOk) {
      throw Error(ErrorCode::kIoError, fmt::format("{}; cosignatures are refused until it can",
                                                   rocks_->guard->problem()));
    }
    std::lock_guard lock(cosignatures_mu_);  // read, then write
    rocksdb::WriteOptions wo;
    wo.sync = true;
    rocksdb::Status s = rocks_->db->Put(wo, rocks_->meta, CosignaturesKey(size),
                                        Cosignatures(size) + lines);
    if (!s.ok()) {
      rocks_->guard->Failed(*rocks_->db, s);
      base::ThrowIfError(s, "storing cosignatures");
    }
  }

  std::string Cosignatures(uint64_t size) const override {
    std::string lines;
    rocksdb::Status s =
        rocks_->db->Get(rocksdb::ReadOptions(), rocks_->meta, CosignaturesKey(size), &lines);
    if (s.IsNotFound()) return "";
    base::ThrowIfError(s, "reading cosignatures");
    return lines;
  }

  std::optional<std::string> GetCheckpoint(uint64_t size) const override {
    return GetCheckpointNote(*rocks_, size);
  }

  std::optional<std::string> LatestCheckpoint() const override {
    return LatestCheckpointNote(*rocks_);
  }

 private:
  static Entry ToEntry(uint64_t seq, std::string_view value) {
    if (value.size() < layout::kChainSize) {
      throw Error(ErrorCode::kCorruption, fmt::format("entry {} is shorter than its hash", seq));
    }
    Entry e;
    e.seq = seq;
    std::memcpy(e.chain.data(), value.data(), layout::kChainSize);
    e.bytes.assign(value.substr(layout::kChainSize));
    return e;
  }

  static void Check(const rocksdb::Status& s) { base::ThrowIfError(s, "building a ledger batch"); }

  static std::string CosignaturesKey(uint64_t size) {
    return layout::kCosignaturesPrefix + layout::SeqKey(size);
  }

  // Empties a batch of the last group for the next, keeping its memory: a
  // fresh batch for every group cost a page fault per 4 KB of it. One that a
  // huge group grew is let go.
  static rocksdb::WriteBatch& Recycled(rocksdb::WriteBatch* b) {
    if (b->GetDataSize() > kMaxKeptBatchBytes) {
      *b = rocksdb::WriteBatch();
    } else {
      b->Clear();
    }
    return *b;
  }

  MerkleStore Nodes() const { return MerkleStore(rocks_->db.get(), rocks_->merkle); }

  // Writes the format marker again (the same value, not synced), so that the
  // memtables are not empty: RocksDB resumes from a failed write only by
  // flushing them, which starts a new write-ahead log (base/write_guard.h). The
  // head record would do too, but it must keep what it says: the verifier
  // compares it with the entries (a truncated tail).
  void Prime() {
    rocksdb::Status s = rocks_->db->Put(rocksdb::WriteOptions(), rocks_->meta, layout::kFormatKey,
                                        layout::FormatMarker(rocks_->format));
    if (!s.ok()) {
      rocks_->guard->Failed(*rocks_->db, s);
      base::ThrowIfError(s, "writing to the ledger");
    }
  }

  // Migrates format v3 to v4: appends a checkpoint_signed event for every
  // stored checkpoint, which v3 kept without one, then writes the marker. A
  // crash in between records them again on the next open; a verifier takes
  // equal records of one checkpoint as one.
  void RecordStoredCheckpoints() {
    std::vector<std::string> records;
    std::unique_ptr<rocksdb::Iterator> it(
        rocks_->db->NewIterator(rocksdb::ReadOptions(), rocks_->checkpoints));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      records.push_back(events::Encode(
          CheckpointEvent(it->value().ToString(), indexed(), SystemActor(), events::NowMicros())));
    }
    base::ThrowIfError(it->status(), "reading the checkpoints");
    it.reset();
    try {
      AppendBatch(std::move(records));
    } catch (const Error& e) {
      throw Error(e.code(), fmt::format("upgrading the ledger to {}: recording its stored "
                                        "checkpoints failed: {}",
                                        layout::kFormatValue, e.what()));
    }
    WriteFormatMarker();
  }

  // Format v4 to v5 changes no byte: v5 only allows entries of event
  // encoding version 2, which older readers refuse, so the marker tells them
  // before they meet one.
  void WriteFormatMarker() {
    rocksdb::WriteOptions wo;
    wo.sync = true;
    base::ThrowIfError(rocks_->db->Put(wo, rocks_->meta, layout::kFormatKey, layout::kFormatValue),
                       "writing the format marker");
    rocks_->format = layout::kFormatVersion;
  }

  // Recover() at the front of the queue: no append runs.
  bool RecoverLeading() {
    bool was_ok = rocks_->guard->state() == WriteGuard::State::kOk;
    if (rocks_->guard->Resume(*rocks_->db) != WriteGuard::State::kOk) return false;
    if (!was_ok || tree_stale_) {
      // The failed batch is not in the database: go on from what is.
      LoadHead();
      if (merkle_) tree_ = BuildMerkleTree(*rocks_, size_);
      tree_stale_ = false;
      Prime();
    }
    std::unique_lock lock(indexer_mu_);
    if (indexer_ && !indexer_->problem().empty() &&
        rocks_->index_guard->Resume(*rocks_->index_db) == WriteGuard::State::kOk) {
      // The new indexer writes the keys its predecessor dropped (from the mark).
      auto fresh = std::make_unique<Indexer>(*rocks_, size_);
      indexer_ = std::move(fresh);
    }
    return true;
  }

  void CheckTreeSize(uint64_t n) const {
    if (n > size()) {
      throw Error(ErrorCode::kInvalidArgument,
                  fmt::format("the ledger holds {} entries, not {}", size(), n));
    }
  }

  // Called with indexer_mu_ held shared.
  std::vector<uint64_t> IndexLookup(IndexBuffer::Index index, std::string_view id) const {
    std::vector<uint64_t> seqs;
    // First: keys leave the buffer only once the database has them.
    if (indexer_) indexer_->LookupBuffered(index, id, &seqs);
    rocksdb::ColumnFamilyHandle* cf =
        index == IndexBuffer::Index::kByRequest ? rocks_->by_request : rocks_->by_actor;
    std::string prefix = layout::IndexPrefix(id);
    rocksdb::ReadOptions ro;
    ro.prefix_same_as_start = true;  // by_request is bucketed by prefix (rocks.cpp)
    std::unique_ptr<rocksdb::Iterator> it(rocks_->index_db->NewIterator(ro, cf));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string_view found;
      uint64_t seq;
      if (layout::ParseIndexKey(it->key().ToStringView(), &found, &seq) && found == id &&
          !layout::ParseIndexValue(seq, it->value().ToStringView(), &seqs)) {
        throw Error(ErrorCode::kCorruption,
                    fmt::format("index key of \"{}\" at entry {} has a malformed value", id, seq));
      }
    }
    base::ThrowIfError(it->status(), "reading an index");
    // Buffered seqs come first, and two keys' lists overlap if entries were
    // indexed twice (a crash between an ingestion and its mark, or a mark
    // lowered by hand).
    std::sort(seqs.begin(), seqs.end());
    seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
    return seqs;
  }

  // Reads the size and head from the last entry (the truth), not from the
  // head record, which only the verifier compares against.
  void LoadHead() {
    std::unique_ptr<rocksdb::Iterator> it(
        rocks_->db->NewIterator(rocksdb::ReadOptions(), rocks_->entries));
    it->SeekToLast();
    base::ThrowIfError(it->status(), "reading the ledger head");
    std::lock_guard lock(head_mu_);
    if (!it->Valid()) {
      size_ = 0;
      head_ = kGenesisChain;
      return;
    }
    uint64_t seq;
    if (!layout::ParseSeqKey(it->key().ToStringView(), &seq)) {
      throw Error(ErrorCode::kCorruption, "last ledger entry has a malformed key");
    }
    Entry last = ToEntry(seq, it->value().ToStringView());
    size_ = seq + 1;
    head_ = last.chain;
  }

  // Puts the group's entries into batch from *seq on, with their chain
  // hashes from *chain on, which it advances.
  void LinkChain(const std::vector<Writer*>& group, rocksdb::WriteBatch* batch, uint64_t* seq,
                 Hash* chain) {
    for (Writer* w : group) {
      w->results.reserve(w->entries->size());
      w->ids->first_seq = *seq;
      for (const Prepared& p : *w->entries) {
        *chain = ChainLink(*seq, *chain, p.entry_hash);
        char key[8];
        layout::EncodeSeqKey(*seq, key);
        rocksdb::Slice key_part(key, sizeof(key));
        rocksdb::Slice value_parts[2] = {rocksdb::Slice(AsBytes(*chain)), rocksdb::Slice(*p.bytes)};
        Check(batch->Put(rocks_->entries, rocksdb::SliceParts(&key_part, 1),
                         rocksdb::SliceParts(value_parts, 2)));
        if (p.checkpoint) {
          Check(batch->Put(rocks_->checkpoints, layout::SeqKey(p.checkpoint->first),
                           p.checkpoint->second));
        }
        w->results.push_back(Appended{*seq, *chain});
        ++*seq;
      }
    }
  }

  // Called with mu_ held by the writer at the front of the queue. Writes the
  // entries of as many queued writers as fit in one synced batch.
  void LeadGroup(std::unique_lock<std::mutex>& lock) {
    std::vector<Writer*> group;
    size_t count = 0;
    for (Writer* w : queue_) {
      if (w->entries == nullptr) break;  // a Recover() waits its turn
      if (!group.empty() && count + w->entries->size() > kMaxGroupEntries) break;
      group.push_back(w);
      count += w->entries->size();
    }
    std::exception_ptr error;
    if (rocks_->guard->state() != WriteGuard::State::kOk) {
      error = std::make_exception_ptr(
          Error(ErrorCode::kIoError, fmt::format("{}; appends are refused until it can (nothing of "
                                                 "this batch was written)",
                                                 rocks_->guard->problem())));
    }
    lock.unlock();

    uint64_t seq = size_;
    Hash chain = head_;
    if (!error) {
      try {
        rocksdb::WriteBatch& batch = Recycled(&batch_);
        // The tree's nodes depend on the leaf hashes alone: a large group's
        // go on the helper thread while this one links the chain.
        rocksdb::WriteBatch& tiles = Recycled(&tiles_);
        auto grow_tree = [&] {
          for (Writer* w : group) {
            for (const Prepared& p : *w->entries) tree_.Append(p.leaf_hash, &tiles);
          }
          tree_.Finish(&tiles);
        };
        bool helped = merkle_ && count >= kMinHelped && helper_->TryStart(grow_tree);
        try {
          LinkChain(group, &batch, &seq, &chain);
        } catch (...) {
          if (helped) helper_->Wait();  // before grow_tree's locals go
          throw;
        }
        // While the helper may still be growing the tree.
        for (Writer* w : group) {
          w->ids->text.reserve(w->entries->size() * 32);
          w->ids->ends.reserve(2 * w->entries->size());
          for (const Prepared& p : *w->entries) w->ids->Add(p.request_id, p.actor);
        }
        if (helped) {
          helper_->Wait();
        } else if (merkle_) {
          grow_tree();
        }
        CopyPuts copy(&batch, rocks_->merkle);
        Check(tiles.Iterate(&copy));
        std::string head_record = layout::SeqKey(seq);
        head_record.append(reinterpret_cast<const char*>(chain.data()), chain.size());
        batch.Put(rocks_->meta, layout::kHeadKey, head_record);
        rocksdb::WriteOptions wo;
        wo.sync = true;
        rocksdb::Status s = rocks_->db->Write(wo, &batch);
        if (!s.ok()) {
          rocks_->guard->Failed(*rocks_->db, s);
          // Not acknowledged, and the ledger goes on from the last durable
          // entry once it recovers (size_ and head_ stay).
          throw Error(ErrorCode::kIoError,
                      fmt::format("appending to the ledger failed, so this batch is not "
                                  "acknowledged: {}",
                                  s.ToString()));
        }
      } catch (...) {
        error = std::current_exception();
        // The leader's tree grew with the batch (or a helper left it half
        // grown): appends wait for Recover() to rebuild it from the tiles.
        tree_stale_ = true;
        if (rocks_->guard->state() == WriteGuard::State::kOk) {
          rocks_->guard->Failed(*rocks_->db,
                                rocksdb::Status::Aborted("building a ledger batch failed"));
        }
      }
    }

    lock.lock();
    if (!error) {
      std::lock_guard head_lock(head_mu_);
      size_ = seq;
      head_ = chain;
    }
    for (Writer* w : group) {
      // In seq order, as mu_ is held: the indexer needs no gaps.
      if (!error) indexer_->Add(std::move(*w->ids));
      queue_.pop_front();
      w->error = error;
      w->done = true;
      if (error) w->results.clear();
      w->cv.notify_one();
    }
    if (!queue_.empty()) queue_.front()->cv.notify_one();
  }

  std::unique_ptr<RocksLedger> rocks_;
  std::unique_ptr<HelperThread> helper_;  // the writer's
  const bool writable_;
  const bool merkle_;  // maintain the Merkle tree on append
  // The tree at size_, the group leader's alone. A failed write leaves it
  // ahead of the entries (tree_stale_) until Recover() rebuilds it; no batch
  // is written meanwhile (the guard, rocks.h).
  MerkleWriter tree_;
  bool tree_stale_ = false;  // the leader's
  // The group leader's, reused (Recycled()): the synced batch, and the tiles
  // the helper grows for it.
  rocksdb::WriteBatch batch_, tiles_;

  std::mutex mu_;              // guards queue_
  std::deque<Writer*> queue_;  // front is the current or next leader

  std::mutex cosignatures_mu_;  // one AddCosignatures() at a time
  mutable std::mutex head_mu_;  // guards size_ and head_ for readers
  uint64_t size_ = 0;
  Hash head_{};

  // The writer's; destroyed first, writing what is queued while rocks_ lives.
  // Readers take indexer_mu_ shared; Recover() replaces a failed indexer
  // holding it exclusive (and leading the queue, so no append adds to it).
  mutable std::shared_mutex indexer_mu_;
  std::unique_ptr<Indexer> indexer_;
};

}  // namespace

std::unique_ptr<Ledger> Ledger::Open(const std::string& dir, const OpenOptions& options) {
  return std::make_unique<LedgerImpl>(OpenRocksLedger(dir, OpenMode::kWrite, options.env), true,
                                      options.merkle);
}

std::unique_ptr<Ledger> Ledger::OpenReadOnly(const std::string& dir) {
  return std::make_unique<LedgerImpl>(OpenRocksLedger(dir, OpenMode::kSecondary), false, false);
}

}  // namespace jejak::ledger
