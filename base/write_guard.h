// Keeps a RocksDB database from writing after a failed write until
// writing is safe again, and says whether it may resume in this process
// (docs/FORMAT.md, "Durability and recovery").
//
// RocksDB stops writing after a failed write. A full disk (ENOSPC) is a
// "hard" error it can resume from (DB::Resume(), or by itself once space is
// free): it flushes the memtables, which starts a new write-ahead log. Other
// errors (EIO on sync, a read-only file system) are fatal: only reopening the
// database resumes, and the write that failed may or may not be on disk.
// Debian's librocksdb 7.8 (assertions on) also aborts the process on any
// write to a log file after a failed one: when every memtable was empty at the
// failure, RocksDB resumes on the failed write-ahead log, and the next write
// would abort. So a database resumes here only if the write-ahead log that
// failed is no longer the current one.
//
// Registered as the database's event listener, it learns of every background
// error (and of write-ahead log failures among them). Thread-safe.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/listener.h>

#include <cstdint>
#include <mutex>
#include <string>

namespace jejak::base {

class WriteGuard final : public rocksdb::EventListener {
 public:
  enum class State {
    kOk,      // writes go on
    kFailed,  // a write failed; Resume() may succeed later
    kFatal,   // no write in this process again: reopen the database
  };

  explicit WriteGuard(std::string what) : what_(std::move(what)) {}

  // After a write to db (or a step that writes, such as an ingestion) failed
  // with s: from now on State() is not kOk.
  void Failed(rocksdb::DB& db, const rocksdb::Status& s);
  // Tries to resume writing: kOk if db writes again (RocksDB recovered and
  // left the failed write-ahead log), else why not. Call it with no write to
  // db in progress.
  State Resume(rocksdb::DB& db);

  State state() const;
  // What failed and what to do; empty while kOk.
  std::string problem() const;
  // Failed writes and background errors since the database opened.
  uint64_t errors() const;

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;

 private:
  void SetFatal(const std::string& why);  // with mu_ held

  const std::string what_;  // "the ledger", "the ledger's indexes"
  mutable std::mutex mu_;
  State state_ = State::kOk;
  std::string problem_;
  uint64_t errors_ = 0;
  bool wal_failed_ = false;  // a write to the write-ahead log failed
  bool wal_recorded_ = false;
  uint64_t failed_wal_ = 0;  // the log current at the first failed write
  rocksdb::Status::Severity severity_ = rocksdb::Status::Severity::kNoError;
};

}  // namespace jejak::base
