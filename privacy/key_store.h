// The key store: each data subject's pseudonymous id and data key, in a
// RocksDB database of its own beside the ledger (normally DATA/subjects), never
// in it, so that destroying a key erases the subject's sealed fields while
// the ledger stays whole. Every key is wrapped by the key-encryption key
// (kek.h), which is not in the data directory. Layout: docs/PRIVACY.md.
//
// Contract:
// - A subject is found by its external id (the NIK an applicant logs in
//   with) through HMAC-SHA256 under the store's own pseudonym key, so the
//   store holds no external id, and an id cannot be tested against it
//   without the KEK.
// - Subject ids are "subj-" and 32 hex digits of randomness: they say
//   nothing about the subject, and once the subject is erased nothing links
//   one to a person.
// - Store() and Erase() return only after a synced write. A failed write
//   throws Error(kIoError); the store then writes again only once RocksDB
//   resumes (base/write_guard.h).
// - After Erase(), Purge() rewrites the database until none of its files
//   holds the erased records (flush, compaction of every level, then a
//   search of every file). A crash in between leaves PurgePending() true, so
//   the next writer finishes it.
// - One writer process at a time (Error(kBusy) for a second); read-only
//   instances work beside it, seeing what was written before they opened.
// - Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "privacy/kek.h"

namespace rocksdb {
class Env;
}

namespace jejak::privacy {

// A subject made by MakeSubject(), not yet stored.
struct NewSubject {
  std::string id;        // "subj-…"
  std::string data_key;  // 32 bytes
  std::string lookup;    // HMAC of the external id: the store's key for it
};

// What Purge() did.
struct PurgeResult {
  uint64_t files_checked = 0;
  uint64_t bytes_checked = 0;
};

class KeyStore {
 public:
  struct Options {
    bool read_only = false;
    rocksdb::Env* env = nullptr;  // tests inject faults; null: the default
  };
  // Opens (creating it if absent and not read_only) the store in dir.
  // Throws Error(kPermissionDenied) if kek is not the key the store was made
  // with, Error(kBusy) if another process writes it, Error(kNotFound) for a
  // read-only open of no store, and like ThrowIfError (base/rocks_status.h).
  static std::unique_ptr<KeyStore> Open(const std::string& dir,
                                        std::shared_ptr<const KeyEncryptionKey> kek,
                                        const Options& options);
  static std::unique_ptr<KeyStore> Open(const std::string& dir,
                                        std::shared_ptr<const KeyEncryptionKey> kek) {
    return Open(dir, std::move(kek), Options{});
  }
  virtual ~KeyStore() = default;

  // True if id has the form of a subject id.
  static bool IsSubjectId(std::string_view id);

  // The store's key for an external id: HMAC-SHA256 under its pseudonym key.
  virtual std::string Lookup(std::string_view external_id) const = 0;
  // The subject id of an external id, if the store has one.
  virtual std::optional<std::string> Find(std::string_view external_id) const = 0;
  // The same, given the external id's Lookup().
  virtual std::optional<std::string> FindByLookup(std::string_view lookup) const = 0;
  // A new subject for the external id whose Lookup() is lookup, with a
  // fresh id and data key; nothing is written until Store().
  static NewSubject MakeSubjectByLookup(std::string lookup);
  // The same, given the external id.
  NewSubject MakeSubject(std::string_view external_id) const {
    return MakeSubjectByLookup(Lookup(external_id));
  }
  // Writes subjects in one synced write; a later one for the same external
  // id replaces the earlier's lookup.
  virtual void Store(const std::vector<NewSubject>& subjects) = 0;
  // The subject's 32-byte data key; nullopt if it has none (erased, or never
  // stored).
  virtual std::optional<std::string> DataKey(std::string_view subject) const = 0;

  // Deletes the subject's data key, and its lookup if that still names it,
  // in one synced write that also marks a purge pending; false if the
  // subject has no key. Writer only.
  virtual bool Erase(std::string_view subject) = 0;
  virtual bool PurgePending() const = 0;
  // Makes the erased records unreadable from the files: flushes, compacts
  // every level, and searches every file of the database for the subject ids
  // of erased (the records' keys) and the erased records' bytes it knows.
  // Throws Error(kIoError) if a file still holds one; the purge then stays
  // pending.
  virtual PurgeResult Purge(const std::vector<std::string>& erased) = 0;
};

}  // namespace jejak::privacy
