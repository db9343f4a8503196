// An append-only, hash-chained ledger of event bytes in RocksDB.
//
// Contract:
// - Entries are numbered 0, 1, 2, ... with no gaps. Entry i stores its bytes
//   and chain[i] (chain.h). Nothing is ever rewritten or deleted.
// - Append() and AppendBatch() return only after the entries are durable: the
//   RocksDB write that holds them was synced. Concurrent callers are
//   group-committed: one leader writes the queued entries of many callers in
//   one synced batch (as LevelDB's DBImpl::Write does). In `jejak serve` the
//   engine already batches commands and is the only caller, so a group is
//   one batch; the queue stays because it is also what orders appends with
//   Recover(), and any other caller (the CLI, a tool, a test) still gets one
//   synced write per group rather than one per call.
// - Each entry must be a canonical event encoding (events/encoding.h). The
//   ledger checks that (events::CheckCanonical) and reads only the request id
//   and actor subject, to index the entry by them, and the type: a
//   checkpoint_signed event's note (checkpoint.h) is also stored by its tree
//   size, in the same synced write.
// - The indexes are written behind the appends, off the synced path, within
//   about a second (docs/FORMAT.md, "Ledger storage"). ReadRequest() and
//   SeqsByActor() on the writer see every entry appended before the call; on
//   a read-only instance they may lag the entries by about a second. Keys a
//   crash loses are written again by the next Open().
// - One writer process at a time. A second Open() of the same directory fails
//   with Error(kBusy); OpenReadOnly() works beside a writer and sees entries
//   appended after it opened once Refresh() is called.
// - Storage faults (docs/FORMAT.md, "Durability and recovery"): a failed
//   synced write throws Error(kIoError) to every caller in its group, none of
//   whose entries is acknowledged. The ledger then refuses appends and
//   checkpoints (Error(kIoError)) until Recover() succeeds; size() and head()
//   stay those of the last durable entry, so that appends go on from there.
//   Reads go on. A full disk can be recovered from in this process; other
//   faults (EIO, a read-only file system) need a new process: Health() says
//   which. A batch whose write failed may still be on disk then (a failed
//   sync), so it may appear after the reopen; it was never acknowledged.
// - The ledger maintains the RFC 6962 Merkle tree of its entries (merkle.h),
//   stored in tiles (tiles.h): the tiles an append completes or extends are
//   written in the same synced batch as the entry. Open() for writing builds
//   the tree of a ledger that has none (made before it existed) and migrates
//   older storage formats (docs/FORMAT.md); OpenReadOnly() of a ledger in an
//   older format throws Error(kInvalidArgument) saying so.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ledger/hash.h"

namespace rocksdb {
class Env;
}

namespace jejak::ledger {

struct Entry {
  uint64_t seq = 0;
  Hash chain{};       // chain[seq]
  std::string bytes;  // canonical event encoding
};

struct Appended {
  uint64_t seq = 0;
  Hash chain{};
};

// Whether a writer can write (Ledger::Health()).
struct WriteHealth {
  enum State {
    kOk,
    kDegraded,  // appends (or index writes) fail, and may resume: Recover()
    kFailed,    // appends cannot resume in this process: reopen the ledger
  };
  State state = kOk;
  bool appends = true;  // appends are accepted
  std::string problem;  // what failed and what to do; empty when kOk
  uint64_t errors = 0;  // failed writes and storage errors since the open
};

struct OpenOptions {
  // Benchmarks only: append without maintaining the Merkle tree. The next
  // Open() with it builds the part of the tree that is missing.
  bool merkle = true;
  // Tests only: the RocksDB Env (and so the file system) of both databases,
  // to inject faults; it must outlive the ledger. Null: the default.
  rocksdb::Env* env = nullptr;
};

class Ledger {
 public:
  // Opens the ledger in dir for writing, creating it if dir does not exist or
  // is empty. Throws Error(kBusy) if another process has it open for
  // writing, Error(kInvalidArgument) if dir holds something else, and
  // Error(kCorruption) if RocksDB finds damage, or entries it must index
  // (those above the index mark) are damaged. Nothing is written on failure.
  static std::unique_ptr<Ledger> Open(const std::string& dir, const OpenOptions& options = {});
  // Opens an existing ledger for reading (a RocksDB secondary instance).
  // Throws Error(kNotFound) if there is no ledger in dir.
  static std::unique_ptr<Ledger> OpenReadOnly(const std::string& dir);

