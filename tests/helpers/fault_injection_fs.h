// A RocksDB file system for tests that fails on demand, as LevelDB's
// fault_injection_test does: a full disk (ENOSPC on appends, optionally
// after writing part of the data), EIO on syncs, and a read-only file system
// (EROFS on creating, renaming, removing and writing files). Faults can be
// switched on and off while a database is open; everything else goes to the
// real (POSIX) file system.
//
//   auto fs = std::make_shared<FaultInjectionFs>();
//   auto env = FaultInjectionFs::NewEnv(fs);  // outlives every database using it
//   ledger::OpenOptions o; o.env = env.get();
//   ... fs->SetFull(true); ... fs->SetFull(false); ...
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace jejak::testing {

class FaultInjectionFs final : public rocksdb::FileSystemWrapper {
 public:
  FaultInjectionFs();

  static const char* kClassName() { return "JejakFaultInjectionFs"; }
  const char* Name() const override { return kClassName(); }

  // An Env whose files go through this file system; the rest (threads,
  // clock) is the default Env's.
  static std::unique_ptr<rocksdb::Env> NewEnv(std::shared_ptr<FaultInjectionFs> fs);

  // Full disk: appends fail with ENOSPC (a NoSpace status); with partial,
  // half of the data is written first, as a real full disk may. Free space
  // reads as 0 meanwhile.
  void SetFull(bool full, bool partial = false);
  // Sync and Fsync of files fail with EIO (data already appended stays).
  void SetSyncError(bool on);
  // Creating, renaming, linking, removing, truncating and writing files
  // fail with EROFS.
  void SetReadOnly(bool on);
  // Faults apply only to files whose name this returns true for (default:
  // all). Set before switching faults on.
  void SetFilter(std::function<bool(const std::string& fname)> filter);

  // Faults injected so far.
  uint64_t injected() const { return injected_.load(); }

  // Called by the wrapped files.
  rocksdb::IOStatus WriteFault(const std::string& fname, bool* partial);
  rocksdb::IOStatus SyncFault(const std::string& fname);

  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                       std::unique_ptr<rocksdb::FSWritableFile>* r,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& f, const std::string& old,
                                      const rocksdb::FileOptions& o,
                                      std::unique_ptr<rocksdb::FSWritableFile>* r,
                                      rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus RenameFile(const std::string& s, const std::string& t,
                               const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus LinkFile(const std::string& s, const std::string& t,
                             const rocksdb::IOOptions& o, rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus DeleteFile(const std::string& f, const rocksdb::IOOptions& o,
                               rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus Truncate(const std::string& f, size_t size, const rocksdb::IOOptions& o,
                             rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDir(const std::string& d, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus CreateDirIfMissing(const std::string& d, const rocksdb::IOOptions& o,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& o,
                                 uint64_t* free, rocksdb::IODebugContext* dbg) override;

 private:
  bool Applies(const std::string& fname) const;
  rocksdb::IOStatus ReadOnlyFault(const std::string& fname, const char* op);

  std::atomic<bool> full_ = false, partial_ = false, sync_error_ = false, read_only_ = false;
  std::atomic<uint64_t> injected_ = 0;
  mutable std::mutex filter_mu_;
  std::function<bool(const std::string&)> filter_;
};

}  // namespace jejak::testing
