#include "base/rocks_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace jejak::base {
namespace {

constexpr off_t kMaxLogBytes = 16 << 20;

class FileLogger final : public rocksdb::Logger {
 public:
  explicit FileLogger(std::string path) : path_(std::move(path)) { Reopen(); }
  ~FileLogger() override {
    if (fd_ >= 0) close(fd_);
  }

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    char buf[1024];
    timeval now;
    gettimeofday(&now, nullptr);
    tm t;
    localtime_r(&now.tv_sec, &t);
    int n = std::snprintf(buf, sizeof buf, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %lx ",
                          t.tm_year + 1900, t.tm_mon + 1, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec,
                          static_cast<long>(now.tv_usec), static_cast<unsigned long>(gettid()));
    std::string line(buf, n > 0 ? static_cast<size_t>(n) : 0);
    va_list copy;
    va_copy(copy, ap);
    int m = std::vsnprintf(buf, sizeof buf, format, copy);
    va_end(copy);
    if (m >= static_cast<int>(sizeof buf)) {
      std::string big(static_cast<size_t>(m) + 1, '\0');
      std::vsnprintf(big.data(), big.size(), format, ap);
      line.append(big.data(), static_cast<size_t>(m));
    } else if (m > 0) {
      line.append(buf, static_cast<size_t>(m));
    }
    if (line.empty() || line.back() != '\n') line.push_back('\n');
    std::lock_guard lock(mu_);
    if (fd_ < 0) return;
    ssize_t w = write(fd_, line.data(), line.size());
    if (w > 0) written_ += w;
    if (written_ > kMaxLogBytes) Reopen();
  }

  size_t GetLogFileSize() const override {
    std::lock_guard lock(mu_);
    return static_cast<size_t>(written_);
  }

 private:
  // Called with mu_ held, or from the constructor.
  void Reopen() {
    if (fd_ >= 0) close(fd_);
    struct stat st;
    if (stat(path_.c_str(), &st) == 0 && st.st_size > kMaxLogBytes) {
      std::rename(path_.c_str(), (path_ + ".old").c_str());
    }
    fd_ = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    written_ = fd_ >= 0 && fstat(fd_, &st) == 0 ? st.st_size : 0;
  }

  const std::string path_;
  mutable std::mutex mu_;
  int fd_ = -1;
  off_t written_ = 0;
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksLogger(const std::string& path) {
  return std::make_shared<FileLogger>(path);
}

}  // namespace jejak::base
