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

namespace jejak::projections {

class Store {
 public:
  // Opens (creating) the store for writing. Throws Error(kBusy) if another
  // process has it open for writing.
  static std::unique_ptr<Store> Open(const std::string& dir);
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
  // both ways in one batch. Takes the strings, saving a copy of big records.
  virtual void Write(std::string key, std::string value) = 0;
  // Calls fn(key, value) for keys starting with prefix, in order, until it
  // returns false; starts at from (>= prefix) when given. Sees staged changes.
  virtual void Scan(std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn,
                    std::string_view from = {}) const = 0;

  // The next ledger sequence number the store expects.
  virtual uint64_t next_seq() const = 0;
  // Writes the staged changes and next_seq in one atomic write.
  virtual void Commit(uint64_t next_seq) = 0;
  // Drops staged changes.
  virtual void Discard() = 0;
  // Read-only stores: catch up with the writer.
  virtual void Refresh() = 0;
};

}  // namespace jejak::projections
