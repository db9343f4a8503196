#include "tests/helpers/fault_injection_fs.h"

#include <cerrno>
#include <cstring>

namespace jejak::testing {
namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

// A writable file whose appends and syncs ask the file system for a fault
// first.
class FaultWritableFile final : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultWritableFile(std::unique_ptr<rocksdb::FSWritableFile> f, std::string fname,
                    FaultInjectionFs* fs)
      : FSWritableFileOwnerWrapper(std::move(f)), fname_(std::move(fname)), fs_(fs) {}

  IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* dbg) override {
    bool partial = false;
    IOStatus s = fs_->WriteFault(fname_, &partial);
    if (s.ok()) return target()->Append(data, o, dbg);
    if (partial && data.size() > 1) {
      target()->Append(Slice(data.data(), data.size() / 2), o, dbg).PermitUncheckedError();
    }
    return s;
  }
  IOStatus Append(const Slice& data, const IOOptions& o,
                  const rocksdb::DataVerificationInfo& /*info*/, IODebugContext* dbg) override {
    return Append(data, o, dbg);
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            IODebugContext* dbg) override {
    bool partial = false;
    IOStatus s = fs_->WriteFault(fname_, &partial);
    return s.ok() ? target()->PositionedAppend(data, offset, o, dbg) : s;
  }
  IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o,
                            const rocksdb::DataVerificationInfo& /*info*/,
                            IODebugContext* dbg) override {
    return PositionedAppend(data, offset, o, dbg);
  }
  IOStatus Allocate(uint64_t offset, uint64_t len, const IOOptions& o,
                    IODebugContext* dbg) override {
    bool partial = false;
    IOStatus s = fs_->WriteFault(fname_, &partial);
    return s.ok() ? target()->Allocate(offset, len, o, dbg) : s;
  }
  IOStatus Sync(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->SyncFault(fname_);
    return s.ok() ? target()->Sync(o, dbg) : s;
  }
  IOStatus Fsync(const IOOptions& o, IODebugContext* dbg) override {
    IOStatus s = fs_->SyncFault(fname_);
    return s.ok() ? target()->Fsync(o, dbg) : s;
  }
  IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const IOOptions& o,
                     IODebugContext* dbg) override {
    IOStatus s = fs_->SyncFault(fname_);
    return s.ok() ? target()->RangeSync(offset, nbytes, o, dbg) : s;
  }

 private:
  std::string fname_;
  FaultInjectionFs* fs_;
};

IOStatus Errno(const std::string& what, const std::string& fname, int err) {
  if (err == ENOSPC) return IOStatus::NoSpace(what + ": " + fname, std::strerror(err));
  return IOStatus::IOError(what + ": " + fname, std::strerror(err));
}

}  // namespace

FaultInjectionFs::FaultInjectionFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

std::unique_ptr<rocksdb::Env> FaultInjectionFs::NewEnv(std::shared_ptr<FaultInjectionFs> fs) {
  return rocksdb::NewCompositeEnv(std::move(fs));
}

void FaultInjectionFs::SetFull(bool full, bool partial) {
  partial_ = partial;
  full_ = full;
}

void FaultInjectionFs::SetSyncError(bool on) { sync_error_ = on; }

void FaultInjectionFs::SetReadOnly(bool on) { read_only_ = on; }

void FaultInjectionFs::SetFilter(std::function<bool(const std::string&)> filter) {
  std::lock_guard lock(filter_mu_);
  filter_ = std::move(filter);
}

bool FaultInjectionFs::Applies(const std::string& fname) const {
  std::lock_guard lock(filter_mu_);
  return !filter_ || filter_(fname);
}