  virtual ~Ledger() = default;

  // Throws Error(kInvalidArgument) if an entry is not a canonical event, or
  // records a checkpoint that is malformed or larger than the ledger (then
  // nothing of the batch is appended), Error(kIoError) if the write failed.
  virtual Appended Append(std::string bytes) = 0;
  virtual std::vector<Appended> AppendBatch(std::vector<std::string> entries) = 0;

  // Number of durable entries: the next sequence number.
  virtual uint64_t size() const = 0;
  // chain[size-1], or 32 zero bytes when empty.
  virtual Hash head() const = 0;

  virtual std::optional<Entry> Get(uint64_t seq) const = 0;
  // Calls fn for entries from <= seq < to, in order, until fn returns false.
  virtual void Scan(uint64_t from, uint64_t to,
                    const std::function<bool(const Entry&)>& fn) const = 0;
  // One request's entries, in ledger order. Both index reads throw
  // Error(kIoError) on a writer whose indexing failed.
  virtual std::vector<Entry> ReadRequest(std::string_view request_id) const = 0;
  // Sequence numbers of entries whose actor subject is subject, in order.
  virtual std::vector<uint64_t> SeqsByActor(std::string_view subject) const = 0;

  // The writer's index mark (indexer.h): the index keys of every entry below
  // it are written. 0 on a read-only instance.
  virtual uint64_t indexed() const = 0;

  // Read-only instances: catch up with the writer. No-op for the writer.
  virtual void Refresh() = 0;

  // A writer's storage health; always kOk on a read-only instance.
  virtual WriteHealth Health() const = 0;
  // After a failed write: tries to write again (RocksDB's DB::Resume() once
  // the fault is gone), reloading size and head from the durable entries,
  // and restarts index writing if it stopped. Returns whether appends are
  // accepted. Appends wait while it runs. Cheap while RocksDB is still
  // recovering, so callers may retry it every second or so.
  virtual bool Recover() = 0;

  // The Merkle tree over the first n entries, for n <= size(); proofs as
  // RFC 9162 defines them. They read stored nodes only. Throw
  // Error(kInvalidArgument) for sizes beyond size(), Error(kNotFound) on a
  // read-only open of a ledger that no writer has given a tree yet.
  virtual Hash MerkleRoot(uint64_t n) const = 0;
  virtual std::vector<Hash> InclusionProof(uint64_t i, uint64_t n) const = 0;
  virtual std::vector<Hash> ConsistencyProof(uint64_t m, uint64_t n) const = 0;
  // The stored hash of the complete subtree (level, index) (merkle.h).
  virtual Hash MerkleNode(int level, uint64_t index) const = 0;

  // The checkpoints recorded by checkpoint_signed events, by tree size.
  virtual std::optional<std::string> GetCheckpoint(uint64_t size) const = 0;
  // Witnesses' cosignatures of the checkpoint of size: note signature lines,
  // each ending in '\n', kept beside it (not in an entry: each verifies on its
  // own, with its witness's key). AddCosignatures() (writer only) appends
  // lines to those kept, in a synced write; Error(kIoError) while appends are
  // refused.
  virtual void AddCosignatures(uint64_t size, const std::string& lines) = 0;
  virtual std::string Cosignatures(uint64_t size) const = 0;
  virtual std::optional<std::string> LatestCheckpoint() const = 0;
};

}  // namespace jejak::ledger
