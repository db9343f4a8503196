#include "base/files.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/testutil.h"

namespace jejak::base {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& f : fs::directory_iterator(dir)) out.push_back(f.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// Sets the umask for a scope, so that modes do not depend on the caller's.
class Umask {
 public:
  explicit Umask(mode_t mask) : old_(::umask(mask)) {}
  ~Umask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST_CASE("files: a written file has the mode it was created with, less the umask") {
  TempDir dir;
  Umask mask(022);
  std::string key = dir.Sub("jejak.key"), pub = dir.Sub("jejak.pub");
  WriteFileAtomically(key, "secret\n", 0600);
  WriteFileAtomically(pub, "public\n", 0666);
  CHECK(ModeOf(key) == 0600);
  CHECK(ModeOf(pub) == 0644);
  CHECK(ReadFile(key) == "secret\n");
  // Replacing keeps the mode asked for, whatever the old file had.
  ::chmod(key.c_str(), 0644);
  WriteFileAtomically(key, "secret 2\n", 0600);
  CHECK(ModeOf(key) == 0600);
  CHECK(ReadFile(key) == "secret 2\n");
  CHECK(Names(dir.path()) == std::vector<std::string>{"jejak.key", "jejak.pub"});
}

TEST_CASE("files: empty and large contents are written whole") {
  TempDir dir;
  std::string path = dir.Sub("f");
  WriteFileAtomically(path, "", 0644);
  CHECK(fs::file_size(path) == 0);
  CHECK(ReadFile(path).empty());
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7 % 251);
  WriteFileAtomically(path, big, 0644);
  CHECK(ReadFile(path) == big);
}

TEST_CASE("files: a write that fails leaves the old file and no temporary file") {
  TempDir dir;
  std::string path = dir.Sub("position");
  WriteFileAtomically(path, "old\n", 0644);
  // Files may grow to 4 KiB only: the write of 1 MiB fails with EFBIG
  // (SIGXFSZ ignored), as a full disk would fail it with ENOSPC.
  struct rlimit old_limit;
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  struct sigaction ignore {
  }, old_action{};
  ignore.sa_handler = SIG_IGN;
  REQUIRE(::sigaction(SIGXFSZ, &ignore, &old_action) == 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 4096;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  std::string message;
  ErrorCode code = ErrorCode::kInvalidArgument;
  try {
    WriteFileAtomically(path, std::string(1 << 20, 'x'), 0644);
  } catch (const Error& e) {
    message = e.what();
    code = e.code();
  }
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::sigaction(SIGXFSZ, &old_action, nullptr);
  CHECK(code == ErrorCode::kIoError);
  CHECK(message.find(path) != std::string::npos);
  CHECK(message.find("File too large") != std::string::npos);
  CHECK(ReadFile(path) == "old\n");
  CHECK(Names(dir.path()) == std::vector<std::string>{"position"});
}

TEST_CASE("files: IfExists::kFail keeps a file that exists") {
  TempDir dir;
  std::string path = dir.Sub("tracking.key");
  WriteFileAtomically(path, "first", 0600, IfExists::kFail);
  try {
    WriteFileAtomically(path, "second", 0600, IfExists::kFail);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kConflict);
    CHECK(std::string(e.what()).find(path) != std::string::npos);
  }
  CHECK(ReadFile(path) == "first");
  CHECK(Names(dir.path()) == std::vector<std::string>{"tracking.key"});
}

TEST_CASE("files: errors name the path and carry the system's reason") {
  TempDir dir;
  std::string nowhere = dir.Sub("missing/file");
  try {
    WriteFileAtomically(nowhere, "x", 0644);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kIoError);
    CHECK(std::string(e.what()).find(nowhere) != std::string::npos);
    CHECK(std::string(e.what()).find("No such file or directory") != std::string::npos);
  }
  try {
    ReadFile(nowhere, "key file");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK(std::string(e.what()) ==
          "cannot read key file " + nowhere + ": No such file or directory");
  }
  try {
    ReadFile(dir.path());
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kIoError);
    CHECK(std::string(e.what()) == "cannot read " + dir.path() + ": Is a directory");
  }
  Error e = SystemError("cannot sync /x", ENOSPC);
  CHECK(e.code() == ErrorCode::kIoError);
  CHECK(std::string(e.what()) == "cannot sync /x: No space left on device");
  CHECK(SystemError("y", ENOENT, ErrorCode::kNotFound).code() == ErrorCode::kNotFound);
}

TEST_CASE("files: a device or pipe is not replaced") {
  TempDir dir;
  std::string fifo = dir.Sub("pipe");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  try {
    WriteFileAtomically(fifo, "x", 0644);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
  CHECK(fs::is_fifo(fifo));
  CHECK(Names(dir.path()) == std::vector<std::string>{"pipe"});
}

}  // namespace
}  // namespace jejak::base
