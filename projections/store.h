// The projections' own RocksDB database (normally DATA/projections): views
// and report facts under prefixed keys, and the next ledger sequence number
// to apply. Changes are staged in a batch and committed atomically with that
// number, so a crash never applies an event twice or skips one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rocksdb {
class Env;
}

namespace jejak::projections {

class Store {
 public:
  // Opens (creating) the store for writing. Throws Error(kBusy) if another
  // process has it open for writing. env: tests inject storage faults
  // through it (it must outlive the store); null: the default.
  static std::unique_ptr<Store> Open(const std::string& dir, rocksdb::Env* env = nullptr);
  // Opens an existing store for reading beside a writer. Throws
  // Error(kNotFound) if there is none.
  static std::unique_ptr<Store> OpenReadOnly(const std::string& dir);
  virtual ~Store() = default;

  // Reads see staged changes first.
  virtual std::optional<std::string> Get(std::string_view key) const = 0;
  virtual void Put(std::string_view key, std::string_view value) = 0;
  virtual void Delete(std::string_view key) = 0;
  // Stages a value that Get and Scan do not see before Commit: cheaper, for
  // records written once at the end of a batch. A key must not be staged
  // both ways in one batch, and queue keys (keys::Queue) are staged with
  // Put and Delete only. Takes the strings, saving a copy of big records.
  virtual void Write(std::string key, std::string value) = 0;
  // Calls fn(key, value) for keys starting with prefix, in order, until it
  // returns false; starts at from (>= prefix) when given. Sees staged changes.
  virtual void Scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn,
                    std::string_view from = {}) const = 0;

  // How many queue keys (keys::Queue) of the same workflow and state sort
  // before queue_key, committed ones only: a queue position in O(log n). The
  // store keeps the queue keys in memory for this, loaded on the first call.
  // Thread-safe beside other reads.
  virtual uint64_t QueueKeysBefore(std::string_view queue_key) const = 0;

  // The next ledger sequence number the store expects (the last commit's).
  virtual uint64_t next_seq() const = 0;
  // Writes the staged changes and next_seq in one atomic write.
  virtual void Commit(uint64_t next_seq) = 0;
  // The same, written on another thread while the caller stages the next
  // batch. Reads see its changes at once (Write()'s values too) and commits
  // stay in order: the next Commit, CommitInBackground, Scan or Discard
  // first waits for it and throws its error. next_seq() moves when it is
  // written; a crash leaves the store at this commit or the one before.
  virtual void CommitInBackground(uint64_t next_seq) = 0;
  // Drops staged changes (after waiting for a commit in the background).
  virtual void Discard() = 0;
  // Read-only stores: catch up with the writer.
  virtual void Refresh() = 0;
};

}  // namespace jejak::projections
