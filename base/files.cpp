#include "base/files.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <system_error>

namespace jejak::base {
namespace {

namespace fs = std::filesystem;

// Closes fd on every path out of a function.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, so that its error is seen; false with errno set on failure.
  bool Close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

// Writes all of bytes; false with errno set on failure.
bool WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Creates a new file beside path with mode, named so that no two writers (in
// this process or another) pick the same one; returns its name.
int CreateTemporary(const std::string& path, mode_t mode, std::string* tmp) {
  static std::atomic<uint64_t> counter{0};
  fs::path p(path);
  for (;;) {
    *tmp = (p.parent_path() /
            fmt::format(".{}.tmp-{}-{}", p.filename().string(), ::getpid(), counter.fetch_add(1)))
               .string();
    int fd = ::open(tmp->c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
    if (fd >= 0 || errno != EEXIST) return fd;  // EEXIST: left by a crashed process
  }
}

}  // namespace

void SyncDirectoryOf(const std::string& path) {
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) throw SystemError(fmt::format("cannot open directory {}", dir.string()), errno);
  // EINVAL: a file system that cannot sync directories (and needs not).
  if (::fsync(fd.get()) != 0 && errno != EINVAL) {
    throw SystemError(fmt::format("cannot sync directory {}", dir.string()), errno);
  }
}

Error SystemError(const std::string& what, int errnum, ErrorCode code) {
  return Error(code, fmt::format("{}: {}", what, std::system_category().message(errnum)));
}

std::string ReadFile(const std::string& path, std::string_view what) {
  std::string name = what.empty() ? path : fmt::format("{} {}", what, path);
  auto fail = [&](int err) {
    bool missing = err == ENOENT || err == ENOTDIR;
    return SystemError(fmt::format("cannot read {}", name), err,
                       missing ? ErrorCode::kNotFound : ErrorCode::kIoError);
  };
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) throw fail(errno);
  std::string out;
  struct stat st;
  if (::fstat(fd.get(), &st) == 0 && st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw fail(errno);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

void WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode,
                         IfExists if_exists) {
  // A device or pipe (/dev/stdout, say) has no content to replace, and
  // renaming over it would remove it.
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::kInvalidArgument,
                fmt::format("cannot write {}: it is not a regular file", path));
  }
  std::string tmp;
  int created = CreateTemporary(path, mode, &tmp);
  if (created < 0) {
    throw SystemError(fmt::format("cannot write {} (creating {})", path, tmp), errno);
  }
  Fd fd(created);
  int err = 0;
  const char* step = nullptr;
  if (!WriteAll(fd.get(), bytes)) {
    err = errno, step = "writing";
  } else if (::fsync(fd.get()) != 0) {
    err = errno, step = "syncing";
  } else if (!fd.Close()) {
    err = errno, step = "closing";
  } else if (if_exists == IfExists::kReplace && ::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno, step = "renaming";
  } else if (if_exists == IfExists::kFail && ::link(tmp.c_str(), path.c_str()) != 0) {
    err = errno, step = "linking";
  }
  if (err != 0 || if_exists == IfExists::kFail) ::unlink(tmp.c_str());
  if (err == EEXIST && if_exists == IfExists::kFail) {
    throw Error(ErrorCode::kConflict, fmt::format("{} exists; it is not replaced", path));
  }
  if (err != 0) throw SystemError(fmt::format("cannot write {} ({} {})", path, step, tmp), err);
  SyncDirectoryOf(path);
}

}  // namespace jejak::base