IOStatus FaultInjectionFs::WriteFault(const std::string& fname, bool* partial) {
  if (read_only_ && Applies(fname)) {
    ++injected_;
    return Errno("While appending to file", fname, EROFS);
  }
  if (full_ && Applies(fname)) {
    ++injected_;
    *partial = partial_;
    return Errno("While appending to file", fname, ENOSPC);
  }
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::SyncFault(const std::string& fname) {
  if (read_only_ && Applies(fname)) {
    ++injected_;
    return Errno("While fsync", fname, EROFS);
  }
  if (sync_error_ && Applies(fname)) {
    ++injected_;
    return Errno("While fsync", fname, EIO);
  }
  return IOStatus::OK();
}

IOStatus FaultInjectionFs::ReadOnlyFault(const std::string& fname, const char* op) {
  if (!read_only_ || !Applies(fname)) return IOStatus::OK();
  ++injected_;
  return Errno(op, fname, EROFS);
}

IOStatus FaultInjectionFs::NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                           std::unique_ptr<rocksdb::FSWritableFile>* r,
                                           IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(f, "While open a file for appending");
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  s = target()->NewWritableFile(f, o, &file, dbg);
  if (s.ok()) *r = std::make_unique<FaultWritableFile>(std::move(file), f, this);
  return s;
}

IOStatus FaultInjectionFs::ReopenWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                              std::unique_ptr<rocksdb::FSWritableFile>* r,
                                              IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(f, "While open a file for appending");
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  s = target()->ReopenWritableFile(f, o, &file, dbg);
  if (s.ok()) *r = std::make_unique<FaultWritableFile>(std::move(file), f, this);
  return s;
}

IOStatus FaultInjectionFs::ReuseWritableFile(const std::string& f, const std::string& old,
                                             const rocksdb::FileOptions& o,
                                             std::unique_ptr<rocksdb::FSWritableFile>* r,
                                             IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(f, "While reusing a file");
  if (!s.ok()) return s;
  std::unique_ptr<rocksdb::FSWritableFile> file;
  s = target()->ReuseWritableFile(f, old, o, &file, dbg);
  if (s.ok()) *r = std::make_unique<FaultWritableFile>(std::move(file), f, this);
  return s;
}

IOStatus FaultInjectionFs::NewRandomRWFile(const std::string& f, const rocksdb::FileOptions& o,
                                           std::unique_ptr<rocksdb::FSRandomRWFile>* r,
                                           IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(f, "While open a file for random read/write");
  return s.ok() ? target()->NewRandomRWFile(f, o, r, dbg) : s;
}

IOStatus FaultInjectionFs::RenameFile(const std::string& src, const std::string& dst,
                                      const IOOptions& o, IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(dst, "While renaming a file");
  return s.ok() ? target()->RenameFile(src, dst, o, dbg) : s;
}

IOStatus FaultInjectionFs::LinkFile(const std::string& src, const std::string& dst,
                                    const IOOptions& o, IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(dst, "While link the file");
  return s.ok() ? target()->LinkFile(src, dst, o, dbg) : s;
}

IOStatus FaultInjectionFs::DeleteFile(const std::string& f, const IOOptions& o,
                                      IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(f, "while unlink() file");
  return s.ok() ? target()->DeleteFile(f, o, dbg) : s;
}

IOStatus FaultInjectionFs::Truncate(const std::string& f, size_t size, const IOOptions& o,
                                    IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(f, "While truncate file");
  return s.ok() ? target()->Truncate(f, size, o, dbg) : s;
}

IOStatus FaultInjectionFs::CreateDir(const std::string& d, const IOOptions& o,
                                     IODebugContext* dbg) {
  IOStatus s = ReadOnlyFault(d, "While mkdir");
  return s.ok() ? target()->CreateDir(d, o, dbg) : s;
}

IOStatus FaultInjectionFs::CreateDirIfMissing(const std::string& d, const IOOptions& o,
                                              IODebugContext* dbg) {
  bool exists = false;
  if (read_only_ && target()->IsDirectory(d, o, &exists, dbg).ok() && exists) {
    return IOStatus::OK();
  }
  IOStatus s = ReadOnlyFault(d, "While mkdir if missing");
  return s.ok() ? target()->CreateDirIfMissing(d, o, dbg) : s;
}

IOStatus FaultInjectionFs::GetFreeSpace(const std::string& path, const IOOptions& o, uint64_t* free,
                                        IODebugContext* dbg) {
  if (full_ && (Applies(path) || Applies(path + "/"))) {  // a database's directory
    *free = 0;
    return IOStatus::OK();
  }
  return target()->GetFreeSpace(path, o, free, dbg);
}

}  // namespace jejak::testing
