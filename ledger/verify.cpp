#include "ledger/verify.h"

#include <fmt/format.h>

#include <cstring>
#include <future>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/rocks_status.h"
#include "events/vocabulary.h"
#include "ledger/chain.h"
#include "ledger/checkpoint.h"
#include "ledger/entry_chunks.h"
#include "ledger/layout.h"
#include "ledger/rocks.h"
#include "ledger/tree_check.h"

namespace jejak::ledger {
namespace {

constexpr uint64_t kProgressEvery = 1 << 16;
// The entry pass's workers, beside the thread that links their chunks.
constexpr int kWorkers = 2;

// What the entry pass learns about each entry, for the index pass.
struct Fingerprints {
  std::vector<uint64_t> request;  // 0 when the entry has no request id
  std::vector<uint64_t> actor;
};

Hash StoredChain(std::string_view value) {
  Hash h;
  std::memcpy(h.data(), value.data(), layout::kChainSize);
  return h;
}

class Verifier {
 public:
  Verifier(RocksLedger& r, const VerifyProgress& progress) : r_(r), progress_(progress), tree_(r) {}

  VerifyReport Run() {
    uint64_t recorded_size = 0;
    Hash recorded_head = kGenesisChain;
    bool malformed = false;
    bool has_head_record = ReadHeadRecord(&recorded_size, &recorded_head, &malformed);
    if (!CheckEntries(recorded_size)) return report_;
    report_.merkle = tree_.present();
    report_.merkle_root = tree_.root();
    report_.checkpoints = tree_.checkpoints();
    // The writer records the head with every batch, so only an empty ledger
    // lacks one. Problems with it are named at the last entry.
    uint64_t last = report_.entries == 0 ? 0 : report_.entries - 1;
    if (!has_head_record && report_.entries > 0) {
      return Fail(last, "there is no head record, but the ledger holds entries");
    }
    if (malformed) return Fail(last, "the head record is malformed");
    if (has_head_record && (recorded_size != report_.entries || recorded_head != report_.head)) {
      // Where one of the two ends first, or the last entry if both agree on the size.
      uint64_t bad =
          recorded_size == report_.entries ? last : std::min(recorded_size, report_.entries);
      return Fail(bad, fmt::format("the head record says {} entries with head {}, but the "
                                   "ledger holds {} entries with head {}",
                                   recorded_size, HashToHex(recorded_head), report_.entries,
                                   HashToHex(report_.head)));
    }
    std::optional<uint64_t> bad;
    std::string problem;
    if (!CheckRecordedCheckpoints(&bad, &problem)) return Fail(*bad, problem);
    std::optional<uint64_t> mark;
    if (!ReadIndexedMark(&mark)) return Fail(last, "the index mark is malformed");
    // Every entry below the stored mark, or below one a checkpoint recorded,
    // must be indexed: lowering the stored mark cannot excuse older entries.
    uint64_t indexed =
        std::min(report_.entries, std::max(mark.value_or(UINT64_MAX), recorded_index_mark_));
    // The two indexes side by side; on the same sequence number the request
    // index's problem is named.
    std::optional<uint64_t> bad_actor;
    std::string actor_problem;
    std::future<void> actors = std::async(std::launch::async, [&] {
      CheckIndex(r_.by_actor, layout::kByActor, fp_.actor, indexed, &bad_actor, &actor_problem);
    });
    CheckIndex(r_.by_request, layout::kByRequest, fp_.request, indexed, &bad, &problem);
    actors.get();
    if (bad_actor && (!bad || *bad_actor < *bad)) {
      bad = bad_actor;
      problem = std::move(actor_problem);
    }
    if (mark && *mark > report_.entries && (!bad || *bad > report_.entries)) {
      bad = report_.entries;
      problem = fmt::format("the index mark says {} entries are indexed, but the ledger holds {}",
                            *mark, report_.entries);
    }
    if (bad) return Fail(*bad, problem);
    // Last: a truncated tail leaves nodes and checkpoints beyond the entries,
    // and the head record names that more precisely.
    if (!tree_.Finish(&problem)) return Fail(report_.entries, problem);
    report_.ok = true;
    return report_;
  }

