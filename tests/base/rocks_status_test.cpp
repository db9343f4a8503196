#include "base/rocks_status.h"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "base/error.h"
#include "base/rocks_files.h"
#include "tests/testutil.h"

namespace jejak::base {
namespace {

using testing::TempDir;

rocksdb::Status Open(const std::string& dir, std::unique_ptr<rocksdb::DB>* db) {
  rocksdb::Options o;
  o.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, dir, &raw);
  db->reset(raw);
  return s;
}

ErrorCode CodeOf(const rocksdb::Status& s) {
  try {
    ThrowIfError(s, "testing");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).starts_with("testing: "));
    return e.code();
  }
  FAIL("expected an error");
  return ErrorCode::kInvalidArgument;
}

TEST_CASE("rocks status: a database open in this process is busy") {
  TempDir dir;
  std::unique_ptr<rocksdb::DB> first, second;
  REQUIRE(Open(dir.path(), &first).ok());
  rocksdb::Status s = Open(dir.path(), &second);
  INFO(s.ToString());
  CHECK(IsLocked(s));
  CHECK(CodeOf(s) == ErrorCode::kBusy);
}

TEST_CASE("rocks status: a database another process has open is busy") {
  TempDir dir;
  {
    std::unique_ptr<rocksdb::DB> db;
    REQUIRE(Open(dir.path(), &db).ok());
  }
  // The child takes the lock RocksDB takes (a POSIX write lock on LOCK) and
  // holds it until the parent closes the pipe. Only async-signal-safe calls
  // after fork: RocksDB's threads may hold locks in the parent.
  std::string lock_path = dir.Sub("LOCK");
  int to_child[2], from_child[2];
  REQUIRE(::pipe(to_child) == 0);
  REQUIRE(::pipe(from_child) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(to_child[1]);  // else the read below never sees the parent's close
    ::close(from_child[0]);
    int fd = ::open(lock_path.c_str(), O_RDWR);
    struct flock l {};
    l.l_type = F_WRLCK;
    l.l_whence = SEEK_SET;
    char ok = fd >= 0 && ::fcntl(fd, F_SETLK, &l) == 0 ? 'y' : 'n';
    (void)!::write(from_child[1], &ok, 1);
    (void)!::read(to_child[0], &ok, 1);
    ::_exit(0);
  }
  ::close(to_child[0]);
  ::close(from_child[1]);
  char locked = 0;
  REQUIRE(::read(from_child[0], &locked, 1) == 1);
  CHECK(locked == 'y');
  std::unique_ptr<rocksdb::DB> db;
  rocksdb::Status s = Open(dir.path(), &db);
  ::close(to_child[1]);
  ::close(from_child[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  INFO(s.ToString());
  CHECK(IsLocked(s));
  CHECK(CodeOf(s) == ErrorCode::kBusy);
  db.reset();
  CHECK(Open(dir.path(), &db).ok());  // free again once the child is gone
}

TEST_CASE("rocks status: each status has its code, and only the lock is busy") {
  CHECK_NOTHROW(ThrowIfError(rocksdb::Status::OK(), "testing"));
  CHECK(CodeOf(rocksdb::Status::Corruption("bad block")) == ErrorCode::kCorruption);
  CHECK(CodeOf(rocksdb::Status::NotFound("x")) == ErrorCode::kNotFound);
  CHECK(CodeOf(rocksdb::Status::InvalidArgument("x")) == ErrorCode::kInvalidArgument);
  CHECK(CodeOf(rocksdb::Status::IOError("x")) == ErrorCode::kIoError);
  // "lock" is in "block": an error reading a block is not a busy database.
  rocksdb::Status block = rocksdb::Status::IOError("While reading block", "/d/000001.sst");
  CHECK_FALSE(IsLocked(block));
  CHECK(CodeOf(block) == ErrorCode::kIoError);
  CHECK_FALSE(IsLocked(rocksdb::Status::Corruption("While lock file", "/d/LOCK")));
  // RocksDB's own "busy" (try again) is something else.
  CHECK_FALSE(IsLocked(rocksdb::Status::Busy()));
  CHECK(IsLocked(rocksdb::Status::IOError("While lock file: /d/LOCK", "Permission denied")));
}

TEST_CASE("rocks files: numbered files of one kind, in number order") {
  TempDir dir;
  for (const char* name : {"000010.log", "000002.log", "000002.sst", "x.log", "12a.log", ".log",
                           "000001.log.tmp", "000007.sst"}) {
    std::ofstream(dir.Sub(name)) << "x";
  }
  std::filesystem::create_directory(dir.Sub("000003.log"));  // not a regular file
  CHECK(RocksFiles(dir.path(), ".log") ==
        std::vector<std::string>{dir.Sub("000002.log"), dir.Sub("000010.log")});
  CHECK(RocksFiles(dir.path(), ".sst") ==
        std::vector<std::string>{dir.Sub("000002.sst"), dir.Sub("000007.sst")});
  CHECK(RocksFiles(dir.Sub("missing"), ".log").empty());
  CHECK_THROWS_AS(RocksFiles(dir.Sub("000002.log"), ".log"), Error);  // not a directory
  CHECK(RocksFileNumber("1234567.log", ".log") == 1234567);
  CHECK(RocksFileNumber("000001.sst", ".log") == 0);
  CHECK(RocksFileNumber("99999999999999999999.log", ".log") == 0);  // beyond 64 bits
}

}  // namespace
}  // namespace jejak::base
