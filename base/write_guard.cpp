#include "base/write_guard.h"

#include <fmt/format.h>
#include <rocksdb/transaction_log.h>

#include <algorithm>
#include <limits>

namespace jejak::base {
namespace {

using Severity = rocksdb::Status::Severity;

// The number of db's current write-ahead log, or missing if unknown.
uint64_t CurrentWal(rocksdb::DB& db, uint64_t missing) {
  std::unique_ptr<rocksdb::LogFile> file;
  rocksdb::Status s = db.GetCurrentWalFile(&file);
  return s.ok() && file ? file->LogNumber() : missing;
}

}  // namespace

void WriteGuard::Failed(rocksdb::DB& db, const rocksdb::Status& s) {
  // Unknown: never resume.
  uint64_t wal = CurrentWal(db, std::numeric_limits<uint64_t>::max());
  std::lock_guard lock(mu_);
  ++errors_;
  if (state_ == State::kFatal) return;
  if (!wal_recorded_) {
    failed_wal_ = wal;
    wal_recorded_ = true;
  }
  state_ = State::kFailed;
  problem_ = fmt::format("{} cannot write: {}", what_, s.ToString());
  if (s.severity() > Severity::kHardError || severity_ > Severity::kHardError) {
    SetFatal(s.ToString());
  }
}

WriteGuard::State WriteGuard::Resume(rocksdb::DB& db) {
  {
    std::lock_guard lock(mu_);
    if (state_ != State::kFailed) return state_;
  }
  rocksdb::Status s = db.Resume();
  uint64_t wal = CurrentWal(db, 0);
  std::lock_guard lock(mu_);
  if (state_ != State::kFailed) return state_;
  if (s.IsBusy()) return state_;  // RocksDB is recovering by itself
  if (!s.ok()) {
    if (s.severity() > Severity::kHardError || severity_ > Severity::kHardError) {
      SetFatal(s.ToString());
    }
    return state_;
  }
  if (wal_failed_ && wal <= failed_wal_) {
    SetFatal(
        "RocksDB resumed on the write-ahead log that failed, which librocksdb 7.8 cannot write "
        "to again");
    return state_;
  }
  state_ = State::kOk;
  problem_.clear();
  wal_failed_ = wal_recorded_ = false;
  severity_ = Severity::kNoError;
  return state_;
}

WriteGuard::State WriteGuard::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

std::string WriteGuard::problem() const {
  std::lock_guard lock(mu_);
  return problem_;
}

uint64_t WriteGuard::errors() const {
  std::lock_guard lock(mu_);
  return errors_;
}

void WriteGuard::OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) {
  std::lock_guard lock(mu_);
  // A failed write (kWriteCallback) is counted by Failed(), which follows.
  bool wal = reason == rocksdb::BackgroundErrorReason::kWriteCallback;
  if (wal) {
    wal_failed_ = true;
  } else {
    ++errors_;
  }
  severity_ = std::max(severity_, error->severity());
  if (error->severity() < Severity::kHardError || state_ == State::kFatal) return;
  if (state_ == State::kOk) {
    // RocksDB stopped writing without a write of ours failing (a flush, say).
    state_ = State::kFailed;
    problem_ = fmt::format("{} cannot write: {}", what_, error->ToString());
  }
  if (error->severity() > Severity::kHardError) SetFatal(error->ToString());
}

void WriteGuard::SetFatal(const std::string& why) {
  state_ = State::kFatal;
  problem_ = fmt::format(
      "{} cannot write again in this process ({}). Every acknowledged entry is on disk. Stop "
      "jejak, fix the storage (free space, permissions, a read-only or failing disk), then start "
      "it again",
      what_, why);
}

}  // namespace jejak::base