 private:
  VerifyReport Fail(uint64_t seq, std::string problem) {
    report_.ok = false;
    report_.bad_seq = seq;
    report_.problem = std::move(problem);
    return report_;
  }

  // Returns whether there is a head record; a malformed one is a problem for
  // the report, not an error.
  bool ReadHeadRecord(uint64_t* size, Hash* head, bool* malformed) {
    std::string value;
    rocksdb::Status s = r_.db->Get(rocksdb::ReadOptions(), r_.meta, layout::kHeadKey, &value);
    if (s.IsNotFound()) return false;
    base::ThrowIfError(s, "reading the head record");
    if (value.size() != 8 + layout::kChainSize || !layout::ParseSeqKey(value.substr(0, 8), size)) {
      *size = 0;
      *malformed = true;
      return true;
    }
    *head = StoredChain(std::string_view(value).substr(8));
    return true;
  }

  // The writer's indexer writes index keys after their entries are durable,
  // with a mark below which all are written (ledger/indexer.h). A ledger
  // without a mark predates it: its keys were written with the entries, and
  // *mark stays empty. Returns false if the mark is malformed.
  bool ReadIndexedMark(std::optional<uint64_t>* mark) {
    std::string value;
    rocksdb::Status s =
        r_.index_db->Get(rocksdb::ReadOptions(), r_.index_meta, layout::kIndexedKey, &value);
    if (s.IsNotFound()) return true;
    base::ThrowIfError(s, "reading the index mark");
    uint64_t n = 0;
    if (!layout::ParseSeqKey(value, &n)) return false;
    *mark = n;
    return true;
  }

  // A signing_key_added event announces a key; a checkpoint_signed event
  // records a checkpoint, which must be signed by a key announced within the
  // tree it covers, cover no entry after its record, and be the one stored
  // at its size (the store's roots are checked by tree_). Returns false, with
  // *problem, at the first that is not.
  bool CheckLedgerEvent(uint64_t seq, const events::Event& e, std::string* problem) {
    namespace f = events::fields;
    if (e.type == events::types::kSigningKeyAdded) {
      auto it = e.fields.find(f::kVerifierKey);
      if (it == e.fields.end()) {
        *problem = "this signing_key_added event announces no key";
        return false;
      }
      try {
        keys_.emplace_back(ParseVerifierKey(it->second.text()), seq);
      } catch (const base::Error& err) {
        *problem = fmt::format("the key this signing_key_added event announces is malformed: {}",
                               err.what());
        return false;
      }
      return true;
    }
    std::string note;
    Checkpoint c;
    try {
      note = RecordedCheckpoint(e);
      c = ParseCheckpoint(note);
    } catch (const base::Error& err) {
      *problem = fmt::format("this checkpoint_signed event records no checkpoint: {}", err.what());
      return false;
    }
    auto mark = e.fields.find(f::kIndexMark);
    if (mark == e.fields.end() || mark->second.type() != events::FieldType::kInteger ||
        mark->second.number() < 0 || static_cast<uint64_t>(mark->second.number()) > seq) {
      *problem = "this checkpoint_signed event records no index mark, or one beyond itself";
      return false;
    }
    if (c.size > seq) {
      *problem = fmt::format(
          "the checkpoint of size {} is recorded at entry {}, before entries "
          "it covers",
          c.size, seq);
      return false;
    }
    std::string why =
        fmt::format("origin \"{}\" was never announced before size {}", c.origin, c.size);
    bool signed_ok = false;
    for (const auto& [key, announced] : keys_) {
      Checkpoint parsed;
      if (announced >= c.size || key.name != c.origin) continue;
      if (VerifyCheckpoint(note, key, &parsed, &why)) {
        signed_ok = true;
        break;
      }
    }
    if (!signed_ok) {
      *problem = fmt::format(
          "the checkpoint of size {} recorded here is not signed by a key the "
          "ledger announced before it ({})",
          c.size, why);
      return false;
    }
    const auto& stored = tree_.stored_checkpoints();
    auto it = stored.find(c.size);
    if (it == stored.end()) {
      *problem = fmt::format(
          "the checkpoint of size {} recorded here is missing from the "
          "stored checkpoints (deleted?)",
          c.size);
      return false;
    }
    if (it->second != note) {
      *problem =
          fmt::format("the stored checkpoint of size {} is not the one recorded here", c.size);
      return false;
    }
    recorded_.insert(c.size);
    recorded_index_mark_ =
        std::max(recorded_index_mark_, static_cast<uint64_t>(mark->second.number()));
    return true;
  }

  // Every stored checkpoint must be recorded by a checkpoint_signed event.
  bool CheckRecordedCheckpoints(std::optional<uint64_t>* bad, std::string* problem) const {
    for (const auto& [size, note] : tree_.stored_checkpoints()) {
      // Those beyond the entries are named so by tree_.Finish().
      if (size <= report_.entries && recorded_.count(size) == 0) {
        *bad = size;
        *problem = fmt::format(
            "the stored checkpoint of size {} is recorded by no "
            "checkpoint_signed event in the ledger",
            size);
        return false;
      }
    }
    return true;
  }

  // The entry pass: continuity, chain hashes, canonical events, the tree.
  // Two workers read, hash and parse chunks of entries and check each
  // chunk's own subtree (entry_chunks.h), which keeps both cores busy; here,
  // in order, go the steps that need the entries before: chain links and
  // the tree above the chunks.
  bool CheckEntries(uint64_t total) {
    ChunkPipeline chunks(r_, kWorkers);
    Hash chain = kGenesisChain;
    for (;;) {
      const Chunk& chunk = chunks.Next();
      if (!Link(chunk, &chain, total) || chunk.last()) return !report_.bad_seq;
    }
  }

  // The in-order work on a filled chunk. Returns false at the first problem.
  bool Link(const Chunk& chunk, Hash* chain, uint64_t total) {
    std::string tree_problem;
    size_t next_event = 0;
    for (size_t i = 0; i < chunk.size(); ++i) {
      uint64_t seq = chunk.first() + i;
      Hash derived = ChainLink(seq, *chain, chunk.entry_hash[i]);
      if (derived != chunk.stored_chain[i]) {
        Fail(seq, DescribeMismatch(seq, *chain, derived, chunk.stored_chain[i]));
        return false;
      }
      if (!chunk.not_event.empty() && chunk.not_event.front().first == i) {
        Fail(seq, fmt::format("the chain hash matches but the bytes are not an event: {}",
                              chunk.not_event.front().second));
        return false;
      }
      if (!tree_.Add(chunk, i, &tree_problem)) {
        Fail(seq, tree_problem);
        return false;
      }
      if (next_event < chunk.ledger_events.size() && chunk.ledger_events[next_event].first == i) {
        if (!CheckLedgerEvent(seq, chunk.ledger_events[next_event].second, &tree_problem)) {
          Fail(seq, tree_problem);
          return false;
        }
        ++next_event;
      }
      *chain = derived;
      report_.entries = seq + 1;
      report_.head = derived;
      if (progress_ && report_.entries % kProgressEvery == 0) progress_(report_.entries, total);
    }
    fp_.request.insert(fp_.request.end(), chunk.request.begin(), chunk.request.end());
    fp_.actor.insert(fp_.actor.end(), chunk.actor.begin(), chunk.actor.end());
    if (chunk.stop()) {
      Fail(chunk.stop()->first, chunk.stop()->second);
      return false;
    }
    if (chunk.last() && progress_) progress_(report_.entries, std::max(total, report_.entries));
    return true;
  }

  // Says whether the entry that belongs at seq sits elsewhere (reordering),
  // or the bytes or hash at seq were changed.
  std::string DescribeMismatch(uint64_t seq, const Hash& previous, const Hash& derived,
                               const Hash& stored) {
    std::unique_ptr<rocksdb::Iterator> it(r_.db->NewIterator(rocksdb::ReadOptions(), r_.entries));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      uint64_t other;
      std::string_view value = it->value().ToStringView();
      if (!layout::ParseSeqKey(it->key().ToStringView(), &other) || other == seq ||
          value.size() < layout::kChainSize) {
        continue;
      }
      if (ChainHash(seq, previous, value.substr(layout::kChainSize)) == StoredChain(value)) {
        return fmt::format("entries reordered: the entry that belongs at {} is stored at {}", seq,
                           other);
      }
    }
    return fmt::format("hash mismatch: stored {}, derived from the bytes {}", HashToHex(stored),
                       HashToHex(derived));
  }

  // The index pass: every key points to an existing entry with that id, and
  // every entry below the mark has its key. Entries at or above it may not be
  // indexed yet, but a key pointing past the last entry is still damage (a
  // truncated tail with a forged head record).
  void CheckIndex(rocksdb::ColumnFamilyHandle* cf, const char* name,
                  const std::vector<uint64_t>& fingerprints, uint64_t mark,
                  std::optional<uint64_t>* bad, std::string* problem) {
    auto note = [&](uint64_t seq, std::string what) {
      if (!*bad || seq < **bad) {
        *bad = seq;
        *problem = std::move(what);
      }
    };
    std::vector<bool> found(fingerprints.size(), false);
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    ro.readahead_size = 4 << 20;
    ro.total_order_seek = true;  // by_request's memtable is bucketed by prefix (rocks.cpp)
    std::unique_ptr<rocksdb::Iterator> it(r_.index_db->NewIterator(ro, cf));
    std::vector<uint64_t> seqs;  // one key's, reused
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string_view id;
      uint64_t first;
      if (!layout::ParseIndexKey(it->key().ToStringView(), &id, &first)) {
        note(0, fmt::format("index {} holds a malformed key", name));
        continue;
      }
      seqs.clear();
      if (!layout::ParseIndexValue(first, it->value().ToStringView(), &seqs)) {
        note(first,
             fmt::format("index {} key \"{}\" at entry {} has a malformed value", name, id, first));
      }
      uint64_t want = Fingerprint(id);
      for (uint64_t seq : seqs) {
        if (seq >= fingerprints.size()) {
          note(seq, fmt::format("index {} has a key for entry {}, which is not in the ledger "
                                "(truncated?)",
                                name, seq));
          break;  // the rest are later still
        } else if (fingerprints[seq] != want) {
          note(seq, fmt::format("index {} key \"{}\" points to entry {}, which belongs elsewhere",
                                name, id, seq));
        } else {
          found[seq] = true;
        }
      }
    }
    base::ThrowIfError(it->status(), fmt::format("reading index {}", name));
    for (uint64_t seq = 0; seq < std::min<uint64_t>(mark, fingerprints.size()); ++seq) {
      if (fingerprints[seq] != 0 && !found[seq]) {
        note(seq, fmt::format("index {} has no key for entry {}", name, seq));
        break;
      }
    }
  }

  RocksLedger& r_;
  const VerifyProgress& progress_;
  VerifyReport report_;
  Fingerprints fp_;
  TreeChecker tree_;
  uint64_t recorded_index_mark_ = 0;  // the largest a checkpoint_signed event recorded
  std::vector<std::pair<VerifierKey, uint64_t>> keys_;  // announced keys, with their entry
  std::set<uint64_t> recorded_;                         // sizes of the checkpoints recorded so far
};

}  // namespace

VerifyReport VerifyLedger(const std::string& dir, const VerifyProgress& progress) {
  auto rocks = OpenRocksLedger(dir, OpenMode::kVerify);
  return Verifier(*rocks, progress).Run();
}

}  // namespace jejak::ledger
